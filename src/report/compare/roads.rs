//! The other roads to zero copy in compare's report: what the model
//! expects of each (the article has no claim for them), the evidence the
//! kernel itself gave (minflt, the pipe's size, the zero-copy completion
//! codes), and the line that says a method was skipped.

use crate::ctx::Ctx;
use crate::methods::Method;
use crate::methods::io_uring::Unavailable;
use crate::report::layout::section;
use crate::size::{format_bytes, group_digits};
use crate::text::roads as t;
use crate::view::compare::{CompareView, MethodView};

/// The four rows of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Copies,
    ModeSwitches,
    Cpu,
    Throughput,
}

/// "model: …": what the copy model expects of a method the article does
/// not cover, for one row. `None` for the article's two methods.
pub fn expectation(m: Method, row: Row, ctx: &Ctx) -> Option<String> {
    let claim = match (m, row) {
        (Method::ReadWrite | Method::Sendfile, _) => return None,
        (Method::Mmap, Row::Copies) => t::CLAIM_COPIES_MMAP,
        (Method::Splice, Row::Copies) => t::CLAIM_COPIES_SPLICE,
        (_, Row::Copies) => t::CLAIM_COPIES_ZEROCOPY,
        (Method::Mmap, Row::ModeSwitches) => t::CLAIM_SWITCHES_MMAP,
        (Method::Splice, Row::ModeSwitches) => t::CLAIM_SWITCHES_SPLICE,
        (Method::MsgZerocopy, Row::ModeSwitches) => t::CLAIM_SWITCHES_MSG_ZEROCOPY,
        (_, Row::ModeSwitches) => t::CLAIM_SWITCHES_IO_URING,
        (Method::Mmap, Row::Cpu) => t::CLAIM_CPU_MMAP,
        (Method::Splice, Row::Cpu) => t::CLAIM_CPU_SPLICE,
        (_, Row::Cpu) => t::CLAIM_CPU_ZEROCOPY,
        (Method::Mmap, Row::Throughput) => t::CLAIM_THROUGHPUT_MMAP,
        (Method::Splice, Row::Throughput) => t::CLAIM_THROUGHPUT_SPLICE,
        (_, Row::Throughput) => t::CLAIM_THROUGHPUT_ZEROCOPY,
    };
    Some(ctx.f(t::MODEL, &[("claim", &ctx.t(claim))]))
}

/// The evidence each of the other roads left, a paragraph per method; empty
/// when none of them ran.
pub fn evidence(v: &CompareView, ctx: &Ctx) -> String {
    let lines: Vec<String> = v
        .methods
        .iter()
        .filter_map(|m| evidence_line(m, v.file.bytes, ctx))
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    let mut out = section(ctx, ctx.t(t::EVIDENCE_TITLE));
    for line in lines {
        out.push_str(&ctx.wrap(&line, "  ", 4));
        out.push('\n');
    }
    out
}

fn evidence_line(m: &MethodView, file_bytes: u64, ctx: &Ctx) -> Option<String> {
    let calls = |n: &str| group_digits(m.syscalls.get(n).copied().unwrap_or(0));
    match m.method {
        Method::Mmap => Some(ctx.f(
            t::EVIDENCE_MMAP,
            &[
                ("size", &format_bytes(file_bytes)),
                ("mmap", &calls("mmap")),
                ("munmap", &calls("munmap")),
                ("bytes", &format_bytes(m.user_copy_bytes)),
                ("writes", &calls("write")),
                ("minflt", &group_digits(m.minflt.unwrap_or(0))),
            ],
        )),
        Method::Splice => Some(ctx.f(
            t::EVIDENCE_SPLICE,
            &[
                ("pipe", &format_bytes(m.pipe_bytes.unwrap_or(0))),
                ("calls", &calls("splice")),
                ("rchar", &group_digits(m.procfs("rchar"))),
                ("wchar", &group_digits(m.procfs("wchar"))),
                ("syscr", &group_digits(m.procfs("syscr"))),
                ("syscw", &group_digits(m.procfs("syscw"))),
            ],
        )),
        Method::MsgZerocopy | Method::IoUring => {
            let z = m.zerocopy.as_ref()?;
            let how = ctx.t(if m.method == Method::IoUring {
                t::HOW_NOTIF
            } else {
                t::HOW_ERRQUEUE
            });
            let why = if z.sent > 0 && z.copied == z.sent {
                ctx.t(t::WHY_ALL_COPIED)
            } else if z.sent > 0 && z.copied == 0 {
                ctx.t(t::WHY_NONE_COPIED)
            } else {
                ""
            };
            let retries = if z.enobufs_retries > 0 {
                ctx.f(t::ENOBUFS_RETRIES, &[("n", &z.enobufs_retries)])
            } else {
                String::new()
            };
            Some(ctx.f(
                t::EVIDENCE_ZEROCOPY,
                &[
                    ("method", &m.method.name()),
                    ("copied", &group_digits(z.copied)),
                    ("sent", &group_digits(z.sent)),
                    ("completions", &group_digits(z.completions)),
                    ("how", &how),
                    ("code", &z.code),
                    ("covered", &group_digits(z.covered)),
                    ("why", &why),
                    ("retries", &retries),
                ],
            ))
        }
        Method::ReadWrite | Method::Sendfile => None,
    }
}

/// The one line printed when a method cannot run here and is skipped.
pub fn skipped_line(m: Method, why: &Unavailable, ctx: &Ctx) -> String {
    let why = match why {
        Unavailable::NoSys => ctx.t(t::WHY_NOSYS).to_string(),
        Unavailable::Disabled(value) => ctx.f(t::WHY_DISABLED, &[("value", value)]),
        Unavailable::NotAllowed => ctx.t(t::WHY_NOT_ALLOWED).to_string(),
        Unavailable::NoSendZc => ctx.t(t::WHY_NO_SEND_ZC).to_string(),
        Unavailable::Setup(error) => ctx.f(t::WHY_SETUP, &[("error", error)]),
    };
    ctx.f(t::SKIPPED, &[("method", &m.name()), ("why", &why)])
}

/// Splits `n` method columns into groups that fit `width` columns side by
/// side (about 26 columns a method beside the row names, at least one a
/// table), as even as can be: 6 methods at 4 a table make 3 + 3.
pub fn groups(n: usize, width: usize) -> Vec<std::ops::Range<usize>> {
    let per = (width.saturating_sub(18) / 26).max(1);
    let tables = n.div_ceil(per).max(1);
    let size = n.div_ceil(tables).max(1);
    (0..n).step_by(size).map(|i| i..(i + size).min(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::groups;

    #[test]
    fn method_groups_fit_the_width() {
        let one = |n| vec![std::ops::Range { start: 0, end: n }];
        assert_eq!(groups(2, 80), one(2));
        assert_eq!(groups(2, 120), one(2));
        assert_eq!(groups(6, 120), [0..3, 3..6]);
        assert_eq!(groups(6, 100), [0..3, 3..6]);
        assert_eq!(groups(6, 80), [0..2, 2..4, 4..6]);
        assert_eq!(groups(3, 80), [0..2, 2..3]);
        assert_eq!(groups(6, 40), (0..6).map(|i| i..i + 1).collect::<Vec<_>>());
        assert_eq!(groups(1, 40), one(1));
    }
}
