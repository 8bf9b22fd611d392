//! The sending thread's system calls (zclab's own count) beside the
//! `/proc` syscr/syscw cross-check, like a short `strace -c`.

use crate::ctx::Ctx;
use crate::report::layout::{Paint, paint, section};
use crate::size::group_digits;
use crate::text::{common, compare as t};
use crate::view::compare::CompareView;

pub fn render(v: &CompareView, ctx: &Ctx) -> String {
    let mut out = section(ctx, ctx.t(t::SYSCALLS_TITLE));
    for m in &v.methods {
        let mut calls: Vec<String> = m
            .method
            .syscall_names()
            .iter()
            .filter(|n| m.syscalls.get(*n).is_some_and(|&c| c > 0))
            .map(|n| {
                format!(
                    "{n} {}",
                    group_digits(m.syscalls.get(n).copied().unwrap_or(0))
                )
            })
            .collect();
        if calls.is_empty() {
            calls.push(ctx.t(t::SYSCALLS_NONE).to_string());
        }
        let mark = if m.procfs_agrees {
            paint(ctx, ctx.t(common::AGREES), Paint::Good)
        } else {
            paint(ctx, ctx.t(common::DIFFERS), Paint::Bad)
        };
        let mut line = format!(
            "{:<11} {}   {}",
            m.method.name(),
            calls.join(", "),
            ctx.f(
                t::SYSCALLS_PROCFS,
                &[
                    ("syscr", &group_digits(m.procfs("syscr"))),
                    ("syscw", &group_digits(m.procfs("syscw"))),
                    ("mark", &mark),
                ],
            )
        );
        if m.short_writes > 0 || m.interrupted_calls > 0 {
            line.push_str("  ");
            line.push_str(&ctx.f(
                t::SYSCALLS_SHORT,
                &[("short", &m.short_writes), ("eintr", &m.interrupted_calls)],
            ));
        }
        out.push_str(&ctx.wrap(&line, "  ", 14));
        out.push('\n');
    }
    out
}
