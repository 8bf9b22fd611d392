//! What the tracer keeps: every tracee's call in progress, and every
//! thread's counts by system call, turned into [`TraceOutcome`] at the end.
//! Shared by the launched tracer (`engine`) and the attaching one
//! (`attach`): both feed it the same syscall stops and ptrace events.

use std::collections::HashMap;
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::sys::ptrace;
use nix::unistd::Pid;

use super::engine::wait_any;
use super::names::{Abi, ByteRule, byte_rule, syscall_name};
use super::output_end::OutputWatch;
use super::{CommandStatus, SyscallStats, ThreadCounts, TraceError, TraceOutcome};

/// `struct mmsghdr` on x86_64: a 56-byte `msghdr`, then `unsigned msg_len`.
const MMSGHDR_SIZE: u64 = 64;
const MMSGHDR_MSG_LEN_OFFSET: u64 = 56;
/// sendmmsg/recvmmsg accept at most UIO_MAXIOV (1024) messages per call.
const MMSG_MAX: i64 = 1024;

type SysKey = (Abi, u64);

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
    pub(super) fn abandon(&mut self, err: TraceError) -> TraceError {
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
    pub(super) fn on_signal_stop(&mut self, tid: i32, sig: i32, newly_seen: bool) -> i32 {
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

    pub(super) fn into_outcome(
        self,
        status: CommandStatus,
        elapsed: std::time::Duration,
    ) -> TraceOutcome {
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
