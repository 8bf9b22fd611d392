//! Starting the command under ptrace: fork, `PTRACE_TRACEME` and a
//! handshake SIGSTOP in the child, then execvp; the tracer's options on the
//! parent's side. A child that cannot get as far as a successful execve
//! reports why over a CLOEXEC pipe, so that the tracer can tell "command
//! not found" from "ptrace refused" from "already traced".

use std::ffi::{CString, OsString, c_char, c_void};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::libc;
use nix::sys::ptrace;
use nix::unistd::{ForkResult, fork, pipe2};

use super::engine::{os, os_t, wait_for};
use super::state::read_comm;
use super::{TraceError, TraceOptions};

/// What the child reports over the CLOEXEC pipe when it cannot get as far as
/// a successful execve: the stage byte, then errno in native byte order. A
/// successful exec closes the pipe, so the parent reads EOF instead.
const STAGE_TRACEME: u8 = 1;
const STAGE_EXEC: u8 = 2;

/// A command forked under ptrace, past its handshake stop, with the
/// tracer's options set: ready to be resumed.
pub(super) struct Launched {
    /// The command's pid (the first tracee).
    pub(super) root: i32,
    program: String,
    /// The read end of the child's report pipe.
    report: OwnedFd,
}

/// Forks `argv` under ptrace (see the module doc).
pub(super) fn launch(argv: &[OsString], opts: &TraceOptions) -> Result<Launched, TraceError> {
    let program = argv.first().ok_or(TraceError::EmptyCommand)?;
    let program = program.to_string_lossy().into_owned();

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

    let (report, report_w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| os("pipe2", e))?;
    let parent = nix::unistd::getpid().as_raw();

    // SAFETY: the child branch only makes async-signal-safe calls on memory
    // prepared before the fork (see `exec_child`), then execs or _exits.
    let child = match unsafe { fork() }.map_err(|e| os("fork", e))? {
        ForkResult::Child => exec_child(&c_argv, report_w.as_raw_fd(), opts, parent),
        ForkResult::Parent { child } => child,
    };
    // Only the child may hold the write end, so that EOF means "exec worked".
    drop(report_w);

    let root = child.as_raw();
    let (_, status) = wait_for(root).map_err(|e| os("waitpid", e))?;
    if !(libc::WIFSTOPPED(status) && libc::WSTOPSIG(status) == libc::SIGSTOP) {
        // The child never reached its SIGSTOP: PTRACE_TRACEME failed.
        return Err(traceme_refused(&report));
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
    Ok(Launched {
        root,
        program,
        report,
    })
}

/// Why a child that never reached its handshake stop failed, from its
/// report.
fn traceme_refused(report: &OwnedFd) -> TraceError {
    match read_report(report) {
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
        None => os_t(crate::text::run::TRACER_START_CHILD, Errno::ECHILD),
    }
}

impl Launched {
    /// Once every tracee is gone: whether the command was really run, or
    /// its execve failed (the child reported it before exiting 127).
    pub(super) fn exec_failure(&self) -> Result<(), TraceError> {
        match read_report(&self.report) {
            Some((STAGE_EXEC, Errno::ENOENT)) | Some((STAGE_EXEC, Errno::ENOTDIR)) => {
                Err(TraceError::CommandNotFound {
                    program: self.program.clone(),
                })
            }
            Some((STAGE_EXEC, errno)) => Err(TraceError::CannotExecute {
                program: self.program.clone(),
                errno,
            }),
            Some((_, errno)) => Err(os("ptrace(PTRACE_TRACEME)", errno)),
            None => Ok(()),
        }
    }
}

/// The child between fork and exec. Only async-signal-safe libc calls, no
/// allocation, no Rust std that might take a lock.
fn exec_child(argv: &[*const c_char], report_fd: RawFd, opts: &TraceOptions, parent: i32) -> ! {
    // SAFETY: plain syscalls on valid pointers prepared before fork; argv is
    // NULL-terminated and its strings outlive this function (it never returns).
    unsafe {
        // If zclab is killed before it has set PTRACE_O_EXITKILL, nothing
        // else would end this child: it would stop itself below and stay
        // stopped for ever. So it dies with the thread that forked it, and
        // gives up at once if that already happened (its parent is then
        // someone else).
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(127);
        }
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
