//! A screen taller than the terminal (a trace run is) is paged as a pager
//! pages: the header stays, the body scrolls with space/PgDn/PgUp, the
//! arrow keys and j/k.

use super::super::render;
use crate::terminal::{self, Key};

/// Lines the header of a screen takes (title bar and a blank line).
const HEADER_ROWS: usize = 2;

/// Body rows that fit under the header and above the position line, the
/// blank line, the keys (which may wrap once) and the cursor's line.
pub fn body_rows(rows: usize) -> usize {
    rows.saturating_sub(HEADER_ROWS + 5).max(5)
}

/// Terminal rows a line takes once the terminal wraps it at `cols`.
pub fn rows_of(line: &str, cols: usize) -> usize {
    // Colour escapes take no room.
    let mut visible = String::new();
    let mut in_escape = false;
    for c in line.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, c) => visible.push(c),
        }
    }
    render::str_width(&visible).div_ceil(cols.max(1)).max(1)
}

/// Where a paged screen is: body lines `from..=to` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub from: usize,
    pub to: usize,
    pub total: usize,
}

impl Page {
    pub fn at_end(&self) -> bool {
        self.to >= self.total
    }
}

/// Cuts a screen (`CLEAR` + header + body) to the terminal's height,
/// starting the body at line `offset` (clamped so the last page is full).
/// Long lines count as the rows they wrap to. Returns the screen to show
/// and, when it had to be cut, which body lines it shows.
pub fn page_view(screen: &str, rows: usize, cols: usize, offset: usize) -> (String, Option<Page>) {
    let content = screen.strip_prefix(terminal::CLEAR).unwrap_or(screen);
    let lines: Vec<&str> = content.lines().collect();
    let head = HEADER_ROWS.min(lines.len());
    let head_rows: usize = lines[..head].iter().map(|l| rows_of(l, cols)).sum();
    let room = body_rows(rows)
        .saturating_sub(head_rows.saturating_sub(HEADER_ROWS))
        .max(3);
    let body = &lines[head..];
    let body_rows_total: usize = body.iter().map(|l| rows_of(l, cols)).sum();
    if body_rows_total <= room {
        return (screen.to_string(), None);
    }
    // The last offset that still fills a page.
    let mut last = body.len();
    let mut used = 0;
    while last > 0 && used + rows_of(body[last - 1], cols) <= room {
        used += rows_of(body[last - 1], cols);
        last -= 1;
    }
    let start = offset.min(last);
    let mut end = start;
    let mut used = 0;
    while end < body.len() && used + rows_of(body[end], cols) <= room {
        used += rows_of(body[end], cols);
        end += 1;
    }
    let end = end.max(start + 1).min(body.len());
    let mut out = String::from(terminal::CLEAR);
    for l in lines[..head].iter().chain(&body[start..end]) {
        out.push_str(l);
        out.push('\n');
    }
    let page = Page {
        from: start + 1,
        to: end,
        total: body.len(),
    };
    (out, Some(page))
}

/// The new offset after a scrolling key on a paged screen, or `None` when
/// the key does not scroll. Space scrolls only while there is more below
/// (at the end it moves on, as in a pager).
pub fn scroll(key: Key, offset: usize, page: Page, rows: usize) -> Option<usize> {
    let shown = page.to + 1 - page.from;
    let step = body_rows(rows).min(shown).max(1);
    // `offset` may sit past the clamped start; scroll from what is shown.
    let at = page.from - 1;
    match key {
        Key::Space | Key::PageDown | Key::Char('j') if !page.at_end() => Some(at + step),
        Key::PageDown | Key::Char('j') => Some(offset),
        Key::PageUp | Key::Char('k') => Some(at.saturating_sub(step)),
        Key::Down => Some(if page.at_end() { at } else { at + 1 }),
        Key::Up => Some(at.saturating_sub(1)),
        _ => None,
    }
}

/// The terminal's height in rows (24 when it cannot be asked).
pub fn terminal_rows() -> usize {
    // SAFETY: TIOCGWINSZ fills a plain `winsize` struct that we own; fd 1
    // (stdout) is open for the life of the process.
    let mut ws: nix::libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { nix::libc::ioctl(1, nix::libc::TIOCGWINSZ, &mut ws) };
    if rc == 0 && ws.ws_row > 0 {
        ws.ws_row as usize
    } else {
        24
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tall_screens_are_paged_under_a_fixed_header() {
        let body: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        let screen = format!("{}Header\n\n{body}", terminal::CLEAR);
        let (shown, page) = page_view(&screen, 24, 80, 0);
        let p = |from, to, total| Some(Page { from, to, total });
        assert_eq!(page, p(1, 17, 50));
        assert!(shown.contains("Header\n\nline 1\n") && !shown.contains("line 18\n"));
        let (shown, page) = page_view(&screen, 24, 80, 1000);
        assert_eq!(page, p(34, 50, 50));
        assert!(shown.contains("Header\n\nline 34\n") && shown.ends_with("line 50\n"));
        let short = format!("{}Header\n\nshort\n", terminal::CLEAR);
        assert_eq!(page_view(&short, 24, 80, 3), (short.clone(), None));
        // A line twice the width takes two rows.
        assert_eq!(rows_of(&"x".repeat(160), 80), 2);
        assert_eq!(rows_of("\x1b[1mbold\x1b[0m", 80), 1);
        let wide: String = (1..=50)
            .map(|i| format!("{i}{}\n", "y".repeat(100)))
            .collect();
        let (_, page) = page_view(&format!("{}H\n\n{wide}", terminal::CLEAR), 24, 80, 0);
        assert_eq!(page, p(1, 8, 50));
    }

    #[test]
    fn pager_keys_scroll() {
        let top = Page {
            from: 1,
            to: 17,
            total: 50,
        };
        assert_eq!(scroll(Key::Space, 0, top, 24), Some(17));
        assert_eq!(scroll(Key::PageDown, 0, top, 24), Some(17));
        assert_eq!(scroll(Key::Down, 0, top, 24), Some(1));
        assert_eq!(scroll(Key::Up, 0, top, 24), Some(0));
        assert_eq!(scroll(Key::Enter, 0, top, 24), None);
        let end = Page {
            from: 34,
            to: 50,
            total: 50,
        };
        // At the end space moves on; PgUp goes back a page.
        assert_eq!(scroll(Key::Space, 1000, end, 24), None);
        assert_eq!(scroll(Key::PageUp, 1000, end, 24), Some(16));
        assert_eq!(scroll(Key::Down, 1000, end, 24), Some(33));
    }
}
