//! "How to read this": the notes the view says apply, in words.

use crate::ctx::Ctx;
use crate::report::layout::{Paint, numbered, paint};
use crate::size::format_bytes;
use crate::text::{common, compare as t};
use crate::view::compare::{CompareView, Note};

pub fn render(v: &CompareView, ctx: &Ctx) -> String {
    let notes: Vec<String> = v.notes.iter().map(|n| note(n, ctx)).collect();
    format!(
        "\n{}\n{}",
        paint(ctx, ctx.t(common::HOW_TO_READ), Paint::Bold),
        numbered(ctx, &notes)
    )
}

fn note(n: &Note, ctx: &Ctx) -> String {
    let text = match n {
        Note::ModeSwitchesDerived => t::NOTE_MODE_SWITCHES,
        Note::ContextSwitches => t::NOTE_CONTEXT_SWITCHES,
        Note::SendfileProcfs => t::NOTE_SENDFILE_PROCFS,
        Note::ConsumerCopy => t::NOTE_CONSUMER_COPY,
        Note::LoopbackNic => t::NOTE_LOOPBACK,
        Note::WarmCache => t::NOTE_WARM_CACHE,
        Note::CpuSource => t::NOTE_CPU_SOURCE,
        Note::Mmap => crate::text::roads::NOTE_MMAP,
        Note::Splice => crate::text::roads::NOTE_SPLICE,
        Note::ZeroCopy => crate::text::roads::NOTE_ZEROCOPY,
        Note::IoUring => crate::text::roads::NOTE_IO_URING,
        Note::NoThroughput => t::NOTE_NO_THROUGHPUT,
        Note::ConsumerCheck {
            check_ns,
            share_percent,
        } => {
            return ctx.f(
                t::NOTE_CONSUMER_CHECK,
                &[
                    ("ms", &format!("{:.2}", *check_ns as f64 / 1e6)),
                    ("share", &format!("{share_percent:.0}")),
                ],
            );
        }
        Note::Cold {
            method,
            resident_before_bytes,
            read_bytes,
            file_bytes,
            partly_cached,
            measured,
        } => {
            let resident = resident_before_bytes
                .map(|b| ctx.f(t::NOTE_COLD_RESIDENT, &[("bytes", &format_bytes(b))]))
                .unwrap_or_else(|| ctx.t(t::NOTE_COLD_UNKNOWN).to_string());
            let hop = ctx.t(if *measured {
                t::NOTE_COLD_MEASURED
            } else {
                t::NOTE_COLD_MODELLED
            });
            let short = if *partly_cached && *measured {
                ctx.t(t::NOTE_COLD_SHORT)
            } else {
                ""
            };
            return ctx.f(
                t::NOTE_COLD,
                &[
                    ("method", &method.name()),
                    ("resident", &resident),
                    ("read", &format_bytes(*read_bytes)),
                    ("size", &format_bytes(*file_bytes)),
                    ("hop", &hop),
                    ("short", &short),
                ],
            );
        }
    };
    ctx.t(text).to_string()
}
