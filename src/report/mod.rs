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
pub mod verify;

/// Wraps `text` to `width` display columns, the first line after `first`
/// and the rest indented by `indent` spaces. Breaks at spaces; CJK text,
/// which has none, may break between any two characters, except before a
/// closing mark (，。：；！？）” …) or after an opening one (（“), as
/// Chinese typography asks: the character before the closer moves down
/// with it.
pub fn wrap(text: &str, width: usize, first: &str, indent: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<Vec<&str>> = vec![Vec::new()];
    let mut col = first.width();
    for word in split_keep(text) {
        let w = word.width();
        let line = lines.last_mut().expect("one line at least");
        if col + w > width && col > indent && !word.trim().is_empty() {
            while line.last() == Some(&" ") {
                line.pop();
            }
            // Carry down what may not end a line, and the character a
            // closer must stay with.
            let mut carried: Vec<&str> = Vec::new();
            if is_closer(word) {
                while line.last().is_some_and(|l| is_closer(l)) {
                    carried.insert(0, line.pop().unwrap_or_default());
                }
                if line.last().is_some_and(|l| *l != " ") {
                    carried.insert(0, line.pop().unwrap_or_default());
                }
            }
            while line.last().is_some_and(|l| is_opener(l)) {
                carried.insert(0, line.pop().unwrap_or_default());
            }
            if line.is_empty() {
                // Nothing left to break before: keep it all on this line.
                line.extend(carried);
                line.push(word);
                col += w;
                continue;
            }
            col = indent + carried.iter().map(|c| c.width()).sum::<usize>();
            lines.push(carried);
            if word == " " {
                continue;
            }
        }
        lines.last_mut().expect("one line at least").push(word);
        col += w;
    }
    let pad = " ".repeat(indent);
    let mut out = String::from(first);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(&line.concat());
    }
    out
}

/// Marks a line may not start with.
fn is_closer(s: &str) -> bool {
    matches!(
        s,
        "，" | "。" | "：" | "；" | "！" | "？" | "）" | "”" | "、" | "》" | "］" | "」"
    )
}

/// Marks a line may not end with.
fn is_opener(s: &str) -> bool {
    matches!(s, "（" | "“" | "《" | "［" | "「")
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

    #[test]
    fn no_line_starts_with_a_closer_or_ends_with_an_opener() {
        let text = "数据一个字节也没有进入用户空间（见 rchar），拷贝的证据是“自计数”。再来一句话，看看标点。";
        for width in 6..30 {
            let out = wrap(text, width, "", 0);
            for line in out.lines() {
                let first = line.chars().next().map(String::from).unwrap_or_default();
                let last = line.chars().last().map(String::from).unwrap_or_default();
                assert!(!super::is_closer(&first), "width {width}:\n{out}");
                assert!(!super::is_opener(&last), "width {width}:\n{out}");
            }
            let squeeze = |s: &str| s.replace(['\n', ' '], "");
            assert_eq!(
                squeeze(&out),
                squeeze(text),
                "nothing lost at width {width}"
            );
        }
    }
}
