//! `zclab compare`, laid out: a pure function of a [`CompareView`] and a
//! [`Ctx`]. This is the example every renderer follows: take the view,
//! take every word from the catalogue (`text::compare`), lay out to
//! `ctx.width`, never compute a figure.
//!
//! The default fits a projector: the title, the four-row table, a one-line
//! verdict and a pointer to `--details`. `--details` adds the system calls
//! with their `/proc` cross-check (`syscalls`), the raw `/proc` deltas
//! (`counters`), the copy path (`path`), the verification lines and the
//! notes (`notes`).

mod counters;
mod notes;
mod path;
pub mod roads;
mod syscalls;
mod table;

use crate::cache::CannotEvict;
use crate::ctx::Ctx;
use crate::report::layout::{Paint, paint};
use crate::size::{format_bytes, group_digits};
use crate::text::compare as t;
use crate::view::compare::{CompareView, CpuVerdict, PageCache, SpeedVerdict, Versus};

/// How much to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Title, table, verdict, pointer to `--details`.
    Brief,
    /// Title, table, verdict and verification, no pointer (for reports
    /// that have no `--details`, like trace's summary).
    Table,
    /// Everything.
    Full,
}

/// The report under `heading` ("zclab compare", or trace's summary title).
pub fn render(v: &CompareView, ctx: &Ctx, heading: &str, detail: Detail) -> String {
    let mut out = title(v, ctx, heading);
    out.push_str(&table::render(v, ctx));
    out.push('\n');
    // The other roads' own evidence ("the kernel says it copied N of N
    // sends") is their headline: shown at every detail level.
    let roads = roads::evidence(v, ctx);
    if !roads.is_empty() {
        out.push_str(&roads);
        out.push('\n');
    }
    match detail {
        Detail::Brief | Detail::Table => {
            if let Some(vs) = &v.versus {
                out.push_str(&ctx.wrap(&verdict(vs, v.file.bytes == 0, ctx), "", 0));
                out.push('\n');
            }
            out.push_str(&verification(v, ctx, false));
            if detail == Detail::Brief {
                out.push_str(&ctx.wrap(ctx.t(t::MORE_DETAILS), "", 0));
                out.push('\n');
            }
        }
        Detail::Full => {
            out.push_str(&syscalls::render(v, ctx));
            out.push_str(&counters::render(v, ctx));
            out.push_str(&path::render(v, ctx));
            out.push('\n');
            out.push_str(&verification(v, ctx, true));
            out.push_str(&notes::render(v, ctx));
        }
    }
    out
}

fn title(v: &CompareView, ctx: &Ctx, heading: &str) -> String {
    let cache = match (v.page_cache, &v.cold_refused) {
        (PageCache::Warm, Some(why)) => {
            ctx.f(t::CACHE_WARM_REFUSED, &[("why", &cannot_evict(why, ctx))])
        }
        (PageCache::Warm, None) => ctx.t(t::CACHE_WARM).to_string(),
        (PageCache::Cold, _) => ctx.t(t::CACHE_COLD).to_string(),
    };
    let line = ctx.f(
        t::TITLE,
        &[
            ("heading", &heading),
            ("path", &v.file.path),
            ("size", &format_bytes(v.file.bytes)),
            ("buffer", &format_bytes(v.buffer_bytes as u64)),
            ("runs", &v.runs),
            ("cache", &cache),
        ],
    );
    let mut out = paint(ctx, &ctx.wrap(&line, "", 0), Paint::Bold);
    out.push('\n');
    out
}

/// Why `--cold` could not drop the file, in a few words.
pub fn cannot_evict(why: &CannotEvict, ctx: &Ctx) -> String {
    match why {
        CannotEvict::MemoryFilesystem { fs } => ctx.f(t::REFUSED_MEMORY_FS, &[("fs", fs)]),
        CannotEvict::StayedResident { resident_bytes } => ctx.f(
            t::REFUSED_RESIDENT,
            &[("bytes", &format_bytes(*resident_bytes))],
        ),
    }
}

/// One sentence: what sendfile saved against read + write (for an empty
/// file: that nothing was sent, and the calls made to find its end).
fn verdict(vs: &Versus, empty_file: bool, ctx: &Ctx) -> String {
    let (a, b) = (
        group_digits(vs.mode_switches[0]),
        group_digits(vs.mode_switches[1]),
    );
    let counts: [(&str, &dyn std::fmt::Display); 2] = [("a", &a), ("b", &b)];
    if empty_file {
        return paint(ctx, &ctx.f(t::VERDICT_EMPTY, &counts), Paint::Bold);
    }
    let switches = match vs.mode_switches_ratio {
        Some(x) => ctx.f(
            t::VERDICT_SWITCHES,
            &[("x", &group_digits(x.round() as u64))],
        ),
        None => ctx.f(t::VERDICT_SWITCHES_COUNTS, &counts),
    };
    let cpu = match vs.cpu {
        CpuVerdict::Less { percent, .. } => {
            ctx.f(t::VERDICT_CPU_LESS, &[("pct", &format!("{percent:.0}"))])
        }
        CpuVerdict::More { factor } => {
            ctx.f(t::VERDICT_CPU_MORE, &[("x", &format!("{factor:.1}"))])
        }
        CpuVerdict::TooShort => ctx.t(t::VERDICT_CPU_SHORT).to_string(),
    };
    let speed = match vs.throughput {
        SpeedVerdict::Faster { factor } => {
            ctx.f(t::VERDICT_FASTER, &[("x", &format!("{factor:.2}"))])
        }
        SpeedVerdict::Slower { factor } => {
            ctx.f(t::VERDICT_SLOWER, &[("x", &format!("{factor:.2}"))])
        }
        SpeedVerdict::TooShort => ctx.t(t::VERDICT_SPEED_SHORT).to_string(),
        SpeedVerdict::NoFigure => ctx.t(t::VERDICT_SPEED_NONE).to_string(),
    };
    let line = ctx.f(
        t::VERDICT,
        &[("switches", &switches), ("cpu", &cpu), ("speed", &speed)],
    );
    paint(ctx, &line, Paint::Bold)
}

/// Verification lines: one per method in full; in brief, one line when
/// every run passed, and the method lines otherwise.
fn verification(v: &CompareView, ctx: &Ctx, full: bool) -> String {
    let mut out = String::new();
    if !full && v.all_runs_complete_and_verified {
        let line = ctx.f(
            t::VERIFIED_ALL,
            &[("n", &v.runs_total), ("crc", &v.file.crc32)],
        );
        out.push_str(&paint(ctx, &ctx.wrap(&line, "", 0), Paint::Good));
        out.push('\n');
        return out;
    }
    for m in &v.methods {
        let (line, how) = if m.stopped_early {
            let line = ctx.f(
                t::STOPPED_EARLY,
                &[
                    ("method", &m.method.name()),
                    ("sent", &group_digits(m.consumer.received_bytes)),
                    ("total", &group_digits(v.file.bytes)),
                ],
            );
            (line, Paint::Warn)
        } else {
            let line = ctx.f(
                t::RUNS_VERIFIED,
                &[
                    ("method", &m.method.name()),
                    ("ok", &m.runs_verified),
                    ("runs", &m.all_runs.len()),
                    ("bytes", &group_digits(m.consumer.received_bytes)),
                    ("crc", &m.received_crc32),
                    ("file_bytes", &group_digits(v.file.bytes)),
                    ("file_crc", &v.file.crc32),
                ],
            );
            (line, if m.verified { Paint::Good } else { Paint::Bad })
        };
        out.push_str(&paint(ctx, &ctx.wrap(&line, "", 2), how));
        out.push('\n');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
