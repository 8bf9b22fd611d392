//! `zclab count`, laid out like `strace -c`: the data-moving calls first in
//! their own table, the others after, the totals with the derived mode
//! switches and the bytes by direction, threads when there are several, and
//! the notes. A pure function of a [`CountView`] and a [`Ctx`].

mod error;

pub use error::trace_error;

use crate::report::layout::{Attribute, Cell, CellAlignment, Color};

use crate::ctx::Ctx;
use crate::report::layout::{Grid, condensed_table, head, num, numbered, section};
use crate::size::{format_bytes, group_digits};
use crate::text::{common, count as t};
use crate::tracer::SyscallGroup;
use std::collections::BTreeMap;

use crate::tracer::{SyscallStats, ThreadCounts};
use crate::view::count::{CountNote, CountView, CountsView, SyscallRow};

/// A group's label: what kind of data movement it is.
pub fn group_label(g: SyscallGroup, ctx: &Ctx) -> &'static str {
    ctx.t(match g {
        SyscallGroup::Read => t::GROUP_READ,
        SyscallGroup::Write => t::GROUP_WRITE,
        SyscallGroup::SendRecv => t::GROUP_SEND_RECV,
        SyscallGroup::Sendfile => t::GROUP_SENDFILE,
        SyscallGroup::Splice => t::GROUP_SPLICE,
        SyscallGroup::CopyFileRange => t::GROUP_COPY_FILE_RANGE,
        SyscallGroup::Mmap => t::GROUP_MMAP,
        SyscallGroup::Other => t::GROUP_OTHER,
    })
}

fn percent(p: Option<f64>) -> Cell {
    let text = p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "–".into());
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// A byte figure, or "–" where it does not apply.
fn bytes_cell(b: Option<u64>) -> Cell {
    let text = b.map(format_bytes).unwrap_or_else(|| "–".into());
    Cell::new(text).set_alignment(CellAlignment::Right)
}

fn usecs(u: Option<f64>) -> Cell {
    let text = u.map(|u| format!("{u:.1}")).unwrap_or_else(|| "–".into());
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// The whole `zclab count` report.
pub fn render(v: &CountView, ctx: &Ctx) -> String {
    let mut out = title(v, ctx);
    out.push_str(&render_counts(&v.counts, ctx, &[]));
    out
}

/// The counts of `count -- CMD` and `count --pid` from their threads and
/// totals, for renderers that have not built a [`CountsView`] themselves.
pub fn count_body(
    threads: &[ThreadCounts],
    totals: &BTreeMap<String, SyscallStats>,
    ctx: &Ctx,
    extra_notes: Vec<String>,
) -> String {
    render_counts(&CountsView::new(threads, totals), ctx, &extra_notes)
}

/// The counting fields of a count document ([`CountsView`] serialises them).
pub fn counts_doc(threads: &[ThreadCounts], totals: &BTreeMap<String, SyscallStats>) -> CountsView {
    CountsView::new(threads, totals)
}

/// The tables, totals, threads and notes (`extra_notes` last).
pub fn render_counts(v: &CountsView, ctx: &Ctx, extra_notes: &[String]) -> String {
    let mut out = String::new();
    let timed = v.timed;
    out.push_str(&section(ctx, ctx.t(t::DATA_TITLE)));
    let mut data: Vec<&SyscallRow> = v.syscalls.iter().filter(|r| r.moves_data()).collect();
    data.sort_by_key(|r| (r.kind, std::cmp::Reverse(r.calls), r.name.clone()));
    if data.is_empty() {
        out.push_str(&format!("  {}\n", ctx.t(t::NONE)));
    } else {
        out.push_str(&format!("{}\n", data_table(&data, timed, ctx)));
    }
    let other: Vec<&SyscallRow> = v.syscalls.iter().filter(|r| !r.moves_data()).collect();
    if !other.is_empty() {
        out.push_str(&section(ctx, ctx.t(t::OTHER_TITLE)));
        out.push_str(&format!("{}\n", other_table(&other, timed, ctx)));
    }
    out.push('\n');
    for line in summary(v, ctx) {
        out.push_str(&ctx.wrap(&line, "", 2));
        out.push('\n');
    }
    if v.threads.len() > 1 {
        out.push_str(&threads(v, ctx));
    }
    out.push_str(&section(ctx, ctx.t(common::HOW_TO_READ)));
    let mut notes: Vec<String> = v
        .notes
        .iter()
        .map(|n| ctx.t(note(*n)).to_string())
        .collect();
    notes.extend(extra_notes.iter().cloned());
    out.push_str(&numbered(ctx, &notes));
    out
}

fn note(n: CountNote) -> crate::text::Text {
    match n {
        CountNote::Tracer => t::NOTE_TRACER,
        CountNote::ModeSwitches => t::NOTE_SWITCHES,
        CountNote::WallTime => t::NOTE_TIME,
        CountNote::ExecvePathSearch => t::NOTE_EXECVE,
        CountNote::InKernel => t::NOTE_IN_KERNEL,
    }
}

fn title(v: &CountView, ctx: &Ctx) -> String {
    let status = match (v.status.exited, v.status.signal) {
        (Some(code), _) => ctx.f(t::STATUS_EXITED, &[("code", &code)]),
        (None, Some(signal)) => ctx.f(
            t::STATUS_KILLED,
            &[
                ("name", &v.status.signal_name.as_deref().unwrap_or("?")),
                ("signal", &signal),
                ("code", &v.exit_code),
            ],
        ),
        (None, None) => ctx.f(t::STATUS_EXITED, &[("code", &v.exit_code)]),
    };
    let line = ctx.f(
        t::TITLE,
        &[
            ("command", &v.command_line),
            ("status", &status),
            ("threads", &v.counts.threads.len()),
            ("processes", &v.counts.processes),
            ("secs", &format!("{:.3}", v.elapsed_s)),
        ],
    );
    let mut out = crate::report::layout::paint(
        ctx,
        &ctx.wrap(&line, "", 2),
        crate::report::layout::Paint::Bold,
    );
    out.push('\n');
    out
}

/// Below this width the group column is left out, so that no cell has to
/// break inside a word.
const GROUP_COLUMN_WIDTH: usize = 110;
/// What the mapping-length column adds to that.
const MAPPING_COLUMN_WIDTH: usize = 20;

fn data_table(rows: &[&SyscallRow], timed: bool, ctx: &Ctx) -> Grid {
    // mmap and munmap move nothing: their length gets a column of its own.
    let mapping = rows.iter().any(|r| r.mapped_bytes > 0);
    let groups = ctx.width >= GROUP_COLUMN_WIDTH + if mapping { MAPPING_COLUMN_WIDTH } else { 0 };
    let mut header = vec![head(ctx.t(t::HEAD_SYSCALL))];
    if groups {
        header.push(head(ctx.t(t::HEAD_GROUP)));
    }
    header.extend([
        head(ctx.t(t::HEAD_CALLS)),
        head(ctx.t(t::HEAD_ERRORS)),
        head(ctx.t(t::HEAD_BYTES)),
    ]);
    if mapping {
        header.push(head(ctx.t(t::HEAD_MAPPED)));
    }
    header.push(head(ctx.t(t::HEAD_SHARE)));
    if timed {
        header.push(head(ctx.t(t::HEAD_TIME_SHARE)));
        header.push(head(ctx.t(t::HEAD_USECS)));
    }
    let mut table = condensed_table(ctx, header);
    for r in rows {
        let mut row = vec![
            Cell::new(&r.name)
                .add_attribute(Attribute::Bold)
                .fg(Color::Cyan),
        ];
        if groups {
            row.push(Cell::new(group_label(r.kind, ctx)));
        }
        let mapped_call = r.kind == SyscallGroup::Mmap;
        row.extend([
            num(r.calls),
            num(r.errors),
            bytes_cell((!mapped_call).then_some(r.bytes)),
        ]);
        if mapping {
            row.push(bytes_cell(mapped_call.then_some(r.mapped_bytes)));
        }
        row.push(percent(r.percent_of_calls));
        if timed {
            row.push(percent(r.percent_of_time));
            row.push(usecs(r.usecs_per_call));
        }
        table.add_row(row);
    }
    table
}

fn other_table(rows: &[&SyscallRow], timed: bool, ctx: &Ctx) -> Grid {
    let mut header = vec![
        head(ctx.t(t::HEAD_SYSCALL)),
        head(ctx.t(t::HEAD_CALLS)),
        head(ctx.t(t::HEAD_ERRORS)),
        head(ctx.t(t::HEAD_SHARE)),
    ];
    if timed {
        header.push(head(ctx.t(t::HEAD_TIME_SHARE)));
        header.push(head(ctx.t(t::HEAD_USECS)));
    }
    let mut table = condensed_table(ctx, header);
    for r in rows {
        let mut row = vec![
            Cell::new(&r.name),
            num(r.calls),
            num(r.errors),
            percent(r.percent_of_calls),
        ];
        if timed {
            row.push(percent(r.percent_of_time));
            row.push(usecs(r.usecs_per_call));
        }
        table.add_row(row);
    }
    table
}

fn summary(v: &CountsView, ctx: &Ctx) -> [String; 4] {
    [
        ctx.f(
            t::TOTAL,
            &[
                ("calls", &group_digits(v.total_calls)),
                ("errors", &group_digits(v.total_errors)),
            ],
        ),
        ctx.f(
            t::SWITCHES,
            &[
                ("switches", &group_digits(v.mode_switches)),
                ("calls", &group_digits(v.total_calls)),
                ("basis", &ctx.t(t::BASIS)),
                ("data_switches", &group_digits(v.data_mode_switches)),
                ("data_calls", &group_digits(v.data_moving_calls)),
            ],
        ),
        ctx.f(
            t::ACROSS,
            &[
                ("into", &format_bytes(v.bytes.into_user)),
                ("out", &format_bytes(v.bytes.out_of_user)),
            ],
        ),
        ctx.f(
            t::INSIDE,
            &[
                ("inside", &format_bytes(v.bytes.in_kernel)),
                ("mapped", &format_bytes(v.bytes.mapped)),
            ],
        ),
    ]
}

fn threads(v: &CountsView, ctx: &Ctx) -> String {
    let mut out = section(ctx, ctx.t(t::THREADS_TITLE));
    let mut table = condensed_table(
        ctx,
        vec![
            head(ctx.t(t::HEAD_THREAD)),
            head(ctx.t(t::HEAD_PROCESS)),
            head(ctx.t(t::HEAD_NAME)),
            head(ctx.t(t::HEAD_CALLS)),
            head(ctx.t(t::HEAD_DATA_MOVING)),
            head(ctx.t(t::HEAD_BYTES)),
            head(ctx.t(t::HEAD_SWITCHES)),
        ],
    );
    for th in &v.threads {
        table.add_row(vec![
            Cell::new(th.tid),
            Cell::new(th.pid),
            Cell::new(&th.comm),
            num(th.calls),
            num(th.data_moving_calls),
            Cell::new(format_bytes(th.bytes_moved)).set_alignment(CellAlignment::Right),
            num(th.mode_switches),
        ]);
    }
    out.push_str(&format!("{table}\n"));
    out
}

#[cfg(test)]
mod tests;
