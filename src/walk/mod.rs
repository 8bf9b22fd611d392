//! The walk: the real method, one system call at a time (what `zclab
//! trace` and the lessons show). Not to be confused with [`crate::tracer`],
//! the ptrace tracer that counts another program's calls (`zclab count`).
//!
//! The method runs on the sending thread of the usual loopback harness, with
//! an observer (`controller::Stepper`) that, around every system call,
//! hands control to this module's controller on another thread and waits.
//! The controller reads the sender's `/proc` counters right before and
//! right after the call (from its own thread, so the reading does not count), turns the
//! call into a [`Step`] (the call as strace writes it, its two mode
//! switches, the copies it caused from the copy model, the counters that
//! moved), and passes the step to a callback that shows it and decides
//! whether to go on. Nothing is replayed: each step is a call the kernel
//! has just made.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;

use anyhow::Result;
use nix::errno::Errno;
use serde::Serialize;

use crate::harness::{self, Expected, RunOutcome};
use crate::input::InputFile;
use crate::methods::{Call, Flow, Method};
use crate::model::Hop;

mod controller;
pub mod json;
pub mod render;

use controller::Controller;

/// What to trace.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub method: Method,
    pub buffer_bytes: usize,
    /// Stop after this many chunks (read-write) or calls (sendfile).
    pub chunks: Option<u64>,
    /// Show (and pause on) at most this many steps; the rest run unseen.
    pub max_steps: u64,
}

/// One copy a step caused, numbered in the run's running total of copies
/// of its kind.
#[derive(Clone, Debug, Serialize)]
pub struct StepCopy {
    #[serde(flatten)]
    pub hop: Hop,
    /// 1-based number among the run's copies of the same kind (CPU or DMA).
    pub number: u64,
}

/// One system call, as it happened.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// 1-based.
    pub index: u64,
    pub syscall: &'static str,
    /// As strace writes it: `read(3, <buf>, 4096) = 4096`.
    pub call: String,
    /// Bytes the call returned; `None` when it failed.
    pub result: Option<u64>,
    pub error: Option<String>,
    /// The two mode switches of the call, numbered in the running total:
    /// `[user → kernel, kernel → user]`.
    pub mode_switches: [u64; 2],
    pub copies: Vec<StepCopy>,
    /// The sending thread's `/proc` counters that moved during the call
    /// (kernel field names); empty for steps that were not shown.
    pub counters: BTreeMap<&'static str, u64>,
    /// Whether the step was shown and its counters read.
    #[serde(skip)]
    pub shown: bool,
}

/// Sums over all steps of a trace.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub syscalls: BTreeMap<&'static str, u64>,
    pub mode_switches: u64,
    pub cpu_copies: u64,
    pub dma_copies: u64,
    pub user_copy_bytes: u64,
}

/// A finished trace.
pub struct WalkResult {
    pub method: Method,
    pub buffer_bytes: usize,
    /// The steps that were shown, in order.
    pub steps: Vec<Step>,
    /// All system calls the method made, shown or not.
    pub calls: u64,
    pub totals: Totals,
    pub outcome: RunOutcome,
    pub expected: Expected,
    /// The callback asked to stop (the user quit).
    pub quit: bool,
    /// `--chunks` stopped the run.
    pub chunk_limit_hit: bool,
}

/// Mode switches per chunk (or per sendfile call) over what really ran.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerUnit {
    /// Chunks moved (or sendfile calls made).
    pub units: u64,
    /// 2 × every call the method made.
    pub switches: u64,
    pub per_unit: f64,
}

impl WalkResult {
    /// Per chunk (or call) over what really happened: a walk stopped after
    /// 2 chunks divides by 2, not by the file's chunk count. `None` when
    /// nothing was moved.
    pub fn per_unit(&self) -> Option<PerUnit> {
        let tally = &self.outcome.tally;
        let units = match self.method {
            Method::Sendfile => tally.sendfile,
            // Every other road counts its chunks (`Tally::chunks`).
            _ => tally.chunks,
        };
        let switches = 2 * tally.syscalls();
        (units > 0).then(|| PerUnit {
            units,
            switches,
            per_unit: switches as f64 / units as f64,
        })
    }

    /// The run as a one-method comparison, for the same table and JSON as
    /// `compare`.
    pub fn summary(&self, input: &InputFile, default_sample: bool) -> crate::measure::Comparison {
        crate::measure::Comparison::single(
            input,
            default_sample,
            self.buffer_bytes,
            self.expected,
            self.outcome.clone(),
        )
    }
}

/// The call as strace writes it, with its result.
pub fn strace_line(call: &Call, result: &std::result::Result<usize, Errno>) -> String {
    let args = match *call {
        Call::Read { fd, len } => format!("read({fd}, <buf>, {len})"),
        Call::Write { fd, len } => format!("write({fd}, <buf>, {len})"),
        Call::Sendfile {
            out_fd,
            in_fd,
            offset,
            count,
        } => {
            let end = offset + *result.as_ref().unwrap_or(&0) as u64;
            format!("sendfile({out_fd}, {in_fd}, [{offset}] => [{end}], {count})")
        }
        Call::Mmap { fd, len } => format!("mmap(NULL, {len}, PROT_READ, MAP_SHARED, {fd}, 0)"),
        Call::Munmap { len } => format!("munmap(<map>, {len})"),
        Call::WriteMapped { fd, offset, len } => format!("write({fd}, <map>+{offset}, {len})"),
        Call::Pipe2 => "pipe2([<r>, <w>], O_CLOEXEC)".to_string(),
        Call::SetPipeSize { fd, size } => format!("fcntl({fd}, F_SETPIPE_SZ, {size})"),
        Call::Splice {
            fd_in,
            off_in,
            fd_out,
            len,
            more,
        } => {
            let off = match off_in {
                Some(o) => {
                    let end = o + *result.as_ref().unwrap_or(&0) as u64;
                    format!("[{o}] => [{end}]")
                }
                None => "NULL".to_string(),
            };
            let flags = if more {
                "SPLICE_F_MOVE|SPLICE_F_MORE"
            } else {
                "SPLICE_F_MOVE"
            };
            format!("splice({fd_in}, {off}, {fd_out}, NULL, {len}, {flags})")
        }
        Call::SetZerocopy { fd } => format!("setsockopt({fd}, SOL_SOCKET, SO_ZEROCOPY, [1], 4)"),
        Call::SendmsgZerocopy { fd, len } => {
            format!("sendmsg({fd}, {{msg_iov=[{{<buf>, {len}}}]}}, MSG_ZEROCOPY)")
        }
        Call::PollErrqueue { fd, timeout_ms } => {
            format!("poll([{{fd={fd}, events=0}}], 1, {timeout_ms})")
        }
        Call::RecvErrqueue { fd } => {
            format!("recvmsg({fd}, {{msg_control=<completion>}}, MSG_ERRQUEUE|MSG_DONTWAIT)")
        }
        Call::IoUringSetup { entries } => format!("io_uring_setup({entries}, <params>)"),
        Call::IoUringEnter {
            fd,
            to_submit,
            min_complete,
            send,
        } => match send {
            Some(len) => format!(
                "io_uring_enter({fd}, {to_submit}, {min_complete}, IORING_ENTER_GETEVENTS) /* SEND_ZC {len} bytes */"
            ),
            None => {
                format!("io_uring_enter({fd}, {to_submit}, {min_complete}, IORING_ENTER_GETEVENTS)")
            }
        },
    };
    match result {
        Ok(_) if matches!(call, Call::Mmap { .. }) => format!("{args} = <map>"),
        Ok(n) => format!("{args} = {n}"),
        Err(e) => format!("{args} = -1 {} ({})", e, e.desc()),
    }
}

/// Runs the trace. `on_step` is called, on this thread, for each step to be
/// shown (at most `max_steps`); it returns `Flow::Stop` to quit.
pub fn run(
    opts: &WalkOptions,
    input: &InputFile,
    on_step: &mut dyn FnMut(&Step) -> Result<Flow>,
) -> Result<WalkResult> {
    let expected = harness::digest_file(input)?;
    let (stepper, reports, answers) = controller::channel();
    let sent = AtomicU64::new(0);
    let method = opts.method;

    std::thread::scope(|scope| -> Result<WalkResult> {
        let buffer_bytes = opts.buffer_bytes;
        let sent = &sent;
        let handle = scope.spawn(move || {
            let mut stepper = stepper;
            let run_opts = harness::RunOptions {
                faults: harness::Faults::from_env(),
                ..harness::RunOptions::new(buffer_bytes, sent)
            };
            harness::run_once(method, input, expected, &run_opts, &mut stepper, &mut || {})
            // `stepper` drops here: the controller's loop below ends.
        });

        let mut ctl = Controller::new(opts, answers, on_step);
        for msg in reports.iter() {
            ctl.handle(msg);
        }
        let outcome = handle
            .join()
            .map_err(|_| crate::error::fail_t(crate::text::run::TRANSFER_PANICKED, &[]))?;
        if let Some(e) = ctl.failure {
            return Err(e);
        }
        let outcome = outcome?;
        Ok(WalkResult {
            method,
            buffer_bytes: opts.buffer_bytes,
            steps: ctl.steps,
            calls: ctl.calls,
            totals: ctl.totals,
            outcome,
            expected,
            quit: ctl.quit,
            chunk_limit_hit: ctl.chunk_limit_hit,
        })
    })
}

/// A step as `run` would make it from a call that returned `n`, with the
/// counters the kernel would show for it (for rendering tests).
#[cfg(test)]
pub(crate) fn make_step_for_test(
    method: Method,
    index: u64,
    call: &Call,
    n: usize,
    totals: &mut Totals,
) -> Step {
    let mut delta = crate::counters::Snapshot::default();
    match call {
        Call::Read { .. } => {
            delta.syscr = 1;
            delta.rchar = n as u64;
        }
        Call::Write { .. } => {
            delta.syscw = 1;
            delta.wchar = n as u64;
        }
        Call::Sendfile { .. } => {
            delta.syscr = 1;
            delta.syscw = 1;
            delta.rchar = n as u64;
            delta.wchar = n as u64;
        }
        Call::WriteMapped { .. } => {
            delta.syscw = 1;
            delta.wchar = n as u64;
        }
        // splice, sendmsg, io_uring and the set-up calls: /proc's I/O
        // counters do not see them.
        _ => {}
    }
    controller::make_step(method, index, call, &Ok(n), Some(&delta), totals)
}

/// About how many calls a method needs for `size` bytes: the estimate shown
/// as "step 3 of about 9".
pub fn expected_calls(method: Method, size: u64, buffer_bytes: usize) -> u64 {
    match method {
        Method::ReadWrite => 2 * size.div_ceil(buffer_bytes as u64) + 1,
        Method::Sendfile => size.div_ceil(crate::methods::sendfile::MAX_PER_CALL),
        Method::Mmap => size.div_ceil(buffer_bytes as u64) + 2 * u64::from(size > 0),
        Method::Splice => 2 * size.div_ceil(buffer_bytes as u64) + 3,
        // read + send per chunk, the end-of-file read, set-up, and the
        // waits for completions at the end (at least a poll and two
        // recvmsg, or one io_uring_enter).
        Method::MsgZerocopy => 2 * size.div_ceil(buffer_bytes as u64) + 2 + 3 * u64::from(size > 0),
        Method::IoUring => 2 * size.div_ceil(buffer_bytes as u64) + 2 + u64::from(size > 0),
    }
}
