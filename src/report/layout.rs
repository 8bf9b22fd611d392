//! Building blocks every renderer shares: tables laid out to the context's
//! width, bold and coloured text only when the context says so, and method
//! and place names from the catalogue.

use colored::Colorize;
use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table, TableStyle};

use crate::ctx::Ctx;
use crate::methods::Method;
use crate::model::Place;
use crate::size::group_digits;
use crate::text::common as t;

/// A table with lines between rows, at most `ctx.width` wide.
pub fn new_table(ctx: &Ctx, header: Vec<Cell>) -> Table {
    styled_table(UTF8_FULL, ctx, header)
}

/// A table without lines between rows, for lists of counters.
pub fn condensed_table(ctx: &Ctx, header: Vec<Cell>) -> Table {
    styled_table(UTF8_FULL_CONDENSED, ctx, header)
}

fn styled_table(style: TableStyle, ctx: &Ctx, header: Vec<Cell>) -> Table {
    let mut table = Table::new();
    table
        .load_style(style)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(ctx.width.min(u16::MAX as usize) as u16);
    if ctx.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header);
    table
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
