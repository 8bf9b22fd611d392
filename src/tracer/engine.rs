//! The ptrace loop: stop every tracee at each syscall entry and exit until
//! the last one is gone (the command is started by `launch`, the counts
//! kept by `state`).
//!
//! Raw `libc::waitpid`/`libc::ptrace` are used where nix's typed wrappers
//! lose information: nix decodes a stop signal into its `Signal` enum, which
//! has no real-time signals, so a tracee receiving `SIGRTMIN+n` (glibc uses
//! two of them for thread cancellation and setxid) would make `waitpid`
//! return an error *after* the kernel consumed the event, and that tracee
//! would stay stopped for ever.

use std::ffi::{OsString, c_void};
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;

use super::launch::launch;
use super::state::State;
use super::{CommandStatus, TraceError, TraceOptions, TraceOutcome};

pub(super) fn run(argv: &[OsString], opts: &TraceOptions) -> Result<TraceOutcome, TraceError> {
    let started = Instant::now();
    let launched = launch(argv, opts)?;
    let root = launched.root;
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
        let inject = on_stop(&mut state, pid, status);
        // ESRCH means it died meanwhile (SIGKILL); waitpid will report it.
        if let Err(e) = resume(pid, inject) {
            return Err(state.abandon(os("ptrace(PTRACE_SYSCALL)", e)));
        }
    }
    let elapsed = started.elapsed();

    launched.exec_failure()?;
    let status =
        root_status.ok_or_else(|| os_t(crate::text::run::TRACER_WAIT_COMMAND, Errno::ECHILD))?;
    Ok(state.into_outcome(status, elapsed))
}

/// Handles one ptrace stop of `pid`; returns the signal to deliver as it
/// resumes (0 = none).
fn on_stop(state: &mut State, pid: i32, status: i32) -> i32 {
    let newly_seen = state.ensure(pid, false);
    let sig = libc::WSTOPSIG(status);
    let event = (status >> 16) & 0xff;
    if sig == libc::SIGTRAP | 0x80 {
        state.on_syscall_stop(pid);
        0
    } else if sig == libc::SIGTRAP && event != 0 {
        state.on_event(pid, event);
        0
    } else {
        state.on_signal_stop(pid, sig, newly_seen)
    }
}

/// A system call of the tracer failed; `call` is its name (the same in
/// both languages).
pub(super) fn os(call: &'static str, errno: Errno) -> TraceError {
    os_t(
        crate::text::Text {
            key: "call",
            en: call,
            zh: call,
        },
        errno,
    )
}

/// A step of the tracer failed, worded in the catalogue.
pub(super) fn os_t(what: crate::text::Text, errno: Errno) -> TraceError {
    TraceError::Os { what, errno }
}

/// `waitpid(-1, __WALL)`: the next tracee (or child) to report.
pub(super) fn wait_any() -> Result<(i32, i32), Errno> {
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
