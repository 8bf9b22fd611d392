//! Rendering: tables for people, JSON for tools, progress bars for the
//! wait. Everything here takes a finished view (`crate::view`) and a render
//! context (`crate::ctx::Ctx`) and returns text; see `compare` for the
//! pattern.

pub mod attach;
pub mod compare;
pub mod count;
pub mod json;
pub mod layout;
pub mod progress;

/// Wraps `text` to `width` display columns, the first line after `first`
/// and the rest indented by `indent` spaces. Breaks at spaces; CJK text,
/// which has none, may break between any two characters.
pub fn wrap(text: &str, width: usize, first: &str, indent: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::from(first);
    let mut col = first.width();
    let pad = " ".repeat(indent);
    for word in split_keep(text) {
        let w = word.width();
        if col + w > width && col > indent && !word.trim().is_empty() {
            out = out.trim_end_matches(' ').to_string();
            out.push('\n');
            out.push_str(&pad);
            col = indent;
            if word == " " {
                continue;
            }
        }
        out.push_str(word);
        col += w;
    }
    out
}

/// Splits into words, spaces and single wide characters, so that CJK text
/// can break anywhere and Latin text only at spaces.
fn split_keep(text: &str) -> Vec<&str> {
    use unicode_width::UnicodeWidthChar;
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let wide = c.width().unwrap_or(0) > 1;
        if c == ' ' || wide {
            if start < i {
                parts.push(&text[start..i]);
            }
            parts.push(&text[i..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_latin_at_spaces_and_cjk_anywhere() {
        assert_eq!(wrap("aaa bbb ccc", 8, "", 0), "aaa bbb\nccc");
        assert_eq!(wrap("aaa bbb", 20, "  1. ", 5), "  1. aaa bbb");
        let zh = wrap("零拷贝让数据直接从页缓存进入网卡", 12, "", 0);
        for line in zh.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(line) <= 12, "{zh}");
        }
    }
}
