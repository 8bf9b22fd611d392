//! `zclab count` and `compare --verify`, rendered: `strace -c`-like tables
//! in English or Chinese, and their JSON documents. Input is the tracer's
//! plain [`TraceOutcome`] or a [`Verification`]; nothing here measures.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;

use anyhow::{Context, Result};
use colored::Colorize;
use comfy_table::{Attribute, Cell, CellAlignment, Color};
use serde::Serialize;

use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::report::layout::condensed_table;
use crate::size::{format_bytes, group_digits};
use crate::tracer::{
    CommandStatus, SyscallGroup, SyscallStats, TraceError, TraceOutcome, group_of,
};
use crate::verify::Verification;

/// The wording compare uses for mode switches, so the two read alike.
const BASIS_EN: &str = "derived: 2 per system call (enter + leave)";
const BASIS_ZH: &str = "推算：每次系统调用 2 次（进入 + 返回）";
const BASIS_JSON: &str =
    "derived: 2 per system call (enter + leave), from the ptrace tracer's call count";
const SOURCE_JSON: &str = "measured by zclab's ptrace tracer: each call counted at syscall entry on the thread that made it; errors and bytes from the return value at syscall exit (mmap/munmap: the length argument; sendmmsg/recvmmsg: the msg_len fields)";

fn head(text: &str) -> Cell {
    Cell::new(text).add_attribute(Attribute::Bold)
}

fn num(n: u64) -> Cell {
    Cell::new(group_digits(n)).set_alignment(CellAlignment::Right)
}

fn basis(lang: Lang) -> &'static str {
    lang.t(BASIS_EN, BASIS_ZH)
}

/// A group's label for the table: what kind of data movement it is.
pub fn group_label(g: SyscallGroup, lang: Lang) -> &'static str {
    match g {
        SyscallGroup::Read => lang.t(
            "read family: kernel → user copy",
            "read 系列：内核 → 用户 拷贝",
        ),
        SyscallGroup::Write => lang.t(
            "write family: user → kernel copy",
            "write 系列：用户 → 内核 拷贝",
        ),
        SyscallGroup::SendRecv => lang.t("send/recv: socket copy", "send/recv：socket 拷贝"),
        SyscallGroup::Sendfile => lang.t("sendfile: inside the kernel", "sendfile：内核内部"),
        SyscallGroup::Splice => lang.t(
            "splice/tee/vmsplice: pipe pages",
            "splice/tee/vmsplice：管道页",
        ),
        SyscallGroup::CopyFileRange => lang.t(
            "copy_file_range: inside the kernel",
            "copy_file_range：内核内部",
        ),
        SyscallGroup::Mmap => lang.t(
            "mmap/munmap: mapped, not copied",
            "mmap/munmap：映射，不拷贝",
        ),
        SyscallGroup::Other => lang.t("other", "其他"),
    }
}

/// Bytes by direction, from the per-call totals.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct ByteFlows {
    /// read family + recv*: copied by the CPU from the kernel into a user buffer.
    pub into_user: u64,
    /// write family + send*: copied by the CPU from a user buffer into the kernel.
    pub out_of_user: u64,
    /// sendfile, splice, tee, vmsplice, copy_file_range: moved without a
    /// user-space buffer in between.
    pub in_kernel: u64,
    /// mmap lengths: mapped into the address space, not copied.
    pub mapped: u64,
}

pub fn byte_flows(totals: &BTreeMap<String, SyscallStats>) -> ByteFlows {
    let mut f = ByteFlows::default();
    for (name, s) in totals {
        let bare = name.rsplit(':').next().unwrap_or(name);
        match group_of(name) {
            SyscallGroup::Read => f.into_user += s.bytes,
            SyscallGroup::Write => f.out_of_user += s.bytes,
            SyscallGroup::SendRecv if bare.starts_with("recv") => f.into_user += s.bytes,
            SyscallGroup::SendRecv => f.out_of_user += s.bytes,
            SyscallGroup::Sendfile | SyscallGroup::Splice | SyscallGroup::CopyFileRange => {
                f.in_kernel += s.bytes
            }
            SyscallGroup::Mmap if bare.starts_with("mmap") => f.mapped += s.bytes,
            SyscallGroup::Mmap | SyscallGroup::Other => {}
        }
    }
    f
}

fn data_calls(counts: &BTreeMap<String, SyscallStats>) -> u64 {
    counts
        .iter()
        .filter(|(n, _)| group_of(n).moves_data())
        .map(|(_, s)| s.calls)
        .sum()
}

fn display_command(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if s.is_empty() || s.contains(char::is_whitespace) {
                format!("'{s}'")
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn status_line(status: CommandStatus, lang: Lang) -> String {
    match (status, lang) {
        (CommandStatus::Exited(c), Lang::En) => format!("exited with status {c}"),
        (CommandStatus::Exited(c), Lang::Zh) => format!("退出状态 {c}"),
        (CommandStatus::Signaled { signal, .. }, Lang::En) => format!(
            "killed by {} (signal {signal}; exit status {})",
            crate::tracer::signal_name(signal),
            128 + signal
        ),
        (CommandStatus::Signaled { signal, .. }, Lang::Zh) => format!(
            "被 {} 终止（信号 {signal}；退出状态 {}）",
            crate::tracer::signal_name(signal),
            128 + signal
        ),
    }
}

/// Mean wall time per call in microseconds, from the tracer's stops.
fn per_call_us(s: &SyscallStats) -> String {
    if s.calls == 0 || s.nanos == 0 {
        "–".into()
    } else {
        format!("{:.1}", s.nanos as f64 / 1000.0 / s.calls as f64)
    }
}

fn share(part: u64, total: u64) -> String {
    if total == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / total as f64)
    }
}

/// The `zclab count` report.
pub fn count_table(argv: &[OsString], o: &TraceOutcome, ctx: &Ctx) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    let threads = o.threads.len();
    let procs = o.process_count();
    let title = match lang {
        Lang::En => format!(
            "zclab count — {} — {}; {} thread(s) in {} process(es), {:.3} s traced",
            display_command(argv),
            status_line(o.status, lang),
            threads,
            procs,
            o.elapsed.as_secs_f64()
        ),
        Lang::Zh => format!(
            "zclab count —— {} —— {}；{} 个进程、{} 个线程，跟踪下用时 {:.3} s",
            display_command(argv),
            status_line(o.status, lang),
            procs,
            threads,
            o.elapsed.as_secs_f64()
        ),
    };
    let _ = writeln!(out, "{}", title.bold());
    out.push_str(&count_body(&o.threads, &o.totals, ctx, Vec::new()));
    out
}

/// The tables, totals and notes shared by `count -- CMD` and `count --pid`:
/// data-moving calls first, then the rest, the mode switches and byte
/// flows, the per-thread table, and the numbered notes (`extra_notes` go
/// last).
pub fn count_body(
    threads_list: &[crate::tracer::ThreadCounts],
    totals: &BTreeMap<String, SyscallStats>,
    ctx: &Ctx,
    extra_notes: Vec<String>,
) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    let total: u64 = totals.values().map(|s| s.calls).sum();
    let total_errors: u64 = totals.values().map(|s| s.errors).sum();
    let total_nanos: u64 = totals.values().map(|s| s.nanos).sum();
    let threads = threads_list.len();

    // Data-moving calls first, in their own table, so they stand out even
    // without colour.
    let mut data: Vec<(&String, &SyscallStats)> = totals
        .iter()
        .filter(|(n, _)| group_of(n).moves_data())
        .collect();
    data.sort_by_key(|(n, s)| (group_of(n), std::cmp::Reverse(s.calls), (*n).clone()));
    let _ = writeln!(
        out,
        "\n{}",
        lang.t(
            "Data-moving system calls [measured: ptrace, bytes from return values]:",
            "搬运数据的系统调用［实测：ptrace，字节数取自返回值］："
        )
        .bold()
    );
    if data.is_empty() {
        let _ = writeln!(out, "  {}", lang.t("(none)", "（无）"));
    } else {
        let mut t = condensed_table(
            ctx,
            vec![
                head(lang.t("system call", "系统调用")),
                head(lang.t("group", "类别")),
                head(lang.t("calls", "次数")),
                head(lang.t("errors", "出错")),
                head(lang.t("bytes moved", "搬运字节")),
                head(lang.t("% of calls", "占调用比例")),
                head(lang.t("% time", "时间占比")),
                head(lang.t("µs/call", "微秒/次")),
            ],
        );
        for (name, s) in &data {
            t.add_row(vec![
                Cell::new(name.as_str())
                    .add_attribute(Attribute::Bold)
                    .fg(Color::Cyan),
                Cell::new(group_label(group_of(name), lang)),
                num(s.calls),
                num(s.errors),
                Cell::new(format!(
                    "{} ({})",
                    group_digits(s.bytes),
                    format_bytes(s.bytes)
                ))
                .set_alignment(CellAlignment::Right),
                Cell::new(share(s.calls, total)).set_alignment(CellAlignment::Right),
                Cell::new(share(s.nanos, total_nanos)).set_alignment(CellAlignment::Right),
                Cell::new(per_call_us(s)).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    let mut other: Vec<(&String, &SyscallStats)> = totals
        .iter()
        .filter(|(n, _)| !group_of(n).moves_data())
        .collect();
    other.sort_by_key(|(n, s)| (std::cmp::Reverse(s.calls), (*n).clone()));
    if !other.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            lang.t(
                "Other system calls [measured: ptrace]:",
                "其他系统调用［实测：ptrace］："
            )
            .bold()
        );
        let mut t = condensed_table(
            ctx,
            vec![
                head(lang.t("system call", "系统调用")),
                head(lang.t("calls", "次数")),
                head(lang.t("errors", "出错")),
                head(lang.t("% of calls", "占调用比例")),
                head(lang.t("% time", "时间占比")),
                head(lang.t("µs/call", "微秒/次")),
            ],
        );
        for (name, s) in &other {
            t.add_row(vec![
                Cell::new(name.as_str()),
                num(s.calls),
                num(s.errors),
                Cell::new(share(s.calls, total)).set_alignment(CellAlignment::Right),
                Cell::new(share(s.nanos, total_nanos)).set_alignment(CellAlignment::Right),
                Cell::new(per_call_us(s)).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    // Totals, mode switches, byte flows.
    let dcalls = data_calls(totals);
    let flows = byte_flows(totals);
    let _ = writeln!(out);
    let summary = match lang {
        Lang::En => [
            format!(
                "Total: {} system calls, {} failed [measured: ptrace]",
                group_digits(total),
                group_digits(total_errors)
            ),
            format!(
                "Mode switches: {} = 2 × {} system calls [{}]; data-moving calls alone: {} = 2 × {}",
                group_digits(2 * total),
                group_digits(total),
                basis(lang),
                group_digits(2 * dcalls),
                group_digits(dcalls)
            ),
            format!(
                "Bytes copied by the CPU across the user/kernel boundary: {} into user space (read/recv), {} out of it (write/send)",
                format_bytes(flows.into_user),
                format_bytes(flows.out_of_user)
            ),
            format!(
                "Bytes moved inside the kernel, no user-space copy (sendfile/splice/copy_file_range): {}; mapped by mmap, not copied: {}",
                format_bytes(flows.in_kernel),
                format_bytes(flows.mapped)
            ),
        ],
        Lang::Zh => [
            format!(
                "合计：{} 次系统调用，{} 次出错［实测：ptrace］",
                group_digits(total),
                group_digits(total_errors)
            ),
            format!(
                "模式切换：{} = 2 × {} 次系统调用［{}］；其中搬运数据的调用：{} = 2 × {}",
                group_digits(2 * total),
                group_digits(total),
                basis(lang),
                group_digits(2 * dcalls),
                group_digits(dcalls)
            ),
            format!(
                "CPU 跨越用户态/内核态边界拷贝的字节：拷入用户空间 {}（read/recv），拷出用户空间 {}（write/send）",
                format_bytes(flows.into_user),
                format_bytes(flows.out_of_user)
            ),
            format!(
                "在内核内部搬运、不经用户空间的字节（sendfile/splice/copy_file_range）：{}；mmap 映射（不拷贝）：{}",
                format_bytes(flows.in_kernel),
                format_bytes(flows.mapped)
            ),
        ],
    };
    let width = ctx.width;
    for line in &summary {
        let _ = writeln!(out, "{}", super::wrap(line, width, "", 2));
    }

    if threads > 1 {
        let _ = writeln!(
            out,
            "\n{}",
            lang.t(
                "Per thread (the tracer follows every fork, vfork and clone):",
                "按线程（跟踪器跟随每一次 fork、vfork 和 clone）："
            )
            .bold()
        );
        let mut t = condensed_table(
            ctx,
            vec![
                head(lang.t("thread", "线程")),
                head(lang.t("process", "进程")),
                head(lang.t("name", "名称")),
                head(lang.t("calls", "次数")),
                head(lang.t("data-moving", "搬运数据")),
                head(lang.t("bytes moved", "搬运字节")),
                head(lang.t("mode switches [derived]", "模式切换［推算］")),
            ],
        );
        for th in threads_list {
            let calls: u64 = th.syscalls.values().map(|s| s.calls).sum();
            let bytes: u64 = th
                .syscalls
                .iter()
                .filter(|(n, _)| group_of(n).moves_data() && group_of(n) != SyscallGroup::Mmap)
                .map(|(_, s)| s.bytes)
                .sum();
            t.add_row(vec![
                Cell::new(th.tid),
                Cell::new(th.tgid),
                Cell::new(&th.comm),
                num(calls),
                num(data_calls(&th.syscalls)),
                Cell::new(format_bytes(bytes)).set_alignment(CellAlignment::Right),
                num(2 * calls),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    let _ = writeln!(
        out,
        "\n{}",
        lang.t("How to read this:", "怎么读这张表：").bold()
    );
    let mut notes = vec![lang.t(
        "Every figure is measured by zclab's own ptrace tracer (the mechanism strace uses): each call is counted once at syscall entry on the thread that made it; errors and bytes moved come from the return value at syscall exit (for mmap/munmap, the length). Check it with `strace -f -c CMD`; strace counts at exit, so it leaves out exit and exit_group.",
        "所有数字都由 zclab 自己的 ptrace 跟踪器实测（与 strace 同一机制）：每次调用在进入内核时计一次，记在发起调用的线程上；出错与搬运字节取自调用返回时的返回值（mmap/munmap 取长度）。可用 `strace -f -c 命令` 核对；strace 在返回时计数，所以不含 exit 和 exit_group。",
    )
    .to_string()];
    notes.push(lang.t(
        "Linux keeps no count of user/kernel mode switches: like compare, zclab derives them as 2 per system call (enter + leave).",
        "Linux 没有用户态/内核态切换计数器：和 compare 一样，zclab 按每次系统调用 2 次（进入 + 返回）推算。",
    ).to_string());
    if totals.get("execve").is_some_and(|s| s.errors > 0) {
        notes.push(lang.t(
            "The failed execve calls are the PATH search: like a shell, zclab tries each directory in $PATH until the program is found. Give the full path to see one execve.",
            "失败的 execve 是在 PATH 中查找程序：和 shell 一样，zclab 依次尝试 $PATH 中的每个目录直到找到程序。给出完整路径就只会看到一次 execve。",
        ).to_string());
    }
    notes.push(lang.t(
        "% time and µs/call are wall-clock time from each call's entry stop to its exit stop, as the tracer saw them (what `strace -c -w` shows, not CPU time): a call that waits, such as epoll_wait or a read from a socket, counts its whole wait, and every call carries part of the tracer's own round trip.",
        "时间占比与微秒/次是跟踪器看到的墙钟时间：从每次调用进入内核的停顿到返回时的停顿（与 `strace -c -w` 相同，不是 CPU 时间）。等待型调用（epoll_wait、读 socket）把等待的时间全算在内，每次调用也都带上跟踪器自身往返的一部分开销。",
    ).to_string());
    if flows.in_kernel > 0 {
        notes.push(lang.t(
            "sendfile, splice and copy_file_range move data between two files or a file and a socket inside the kernel: those bytes never enter user space, which is the zero copy Kafka relies on.",
            "sendfile、splice 和 copy_file_range 在内核内部把数据从文件搬到文件或 socket：这些字节从不进入用户空间，这就是 Kafka 依赖的零拷贝。",
        ).to_string());
    }
    notes.extend(extra_notes);
    let width = ctx.width;
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}",
            super::wrap(n, width, &format!("  {}. ", i + 1), 5)
        );
    }
    out
}

#[derive(Serialize)]
struct CountDoc<'a> {
    zclab_version: &'static str,
    command: Vec<String>,
    status: StatusDoc,
    exit_code: i32,
    elapsed_s: f64,
    #[serde(flatten)]
    counts: CountsDoc<'a>,
}

/// The counting part of the document, shared by `count -- CMD` and
/// `count --pid`.
#[derive(Serialize)]
pub struct CountsDoc<'a> {
    source: &'static str,
    total_calls: u64,
    total_errors: u64,
    mode_switches: u64,
    mode_switches_basis: &'static str,
    data_moving_calls: u64,
    bytes: ByteFlows,
    syscalls: Vec<SyscallDoc<'a>>,
    groups: Vec<GroupDoc>,
    threads: Vec<ThreadDoc<'a>>,
}

#[derive(Serialize)]
struct StatusDoc {
    /// The exit code, when the command exited.
    exited: Option<i32>,
    /// The signal that killed it, when one did.
    signal: Option<i32>,
    signal_name: Option<String>,
}

#[derive(Serialize)]
struct SyscallDoc<'a> {
    name: &'a str,
    group: &'static str,
    calls: u64,
    errors: u64,
    bytes: u64,
    /// Wall time from entry stop to exit stop, summed (strace -c -w).
    time_s: f64,
}

#[derive(Serialize)]
struct GroupDoc {
    group: &'static str,
    calls: u64,
    errors: u64,
    bytes: u64,
}

#[derive(Serialize)]
struct ThreadDoc<'a> {
    tid: i32,
    pid: i32,
    comm: &'a str,
    calls: u64,
    syscalls: BTreeMap<&'a str, CallDoc>,
}

#[derive(Serialize)]
struct CallDoc {
    calls: u64,
    errors: u64,
    bytes: u64,
    time_s: f64,
}

fn syscall_docs(counts: &BTreeMap<String, SyscallStats>) -> Vec<SyscallDoc<'_>> {
    let mut v: Vec<SyscallDoc> = counts
        .iter()
        .map(|(n, s)| SyscallDoc {
            name: n,
            group: group_of(n).id(),
            calls: s.calls,
            errors: s.errors,
            bytes: s.bytes,
            time_s: s.nanos as f64 / 1e9,
        })
        .collect();
    v.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.name.cmp(b.name)));
    v
}

/// The counting fields of a count document, from per-thread counts and
/// their totals.
pub fn counts_doc<'a>(
    threads: &'a [crate::tracer::ThreadCounts],
    totals: &'a BTreeMap<String, SyscallStats>,
) -> CountsDoc<'a> {
    let total: u64 = totals.values().map(|s| s.calls).sum();
    CountsDoc {
        source: SOURCE_JSON,
        total_calls: total,
        total_errors: totals.values().map(|s| s.errors).sum(),
        mode_switches: 2 * total,
        mode_switches_basis: BASIS_JSON,
        data_moving_calls: data_calls(totals),
        bytes: byte_flows(totals),
        syscalls: syscall_docs(totals),
        groups: crate::tracer::group_totals(totals)
            .into_iter()
            .map(|(g, s)| GroupDoc {
                group: g.id(),
                calls: s.calls,
                errors: s.errors,
                bytes: s.bytes,
            })
            .collect(),
        threads: threads
            .iter()
            .map(|t| ThreadDoc {
                tid: t.tid,
                pid: t.tgid,
                comm: &t.comm,
                calls: t.syscalls.values().map(|s| s.calls).sum(),
                syscalls: t
                    .syscalls
                    .iter()
                    .map(|(n, s)| {
                        (
                            n.as_str(),
                            CallDoc {
                                calls: s.calls,
                                errors: s.errors,
                                bytes: s.bytes,
                                time_s: s.nanos as f64 / 1e9,
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The `zclab count --json` document (with a final newline).
pub fn count_json(argv: &[OsString], o: &TraceOutcome) -> Result<String> {
    let doc = CountDoc {
        zclab_version: env!("CARGO_PKG_VERSION"),
        command: argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        status: match o.status {
            CommandStatus::Exited(c) => StatusDoc {
                exited: Some(c),
                signal: None,
                signal_name: None,
            },
            CommandStatus::Signaled { signal, .. } => StatusDoc {
                exited: None,
                signal: Some(signal),
                signal_name: o.status.signal_name(),
            },
        },
        exit_code: o.status.shell_exit_code(),
        elapsed_s: o.elapsed.as_secs_f64(),
        counts: counts_doc(&o.threads, &o.totals),
    };
    let mut text = serde_json::to_string_pretty(&doc).context("cannot encode the JSON report")?;
    text.push('\n');
    Ok(text)
}

/// A one-line message for a command that could not be traced.
pub fn trace_error(e: &TraceError, lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => match e {
            TraceError::EmptyCommand => {
                "没有要跟踪的命令：请写在 `--` 之后，例如 `zclab count -- cat 文件`".into()
            }
            TraceError::NulInArgument { arg } => {
                format!("参数 {arg:?} 含有 NUL 字节，程序无法接收：请去掉它")
            }
            TraceError::CommandNotFound { program } => {
                format!("找不到命令：{program}：请检查拼写，或给出完整路径")
            }
            TraceError::CannotExecute { program, errno } => format!(
                "无法执行 {program}：{}：请确认它是可执行文件（chmod +x）",
                errno.desc()
            ),
            TraceError::PtraceRefused { errno } => format!(
                "内核拒绝 zclab 跟踪该命令（ptrace：{}）：seccomp 配置、没有 CAP_SYS_PTRACE 的容器或 kernel.yama.ptrace_scope=3 会阻止它；请在容器外运行，或使用 --cap-add=SYS_PTRACE / --security-opt seccomp=unconfined，或调低 ptrace_scope",
                errno.desc()
            ),
            TraceError::AlreadyTraced { tracer_pid, tracer } => format!(
                "zclab 本身正被 {tracer}（pid {tracer_pid}）跟踪，它也接管了要跟踪的命令：一个进程只能有一个跟踪者；请在 {tracer} 之外运行 zclab count，或跟踪 zclab 时不跟随子进程（strace 不加 -f）"
            ),
            TraceError::Os { what, errno } => format!("跟踪器：{what} 失败：{}", errno.desc()),
        },
    }
}

/// The `compare --verify` section: both witnesses side by side.
pub fn verify_table(v: &Verification, ctx: &Ctx) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}",
        lang.t(
            "Second witness (--verify): each method re-run once in a child process under zclab's ptrace tracer; the child's own count beside what the tracer saw its sending thread do:",
            "第二个证人（--verify）：每种方式在子进程中、在 zclab 的 ptrace 跟踪器下再跑一次；子进程自己的计数与跟踪器看到的发送线程的实际调用并列："
        )
        .bold()
    );
    let mut t = condensed_table(
        ctx,
        vec![
            head(lang.t("method", "方式")),
            head(lang.t("system call", "系统调用")),
            head(lang.t("zclab's own count", "zclab 自计数")),
            head(lang.t(
                "ptrace tracer (sending thread)",
                "ptrace 跟踪器（发送线程）",
            )),
            head(lang.t("bytes (tracer, return values)", "字节（跟踪器，返回值）")),
            head(lang.t("verdict", "结论")),
        ],
    );
    for m in &v.methods {
        for c in &m.calls {
            let verdict = if c.agrees() {
                Cell::new(lang.t("agree ✓", "一致 ✓")).fg(Color::Green)
            } else {
                let diff = c.traced as i64 - c.own as i64;
                Cell::new(match lang {
                    Lang::En => format!("DIFFER by {diff:+}"),
                    Lang::Zh => format!("不一致，相差 {diff:+}"),
                })
                .fg(Color::Red)
                .add_attribute(Attribute::Bold)
            };
            t.add_row(vec![
                Cell::new(m.method.name()),
                Cell::new(c.name).add_attribute(Attribute::Bold),
                num(c.own),
                num(c.traced),
                Cell::new(format_bytes(c.traced_bytes)).set_alignment(CellAlignment::Right),
                verdict,
            ]);
        }
    }
    let _ = writeln!(out, "{t}");
    for m in &v.methods {
        let total = m.sender_total_calls();
        let data: u64 = m.calls.iter().map(|c| c.traced).sum();
        let mut rest: Vec<(&String, &SyscallStats)> = m
            .sender_syscalls
            .iter()
            .filter(|(n, _)| !m.calls.iter().any(|c| c.name == n.as_str()))
            .collect();
        rest.sort_by_key(|(n, s)| (std::cmp::Reverse(s.calls), (*n).clone()));
        let rest_text = rest
            .iter()
            .map(|(n, s)| format!("{n} {}", s.calls))
            .collect::<Vec<_>>()
            .join(", ");
        let line = match lang {
            Lang::En => format!(
                "{}: sending thread {} made {} system calls in all: {} moving data, {} setting up and synchronising ({rest_text}), which compare does not count; bytes through user space: own {} / tracer {}; /proc syscr +{} syscw +{}; {} threads traced, {:.2} s under the tracer",
                m.method.name(),
                m.sender_tid,
                group_digits(total),
                group_digits(data),
                group_digits(total - data),
                group_digits(m.own_user_copy_bytes),
                group_digits(m.traced_user_copy_bytes),
                group_digits(m.procfs_syscr),
                group_digits(m.procfs_syscw),
                m.threads_seen,
                m.elapsed.as_secs_f64()
            ),
            Lang::Zh => format!(
                "{}：发送线程 {} 共做了 {} 次系统调用：{} 次搬运数据，{} 次用于准备与同步（{rest_text}），compare 不计这些；经过用户空间的字节：自计数 {} / 跟踪器 {}；/proc syscr +{} syscw +{}；跟踪了 {} 个线程，跟踪下用时 {:.2} s",
                m.method.name(),
                m.sender_tid,
                group_digits(total),
                group_digits(data),
                group_digits(total - data),
                group_digits(m.own_user_copy_bytes),
                group_digits(m.traced_user_copy_bytes),
                group_digits(m.procfs_syscr),
                group_digits(m.procfs_syscw),
                m.threads_seen,
                m.elapsed.as_secs_f64()
            ),
        };
        let width = ctx.width;
        let _ = writeln!(out, "{}", super::wrap(&line, width, "  ", 4));
    }
    let verdict = if v.agrees() {
        lang.t(
            "Both witnesses agree on every data-moving call: zclab's mode switches (2 per call) rest on counts the kernel-level tracer confirms.",
            "两个证人在每一个搬运数据的调用上都一致：zclab 的模式切换（每次调用 2 次）所依据的次数得到了内核级跟踪器的证实。",
        )
        .green()
        .bold()
    } else {
        lang.t(
            "The witnesses DIFFER (see the rows marked above): zclab's own count is not confirmed for this run.",
            "两个证人不一致（见上面标出的行）：本次运行中 zclab 的自计数未得到证实。",
        )
        .red()
        .bold()
    };
    let _ = writeln!(out, "{verdict}");
    out
}

#[derive(Serialize)]
struct VerifyDoc {
    agrees: bool,
    source: &'static str,
    methods: Vec<VerifyMethodDoc>,
}

#[derive(Serialize)]
struct VerifyMethodDoc {
    method: &'static str,
    agrees: bool,
    sender_tid: i32,
    /// name → {own, traced, traced_bytes, traced_errors}
    calls: BTreeMap<&'static str, VerifyCallDoc>,
    own_user_copy_bytes: u64,
    traced_user_copy_bytes: u64,
    sender_total_calls: u64,
    sender_syscalls: BTreeMap<String, CallDoc>,
    procfs_syscr: u64,
    procfs_syscw: u64,
    threads_traced: usize,
    elapsed_s: f64,
}

#[derive(Serialize)]
struct VerifyCallDoc {
    own: u64,
    traced: u64,
    traced_bytes: u64,
    traced_errors: u64,
}

/// Adds a `verify` object to compare's JSON document (which stays one
/// document with all its fields).
pub fn add_verify_json(compare_json: &str, v: &Verification) -> Result<String> {
    let mut doc: serde_json::Value =
        serde_json::from_str(compare_json).context("cannot re-read compare's JSON")?;
    let verify = VerifyDoc {
        agrees: v.agrees(),
        source: "each method re-run once in a child `zclab compare --json` under zclab's ptrace tracer; own = the child's count, traced = the tracer's count on the child's sending thread",
        methods: v
            .methods
            .iter()
            .map(|m| VerifyMethodDoc {
                method: m.method.name(),
                agrees: m.agrees(),
                sender_tid: m.sender_tid,
                calls: m
                    .calls
                    .iter()
                    .map(|c| {
                        (
                            c.name,
                            VerifyCallDoc {
                                own: c.own,
                                traced: c.traced,
                                traced_bytes: c.traced_bytes,
                                traced_errors: c.traced_errors,
                            },
                        )
                    })
                    .collect(),
                own_user_copy_bytes: m.own_user_copy_bytes,
                traced_user_copy_bytes: m.traced_user_copy_bytes,
                sender_total_calls: m.sender_total_calls(),
                sender_syscalls: m
                    .sender_syscalls
                    .iter()
                    .map(|(n, s)| {
                        (
                            n.clone(),
                            CallDoc {
                                calls: s.calls,
                                errors: s.errors,
                                bytes: s.bytes,
                                time_s: s.nanos as f64 / 1e9,
                            },
                        )
                    })
                    .collect(),
                procfs_syscr: m.procfs_syscr,
                procfs_syscw: m.procfs_syscw,
                threads_traced: m.threads_seen,
                elapsed_s: m.elapsed.as_secs_f64(),
            })
            .collect(),
    };
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "verify".into(),
            serde_json::to_value(verify).context("cannot encode the verification")?,
        );
    }
    let mut text = serde_json::to_string_pretty(&doc).context("cannot encode the JSON report")?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::Method;
    use crate::verify::{CallCheck, MethodCheck};

    fn stats(calls: u64, bytes: u64) -> SyscallStats {
        SyscallStats {
            calls,
            errors: 0,
            bytes,
            nanos: 0,
        }
    }

    #[test]
    fn byte_flows_split_by_direction() {
        let totals: BTreeMap<String, SyscallStats> = [
            ("read", stats(2, 100)),
            ("recvfrom", stats(1, 10)),
            ("write", stats(1, 50)),
            ("sendmsg", stats(1, 5)),
            ("sendfile", stats(1, 1000)),
            ("copy_file_range", stats(1, 7)),
            ("mmap", stats(1, 4096)),
            ("munmap", stats(1, 4096)),
            ("openat", stats(3, 0)),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
        assert_eq!(
            byte_flows(&totals),
            ByteFlows {
                into_user: 110,
                out_of_user: 55,
                in_kernel: 1007,
                mapped: 4096,
            }
        );
        assert_eq!(data_calls(&totals), 9);
    }

    fn check(own: u64, traced: u64) -> Verification {
        Verification {
            file_bytes: 1 << 20,
            buffer_bytes: 4096,
            methods: vec![MethodCheck {
                method: Method::Sendfile,
                sender_tid: 42,
                calls: vec![CallCheck {
                    name: "sendfile",
                    own,
                    traced,
                    traced_bytes: 1 << 20,
                    traced_errors: 0,
                }],
                own_user_copy_bytes: 0,
                traced_user_copy_bytes: 0,
                sender_syscalls: [("sendfile".to_string(), stats(traced, 1 << 20))]
                    .into_iter()
                    .collect(),
                procfs_syscr: own,
                procfs_syscw: own,
                threads_seen: 3,
                elapsed: std::time::Duration::from_millis(10),
            }],
        }
    }

    #[test]
    fn verify_table_says_when_the_witnesses_agree() {
        let text = verify_table(&check(1, 1), &Ctx::plain(Lang::En, 100));
        assert!(text.contains("agree ✓"), "{text}");
        assert!(text.contains("Both witnesses agree"), "{text}");
        let text = verify_table(&check(1, 1), &Ctx::plain(Lang::Zh, 100));
        assert!(
            text.contains("一致 ✓") && text.contains("两个证人"),
            "{text}"
        );
    }

    #[test]
    fn verify_table_shows_the_difference_plainly() {
        let v = check(1, 2);
        assert!(!v.agrees());
        let text = verify_table(&v, &Ctx::plain(Lang::En, 100));
        assert!(text.contains("DIFFER by +1"), "{text}");
        assert!(text.contains("The witnesses DIFFER"), "{text}");
        let json = add_verify_json("{\"methods\": []}", &v).expect("JSON");
        let doc: serde_json::Value = serde_json::from_str(&json).expect("parse");
        assert_eq!(doc["verify"]["agrees"], false);
        assert_eq!(
            doc["verify"]["methods"][0]["calls"]["sendfile"]["traced"],
            2
        );
        assert_eq!(
            doc["methods"],
            serde_json::json!([]),
            "compare's fields kept"
        );
    }
}
