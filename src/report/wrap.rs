//! Line breaking for prose and table cells, in English and Chinese.
//!
//! Latin text breaks at spaces. Chinese has no spaces, so a line may break
//! between any two CJK characters, except where Chinese typography forbids
//! it: never before a closing mark (，。、；：？！）」』” …) and never after
//! an opening one (（「『“). A number stays with its unit (`2.0 MiB`,
//! `12.0 ms`, `3 次`), a dash pair (——) stays whole, and a word longer than
//! the line is cut, so that no line is wider than asked. Widths are display
//! columns (unicode-width: a CJK character takes two).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Wraps `text` to `width` display columns, the first line after `first`
/// and the rest indented by `indent` spaces. A `\n` in `text` starts a new
/// (indented) line.
pub fn wrap(text: &str, width: usize, first: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from(first);
    let mut col = first.width();
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            out.push_str(&pad);
            col = indent;
        }
        // Text on this line yet (a paragraph's leading spaces are kept,
        // the spaces at a break we make are dropped).
        let mut filled = false;
        for atom in atoms(paragraph) {
            let mut lead = atom.spaces;
            if filled && col + lead + atom.width > width {
                out.push('\n');
                out.push_str(&pad);
                col = indent;
                filled = false;
                lead = 0;
            }
            out.push_str(&" ".repeat(lead));
            col += lead;
            // Longer than a whole line: cut it, as little as possible.
            let mut rest = atom.text.as_str();
            while !filled && rest.width() > width.saturating_sub(col) {
                let (head, tail) = cut(rest, width.saturating_sub(col));
                if head.is_empty() || tail.is_empty() {
                    break;
                }
                out.push_str(head);
                out.push('\n');
                out.push_str(&pad);
                col = indent;
                rest = tail;
            }
            out.push_str(rest);
            col += rest.width();
            filled = true;
        }
    }
    out
}

/// The display width of the widest piece of `text` that [`wrap`] does not
/// break (a word, a number with its unit): the narrowest column it fits in
/// whole.
pub fn longest_atom(text: &str) -> usize {
    text.split('\n')
        .flat_map(atoms)
        .map(|a| a.width)
        .max()
        .unwrap_or(0)
}

/// One piece of a line that is never broken inside.
#[derive(Debug)]
struct Atom {
    text: String,
    width: usize,
    /// Spaces between it and the atom before (dropped at a line break).
    spaces: usize,
}

/// Splits a paragraph into atoms: breaks are allowed only between them.
fn atoms(text: &str) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    let mut spaces = 0;
    // Tokens of a multi-character unit still to be kept together.
    let mut glued = 0usize;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with(' ') {
            spaces += 1;
            i += 1;
            continue;
        }
        let tok = &rest[..token_len(rest)];
        let join = match out.last() {
            None => false,
            Some(_) if glued > 0 => {
                glued -= 1;
                true
            }
            Some(prev) => match unit_after_number(&prev.text, rest) {
                Some(unit) => {
                    glued = unit - 1;
                    true
                }
                None => !may_break(&prev.text, tok, spaces > 0),
            },
        };
        match out.last_mut() {
            Some(prev) if join => {
                prev.text.push_str(&" ".repeat(spaces));
                prev.text.push_str(tok);
                prev.width += spaces + tok.width();
            }
            _ => out.push(Atom {
                text: tok.to_string(),
                width: tok.width(),
                spaces,
            }),
        }
        spaces = 0;
        i += tok.len();
    }
    out
}

/// The length in bytes of the token at the start of `s` (not a space): one
/// wide character, a run of dashes, or a run of other narrow characters.
fn token_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, c)) = chars.next() else {
        return 0;
    };
    if is_wide(c) {
        return c.len_utf8();
    }
    let dash = c == '—';
    let mut after_range = c == '–';
    for (i, c) in chars {
        if c == ' '
            || is_wide(c)
            || (c == '—') != dash
            || is_opener(c)
            || is_closer(c)
            || after_range
        {
            return i;
        }
        // A range (`22–28 MiB/s`) may break after its dash.
        after_range = c == '–';
    }
    s.len()
}

/// Whether a line may break between `prev` (the text so far of the atom
/// before) and the token `next`, `space` telling whether a space separates
/// them.
fn may_break(prev: &str, next: &str, space: bool) -> bool {
    let (Some(a), Some(b)) = (prev.chars().last(), next.chars().next()) else {
        return false;
    };
    if is_closer(b) || is_opener(a) || b == '—' {
        return false;
    }
    // A comparison sign stays with the number after it (`< 1 ms`).
    if "<>≤≥≈~".contains(a) && last_word(prev).chars().count() == 1 && b.is_ascii_digit() {
        return false;
    }
    space || is_wide(a) || is_wide(b) || a == '—' || a == '–'
}

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) > 1
}

/// Marks a line may not start with.
fn is_closer(c: char) -> bool {
    "，。、；：？！）」』”’》］〕】…%".contains(c)
}

/// Marks a line may not end with.
fn is_opener(c: char) -> bool {
    "（「『“‘《［〔【".contains(c)
}

/// Units a number keeps on its line: `2.0 MiB`, `12.0 ms`, `40 MiB/s`.
const UNITS: &[&str] = &[
    "KiB", "MiB", "GiB", "TiB", "kB", "KB", "MB", "GB", "TB", "B", "bytes", "byte", "bits", "bit",
    "Gbit", "Mbit", "ms", "µs", "us", "ns", "s", "min", "h", "Hz", "kHz", "MHz", "GHz", "%", "×",
];

/// Chinese units and measure words a number keeps on its line.
const CJK_UNITS: &[&str] = &[
    "字节", "毫秒", "微秒", "纳秒", "分钟", "小时", "次", "个", "倍", "秒", "块", "行", "页", "条",
    "种", "轮", "跳", "核", "项", "步", "位",
];

/// Whether `word` ends with a number (`4`, `2.0`, `1,048,576`, `+12`,
/// `~3`, the `28` of `22–28`) rather than a name with digits (`x86_64`,
/// `sha256`).
pub(crate) fn is_number(word: &str) -> bool {
    if !word.ends_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let body = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
    !body.ends_with(|c: char| c.is_alphanumeric() || c == '_')
}

/// The narrow word at the end of `text` (after its last space or wide
/// character).
fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| *c == ' ' || is_wide(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

/// When `prev` ends with a number and `rest` starts with a unit, the unit's
/// length in tokens (1 for a Latin unit, its characters for a Chinese one).
fn unit_after_number(prev: &str, rest: &str) -> Option<usize> {
    if !is_number(last_word(prev)) {
        return None;
    }
    unit_at(rest)
}

/// The length in tokens of the unit `rest` starts with, if it does.
pub(crate) fn unit_at(rest: &str) -> Option<usize> {
    if let Some(u) = CJK_UNITS.iter().find(|u| rest.starts_with(**u)) {
        return Some(u.chars().count());
    }
    UNITS.iter().find_map(|u| {
        let after = rest.strip_prefix(u)?;
        let after = after.strip_prefix("/s").unwrap_or(after);
        let next = after.chars().next();
        (!next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(1)
    })
}

/// Cuts a too-long atom to at most `avail` columns: at a space inside it
/// (`2.0 MiB`, the number and its unit were kept together), else after a
/// `/`, `-`, `_`, `,` or `.` in the second half, else anywhere; never right
/// before a closing mark. Returns (head, tail); head is empty when nothing
/// fits.
fn cut(s: &str, avail: usize) -> (&str, &str) {
    let mut col = 0;
    let mut end = 0;
    let mut space = None;
    let mut soft = None;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if col + w > avail {
            break;
        }
        col += w;
        end = i + c.len_utf8();
        if c == ' ' && i > 0 {
            space = Some(i);
        } else if "/-_,.".contains(c) && col * 2 >= avail {
            soft = Some(end);
        }
    }
    if let Some(at) = space {
        let (head, tail) = s.split_at(at);
        return (head, &tail[1..]);
    }
    let mut at = soft.unwrap_or(end);
    while at > 0 && s[at..].chars().next().is_some_and(is_closer) {
        at = s[..at].char_indices().next_back().map_or(0, |(i, _)| i);
    }
    if at == 0 && end > 0 {
        // A line of closers only: better a closer at a line start than an
        // endless line.
        at = end;
    }
    s.split_at(at)
}

/// For snapshot tests: asserts that every line of `text` fits `width`, that
/// no line, nor a table cell's line, starts with a closing mark or ends with
/// an opening one, and that no unit starts a cell line or line whose line
/// above ends with a number.
#[cfg(test)]
pub(crate) fn assert_typeset(text: &str, width: usize) {
    let pieces = |line: &str| -> Vec<String> {
        line.split(['│', '┆', '|'])
            .map(|p| p.trim().to_string())
            .collect()
    };
    let mut above: Vec<String> = Vec::new();
    for line in text.lines() {
        let w = line.width();
        assert!(
            w <= width,
            "line of {w} columns > {width}:\n{line}\n---\n{text}"
        );
        let now = pieces(line);
        for (k, p) in now.iter().enumerate() {
            let (first, last) = (p.chars().next(), p.chars().last());
            assert!(
                !first.is_some_and(|c| "，。、；：？！）」』”".contains(c)),
                "a line starts with a closing mark:\n{line}\n---\n{text}"
            );
            assert!(
                !last.is_some_and(|c| "（「『“".contains(c)),
                "a line ends with an opening mark:\n{line}\n---\n{text}"
            );
            let over = (above.len() == now.len()).then(|| &above[k]);
            assert!(
                !(over.is_some_and(|o| o.ends_with(|c: char| c.is_ascii_digit()))
                    && ["KiB", "MiB", "GiB", "ms", "µs", "ns", "次", "倍"]
                        .iter()
                        .any(|u| p.starts_with(u))),
                "a number parted from its unit:\n{line}\n---\n{text}"
            );
        }
        above = now;
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use unicode_width::UnicodeWidthStr;

    fn is_closer(s: &str) -> bool {
        s.chars().next().is_some_and(super::is_closer)
    }

    fn is_opener(s: &str) -> bool {
        s.chars().next().is_some_and(super::is_opener)
    }

    #[test]
    fn wraps_latin_at_spaces_and_cjk_anywhere() {
        assert_eq!(wrap("aaa bbb ccc", 8, "", 0), "aaa bbb\nccc");
        assert_eq!(wrap("aaa bbb", 20, "  1. ", 5), "  1. aaa bbb");
        let zh = wrap("零拷贝让数据直接从页缓存进入网卡", 12, "", 0);
        for line in zh.lines() {
            assert!(UnicodeWidthStr::width(line) <= 12, "{zh}");
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
                assert!(!is_closer(&first), "width {width}:\n{out}");
                assert!(!is_opener(&last), "width {width}:\n{out}");
                assert!(line.width() <= width, "width {width}:\n{out}");
            }
            let squeeze = |s: &str| s.replace(['\n', ' '], "");
            assert_eq!(
                squeeze(&out),
                squeeze(text),
                "nothing lost at width {width}"
            );
        }
    }

    #[test]
    fn numbers_keep_their_units() {
        let text = "经过用户空间：2.0 MiB，用时 0.040 s，范围 22 MiB/s–28 MiB/s，共 513 次系统调用";
        for width in 14..40 {
            let out = wrap(text, width, "", 2);
            for line in out.lines() {
                assert!(line.width() <= width, "width {width}:\n{out}");
                for unit in ["MiB", "s", "次", "MiB/s"] {
                    assert!(
                        !line.trim_start().starts_with(unit)
                            || line.trim_start().starts_with("MiB/s–"),
                        "unit {unit} starts a line at width {width}:\n{out}"
                    );
                }
            }
        }
        assert_eq!(wrap("sent 2.0 MiB", 10, "", 0), "sent\n2.0 MiB");
        assert_eq!(wrap("发送 2.0 MiB", 10, "", 0), "发送\n2.0 MiB");
        assert_eq!(wrap("总共 4 次", 7, "", 0), "总共\n4 次");
        assert_eq!(
            wrap("默认 32 KiB的缓冲区", 10, "", 0),
            "默认\n32 KiB的缓\n冲区"
        );
        // Not units: a word that only starts like one.
        assert_eq!(wrap("page 4 steps", 7, "", 0), "page 4\nsteps");
    }

    #[test]
    fn a_dash_pair_stays_whole_and_long_words_are_cut() {
        let out = wrap("zclab count——cat 文件——退出状态 0", 16, "", 0);
        for line in out.lines() {
            assert!(!line.starts_with('—'), "{out}");
            assert!(line.width() <= 16, "{out}");
        }
        let path = "/tmp/a-very-long-directory-name/and-a-file-name.log";
        let out = wrap(path, 20, "", 2);
        for line in out.lines() {
            assert!(line.width() <= 20, "{out}");
        }
        assert_eq!(out.replace(['\n', ' '], ""), path);
    }

    #[test]
    fn ranges_break_after_their_dash_and_signs_keep_their_number() {
        let out = wrap("范围 152 MiB/s–152 MiB/s，用时 0.007 s", 17, "", 0);
        assert_eq!(out, "范围 152 MiB/s–\n152 MiB/s，用时\n0.007 s");
        assert_eq!(
            wrap("无法比较（< 1 ms）", 14, "", 0),
            "无法比较\n（< 1 ms）"
        );
    }

    #[test]
    fn newlines_start_indented_lines() {
        assert_eq!(wrap("a\nb", 10, "- ", 2), "- a\n  b");
    }
}
