//! `zclab count --pid`, rendered: the attach window, then the same tables
//! as `count -- CMD`. Input is the tracer's plain [`AttachOutcome`]; nothing
//! here measures. Strings are grouped here, both languages side by side.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use colored::Colorize;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::report::count::{count_body, counts_doc};
use crate::tracer::{AttachEnd, AttachError, AttachOutcome, AttachedTarget, CommandStatus};
use crate::view::count::CountsView;

fn target_list(targets: &[AttachedTarget]) -> String {
    targets
        .iter()
        .map(|t| format!("{} ({})", t.pid, t.comm))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stderr line once every thread is seized.
pub fn attached_banner(targets: &[AttachedTarget], limit: Option<f64>, lang: Lang) -> String {
    let threads: usize = targets.iter().map(|t| t.threads_at_attach).sum();
    let list = target_list(targets);
    match (lang, limit) {
        (Lang::En, None) => format!(
            "zclab: attached to {list}, {threads} thread(s); press Ctrl-C to detach and see the report"
        ),
        (Lang::En, Some(s)) => format!(
            "zclab: attached to {list}, {threads} thread(s); detaching after {s:.1} s (Ctrl-C detaches now)"
        ),
        (Lang::Zh, None) => {
            format!("zclab：已附加到 {list}，共 {threads} 个线程；按 Ctrl-C 解除附加并查看报告")
        }
        (Lang::Zh, Some(s)) => format!(
            "zclab：已附加到 {list}，共 {threads} 个线程；{s:.1} 秒后解除附加（按 Ctrl-C 立即解除）"
        ),
    }
}

fn exit_text(status: CommandStatus, lang: Lang) -> String {
    match (status, lang) {
        (CommandStatus::Exited(c), Lang::En) => format!("exited with status {c}"),
        (CommandStatus::Exited(c), Lang::Zh) => format!("已退出，状态 {c}"),
        (CommandStatus::Signaled { signal, .. }, Lang::En) => {
            format!("killed by {}", crate::tracer::signal_name(signal))
        }
        (CommandStatus::Signaled { signal, .. }, Lang::Zh) => {
            format!("被 {} 终止", crate::tracer::signal_name(signal))
        }
    }
}

/// "traced 1234 (nginx) for 10.0 s, 4 threads" and how the window ended.
pub fn attach_title(a: &AttachOutcome, lang: Lang) -> String {
    let list = target_list(&a.targets);
    let secs = a.window.as_secs_f64();
    let n = a.threads.len();
    let mut procs: Vec<i32> = a.threads.iter().map(|t| t.tgid).collect();
    procs.sort_unstable();
    procs.dedup();
    let p = procs.len();
    let head = match (lang, p > 1) {
        (Lang::En, false) => format!("zclab count — traced {list} for {secs:.1} s, {n} thread(s)"),
        (Lang::En, true) => format!(
            "zclab count — traced {list} for {secs:.1} s, {n} thread(s) in {p} processes (with the children it started)"
        ),
        (Lang::Zh, false) => format!("zclab count —— 跟踪了 {list} {secs:.1} 秒，共 {n} 个线程"),
        (Lang::Zh, true) => format!(
            "zclab count —— 跟踪了 {list} {secs:.1} 秒，共 {p} 个进程（含它启动的子进程）、{n} 个线程"
        ),
    };
    let end = match (a.end, lang) {
        (AttachEnd::Stopped, Lang::En) => "detached on request (Ctrl-C); the target runs on".into(),
        (AttachEnd::Stopped, Lang::Zh) => "应要求（Ctrl-C）解除附加；目标进程继续运行".into(),
        (AttachEnd::TimeUp, Lang::En) => "detached when --for ran out; the target runs on".into(),
        (AttachEnd::TimeUp, Lang::Zh) => "--for 时间到，解除附加；目标进程继续运行".into(),
        (AttachEnd::TargetsExited, _) => {
            let exits = a
                .targets
                .iter()
                .filter_map(|t| {
                    t.exited
                        .map(|s| format!("{} {}", t.pid, exit_text(s, lang)))
                })
                .collect::<Vec<_>>()
                .join(", ");
            match lang {
                Lang::En => {
                    format!("the target exited during the trace ({exits}): counts up to its exit")
                }
                Lang::Zh => format!("目标进程在跟踪期间退出（{exits}）：计数截至它退出为止"),
            }
        }
    };
    format!("{head}\n{end}")
}

/// The `zclab count --pid` report.
pub fn attach_table(a: &AttachOutcome, ctx: &Ctx) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    let title = attach_title(a, lang);
    let mut lines = title.lines();
    if let Some(first) = lines.next() {
        let _ = writeln!(out, "{}", first.bold());
    }
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    let notes = vec![lang.t(
        "Attached with PTRACE_SEIZE: only the calls made inside the window are counted. A call that was already waiting when zclab attached (epoll_wait, accept, read) is seen when the kernel restarts it.",
        "用 PTRACE_SEIZE 附加：只统计窗口内发起的调用。附加时已在等待的调用（epoll_wait、accept、read）会在内核重新启动它时被看到。",
    )
    .to_string()];
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
    let mut text = serde_json::to_string_pretty(&doc).context("cannot encode the JSON report")?;
    text.push('\n');
    Ok(text)
}

/// A one-line message for a refused attach.
pub fn attach_error(e: &AttachError, lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => match e {
            AttachError::NoSuchProcess { pid } => {
                format!("--pid {pid}：没有这个进程：请用 `ps -e` 或 `pgrep 名称` 核对进程号")
            }
            AttachError::OwnProcess { pid } => {
                format!("--pid {pid}：这是 zclab 自己，它不能跟踪自己：请换一个进程")
            }
            AttachError::Exited { pid, comm } => format!(
                "--pid {pid}（{comm}）：它已经退出（是一个等待父进程回收的僵尸进程）：没有可跟踪的东西了"
            ),
            AttachError::KernelThread { pid, comm } => format!(
                "--pid {pid}（{comm}）：这是内核线程，不发起系统调用，无从跟踪：请给出用户进程"
            ),
            AttachError::NotYours { pid, comm, owner } => format!(
                "--pid {pid}（{comm}）：权限不足：它属于 {owner}；请以 {owner} 身份或用 sudo 运行 zclab"
            ),
            AttachError::AlreadyTraced {
                pid,
                comm,
                tracer_pid,
                tracer,
            } => format!(
                "--pid {pid}（{comm}）：已被 {tracer}（pid {tracer_pid}）跟踪，而一个进程只能有一个跟踪者：请先停掉 {tracer}"
            ),
            AttachError::PtraceScope { pid, comm, scope } => format!(
                "--pid {pid}（{comm}）：被 kernel.yama.ptrace_scope={scope} 拒绝，它只允许进程跟踪自己的子进程：请用 sudo 运行 zclab，或（scope 为 1 时）执行 `sudo sysctl kernel.yama.ptrace_scope=0`"
            ),
            AttachError::Refused { pid, comm, errno } => format!(
                "--pid {pid}（{comm}）：内核拒绝了 ptrace（{}）：没有 CAP_SYS_PTRACE 的容器或 seccomp 配置阻止了它；请加 --cap-add=SYS_PTRACE 运行，或在容器外运行",
                errno.desc()
            ),
            AttachError::Os { what, errno } => format!("跟踪器：{what} 失败：{}", errno.desc()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let t = attach_title(&o, Lang::En);
        assert!(
            t.starts_with("zclab count — traced 1234 (nginx) for 10.0 s, 4 thread(s)"),
            "{t}"
        );
        assert!(t.contains("--for ran out"), "{t}");
        let z = attach_title(&o, Lang::Zh);
        assert!(
            z.contains("跟踪了 1234 (nginx) 10.0 秒，共 4 个线程"),
            "{z}"
        );
    }

    #[test]
    fn an_exited_target_is_reported_up_to_its_exit() {
        let o = outcome(AttachEnd::TargetsExited, Some(CommandStatus::Exited(3)));
        let t = attach_title(&o, Lang::En);
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
