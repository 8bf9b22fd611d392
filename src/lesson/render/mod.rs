//! Markdown of a text step → terminal text: headings, emphasis, inline code,
//! code blocks, lists and tables, wrapped to a width. Chinese has no spaces
//! between words, so a line may break before any CJK character, and CJK
//! characters count two columns.
//!
//! Deliberately small: the lesson files use a handful of Markdown features
//! (FORMAT.md), and a handout must read well without colour too, so code
//! keeps its backticks when colour is off.

use colored::Colorize;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Bold,
    Italic,
    Code,
}

/// Display width of a character in a terminal (unicode-width, as every
/// other renderer measures).
pub fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// CJK punctuation that must not start a line.
fn no_break_before(c: char) -> bool {
    "，。、；：？！）」』”’》…".contains(c)
}

/// CJK punctuation that must not end a line.
fn no_break_after(c: char) -> bool {
    "（「『“‘《".contains(c)
}

/// Full-width punctuation: no space goes next to it (ZH-STYLE).
fn full_width_punct(c: char) -> bool {
    no_break_before(c)
        || no_break_after(c)
        || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

fn styled(s: &str, style: Style, color: bool) -> String {
    match (style, color) {
        (Style::Plain, _) => s.to_string(),
        (Style::Bold, true) => s.bold().to_string(),
        (Style::Italic, true) => s.italic().to_string(),
        (Style::Code, true) => s.cyan().to_string(),
        (Style::Code, false) => format!("`{s}`"),
        (_, false) => s.to_string(),
    }
}

/// Splits inline Markdown into styled runs: `**bold**`, `*italic*`, `` `code` ``.
fn inline(text: &str) -> Vec<(String, Style)> {
    let mut out: Vec<(String, Style)> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let flush = |cur: &mut String, out: &mut Vec<(String, Style)>| {
        if !cur.is_empty() {
            out.push((std::mem::take(cur), Style::Plain));
        }
    };
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        let span = |open: &str, close: &str| -> Option<(String, usize)> {
            let body = rest.strip_prefix(open)?;
            let end = body.find(close)?;
            let inner = &body[..end];
            if inner.is_empty() || inner.starts_with(' ') || inner.ends_with(' ') {
                return None;
            }
            Some((
                inner.to_string(),
                open.chars().count() + inner.chars().count() + close.chars().count(),
            ))
        };
        let found = if chars[i] == '`' {
            span("`", "`").map(|(s, n)| (s, n, Style::Code))
        } else if rest.starts_with("**") {
            span("**", "**").map(|(s, n)| (s, n, Style::Bold))
        } else if chars[i] == '*' {
            span("*", "*").map(|(s, n)| (s, n, Style::Italic))
        } else {
            None
        };
        match found {
            Some((s, n, style)) => {
                flush(&mut cur, &mut out);
                out.push((s, style));
                i += n;
            }
            None => {
                cur.push(chars[i]);
                i += 1;
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// One unbreakable piece of a paragraph.
struct Atom {
    /// The text as shown, without styling (for the unit rule).
    shown: String,
    text: String,
    width: usize,
    space_before: bool,
    can_break_before: bool,
    /// The first and last characters shown (for the spacing and line-break
    /// rules around full-width punctuation).
    first: char,
    last: char,
}

impl Atom {
    fn new(shown: &str, text: String, width: usize, space_before: bool, can_break: bool) -> Atom {
        Atom {
            shown: shown.to_string(),
            text,
            width,
            space_before,
            can_break_before: can_break,
            first: shown.chars().next().unwrap_or(' '),
            last: shown.chars().last().unwrap_or(' '),
        }
    }
}

fn atoms(text: &str, color: bool) -> Vec<Atom> {
    let mut out = Vec::new();
    let mut pending_space = false;
    for (run, style) in inline(text) {
        // Code spans stay whole so a command is never split.
        if style == Style::Code {
            let width = str_width(&run) + if color { 0 } else { 2 };
            let text = styled(&run, style, color);
            out.push(Atom::new(&run, text, width, pending_space, true));
            pending_space = false;
            continue;
        }
        let mut word = String::new();
        let push_word = |word: &mut String, out: &mut Vec<Atom>, pending: &mut bool| {
            if !word.is_empty() {
                let text = styled(word, style, color);
                out.push(Atom::new(word, text, str_width(word), *pending, true));
                word.clear();
                *pending = false;
            }
        };
        for c in run.chars() {
            if c == ' ' {
                push_word(&mut word, &mut out, &mut pending_space);
                pending_space = true;
            } else if is_wide(c) {
                push_word(&mut word, &mut out, &mut pending_space);
                let shown = c.to_string();
                let text = styled(&shown, style, color);
                out.push(Atom::new(
                    &shown,
                    text,
                    2,
                    pending_space,
                    !no_break_before(c),
                ));
                pending_space = false;
            } else {
                word.push(c);
            }
        }
        push_word(&mut word, &mut out, &mut pending_space);
    }
    // No space next to full-width punctuation, and no line break right
    // after an opening bracket or quote.
    let len = out.len();
    for i in 1..len {
        let (prev_last, first) = (out[i - 1].last, out[i].first);
        if full_width_punct(prev_last) || full_width_punct(first) {
            out[i].space_before = false;
        }
        if no_break_after(prev_last) || no_break_before(first) {
            out[i].can_break_before = false;
        }
        // A number keeps its unit (`4 KiB`, `2 次`, `12 字节`).
        let ahead: String = out[i..(i + 2).min(len)]
            .iter()
            .map(|a| a.shown.as_str())
            .collect();
        if crate::report::is_number(&out[i - 1].shown)
            && let Some(n) = crate::report::unit_at(&ahead)
        {
            for a in &mut out[i..(i + n).min(len)] {
                a.can_break_before = false;
            }
        }
    }
    // What may not be separated is one atom: an opening bracket travels
    // with what follows it, a closing mark with what precedes it, so a line
    // that must break there breaks before the pair and stays in its width.
    let mut merged: Vec<Atom> = Vec::with_capacity(out.len());
    for a in out {
        match merged.last_mut() {
            Some(prev) if !a.can_break_before => {
                if a.space_before {
                    prev.text.push(' ');
                    prev.width += 1;
                }
                prev.text.push_str(&a.text);
                prev.shown.push_str(&a.shown);
                prev.width += a.width;
                prev.last = a.last;
            }
            _ => merged.push(a),
        }
    }
    merged
}

/// Wraps a paragraph; `first` and `rest` are the prefixes of the first and
/// the following lines (a list bullet and its hanging indent).
fn wrap(text: &str, width: usize, first: &str, rest: &str, color: bool) -> String {
    let mut out = String::from(first);
    let mut col = str_width(first);
    let mut line_empty = true;
    for a in atoms(text, color) {
        let need = a.width + usize::from(a.space_before && !line_empty);
        if !line_empty && a.can_break_before && col + need > width {
            out.push('\n');
            out.push_str(rest);
            col = str_width(rest);
            line_empty = true;
        }
        if a.space_before && !line_empty {
            out.push(' ');
            col += 1;
        }
        out.push_str(&a.text);
        col += a.width;
        line_empty = false;
    }
    out.push('\n');
    out
}

/// Joins source lines of one paragraph: a space between words, none where a
/// line break falls between Chinese characters.
fn join_lines(lines: &[&str]) -> String {
    let mut s = String::new();
    for l in lines {
        let l = l.trim();
        s.push_str(glue(&s, l));
        s.push_str(l);
    }
    s
}

/// What goes between two pieces of text that a line break separated in the
/// source: nothing between two Chinese characters or next to full-width
/// punctuation, a space otherwise (also between Chinese and Latin text, as
/// Chinese technical writing spaces them).
pub(crate) fn glue(before: &str, after: &str) -> &'static str {
    // Emphasis markers are not shown: look at the characters they wrap
    // (`让` + `*文件*` joins as 让文件).
    let marker = |c: char| c == '*' || c == '_';
    let shown_last = before.trim_end_matches(marker).chars().last();
    let shown_first = after.trim_start_matches(marker).chars().next();
    match (shown_last, shown_first) {
        (Some(a), Some(b)) if is_wide(a) && is_wide(b) => "",
        (Some(a), Some(b)) if full_width_punct(a) || full_width_punct(b) => "",
        (Some(_), Some(_)) => " ",
        _ => "",
    }
}

fn list_marker(line: &str) -> Option<(String, &str)> {
    let t = line.trim_start();
    if let Some(r) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some(("• ".to_string(), r));
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && t[digits..].starts_with(". ") {
        return Some((format!("{}. ", &t[..digits]), &t[digits + 2..]));
    }
    None
}

/// Renders one text step.
pub fn markdown(md: &str, width: usize, color: bool) -> String {
    let width = width.clamp(40, 100);
    let mut out = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if t.starts_with("```") {
            // A code block: shown as is, indented, without its fences.
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                let code = format!("    {}", lines[i]);
                out.push_str(&if color {
                    code.dimmed().to_string()
                } else {
                    code
                });
                out.push('\n');
                i += 1;
            }
            i += 1;
            continue;
        }
        if line.trim().is_empty() {
            if !out.ends_with("\n\n") && !out.is_empty() {
                out.push('\n');
            }
            i += 1;
            continue;
        }
        if t.starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            out.push_str(&super::md_table::table(&lines[start..i], width));
            continue;
        }
        if line.starts_with("    ") || line.starts_with('\t') {
            out.push_str(line);
            out.push('\n');
            i += 1;
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && t[hashes..].starts_with(' ') {
            let title = t[hashes..].trim();
            let shown = if color {
                title.bold().underline().to_string()
            } else if hashes == 1 {
                format!("{title}\n{}", "=".repeat(str_width(title)))
            } else {
                format!("{title}\n{}", "-".repeat(str_width(title)))
            };
            out.push_str(&shown);
            out.push_str("\n\n");
            i += 1;
            continue;
        }
        if let Some((marker, first)) = list_marker(line) {
            let indent = line.len() - t.len();
            let mut parts = vec![first];
            i += 1;
            while i < lines.len() {
                let l = lines[i];
                let lt = l.trim_start();
                if l.trim().is_empty() || list_marker(l).is_some() || l.len() - lt.len() <= indent {
                    break;
                }
                parts.push(lt);
                i += 1;
            }
            let lead = " ".repeat(indent);
            let first_prefix = format!("{lead}{marker}");
            let rest_prefix = " ".repeat(indent + str_width(&marker));
            out.push_str(&wrap(
                &join_lines(&parts),
                width,
                &first_prefix,
                &rest_prefix,
                color,
            ));
            continue;
        }
        let mut parts = vec![line];
        i += 1;
        while i < lines.len() {
            let l = lines[i];
            let lt = l.trim_start();
            if l.trim().is_empty()
                || lt.starts_with("```")
                || lt.starts_with('#')
                || lt.starts_with('|')
                || list_marker(l).is_some()
            {
                break;
            }
            parts.push(l);
            i += 1;
        }
        out.push_str(&wrap(&join_lines(&parts), width, "", "", color));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Wraps plain text (a question, a hint) with an optional prefix.
pub fn paragraph(text: &str, width: usize, prefix: &str, color: bool) -> String {
    let indent = " ".repeat(str_width(prefix));
    wrap(text, width.clamp(40, 100), prefix, &indent, color)
}

#[cfg(test)]
mod tests;
