//! The ptrace loop: fork, exec under `PTRACE_TRACEME`, then stop every tracee
//! at each syscall entry and exit until the last one is gone.
//!
//! Raw `libc::waitpid`/`libc::ptrace` are used where nix's typed wrappers
//! lose information: nix decodes a stop signal into its `Signal` enum, which
//! has no real-time signals, so a tracee receiving `SIGRTMIN+n` (glibc uses
//! two of them for thread cancellation and setxid) would make `waitpid`
//! return an error *after* the kernel consumed the event, and that tracee
//! would stay stopped for ever.

use std::collections::HashMap;
use std::ffi::{CString, OsString, c_char, c_void};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::libc;
use nix::sys::ptrace;
use nix::unistd::{ForkResult, Pid, fork, pipe2};

use super::names::{Abi, ByteRule, byte_rule, syscall_name};
use super::output_end::OutputWatch;
use super::{CommandStatus, SyscallStats, ThreadCounts, TraceError, TraceOptions, TraceOutcome};

/// What the child reports over the CLOEXEC pipe when it cannot get as far as
/// a successful execve: the stage byte, then errno in native byte order. A
/// successful exec closes the pipe, so the parent reads EOF instead.
const STAGE_TRACEME: u8 = 1;
const STAGE_EXEC: u8 = 2;

/// `struct mmsghdr` on x86_64: a 56-byte `msghdr`, then `unsigned msg_len`.
const MMSGHDR_SIZE: u64 = 64;
const MMSGHDR_MSG_LEN_OFFSET: u64 = 56;
/// sendmmsg/recvmmsg accept at most UIO_MAXIOV (1024) messages per call.
const MMSG_MAX: i64 = 1024;

type SysKey = (Abi, u64);

pub(super) fn run(argv: &[OsString], opts: &TraceOptions) -> Result<TraceOutcome, TraceError> {
    let program = argv.first().ok_or(TraceError::EmptyCommand)?;
    let program_name = program.to_string_lossy().into_owned();

    // Everything the child needs is built now: after fork, in a process that
    // may have other threads, only async-signal-safe calls are allowed (a
    // malloc could deadlock on a lock another thread held at fork time).
    let c_args = argv
        .iter()
        .map(|a| {
            CString::new(a.as_bytes()).map_err(|_| TraceError::NulInArgument {
                arg: a.to_string_lossy().into_owned(),
            })
        })
        .collect::<Result<Vec<CString>, TraceError>>()?;
    let mut c_argv: Vec<*const c_char> = c_args.iter().map(|a| a.as_ptr()).collect();
    c_argv.push(std::ptr::null());

    let (report_r, report_w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| os("pipe2", e))?;
    let started = Instant::now();

    // SAFETY: the child branch only makes async-signal-safe calls on memory
    // prepared before the fork (see `exec_child`), then execs or _exits.
    let child = match unsafe { fork() }.map_err(|e| os("fork", e))? {
        ForkResult::Child => exec_child(&c_argv, report_w.as_raw_fd(), opts),
        ForkResult::Parent { child } => child,
    };
    // Only the child may hold the write end, so that EOF means "exec worked".
    drop(report_w);

    let root = child.as_raw();
    let (_, status) = wait_for(root).map_err(|e| os("waitpid", e))?;
    if !(libc::WIFSTOPPED(status) && libc::WSTOPSIG(status) == libc::SIGSTOP) {
        // The child never reached its SIGSTOP: PTRACE_TRACEME failed.
        return Err(match read_report(&report_r) {
            Some((STAGE_TRACEME, Errno::EPERM)) | Some((STAGE_TRACEME, Errno::EACCES)) => {
                // A process can have one tracer. When zclab itself runs
                // under `strace -f` or a debugger that follows forks, our
                // child was attached to that tracer before it could ask for
                // us: a different fix from a seccomp or container refusal.
                match own_tracer() {
                    Some((tracer_pid, tracer)) => TraceError::AlreadyTraced { tracer_pid, tracer },
                    None => TraceError::PtraceRefused {
                        errno: Errno::EPERM,
                    },
                }
            }
            Some((_, errno)) => os("ptrace(PTRACE_TRACEME)", errno),
            None => os("starting the traced child", Errno::ECHILD),
        });
    }

    let options = ptrace::Options::PTRACE_O_TRACESYSGOOD
        | ptrace::Options::PTRACE_O_EXITKILL
        | ptrace::Options::PTRACE_O_TRACEEXEC
        | ptrace::Options::PTRACE_O_TRACEFORK
        | ptrace::Options::PTRACE_O_TRACEVFORK
        | ptrace::Options::PTRACE_O_TRACECLONE;
    if let Err(errno) = ptrace::setoptions(child, options) {
        // Without EXITKILL nothing guarantees cleanup, so kill it ourselves.
        let _ = nix::sys::signal::kill(child, nix::sys::signal::Signal::SIGKILL);
        let _ = wait_for(root);
        return Err(if errno == Errno::EPERM {
            TraceError::PtraceRefused { errno }
        } else {
            os("ptrace(PTRACE_SETOPTIONS)", errno)
        });
    }

    let mut state = State::new(root);
    // The child's own SIGSTOP was only a handshake: swallow it.
    resume(root, 0).map_err(|e| os("ptrace(PTRACE_SYSCALL)", e))?;

    let mut root_status = None;
    loop {
        let (pid, status) = match wait_any() {
            Ok(v) => v,
            // No tracee (and no other child) left.
            Err(Errno::ECHILD) => break,
            Err(e) => return Err(state.abandon(os("waitpid", e))),
        };
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            state.tracees.remove(&pid);
            if pid == root {
                root_status = Some(if libc::WIFEXITED(status) {
                    CommandStatus::Exited(libc::WEXITSTATUS(status))
                } else {
                    CommandStatus::Signaled {
                        signal: libc::WTERMSIG(status),
                        core_dumped: libc::WCOREDUMP(status),
                    }
                });
            }
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            continue;
        }
        let newly_seen = state.ensure(pid, false);
        let sig = libc::WSTOPSIG(status);
        let event = (status >> 16) & 0xff;
        let inject = if sig == libc::SIGTRAP | 0x80 {
            state.on_syscall_stop(pid);
            0
        } else if sig == libc::SIGTRAP && event != 0 {
            state.on_event(pid, event);
            0
        } else {
            state.on_signal_stop(pid, sig, newly_seen)
        };
        // ESRCH means it died meanwhile (SIGKILL); waitpid will report it.
        if let Err(e) = resume(pid, inject) {
            return Err(state.abandon(os("ptrace(PTRACE_SYSCALL)", e)));
        }
    }
    let elapsed = started.elapsed();

    match read_report(&report_r) {
        Some((STAGE_EXEC, Errno::ENOENT)) | Some((STAGE_EXEC, Errno::ENOTDIR)) => {
            return Err(TraceError::CommandNotFound {
                program: program_name,
            });
        }
        Some((STAGE_EXEC, errno)) => {
            return Err(TraceError::CannotExecute {
                program: program_name,
                errno,
            });
        }
        Some((_, errno)) => return Err(os("ptrace(PTRACE_TRACEME)", errno)),
        None => {}
    }
    let status = root_status.ok_or_else(|| os("waiting for the traced command", Errno::ECHILD))?;
    Ok(state.into_outcome(status, elapsed))
}

/// The child between fork and exec. Only async-signal-safe libc calls, no
/// allocation, no Rust std that might take a lock.
fn exec_child(argv: &[*const c_char], report_fd: RawFd, opts: &TraceOptions) -> ! {
    // SAFETY: plain syscalls on valid pointers prepared before fork; argv is
    // NULL-terminated and its strings outlive this function (it never returns).
    unsafe {
        // Before the handshake stop, so the tracer does not count them.
        if let Some(fd) = opts.stdout {
            libc::dup2(fd, 1);
        }
        if let Some(fd) = opts.stderr {
            libc::dup2(fd, 2);
        }
        // The Rust runtime ignores SIGPIPE and an ignored disposition survives
        // exec: without this, `zclab count -- yes | head` would see `yes` get
        // EPIPE errors instead of dying of SIGPIPE like it does in a shell.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        // A blocked mask also survives exec; the command should start clean.
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());

        if libc::ptrace(libc::PTRACE_TRACEME, 0, 0usize, 0usize) == -1 {
            report_and_exit(report_fd, STAGE_TRACEME);
        }
        // kill(getpid()) rather than raise(): glibc's raise() wraps tgkill in
        // two rt_sigprocmask calls, one of which would run after the tracer
        // starts counting and show up as the command's own call.
        libc::kill(libc::getpid(), libc::SIGSTOP);
        // execvp searches PATH like a shell; each failed attempt is an
        // execve the tracer counts as an error, which is what really happens.
        libc::execvp(argv[0], argv.as_ptr());
        report_and_exit(report_fd, STAGE_EXEC);
    }
}

/// Writes (stage, errno) to the report pipe and exits 127. Child-side only.
fn report_and_exit(fd: RawFd, stage: u8) -> ! {
    let errno = Errno::last_raw().to_ne_bytes();
    let msg = [stage, errno[0], errno[1], errno[2], errno[3]];
    // SAFETY: write(2) and _exit(2) are async-signal-safe; msg is on the stack.
    unsafe {
        libc::write(fd, msg.as_ptr().cast::<c_void>(), msg.len());
        libc::_exit(127)
    }
}

/// Reads the child's (stage, errno) report; `None` on EOF (exec succeeded).
fn read_report(fd: &OwnedFd) -> Option<(u8, Errno)> {
    let mut buf = [0u8; 5];
    let mut got = 0;
    while got < buf.len() {
        match nix::unistd::read(fd, &mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
    }
    (got == buf.len()).then(|| {
        let errno = i32::from_ne_bytes([buf[1], buf[2], buf[3], buf[4]]);
        (buf[0], Errno::from_raw(errno))
    })
}

pub(super) fn os(what: &'static str, errno: Errno) -> TraceError {
    TraceError::Os { what, errno }
}

fn wait_any() -> Result<(i32, i32), Errno> {
    wait_for(-1)
}

/// `waitpid(pid, __WALL)`, retried on EINTR. `__WALL` because threads of a
/// traced process report to the tracer like children but are not "children"
/// for plain waitpid.
pub(super) fn wait_for(pid: i32) -> Result<(i32, i32), Errno> {
    let mut status = 0;
    loop {
        // SAFETY: status is a valid out-pointer for the duration of the call.
        let got = unsafe { libc::waitpid(pid, &mut status, libc::__WALL) };
        if got != -1 {
            return Ok((got, status));
        }
        match Errno::last() {
            Errno::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// `PTRACE_SYSCALL` with a raw signal number (0 = none). ESRCH is not an
/// error: the tracee was killed after it stopped and waitpid will say so.
pub(super) fn resume(pid: i32, sig: i32) -> Result<(), Errno> {
    // SAFETY: PTRACE_SYSCALL takes no pointers; data is the signal number.
    let r = unsafe {
        libc::ptrace(
            libc::PTRACE_SYSCALL,
            pid,
            std::ptr::null_mut::<c_void>(),
            sig as usize as *mut c_void,
        )
    };
    if r == -1 {
        match Errno::last() {
            Errno::ESRCH => Ok(()),
            e => Err(e),
        }
    } else {
        Ok(())
    }
}

/// A call seen at entry whose exit is still to come.
struct Pending {
    key: SysKey,
    args: [u64; 6],
    rule: ByteRule,
    /// prctl(PR_SET_NAME): the thread renames itself (std and glibc name
    /// threads this way after they start), so re-read its comm at exit.
    renames: bool,
    /// When the tracer saw the entry stop (for the time columns).
    entered: Instant,
}

/// Live ptrace bookkeeping for one tracee thread.
#[derive(Default)]
pub(super) struct Tracee {
    in_syscall: Option<Pending>,
    /// Tracees auto-attached after fork/clone start with a SIGSTOP that is
    /// ptrace's handshake, not a signal for the program: swallow it once.
    awaiting_initial_stop: bool,
}

/// What we keep about every thread ever seen, dead or alive.
pub(super) struct ThreadRecord {
    pub(super) tgid: i32,
    pub(super) comm: String,
    counts: HashMap<SysKey, SyscallStats>,
}

pub(super) struct State {
    pub(super) tracees: HashMap<i32, Tracee>,
    pub(super) threads: HashMap<i32, ThreadRecord>,
    order: Vec<i32>,
    names: HashMap<SysKey, (String, ByteRule)>,
    /// How the command's output to our stdout ends.
    output: OutputWatch,
}

impl State {
    pub(super) fn new(root: i32) -> State {
        let mut s = State::empty();
        s.ensure(root, false);
        s
    }

    pub(super) fn empty() -> State {
        State {
            tracees: HashMap::new(),
            threads: HashMap::new(),
            order: Vec::new(),
            names: HashMap::new(),
            output: OutputWatch::default(),
        }
    }

    /// Registers `tid` if new; returns whether it was new.
    pub(super) fn ensure(&mut self, tid: i32, awaiting_initial_stop: bool) -> bool {
        if self.tracees.contains_key(&tid) {
            return false;
        }
        self.tracees.insert(
            tid,
            Tracee {
                in_syscall: None,
                awaiting_initial_stop,
            },
        );
        if let Some(t) = self.threads.get_mut(&tid) {
            // A tid the kernel reused: keep adding to the old record.
            t.comm = read_comm(tid).unwrap_or_else(|| t.comm.clone());
        } else {
            self.threads.insert(
                tid,
                ThreadRecord {
                    tgid: read_tgid(tid).unwrap_or(tid),
                    comm: read_comm(tid).unwrap_or_default(),
                    counts: HashMap::new(),
                },
            );
            self.order.push(tid);
        }
        true
    }

    /// Gives up on the run: kills every tracee and reaps them, so that
    /// nothing stays stopped in a zclab process that carries on (EXITKILL
    /// only acts when zclab itself exits). Returns `err` for the caller.
    fn abandon(&mut self, err: TraceError) -> TraceError {
        for &tid in self.tracees.keys() {
            let _ = nix::sys::signal::kill(Pid::from_raw(tid), nix::sys::signal::Signal::SIGKILL);
        }
        self.tracees.clear();
        while wait_any().is_ok() {}
        err
    }

    fn rule_for(&mut self, key: SysKey) -> ByteRule {
        self.names
            .entry(key)
            .or_insert_with(|| {
                let name = syscall_name(key.0, key.1).into_owned();
                let rule = byte_rule(key.0, &name);
                (name, rule)
            })
            .1
    }

    pub(super) fn on_syscall_stop(&mut self, tid: i32) {
        let now = Instant::now();
        let Ok(info) = ptrace::syscall_info(Pid::from_raw(tid)) else {
            return; // killed between the stop and this call
        };
        match info.op {
            libc::PTRACE_SYSCALL_INFO_ENTRY => {
                // SAFETY: op == ENTRY means the kernel filled the `entry` member.
                let entry = unsafe { info.u.entry };
                let key = (Abi::from_audit_arch(info.arch, entry.nr), entry.nr);
                let rule = self.rule_for(key);
                if let Some(t) = self.threads.get_mut(&tid) {
                    t.counts.entry(key).or_default().calls += 1;
                }
                let renames = key == (Abi::X86_64, libc::SYS_prctl as u64)
                    && entry.args[0] == libc::PR_SET_NAME as u64;
                if let Some(tr) = self.tracees.get_mut(&tid) {
                    tr.in_syscall = Some(Pending {
                        key,
                        args: entry.args,
                        rule,
                        renames,
                        entered: now,
                    });
                }
            }
            libc::PTRACE_SYSCALL_INFO_EXIT => {
                // SAFETY: op == EXIT means the kernel filled the `exit` member.
                let exit = unsafe { info.u.exit };
                let Some(p) = self.tracees.get_mut(&tid).and_then(|t| t.in_syscall.take()) else {
                    return; // an exit whose entry predates tracing
                };
                let bytes = if exit.is_error != 0 {
                    0
                } else {
                    bytes_moved(tid, &p, exit.sval)
                };
                if exit.is_error == 0
                    && let Some((name, _)) = self.names.get(&p.key)
                {
                    let tgid = self.threads.get(&tid).map_or(tid, |t| t.tgid);
                    self.output.on_exit(tid, tgid, name, &p.args, exit.sval);
                }
                if let Some(t) = self.threads.get_mut(&tid) {
                    let stats = t.counts.entry(p.key).or_default();
                    if exit.is_error != 0 {
                        stats.errors += 1;
                    }
                    stats.bytes += bytes;
                    stats.nanos += duration_nanos(now.duration_since(p.entered));
                    if p.renames
                        && exit.is_error == 0
                        && let Some(comm) = read_comm(tid)
                    {
                        t.comm = comm;
                    }
                }
            }
            // SECCOMP stops need PTRACE_O_TRACESECCOMP, which we do not set.
            _ => {}
        }
    }

    pub(super) fn on_event(&mut self, tid: i32, event: i32) {
        match event {
            libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE => {
                if let Ok(new) = ptrace::getevent(Pid::from_raw(tid)) {
                    // The new tracee's first stop may already have been seen
                    // (the kernel does not order the two reports); then it is
                    // registered and its SIGSTOP was already swallowed.
                    self.ensure(new as i32, true);
                }
            }
            libc::PTRACE_EVENT_EXEC => {
                // A non-leader thread that execs takes over the leader's tid;
                // the kernel tells us the tid it had. Carry its pending
                // execve over so that the exit stop finds it.
                if let Ok(former) = ptrace::getevent(Pid::from_raw(tid)) {
                    let former = former as i32;
                    if former != tid {
                        let pending = self.tracees.remove(&former).and_then(|t| t.in_syscall);
                        if let Some(t) = self.tracees.get_mut(&tid) {
                            t.in_syscall = pending;
                        }
                    }
                }
                if let Some(t) = self.threads.get_mut(&tid)
                    && let Some(comm) = read_comm(tid)
                {
                    t.comm = comm;
                }
            }
            _ => {}
        }
    }

    /// Decides which signal to deliver for a signal stop (0 = none).
    fn on_signal_stop(&mut self, tid: i32, sig: i32, newly_seen: bool) -> i32 {
        if sig == libc::SIGSTOP {
            let handshake = match self.tracees.get_mut(&tid) {
                Some(t) if t.awaiting_initial_stop || newly_seen => {
                    t.awaiting_initial_stop = false;
                    true
                }
                _ => false,
            };
            if handshake {
                return 0;
            }
        }
        // A stop signal shows up twice: first as signal-delivery-stop (we
        // pass it on), then, once the tracee obeys it, as a group-stop. Only
        // the first has siginfo; PTRACE_GETSIGINFO fails with EINVAL for a
        // group-stop. Under PTRACE_TRACEME we cannot hold a tracee in
        // group-stop (PTRACE_LISTEN needs PTRACE_SEIZE), so like strace we
        // let it run on without re-delivering the signal.
        match ptrace::getsiginfo(Pid::from_raw(tid)) {
            Err(Errno::EINVAL) => 0,
            _ => sig,
        }
    }

    /// Per-thread counts in first-seen order, and their sum by name.
    pub(super) fn into_counts(
        self,
    ) -> (
        Vec<ThreadCounts>,
        std::collections::BTreeMap<String, SyscallStats>,
    ) {
        let mut threads = Vec::with_capacity(self.order.len());
        let mut totals = std::collections::BTreeMap::<String, SyscallStats>::new();
        let mut by_tid = self.threads;
        for tid in self.order {
            let Some(rec) = by_tid.remove(&tid) else {
                continue;
            };
            let mut syscalls = std::collections::BTreeMap::new();
            for (key, stats) in rec.counts {
                let name = match self.names.get(&key) {
                    Some((n, _)) => n.clone(),
                    None => syscall_name(key.0, key.1).into_owned(),
                };
                totals.entry(name.clone()).or_default().add(&stats);
                syscalls
                    .entry(name)
                    .or_insert_with(SyscallStats::default)
                    .add(&stats);
            }
            threads.push(ThreadCounts {
                tid,
                tgid: rec.tgid,
                comm: rec.comm,
                syscalls,
            });
        }
        (threads, totals)
    }

    fn into_outcome(self, status: CommandStatus, elapsed: std::time::Duration) -> TraceOutcome {
        let output_end = self.output.end;
        let (threads, totals) = self.into_counts();
        TraceOutcome {
            status,
            threads,
            totals,
            elapsed,
            output_end,
        }
    }
}

fn duration_nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn bytes_moved(tid: i32, p: &Pending, ret: i64) -> u64 {
    match p.rule {
        ByteRule::None => 0,
        ByteRule::Return => u64::try_from(ret).unwrap_or(0),
        ByteRule::LengthArg => p.args[1],
        ByteRule::MmsgVector => {
            let mut sum = 0u64;
            for i in 0..ret.clamp(0, MMSG_MAX) as u64 {
                let addr = p.args[0].wrapping_add(i * MMSGHDR_SIZE + MMSGHDR_MSG_LEN_OFFSET);
                // A fault here only loses the byte count, never the call count.
                if let Ok(word) = ptrace::read(Pid::from_raw(tid), addr as ptrace::AddressType) {
                    sum += (word as u64) & 0xffff_ffff;
                }
            }
            sum
        }
    }
}

/// The process tracing zclab itself, if any: (pid, comm) from
/// `/proc/self/status` TracerPid.
fn own_tracer() -> Option<(i32, String)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let pid: i32 = status
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .and_then(|v| v.trim().parse().ok())?;
    (pid != 0).then(|| (pid, read_comm(pid).unwrap_or_default()))
}

pub(super) fn read_comm(tid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{tid}/comm"))
        .ok()
        .map(|s| s.trim_end().to_string())
}

pub(super) fn read_tgid(tid: i32) -> Option<i32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}
