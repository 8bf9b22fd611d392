//! An independent witness: a small ptrace tracer that counts the system calls
//! of any command, per thread and in total, like `strace -f -c`.
//!
//! zclab derives mode switches from the system calls it counts itself; this
//! module lets a student check those numbers (and look inside `cat`, `cp`,
//! Python…) with the kernel's own syscall-stop mechanism. It returns plain
//! data and never prints: the report module renders a [`TraceOutcome`].
//!
//! Counting rules (kept identical to strace so the two can be compared):
//! each call is counted once, at syscall entry, on the thread that made it;
//! its error and the bytes it moved are read at syscall exit. Calls that
//! never return (`exit_group`, a successful `execve` in another thread) are
//! counted but have no exit; strace's `-c` counts at exit and so leaves
//! `exit`/`exit_group` out.

mod attach;
mod engine;
mod launch;
pub mod names;
mod output_end;
mod state;
mod stop_signal;
mod syscall_table;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use nix::errno::Errno;
use nix::libc;

use crate::error::Localized;

pub use names::{SyscallGroup, group_of};
pub use output_end::OutputEnd;
pub use stop_signal::StopOnSignal;

/// Options for [`trace_command`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceOptions {
    /// Where the command's standard output goes (dup2'ed onto fd 1 in the
    /// child before tracing starts, so it costs the command no counted
    /// call); `None` inherits ours. The caller keeps the fd open.
    pub stdout: Option<std::os::fd::RawFd>,
    /// The same for standard error.
    pub stderr: Option<std::os::fd::RawFd>,
}

/// Counters for one system call name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyscallStats {
    /// Entries seen (one per call).
    pub calls: u64,
    /// Exits with a negative return value (`-errno`).
    pub errors: u64,
    /// Bytes moved by successful calls, from the return value at exit
    /// (mmap/munmap: the mapping length; sendmmsg/recvmmsg: the sum of
    /// `msg_len`). Zero for calls that do not move data.
    pub bytes: u64,
    /// Wall-clock nanoseconds from each call's entry stop to its exit stop,
    /// as the tracer saw them (what `strace -c -w` sums). It includes the
    /// time the call blocked, and part of the tracer's own round trip.
    pub nanos: u64,
}

impl SyscallStats {
    fn add(&mut self, other: &SyscallStats) {
        self.calls += other.calls;
        self.errors += other.errors;
        self.bytes += other.bytes;
        self.nanos += other.nanos;
    }
}

/// What one thread did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadCounts {
    /// Kernel thread id.
    pub tid: i32,
    /// Process (thread group) id; equal to `tid` for a process's main thread.
    pub tgid: i32,
    /// `/proc/<tid>/comm` when the thread was first seen or last exec'd.
    pub comm: String,
    /// Counts by system call name.
    pub syscalls: BTreeMap<String, SyscallStats>,
}

impl ThreadCounts {
    /// Calls of `name` on this thread (0 when it never made that call).
    pub fn calls(&self, name: &str) -> u64 {
        self.syscalls.get(name).map_or(0, |s| s.calls)
    }
}

/// How the traced command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    /// It called exit with this code.
    Exited(i32),
    /// A signal (number) killed it.
    Signaled { signal: i32, core_dumped: bool },
}

impl CommandStatus {
    /// The exit code a shell would report: the code, or 128 + signal.
    pub fn shell_exit_code(self) -> i32 {
        match self {
            CommandStatus::Exited(code) => code,
            CommandStatus::Signaled { signal, .. } => 128 + signal,
        }
    }

    /// `SIGKILL`, `SIGSEGV`, … for a signal status; `None` for an exit.
    pub fn signal_name(self) -> Option<String> {
        match self {
            CommandStatus::Exited(_) => None,
            CommandStatus::Signaled { signal, .. } => Some(signal_name(signal)),
        }
    }
}

/// The name of signal `signal` (`SIGINT`), or `SIGRTMIN+n` / `signal n`.
pub fn signal_name(signal: i32) -> String {
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(s) => s.as_str().to_string(),
        Err(_) if signal >= libc::SIGRTMIN() && signal <= libc::SIGRTMAX() => {
            format!("SIGRTMIN+{}", signal - libc::SIGRTMIN())
        }
        Err(_) => format!("signal {signal}"),
    }
}

/// Everything the tracer measured about one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceOutcome {
    /// How the command (the first process) ended.
    pub status: CommandStatus,
    /// Per-thread counts, in the order the threads were first seen.
    pub threads: Vec<ThreadCounts>,
    /// Sum over all threads, by system call name.
    pub totals: BTreeMap<String, SyscallStats>,
    /// Wall-clock time from fork to the last tracee's exit (includes the
    /// tracer's own overhead: every call costs two extra stops).
    pub elapsed: Duration,
    /// How the command's output to zclab's own stdout ended.
    pub output_end: OutputEnd,
}

impl TraceOutcome {
    /// Calls of `name` summed over all threads.
    pub fn calls(&self, name: &str) -> u64 {
        self.totals.get(name).map_or(0, |s| s.calls)
    }

    /// All calls of all threads.
    pub fn total_calls(&self) -> u64 {
        self.totals.values().map(|s| s.calls).sum()
    }

    /// All failed calls of all threads.
    pub fn total_errors(&self) -> u64 {
        self.totals.values().map(|s| s.errors).sum()
    }

    /// Totals summed per group, in report order; groups with no calls are
    /// left out.
    pub fn by_group(&self) -> Vec<(SyscallGroup, SyscallStats)> {
        group_totals(&self.totals)
    }

    /// Number of distinct processes (thread groups) seen.
    pub fn process_count(&self) -> usize {
        let mut tgids: Vec<i32> = self.threads.iter().map(|t| t.tgid).collect();
        tgids.sort_unstable();
        tgids.dedup();
        tgids.len()
    }
}

/// Sums `counts` per group, in report order, leaving out empty groups.
pub fn group_totals(counts: &BTreeMap<String, SyscallStats>) -> Vec<(SyscallGroup, SyscallStats)> {
    let mut sums: BTreeMap<SyscallGroup, SyscallStats> = BTreeMap::new();
    for (name, stats) in counts {
        sums.entry(group_of(name)).or_default().add(stats);
    }
    SyscallGroup::ALL
        .iter()
        .filter_map(|g| sums.get(g).map(|s| (*g, *s)))
        .collect()
}

/// Why a command could not be traced. Each variant carries what a message
/// needs; [`TraceError::message`] gives the one-liner in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceError {
    /// No command was given.
    EmptyCommand,
    /// An argument contains a NUL byte, which execve cannot pass.
    NulInArgument { arg: String },
    /// execvp found no such program on PATH (a shell exits 127).
    CommandNotFound { program: String },
    /// The program exists but could not be executed (EACCES, ENOEXEC, …;
    /// a shell exits 126).
    CannotExecute { program: String, errno: Errno },
    /// The kernel refused ptrace (seccomp profile, container without
    /// CAP_SYS_PTRACE, Yama ptrace_scope = 3).
    PtraceRefused { errno: Errno },
    /// zclab itself is traced (strace -f, a debugger) and its tracer took
    /// our child first: a process can have only one tracer.
    AlreadyTraced { tracer_pid: i32, tracer: String },
    /// An OS call of the tracer itself failed.
    Os {
        what: crate::text::Text,
        errno: Errno,
    },
}

impl TraceError {
    /// The exit code the CLI should use: 127/126 like a shell for a command
    /// that cannot run, 2 for bad input, 1 for runtime failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            TraceError::CommandNotFound { .. } => 127,
            TraceError::CannotExecute { .. } => 126,
            TraceError::EmptyCommand | TraceError::NulInArgument { .. } => 2,
            TraceError::PtraceRefused { .. }
            | TraceError::AlreadyTraced { .. }
            | TraceError::Os { .. } => 1,
        }
    }
}

impl TraceError {
    /// The one-line message, in both languages, from the catalogue.
    pub fn message(&self) -> Localized {
        use crate::text::errors as t;
        match self {
            TraceError::EmptyCommand => Localized::new(t::EMPTY_COMMAND, &[]),
            TraceError::NulInArgument { arg } => {
                Localized::new(t::NUL_IN_ARGUMENT, &[("arg", &format_args!("{arg:?}"))])
            }
            TraceError::CommandNotFound { program } => {
                Localized::new(t::COMMAND_NOT_FOUND, &[("program", program)])
            }
            TraceError::CannotExecute { program, errno } => Localized::new(
                t::CANNOT_EXECUTE,
                &[("program", program), ("reason", &errno.desc())],
            ),
            TraceError::PtraceRefused { errno } => {
                Localized::new(t::PTRACE_REFUSED, &[("reason", &errno.desc())])
            }
            TraceError::AlreadyTraced { tracer_pid, tracer } => Localized::new(
                t::ALREADY_TRACED,
                &[("tracer", tracer), ("pid", tracer_pid)],
            ),
            TraceError::Os { what, errno } => Localized::around(
                // A system call's name is the same in both languages.
                if what.key == "call" {
                    t::TRACER_OS
                } else {
                    t::TRACER_STEP
                },
                "what",
                &Localized::new(*what, &[]),
                &[("reason", &errno.desc())],
            ),
        }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for TraceError {}

/// Runs `argv` (program looked up on PATH like a shell does) under ptrace,
/// following every fork, vfork and clone, and returns what it did.
///
/// Must be called from the thread that will be the tracer for the whole run
/// (ptrace binds tracees to the thread that attached them). It waits for any
/// child of this process, so do not run other child processes concurrently.
pub fn trace_command(argv: &[OsString], opts: &TraceOptions) -> Result<TraceOutcome, TraceError> {
    engine::run(argv, opts)
}

/// Options for [`attach`].
#[derive(Debug, Clone, Copy)]
pub struct AttachOptions<'a> {
    /// Detach after this long (`--for`); `None` waits for `stop` or for the
    /// targets to exit.
    pub duration: Option<std::time::Duration>,
    /// Set any of them (from a signal handler or another thread) to
    /// detach: the tracer looks at them at least every 50 ms.
    pub stop: &'a [&'a std::sync::atomic::AtomicBool],
}

/// One process zclab attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedTarget {
    /// Its process id (a thread id given on the command line becomes the
    /// id of its process).
    pub pid: i32,
    /// `/proc/PID/comm` at attach time.
    pub comm: String,
    /// Threads seized at the start (more may be born during the trace).
    pub threads_at_attach: usize,
    /// Set when it exited while traced.
    pub exited: Option<CommandStatus>,
}

/// Why the attach window closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachEnd {
    /// The stop flag was set (Ctrl-C, or the caller was done).
    Stopped,
    /// `--for` ran out.
    TimeUp,
    /// Every traced thread exited.
    TargetsExited,
}

/// Everything the tracer measured while attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachOutcome {
    pub targets: Vec<AttachedTarget>,
    pub end: AttachEnd,
    /// From the moment every thread was seized to the start of the detach.
    pub window: Duration,
    /// Per-thread counts, in the order the threads were first seen.
    pub threads: Vec<ThreadCounts>,
    /// Sum over all threads, by system call name.
    pub totals: BTreeMap<String, SyscallStats>,
}

impl AttachOutcome {
    /// Calls of `name` summed over all threads.
    pub fn calls(&self, name: &str) -> u64 {
        self.totals.get(name).map_or(0, |s| s.calls)
    }
}

/// Why zclab could not attach. [`AttachError::message`] gives the one-liner
/// with what to do, in both languages; [`AttachError::exit_code`] the documented exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachError {
    /// No such process (or it exited before the attach).
    NoSuchProcess { pid: i32 },
    /// The PID is zclab's own.
    OwnProcess { pid: i32 },
    /// A zombie: it has exited, only its exit status is left.
    Exited { pid: i32, comm: String },
    /// A kernel thread, which has no user space to trace.
    KernelThread { pid: i32, comm: String },
    /// It belongs to another user and we are not root.
    NotYours {
        pid: i32,
        comm: String,
        owner: String,
    },
    /// Another tracer (strace, gdb, another zclab) holds it.
    AlreadyTraced {
        pid: i32,
        comm: String,
        tracer_pid: i32,
        tracer: String,
    },
    /// Yama's ptrace_scope allows tracing only descendants (1), only with
    /// CAP_SYS_PTRACE (2), or nothing (3).
    PtraceScope { pid: i32, comm: String, scope: u32 },
    /// Refused for another reason: a container without CAP_SYS_PTRACE, a
    /// seccomp profile, a LSM policy.
    Refused {
        pid: i32,
        comm: String,
        errno: Errno,
    },
    /// An OS call of the tracer itself failed.
    Os { what: &'static str, errno: Errno },
}

impl AttachError {
    /// 2 when the PID given cannot be traced by this user (bad input, like an
    /// unreadable file); 1 when the system or another tracer is in the way.
    pub fn exit_code(&self) -> i32 {
        match self {
            AttachError::NoSuchProcess { .. }
            | AttachError::OwnProcess { .. }
            | AttachError::Exited { .. }
            | AttachError::KernelThread { .. }
            | AttachError::NotYours { .. } => 2,
            AttachError::AlreadyTraced { .. }
            | AttachError::PtraceScope { .. }
            | AttachError::Refused { .. }
            | AttachError::Os { .. } => 1,
        }
    }
}

impl AttachError {
    /// The one-line message with what to do, in both languages, from the
    /// catalogue.
    pub fn message(&self) -> Localized {
        use crate::text::attach as t;
        match self {
            AttachError::NoSuchProcess { pid } => {
                Localized::new(t::NO_SUCH_PROCESS, &[("pid", pid)])
            }
            AttachError::OwnProcess { pid } => Localized::new(t::OWN_PROCESS, &[("pid", pid)]),
            AttachError::Exited { pid, comm } => {
                Localized::new(t::ZOMBIE, &[("pid", pid), ("comm", comm)])
            }
            AttachError::KernelThread { pid, comm } => {
                Localized::new(t::KERNEL_THREAD, &[("pid", pid), ("comm", comm)])
            }
            AttachError::NotYours { pid, comm, owner } => Localized::new(
                t::NOT_YOURS,
                &[("pid", pid), ("comm", comm), ("owner", owner)],
            ),
            AttachError::AlreadyTraced {
                pid,
                comm,
                tracer_pid,
                tracer,
            } => Localized::new(
                t::TRACED_BY_OTHER,
                &[
                    ("pid", pid),
                    ("comm", comm),
                    ("tracer", tracer),
                    ("tracer_pid", tracer_pid),
                ],
            ),
            AttachError::PtraceScope { pid, comm, scope } => Localized::new(
                t::PTRACE_SCOPE,
                &[("pid", pid), ("comm", comm), ("scope", scope)],
            ),
            AttachError::Refused { pid, comm, errno } => Localized::new(
                t::REFUSED,
                &[("pid", pid), ("comm", comm), ("reason", &errno.desc())],
            ),
            AttachError::Os { what, errno } => Localized::new(
                crate::text::errors::TRACER_OS,
                &[("what", what), ("reason", &errno.desc())],
            ),
        }
    }
}

impl fmt::Display for AttachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for AttachError {}

/// Attaches to the running processes `pids` (every thread, and every thread
/// or child they start), counts their system calls like
/// [`trace_command`], and detaches when `opts.stop` is set, when
/// `opts.duration` runs out, or when they have all exited. `on_ready` runs
/// once every thread is seized, before any call is counted (print a
/// banner, start a load generator…).
///
/// Must be called from one thread for the whole run, and it reaps (and
/// ignores) any other child of this process that exits meanwhile. It
/// installs a SIGALRM handler for the duration.
pub fn attach(
    pids: &[i32],
    opts: &AttachOptions,
    on_ready: &mut dyn FnMut(&[AttachedTarget]),
) -> Result<AttachOutcome, AttachError> {
    attach::run(pids, opts.duration, opts.stop, on_ready)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn a_failed_tracer_step_is_worded_in_both_languages() {
        let call = engine::os("waitpid", Errno::ECHILD).message();
        assert!(call.get(Lang::En).starts_with("tracer: waitpid failed: "));
        assert!(call.get(Lang::Zh).starts_with("跟踪器：waitpid 失败："));
        let step = engine::os_t(crate::text::run::TRACER_START_CHILD, Errno::ECHILD);
        assert_eq!(
            step.to_string(),
            format!(
                "tracer: starting the traced child failed: {}",
                Errno::ECHILD.desc()
            )
        );
        assert!(
            step.message()
                .get(Lang::Zh)
                .starts_with("跟踪器：启动被跟踪的子进程时出错：")
        );
    }
}
