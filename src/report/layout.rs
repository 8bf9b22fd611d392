//! Building blocks every renderer shares: tables laid out to the context's
//! width, bold and coloured text only when the context says so, and method
//! and place names from the catalogue.

use colored::Colorize;
use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
pub use comfy_table::{Attribute, CellAlignment, Color};
use comfy_table::{ColumnConstraint, ContentArrangement, Table, TableStyle, Width};

use unicode_width::UnicodeWidthStr;

use crate::ctx::Ctx;
use crate::methods::Method;
use crate::model::Place;
use crate::report::{longest_atom, wrap};
use crate::size::group_digits;
use crate::text::common as t;

/// A table with lines between rows, at most `ctx.width` wide.
pub fn new_table(ctx: &Ctx, header: Vec<Cell>) -> Grid {
    Grid::new(UTF8_FULL, ctx, header)
}

/// A table without lines between rows, for lists of counters.
pub fn condensed_table(ctx: &Ctx, header: Vec<Cell>) -> Grid {
    Grid::new(UTF8_FULL_CONDENSED, ctx, header)
}

/// A table cell: its text and how to show it. Like comfy-table's cell, but
/// its text is wrapped by [`Grid`] with the prose rules ([`crate::report::wrap`]):
/// no line starts with a closing mark or ends with an opening one, and a
/// number stays with its unit.
#[derive(Clone, Debug)]
pub struct Cell {
    text: String,
    alignment: Option<CellAlignment>,
    fg: Option<Color>,
    attributes: Vec<Attribute>,
}

impl Cell {
    pub fn new<T: ToString>(text: T) -> Cell {
        Cell {
            text: text.to_string(),
            alignment: None,
            fg: None,
            attributes: Vec::new(),
        }
    }

    pub fn fg(mut self, color: Color) -> Cell {
        self.fg = Some(color);
        self
    }

    pub fn add_attribute(mut self, attribute: Attribute) -> Cell {
        self.attributes.push(attribute);
        self
    }

    pub fn set_alignment(mut self, alignment: CellAlignment) -> Cell {
        self.alignment = Some(alignment);
        self
    }

    /// The cell's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The comfy-table cell showing `text` in this cell's style.
    fn styled(&self, text: &str) -> comfy_table::Cell {
        let mut c = comfy_table::Cell::new(text);
        if let Some(a) = self.alignment {
            c = c.set_alignment(a);
        }
        if let Some(color) = self.fg {
            c = c.fg(color);
        }
        for a in &self.attributes {
            c = c.add_attribute(*a);
        }
        c
    }
}

/// Cells up to this many columns wide are kept on one line when the width
/// allows.
const SHORT_CELL: usize = 12;

/// A table laid out to the context's width. comfy-table chooses the column
/// widths; the cells are then wrapped to them by [`crate::report::wrap`]
/// rather than by comfy-table, which breaks anywhere in a word without
/// spaces (a Chinese sentence before its comma) and between a number and its
/// unit.
#[derive(Clone, Debug)]
pub struct Grid {
    style: TableStyle,
    ctx: Ctx,
    header: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
}

impl Grid {
    fn new(style: TableStyle, ctx: &Ctx, header: Vec<Cell>) -> Grid {
        Grid {
            style,
            ctx: *ctx,
            header,
            rows: Vec::new(),
        }
    }

    pub fn add_row(&mut self, row: Vec<Cell>) -> &mut Grid {
        self.rows.push(row);
        self
    }

    /// The comfy-table table, each cell's text given by `text(column, cell)`.
    fn table(&self, text: impl Fn(usize, &Cell) -> String) -> Table {
        let row = |cells: &[Cell]| -> Vec<comfy_table::Cell> {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| c.styled(&text(i, c)))
                .collect()
        };
        let mut table = Table::new();
        table
            .load_style(self.style)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(self.ctx.width.min(u16::MAX as usize) as u16);
        if self.ctx.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_header(row(&self.header));
        for r in &self.rows {
            table.add_row(row(r));
        }
        table
    }

    /// Each column's narrowest width (padding included) that keeps a
    /// one-term header and its short cells on one line and every word and
    /// number-with-unit whole. When
    /// that is too wide, headers give way first (they wrap between Chinese
    /// characters), then the widest words; `None` when even that cannot fit.
    fn lower_bounds(&self) -> Option<Vec<u16>> {
        let columns = self.rows.iter().chain([&self.header]).map(Vec::len).max()?;
        // A short cell ("agree ✓", "4.2 MiB") stays on one line, a longer
        // one keeps its words whole.
        let whole = |text: &str| {
            let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
            if w <= SHORT_CELL {
                w
            } else {
                longest_atom(text)
            }
        };
        let mut words = vec![0usize; columns];
        for row in &self.rows {
            for (w, cell) in words.iter_mut().zip(row) {
                *w = (*w).max(whole(&cell.text));
            }
        }
        for (w, cell) in words.iter_mut().zip(&self.header) {
            *w = (*w).max(longest_atom(&cell.text));
        }
        let mut bounds: Vec<usize> = words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                // A header without spaces ("系统调用") is one term: keep it
                // whole rather than break it between its characters.
                let head = self
                    .header
                    .get(k)
                    .filter(|h| !h.text.contains(' '))
                    .map_or(0, |h| h.text.width());
                (*w).max(head)
            })
            .collect();
        // Three columns of rule and padding per cell, one more at the end.
        let budget = self.ctx.width.checked_sub(3 * columns + 1)?;
        while bounds.iter().sum::<usize>() > budget {
            let header_wider = bounds
                .iter_mut()
                .zip(&words)
                .filter(|(b, w)| **b > **w)
                .max_by_key(|(b, _)| **b);
            let widest = match header_wider {
                Some((b, _)) => b,
                None => bounds.iter_mut().max()?,
            };
            if *widest <= 4 {
                return None;
            }
            *widest -= 1;
        }
        bounds.iter().map(|b| u16::try_from(b + 2).ok()).collect()
    }

    /// The table as text: laid out once to learn the column widths (no
    /// narrower than their longest words, where the width allows), then
    /// again with every cell wrapped to its column and the widths fixed.
    pub fn render(&self) -> String {
        let mut first = self.table(|_, c| c.text.clone());
        if let Some(bounds) = self.lower_bounds() {
            for (column, b) in first.column_iter_mut().zip(bounds) {
                column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(b)));
            }
        }
        let Some(widths) = column_widths(&first) else {
            return first.to_string();
        };
        let inner = |i: usize| usize::from(widths.get(i).copied().unwrap_or(3)).saturating_sub(2);
        let mut table = self.table(|i, c| wrap(&c.text, inner(i).max(1), "", 0));
        for (column, w) in table.column_iter_mut().zip(&widths) {
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(*w)));
        }
        table.to_string()
    }
}

impl std::fmt::Display for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// The width of every column, padding included, read from the table's top
/// border (`┌────┬──┐`); `None` when there is no such border.
fn column_widths(table: &Table) -> Option<Vec<u16>> {
    let top = table.lines().next()?;
    let inner = top.strip_prefix('┌')?.strip_suffix('┐')?;
    inner
        .split('┬')
        .map(|seg| u16::try_from(seg.chars().count()).ok())
        .collect()
}

/// A bold header cell.
pub fn head(text: &str) -> Cell {
    Cell::new(text).add_attribute(Attribute::Bold)
}

/// A right-aligned number with grouped digits.
pub fn num(n: u64) -> Cell {
    Cell::new(group_digits(n)).set_alignment(CellAlignment::Right)
}

/// How a piece of text is emphasised when colour is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    Bold,
    Good,
    Bad,
    Warn,
    Dim,
    Cpu,
    Dma,
}

/// `text`, styled only when the context has colour.
pub fn paint(ctx: &Ctx, text: &str, how: Paint) -> String {
    if !ctx.color {
        return text.to_string();
    }
    match how {
        Paint::Bold => text.bold(),
        Paint::Good => text.green(),
        Paint::Bad => text.red().bold(),
        Paint::Warn => text.yellow(),
        Paint::Dim => text.dimmed(),
        Paint::Cpu => text.yellow(),
        Paint::Dma => text.blue(),
    }
    .to_string()
}

/// The method's name as a column title.
pub fn method_title(m: Method, ctx: &Ctx) -> &'static str {
    match m {
        Method::ReadWrite => ctx.t(t::TITLE_READ_WRITE),
        Method::Sendfile => ctx.t(t::TITLE_SENDFILE),
        Method::Mmap => ctx.t(crate::text::roads::TITLE_MMAP),
        Method::Splice => ctx.t(crate::text::roads::TITLE_SPLICE),
        Method::MsgZerocopy => ctx.t(crate::text::roads::TITLE_MSG_ZEROCOPY),
        Method::IoUring => ctx.t(crate::text::roads::TITLE_IO_URING),
    }
}

/// Where data sits, in words.
pub fn place(p: Place, ctx: &Ctx) -> &'static str {
    ctx.t(match p {
        Place::Disk => t::PLACE_DISK,
        Place::PageCache => t::PLACE_PAGE_CACHE,
        Place::UserBuffer => t::PLACE_USER_BUFFER,
        Place::SocketBuffer => t::PLACE_SOCKET_BUFFER,
        Place::Nic => t::PLACE_NIC,
    })
}

/// Numbered notes, each wrapped to the width.
pub fn numbered(ctx: &Ctx, notes: &[String]) -> String {
    let mut out = String::new();
    for (i, note) in notes.iter().enumerate() {
        out.push_str(&ctx.wrap(note, &format!("  {}. ", i + 1), 5));
        out.push('\n');
    }
    out
}

/// A section title: a blank line, then the title in bold, wrapped.
pub fn section(ctx: &Ctx, title: &str) -> String {
    format!("\n{}\n", paint(ctx, &ctx.wrap(title, "", 0), Paint::Bold))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// Cells that comfy-table alone breaks badly: a sentence whose comma
    /// falls at the column's edge, a number and its unit, a long word.
    fn grid(ctx: &Ctx) -> String {
        let mut g = new_table(
            ctx,
            vec![head("项目"), head("传统方式（read + write）"), head("对比")],
        );
        g.add_row(vec![
            head("数据拷贝次数"),
            Cell::new("经过用户空间：2.0 MiB［自计数］，文章：4 次（磁盘 → 内核 → 用户 → 网络）"),
            Cell::new("用户空间字节 2.0 MiB → 0 B，少了 2 次 CPU 拷贝。"),
        ]);
        g.add_row(vec![
            head("voluntary_ctxt_switches"),
            num(1_048_576),
            Cell::new("一致 ✓").fg(Color::Green),
        ]);
        g.render()
    }

    #[test]
    fn cells_follow_the_prose_rules_at_every_width() {
        for width in 40..=120 {
            let text = grid(&Ctx::plain(Lang::Zh, width));
            crate::report::assert_typeset(&text, width);
            // The second column, read down, holds the whole text.
            let column: String = text
                .lines()
                .filter_map(|l| l.split(['│', '┆']).nth(2))
                .collect::<String>()
                .replace(' ', "");
            assert!(
                column.contains(&"文章：4 次（磁盘 → 内核 → 用户 → 网络）".replace(' ', "")),
                "nothing lost at {width}:\n{text}"
            );
        }
        // Where the width allows, words and short cells stay whole.
        let text = grid(&Ctx::plain(Lang::Zh, 80));
        assert!(text.contains("voluntary_ctxt_switches"), "{text}");
        assert!(text.contains("一致 ✓"), "{text}");
    }

    #[test]
    fn grid_snapshots() {
        for width in [80, 120] {
            let text = grid(&Ctx::plain(Lang::Zh, width));
            insta::assert_snapshot!(format!("grid_zh_{width}"), text);
        }
    }
}
