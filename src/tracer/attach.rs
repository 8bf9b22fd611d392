//! Attaching to processes that are already running: `PTRACE_SEIZE` every
//! thread, count like the launched tracer does, and detach so that the
//! target carries on as if nothing had happened.
//!
//! The rules that keep a target healthy:
//! - `PTRACE_SEIZE` (not `PTRACE_ATTACH`) so that no SIGSTOP is sent and a
//!   group-stop (the user's own SIGSTOP/Ctrl-Z) is reported as such, held
//!   with `PTRACE_LISTEN`, and never turned into running.
//! - No `PTRACE_O_EXITKILL`: if zclab dies, the kernel detaches its tracees
//!   and they run on.
//! - Every signal the target receives while traced is delivered unchanged,
//!   including one that arrives during the detach itself; the tracer never
//!   sends the target a signal.

use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::libc;
use nix::sys::ptrace;
use nix::unistd::Pid;

use super::engine::resume;
use super::state::{State, read_comm, read_tgid};
use super::{AttachEnd, AttachError, AttachOutcome, AttachedTarget, CommandStatus};

/// How often the tracer thread is woken from `waitpid` to look at the stop
/// flag and the deadline when the target is idle (a server waiting for
/// clients makes no system call to wake us).
const TICK: Duration = Duration::from_millis(50);

pub(super) fn run(
    pids: &[i32],
    duration: Option<Duration>,
    stop: &[&AtomicBool],
    on_ready: &mut dyn FnMut(&[AttachedTarget]),
) -> Result<AttachOutcome, AttachError> {
    let targets = resolve_targets(pids)?;
    let _alarm = Waker::start().map_err(|e| AttachError::Os {
        what: "sigaction(SIGALRM)",
        errno: e,
    })?;
    let mut state = State::empty();
    let (seized, threads_at_attach) = seize_all(&targets, &mut state)?;
    // Start syscall tracing: each thread stops (PTRACE_EVENT_STOP) and the
    // loop below resumes it with PTRACE_SYSCALL. A thread that exited in
    // between answers ESRCH; waitpid reports its exit.
    for &tid in &seized {
        let _ = interrupt(tid);
    }
    let targets: Vec<AttachedTarget> = targets
        .into_iter()
        .zip(threads_at_attach)
        .map(|(t, n)| AttachedTarget {
            pid: t.pid,
            comm: t.comm,
            threads_at_attach: n,
            exited: None,
        })
        .collect();
    on_ready(&targets);
    let started = Instant::now();
    let deadline = duration.map(|d| started + d);

    let mut targets = targets;
    let end = loop {
        if state.tracees.is_empty() {
            break AttachEnd::TargetsExited;
        }
        if stop.iter().any(|f| f.load(Ordering::Relaxed)) {
            break AttachEnd::Stopped;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break AttachEnd::TimeUp;
        }
        let (pid, status) = match wait_once() {
            Ok(v) => v,
            Err(Errno::EINTR) => continue,
            Err(e) => {
                detach_all(&mut state, &[]);
                return Err(AttachError::Os {
                    what: "waitpid",
                    errno: e,
                });
            }
        };
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            if state.tracees.remove(&pid).is_some()
                && let Some(t) = targets.iter_mut().find(|t| t.pid == pid)
            {
                t.exited = Some(exit_status(status));
            }
            // Anything else is a child of ours that is not traced (the
            // demo's nginx master): not ours to report.
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            continue;
        }
        if let Err(e) = on_stop(&mut state, pid, status) {
            detach_all(&mut state, &[]);
            return Err(AttachError::Os {
                what: "ptrace(PTRACE_SYSCALL)",
                errno: e,
            });
        }
    };
    let window = started.elapsed();
    detach_all(&mut state, &[]);
    let (threads, totals) = state.into_counts();
    Ok(AttachOutcome {
        targets,
        end,
        window,
        threads,
        totals,
    })
}

/// Seizes every thread of every target. /proc/PID/task is re-read until a
/// pass finds no new thread: threads born before their parent thread was
/// seized are found by the next pass, later ones are attached by the
/// kernel (PTRACE_O_TRACECLONE) and reported to waitpid. Returns the
/// threads seized, and how many each target had; on a refusal, detaches
/// from every thread seized so far.
fn seize_all(targets: &[Target], state: &mut State) -> Result<(Vec<i32>, Vec<usize>), AttachError> {
    let me = nix::unistd::gettid().as_raw();
    let mut seized: Vec<i32> = Vec::new();
    let mut threads_at_attach = Vec::with_capacity(targets.len());
    for t in targets {
        let mut mine: HashSet<i32> = HashSet::new();
        loop {
            let tids = match list_tasks(t.pid) {
                Some(tids) => tids,
                None if mine.is_empty() => {
                    detach_all(state, &seized);
                    return Err(AttachError::NoSuchProcess { pid: t.pid });
                }
                None => break, // it exited meanwhile: we report what we saw
            };
            let mut new = 0;
            for tid in tids {
                if mine.contains(&tid) || state.tracees.contains_key(&tid) {
                    continue;
                }
                match seize(tid) {
                    Ok(()) => {}
                    // The thread exited between the listing and the seize.
                    Err(Errno::ESRCH) => continue,
                    // Auto-attached already, as the clone of a seized thread.
                    Err(Errno::EPERM) if tracer_of(tid) == Some(me) => {}
                    Err(errno) => {
                        detach_all(state, &seized);
                        return Err(refusal(t.pid, &t.comm, errno));
                    }
                }
                mine.insert(tid);
                seized.push(tid);
                state.ensure(tid, false);
                new += 1;
            }
            if new == 0 {
                break;
            }
        }
        threads_at_attach.push(mine.len());
    }
    Ok((seized, threads_at_attach))
}

/// Handles one ptrace stop of `pid` and lets it go on: a syscall stop is
/// counted, a group-stop held, a signal delivered unchanged.
fn on_stop(state: &mut State, pid: i32, status: i32) -> Result<(), Errno> {
    state.ensure(pid, false);
    let sig = libc::WSTOPSIG(status);
    let event = (status >> 16) & 0xff;
    if sig == libc::SIGTRAP | 0x80 {
        state.on_syscall_stop(pid);
        resume(pid, 0)
    } else if event == libc::PTRACE_EVENT_STOP {
        if is_stop_signal(sig) {
            // A group-stop: the target was stopped (SIGSTOP, Ctrl-Z…)
            // and must stay stopped until SIGCONT, traced or not.
            listen(pid)
        } else {
            // Our PTRACE_INTERRUPT, or a new thread's first stop.
            resume(pid, 0)
        }
    } else if event != 0 {
        state.on_event(pid, event);
        resume(pid, 0)
    } else {
        // A signal on its way to the target: deliver it unchanged.
        resume(pid, sig)
    }
}

struct Target {
    pid: i32,
    comm: String,
}

/// Checks each PID names a live process we may try, turns a thread id into
/// its process, and drops repeats.
fn resolve_targets(pids: &[i32]) -> Result<Vec<Target>, AttachError> {
    let me = std::process::id() as i32;
    let mut out: Vec<Target> = Vec::new();
    for &pid in pids {
        if pid <= 0 {
            return Err(AttachError::NoSuchProcess { pid });
        }
        let Some(tgid) = read_tgid(pid) else {
            return Err(AttachError::NoSuchProcess { pid });
        };
        if tgid == me {
            return Err(AttachError::OwnProcess { pid });
        }
        let comm = read_comm(tgid).unwrap_or_default();
        match proc_state(tgid) {
            Some('Z') | Some('X') => return Err(AttachError::Exited { pid: tgid, comm }),
            None => return Err(AttachError::NoSuchProcess { pid }),
            _ => {}
        }
        if is_kernel_thread(tgid) {
            return Err(AttachError::KernelThread { pid: tgid, comm });
        }
        if !out.iter().any(|t| t.pid == tgid) {
            out.push(Target { pid: tgid, comm });
        }
    }
    Ok(out)
}

/// Why the kernel said no to `PTRACE_SEIZE`, worked out from /proc.
fn refusal(pid: i32, comm: &str, errno: Errno) -> AttachError {
    if errno == Errno::ESRCH {
        return AttachError::NoSuchProcess { pid };
    }
    if errno != Errno::EPERM && errno != Errno::EACCES {
        return AttachError::Os {
            what: "ptrace(PTRACE_SEIZE)",
            errno,
        };
    }
    let comm = comm.to_string();
    if let Some(tracer_pid) = tracer_of(pid).filter(|&t| t != 0) {
        let tracer = read_comm(tracer_pid).unwrap_or_default();
        return AttachError::AlreadyTraced {
            pid,
            comm,
            tracer_pid,
            tracer,
        };
    }
    let uid = nix::unistd::geteuid();
    if !uid.is_root()
        && let Some(owner) = owner_of(pid)
        && owner != uid.as_raw()
    {
        let owner_name = nix::unistd::User::from_uid(owner.into())
            .ok()
            .flatten()
            .map(|u| u.name)
            .unwrap_or_else(|| owner.to_string());
        return AttachError::NotYours {
            pid,
            comm,
            owner: owner_name,
        };
    }
    match ptrace_scope() {
        Some(scope) if scope >= 1 => AttachError::PtraceScope { pid, comm, scope },
        _ => AttachError::Refused { pid, comm, errno },
    }
}

/// Stops every tracee and detaches it, passing on any signal it was about
/// to receive. `extra` are seized threads the state does not know yet.
fn detach_all(state: &mut State, extra: &[i32]) {
    let mut live: HashSet<i32> = state.tracees.keys().copied().collect();
    live.extend(extra.iter().copied());
    // Threads that answered PTRACE_INTERRUPT with ESRCH are gone (or a
    // zombie leader waiting for its threads): nothing to detach.
    live.retain(|&tid| interrupt(tid).is_ok());
    let mut done: HashSet<i32> = HashSet::new();
    let give_up = Instant::now() + Duration::from_secs(10);
    while !live.is_empty() && Instant::now() < give_up {
        let (pid, status) = match wait_once() {
            Ok(v) => v,
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        };
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            live.remove(&pid);
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            continue;
        }
        let sig = libc::WSTOPSIG(status);
        let event = (status >> 16) & 0xff;
        if matches!(
            event,
            libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE
        ) && let Ok(new) = ptrace::getevent(Pid::from_raw(pid))
        {
            // A child born during the detach is ours until we let it go.
            let new = new as i32;
            if !done.contains(&new) {
                live.insert(new);
            }
        }
        if sig == libc::SIGTRAP | 0x80 {
            // A call that was under way when the window closed: its exit
            // (the bytes it moved) belongs to the window, as its entry did.
            state.on_syscall_stop(pid);
        }
        let pass = if sig != (libc::SIGTRAP | 0x80) && event == 0 {
            sig // a signal-delivery-stop: the signal goes on to the target
        } else {
            0
        };
        let _ = detach(pid, pass);
        live.remove(&pid);
        done.insert(pid);
    }
    state.tracees.clear();
}

fn exit_status(status: i32) -> CommandStatus {
    if libc::WIFEXITED(status) {
        CommandStatus::Exited(libc::WEXITSTATUS(status))
    } else {
        CommandStatus::Signaled {
            signal: libc::WTERMSIG(status),
            core_dumped: libc::WCOREDUMP(status),
        }
    }
}

fn is_stop_signal(sig: i32) -> bool {
    matches!(
        sig,
        libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU
    )
}

/// `waitpid(-1, __WALL)` once; EINTR is returned (the waker's tick).
fn wait_once() -> Result<(i32, i32), Errno> {
    let mut status = 0;
    // SAFETY: status is a valid out-pointer for the duration of the call.
    let got = unsafe { libc::waitpid(-1, &mut status, libc::__WALL) };
    if got == -1 {
        Err(Errno::last())
    } else {
        Ok((got, status))
    }
}

fn raw_ptrace(req: libc::c_uint, pid: i32, data: usize) -> Result<(), Errno> {
    // SAFETY: these requests take no pointer; data is a flag word or signal.
    let r = unsafe {
        libc::ptrace(
            req,
            pid,
            std::ptr::null_mut::<c_void>(),
            data as *mut c_void,
        )
    };
    if r == -1 { Err(Errno::last()) } else { Ok(()) }
}

fn seize(tid: i32) -> Result<(), Errno> {
    let options = libc::PTRACE_O_TRACESYSGOOD
        | libc::PTRACE_O_TRACEEXEC
        | libc::PTRACE_O_TRACEFORK
        | libc::PTRACE_O_TRACEVFORK
        | libc::PTRACE_O_TRACECLONE;
    raw_ptrace(libc::PTRACE_SEIZE, tid, options as usize)
}

fn interrupt(tid: i32) -> Result<(), Errno> {
    raw_ptrace(libc::PTRACE_INTERRUPT, tid, 0)
}

fn listen(tid: i32) -> Result<(), Errno> {
    match raw_ptrace(libc::PTRACE_LISTEN, tid, 0) {
        Err(Errno::ESRCH) => Ok(()),
        r => r,
    }
}

fn detach(tid: i32, sig: i32) -> Result<(), Errno> {
    raw_ptrace(libc::PTRACE_DETACH, tid, sig as usize)
}

/// The thread ids in /proc/PID/task; `None` when the process is gone.
fn list_tasks(pid: i32) -> Option<Vec<i32>> {
    let dir = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut tids: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    (!tids.is_empty()).then_some(tids)
}

fn status_field(pid: i32, key: &str) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .map(|v| v.trim().to_string())
}

fn tracer_of(pid: i32) -> Option<i32> {
    status_field(pid, "TracerPid:")?.parse().ok()
}

fn owner_of(pid: i32) -> Option<u32> {
    // "Uid: real effective saved fs": the kernel checks the real one.
    status_field(pid, "Uid:")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn proc_state(pid: i32) -> Option<char> {
    status_field(pid, "State:")?.chars().next()
}

fn is_kernel_thread(pid: i32) -> bool {
    // Kernel threads have no memory map: /proc/PID/cmdline is empty and
    // /proc/PID/exe cannot be read; PF_KTHREAD (0x00200000) in stat's flags
    // is the exact test.
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return false;
    };
    // Fields after the comm: state(3) ppid pgrp session tty tpgid flags(9).
    rest.split_whitespace()
        .nth(6)
        .and_then(|f| f.parse::<u64>().ok())
        .is_some_and(|flags| flags & 0x0020_0000 != 0)
}

fn ptrace_scope() -> Option<u32> {
    std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Wakes the tracer thread out of `waitpid` every [`TICK`] with SIGALRM
/// (handler installed without SA_RESTART), so that a stop request or the
/// deadline is seen even when the target makes no system call. The signal
/// goes to the tracer thread only (tgkill), never to the target.
struct Waker {
    previous: nix::sys::signal::SigAction,
    running: std::sync::Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

extern "C" fn on_tick(_: libc::c_int) {}

impl Waker {
    fn start() -> Result<Waker, Errno> {
        use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
        let action = SigAction::new(
            SigHandler::Handler(on_tick),
            SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler does nothing, which is async-signal-safe.
        let previous = unsafe { sigaction(Signal::SIGALRM, &action) }?;
        let running = std::sync::Arc::new(AtomicBool::new(true));
        let pid = std::process::id() as i32;
        let tid = nix::unistd::gettid().as_raw();
        let flag = running.clone();
        let thread = std::thread::Builder::new()
            .name("zclab-tick".into())
            .spawn(move || {
                while flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    if flag.load(Ordering::Relaxed) {
                        // SAFETY: tgkill takes plain integers.
                        unsafe {
                            libc::syscall(libc::SYS_tgkill, pid, tid, libc::SIGALRM);
                        }
                    }
                }
            })
            .ok();
        Ok(Waker {
            previous,
            running,
            thread,
        })
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // SAFETY: restores the disposition that was there before.
        unsafe {
            let _ = nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGALRM, &self.previous);
        }
    }
}
