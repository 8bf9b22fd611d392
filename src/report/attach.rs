//! `zclab count --pid`, rendered: the attach window, then the same tables
//! as `count -- CMD`. Input is the tracer's plain [`AttachOutcome`]; nothing
//! here measures. Strings are grouped here, both languages side by side.

use std::fmt::Write as _;

use anyhow::Result;

use crate::error::ContextT;
use colored::Colorize;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::report::count::{count_body, counts_doc};
use crate::text::attach as t;
use crate::tracer::{AttachEnd, AttachError, AttachOutcome, AttachedTarget, CommandStatus};
use crate::view::count::CountsView;

fn target_list(targets: &[AttachedTarget], ctx: &Ctx) -> String {
    use crate::text::common;
    targets
        .iter()
        .map(|t| ctx.f(common::WITH_PAREN, &[("text", &t.pid), ("note", &t.comm)]))
        .collect::<Vec<_>>()
        .join(ctx.t(common::LIST_SEPARATOR))
}

/// The stderr line once every thread is seized.
pub fn attached_banner(targets: &[AttachedTarget], limit: Option<f64>, ctx: &Ctx) -> String {
    let threads: usize = targets.iter().map(|t| t.threads_at_attach).sum();
    let list = target_list(targets, ctx);
    match limit {
        None => ctx.f(t::BANNER, &[("targets", &list), ("threads", &threads)]),
        Some(s) => ctx.f(
            t::BANNER_FOR,
            &[
                ("targets", &list),
                ("threads", &threads),
                ("secs", &format!("{s:.1}")),
            ],
        ),
    }
}

fn exit_text(pid: i32, status: CommandStatus, ctx: &Ctx) -> String {
    match status {
        CommandStatus::Exited(code) => ctx.f(t::EXITED_WITH, &[("pid", &pid), ("code", &code)]),
        CommandStatus::Signaled { signal, .. } => ctx.f(
            t::KILLED_BY,
            &[
                ("pid", &pid),
                ("signal", &crate::tracer::signal_name(signal)),
            ],
        ),
    }
}

/// "traced 1234 (nginx) for 10.0 s, 4 threads" and how the window ended.
pub fn attach_title(a: &AttachOutcome, ctx: &Ctx) -> String {
    let list = target_list(&a.targets, ctx);
    let secs = format!("{:.1}", a.window.as_secs_f64());
    let n = a.threads.len();
    let mut procs: Vec<i32> = a.threads.iter().map(|t| t.tgid).collect();
    procs.sort_unstable();
    procs.dedup();
    let p = procs.len();
    let head = if p > 1 {
        ctx.f(
            t::TITLE_PROCESSES,
            &[
                ("targets", &list),
                ("secs", &secs),
                ("threads", &n),
                ("processes", &p),
            ],
        )
    } else {
        ctx.f(
            t::TITLE,
            &[("targets", &list), ("secs", &secs), ("threads", &n)],
        )
    };
    let end = match a.end {
        AttachEnd::Stopped => ctx.t(t::END_STOPPED).to_string(),
        AttachEnd::TimeUp => ctx.t(t::END_TIME_UP).to_string(),
        AttachEnd::TargetsExited => {
            let exits = a
                .targets
                .iter()
                .filter_map(|tg| tg.exited.map(|s| exit_text(tg.pid, s, ctx)))
                .collect::<Vec<_>>()
                .join(", ");
            ctx.f(t::END_EXITED, &[("exits", &exits)])
        }
    };
    format!("{head}\n{end}")
}

/// The `zclab count --pid` report.
pub fn attach_table(a: &AttachOutcome, ctx: &Ctx) -> String {
    let mut out = String::new();
    let title = attach_title(a, ctx);
    let mut lines = title.lines();
    if let Some(first) = lines.next() {
        let _ = writeln!(out, "{}", ctx.wrap(first, "", 2).bold());
    }
    for l in lines {
        let _ = writeln!(out, "{}", ctx.wrap(l, "", 2));
    }
    let notes = vec![ctx.t(t::NOTE_SEIZE).to_string()];
    out.push_str(&count_body(&a.threads, &a.totals, ctx, notes));
    out
}

#[derive(Serialize)]
struct AttachDoc<'a> {
    zclab_version: &'static str,
    mode: &'static str,
    targets: Vec<TargetDoc<'a>>,
    end: &'static str,
    window_s: f64,
    #[serde(flatten)]
    counts: CountsView,
}

#[derive(Serialize)]
struct TargetDoc<'a> {
    pid: i32,
    comm: &'a str,
    threads_at_attach: usize,
    /// Exit code when it exited during the trace.
    exited: Option<i32>,
    /// Signal that killed it during the trace.
    signal: Option<i32>,
}

/// The `zclab count --pid --json` document (with a final newline).
pub fn attach_json(a: &AttachOutcome) -> Result<String> {
    let doc = AttachDoc {
        zclab_version: env!("CARGO_PKG_VERSION"),
        mode: "attach",
        targets: a
            .targets
            .iter()
            .map(|t| TargetDoc {
                pid: t.pid,
                comm: &t.comm,
                threads_at_attach: t.threads_at_attach,
                exited: match t.exited {
                    Some(CommandStatus::Exited(c)) => Some(c),
                    _ => None,
                },
                signal: match t.exited {
                    Some(CommandStatus::Signaled { signal, .. }) => Some(signal),
                    _ => None,
                },
            })
            .collect(),
        end: match a.end {
            AttachEnd::Stopped => "stopped",
            AttachEnd::TimeUp => "time-up",
            AttachEnd::TargetsExited => "targets-exited",
        },
        window_s: a.window.as_secs_f64(),
        counts: counts_doc(&a.threads, &a.totals),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).context_t(crate::text::errors::JSON_ENCODE, &[])?;
    text.push('\n');
    Ok(text)
}

/// A one-line message for a refused attach.
pub fn attach_error(e: &AttachError, ctx: &Ctx) -> String {
    e.message().get(ctx.lang).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::tracer::{SyscallStats, ThreadCounts};
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn outcome(end: AttachEnd, exited: Option<CommandStatus>) -> AttachOutcome {
        let mut syscalls = BTreeMap::new();
        syscalls.insert(
            "sendfile".to_string(),
            SyscallStats {
                calls: 20,
                errors: 0,
                bytes: 20 << 20,
                nanos: 2_000_000,
            },
        );
        syscalls.insert(
            "epoll_wait".to_string(),
            SyscallStats {
                calls: 21,
                errors: 0,
                bytes: 0,
                nanos: 8_000_000,
            },
        );
        AttachOutcome {
            targets: vec![AttachedTarget {
                pid: 1234,
                comm: "nginx".into(),
                threads_at_attach: 4,
                exited,
            }],
            end,
            window: Duration::from_millis(10_040),
            threads: (0..4)
                .map(|i| ThreadCounts {
                    tid: 1234 + i,
                    tgid: 1234,
                    comm: "nginx".into(),
                    syscalls: if i == 0 {
                        syscalls.clone()
                    } else {
                        BTreeMap::new()
                    },
                })
                .collect(),
            totals: syscalls,
        }
    }

    #[test]
    fn title_states_the_window_and_threads() {
        let o = outcome(AttachEnd::TimeUp, None);
        let t = attach_title(&o, &Ctx::plain(Lang::En, 120));
        assert!(
            t.starts_with("zclab count — traced 1234 (nginx) for 10.0 s, 4 thread(s)"),
            "{t}"
        );
        assert!(t.contains("--for ran out"), "{t}");
        let z = attach_title(&o, &Ctx::plain(Lang::Zh, 120));
        assert!(
            z.contains("跟踪窗口 10.0 秒，目标 1234（nginx），共 4 个线程"),
            "{z}"
        );
    }

    #[test]
    fn an_exited_target_is_reported_up_to_its_exit() {
        let o = outcome(AttachEnd::TargetsExited, Some(CommandStatus::Exited(3)));
        let t = attach_title(&o, &Ctx::plain(Lang::En, 120));
        assert!(t.contains("1234 exited with status 3"), "{t}");
        assert!(t.contains("counts up to its exit"), "{t}");
    }

    #[test]
    fn table_puts_data_moving_calls_first_with_time_columns() {
        let o = outcome(AttachEnd::Stopped, None);
        let t = attach_table(&o, &Ctx::plain(Lang::En, 120));
        let data = t.find("sendfile").expect("sendfile row");
        let other = t.find("epoll_wait").expect("epoll_wait row");
        assert!(data < other, "{t}");
        assert!(t.contains("% time") && t.contains("µs/call"), "{t}");
        // 2 ms of 10 ms; 2,000 µs / 20 calls.
        assert!(t.contains("20.0%") && t.contains("100.0"), "{t}");
    }

    #[test]
    fn json_carries_the_window_and_time() {
        let o = outcome(AttachEnd::Stopped, None);
        let v: serde_json::Value =
            serde_json::from_str(&attach_json(&o).expect("json")).expect("parse");
        assert_eq!(v["mode"], "attach");
        assert_eq!(v["end"], "stopped");
        assert_eq!(v["targets"][0]["pid"], 1234);
        assert_eq!(v["total_calls"], 41);
        let sf = v["syscalls"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["name"] == "sendfile"))
            .expect("sendfile");
        assert!((sf["time_s"].as_f64().unwrap_or(0.0) - 0.002).abs() < 1e-9);
    }
}
