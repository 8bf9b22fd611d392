//! The walk: the real method, one system call at a time (what `zclab
//! trace` and the lessons show). Not to be confused with [`crate::tracer`],
//! the ptrace tracer that counts another program's calls (`zclab count`).
//!
//! The method runs on the sending thread of the usual loopback harness, with
//! an observer ([`Stepper`]) that, around every system call, hands control to
//! this module's controller on another thread and waits. The controller
//! reads the sender's `/proc` counters right before and right after the
//! call (from its own thread, so the reading does not count), turns the
//! call into a [`Step`] (the call as strace writes it, its two mode
//! switches, the copies it caused from the copy model, the counters that
//! moved), and passes the step to a callback that shows it and decides
//! whether to go on. Nothing is replayed: each step is a call the kernel
//! has just made.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Receiver, Sender};

use anyhow::Result;
use nix::errno::Errno;
use serde::Serialize;

use crate::counters::{Snapshot, ThreadCounters};
use crate::harness::{self, Expected, RunOutcome};
use crate::input::InputFile;
use crate::methods::{Call, Flow, Method, Observer};
use crate::model::{self, CopyKind, Hop};

pub mod json;
pub mod render;

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

/// What the controller answers the sending thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ack {
    Continue,
    Stop,
    /// Stop waiting for answers: report each call and go straight on.
    Detach,
}

enum Msg {
    Before {
        tid: i32,
    },
    After {
        call: Call,
        result: std::result::Result<usize, Errno>,
    },
}

/// The observer on the sending thread. It only sends and receives on
/// channels (futex calls, which `/proc`'s I/O counters do not see).
struct Stepper {
    tx: Sender<Msg>,
    ack: Receiver<Ack>,
    detached: bool,
}

impl Observer for Stepper {
    fn before(&mut self, _call: &Call) {
        if self.detached {
            return;
        }
        let tid = nix::unistd::gettid().as_raw();
        if self.tx.send(Msg::Before { tid }).is_err() || self.ack.recv().is_err() {
            self.detached = true;
        }
    }

    fn after(&mut self, call: &Call, result: std::result::Result<usize, Errno>) -> Flow {
        if self
            .tx
            .send(Msg::After {
                call: *call,
                result,
            })
            .is_err()
        {
            return Flow::Stop;
        }
        if self.detached {
            return Flow::Continue;
        }
        match self.ack.recv() {
            Ok(Ack::Continue) => Flow::Continue,
            Ok(Ack::Detach) => {
                self.detached = true;
                Flow::Continue
            }
            Ok(Ack::Stop) | Err(_) => Flow::Stop,
        }
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

/// The `/proc` fields that moved, by kernel name. Context switches and
/// scheduler times are left out: between two snapshots the sender sleeps on
/// purpose while zclab pauses, so those would count zclab's pauses, not the
/// call.
fn moved(delta: &Snapshot) -> BTreeMap<&'static str, u64> {
    delta
        .fields()
        .into_iter()
        .filter(|(name, v)| {
            *v > 0
                && !matches!(
                    *name,
                    "sum_exec_runtime"
                        | "run_delay"
                        | "utime"
                        | "stime"
                        | "voluntary_ctxt_switches"
                        | "nonvoluntary_ctxt_switches"
                )
        })
        .collect()
}

/// Tracks chunks for `--chunks`: a chunk ends when the call that empties
/// the buffer (write, the pipe → socket splice, the zero-copy send) returns;
/// an mmap chunk is a write; a sendfile chunk is a call.
struct ChunkCounter {
    method: Method,
    limit: Option<u64>,
    pending: u64,
    done: u64,
}

impl ChunkCounter {
    /// Returns true when the limit has been reached with this call.
    fn after(&mut self, call: &Call, result: &std::result::Result<usize, Errno>) -> bool {
        let n = *result.as_ref().unwrap_or(&0) as u64;
        match (self.method, call) {
            (Method::ReadWrite, Call::Read { .. }) => self.pending += n,
            (Method::ReadWrite, Call::Write { .. }) => {
                self.pending = self.pending.saturating_sub(n);
                if n > 0 && self.pending == 0 {
                    self.done += 1;
                }
            }
            (Method::Sendfile, Call::Sendfile { .. }) if result.is_ok() => self.done += 1,
            (Method::Mmap, Call::WriteMapped { .. }) if n > 0 => self.done += 1,
            (
                Method::Splice,
                Call::Splice {
                    off_in: Some(_), ..
                },
            )
            | (Method::MsgZerocopy | Method::IoUring, Call::Read { .. }) => self.pending += n,
            (Method::Splice, Call::Splice { off_in: None, .. })
            | (Method::MsgZerocopy, Call::SendmsgZerocopy { .. }) => {
                self.pending = self.pending.saturating_sub(n);
                if n > 0 && self.pending == 0 {
                    self.done += 1;
                }
            }
            // io_uring_enter returns how many entries it submitted, not
            // bytes: a chunk is done when its send was submitted.
            (
                Method::IoUring,
                Call::IoUringEnter {
                    send: Some(len), ..
                },
            ) if result.is_ok() => {
                self.pending = self.pending.saturating_sub(*len as u64);
                if self.pending == 0 {
                    self.done += 1;
                }
            }
            _ => {}
        }
        self.limit.is_some_and(|l| self.done >= l)
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
    let (tx, rx) = mpsc::channel::<Msg>();
    let (ack_tx, ack_rx) = mpsc::channel::<Ack>();
    let stepper = Stepper {
        tx,
        ack: ack_rx,
        detached: false,
    };
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

        let mut counters: Option<ThreadCounters> = None;
        let mut before: Option<Snapshot> = None;
        let mut steps: Vec<Step> = Vec::new();
        let mut calls: u64 = 0;
        let mut detached = false;
        let mut totals = Totals::default();
        let mut chunks = ChunkCounter {
            method,
            limit: opts.chunks,
            pending: 0,
            done: 0,
        };
        let mut failure: Option<anyhow::Error> = None;
        let (mut quit, mut chunk_limit_hit) = (false, false);

        for msg in rx.iter() {
            let showing = calls < opts.max_steps && failure.is_none() && !quit;
            match msg {
                Msg::Before { tid } => {
                    if showing {
                        if counters.is_none() {
                            match ThreadCounters::open(tid) {
                                Ok(c) => counters = Some(c),
                                Err(e) => failure = Some(e),
                            }
                        }
                        before = match counters.as_ref().map(ThreadCounters::snapshot) {
                            Some(Ok(s)) => Some(s),
                            Some(Err(e)) => {
                                failure = Some(e);
                                None
                            }
                            None => None,
                        };
                    }
                    let _ = ack_tx.send(Ack::Continue);
                }
                Msg::After { call, result } => {
                    calls += 1;
                    let delta = match (showing, &before, &counters) {
                        (true, Some(b), Some(c)) => match c.snapshot() {
                            Ok(a) => Some(a.since(b)),
                            Err(e) => {
                                failure = Some(e);
                                None
                            }
                        },
                        _ => None,
                    };
                    let step =
                        make_step(method, calls, &call, &result, delta.as_ref(), &mut totals);
                    let mut ack = Ack::Continue;
                    if step.shown {
                        match on_step(&step) {
                            Ok(Flow::Continue) => {}
                            Ok(Flow::Stop) => {
                                quit = true;
                                ack = Ack::Stop;
                            }
                            Err(e) => {
                                failure = Some(e);
                                ack = Ack::Stop;
                            }
                        }
                        steps.push(step);
                    }
                    if chunks.after(&call, &result) {
                        chunk_limit_hit = true;
                        ack = Ack::Stop;
                    }
                    if ack == Ack::Continue && calls >= opts.max_steps && opts.chunks.is_none() {
                        // Past the cap the method runs unwatched, reporting
                        // each call without waiting (no --chunks to obey).
                        ack = Ack::Detach;
                    }
                    if !detached {
                        let _ = ack_tx.send(ack);
                    }
                    detached |= ack == Ack::Detach;
                }
            }
        }
        let outcome = handle
            .join()
            .map_err(|_| crate::error::fail_t(crate::text::run::TRANSFER_PANICKED, &[]))?;
        if let Some(e) = failure {
            return Err(e);
        }
        let outcome = outcome?;
        Ok(WalkResult {
            method,
            buffer_bytes: opts.buffer_bytes,
            steps,
            calls,
            totals,
            outcome,
            expected,
            quit,
            chunk_limit_hit,
        })
    })
}

/// Turns one call into a step and adds it to the running totals.
fn make_step(
    method: Method,
    index: u64,
    call: &Call,
    result: &std::result::Result<usize, Errno>,
    delta: Option<&Snapshot>,
    totals: &mut Totals,
) -> Step {
    let bytes = *result.as_ref().unwrap_or(&0) as u64;
    let read_bytes = delta.map(|d| d.read_bytes).unwrap_or(0);
    let copies = model::hops_of_call(method, call.data_role(), bytes, read_bytes)
        .into_iter()
        .map(|hop| {
            let counter = match hop.kind {
                CopyKind::Cpu => &mut totals.cpu_copies,
                CopyKind::Dma => &mut totals.dma_copies,
            };
            *counter += 1;
            StepCopy {
                number: *counter,
                hop,
            }
        })
        .collect();
    *totals.syscalls.entry(call.name()).or_insert(0) += 1;
    totals.mode_switches += 2;
    if matches!(
        call,
        Call::Read { .. } | Call::Write { .. } | Call::WriteMapped { .. }
    ) {
        totals.user_copy_bytes += bytes;
    }
    Step {
        index,
        syscall: call.name(),
        call: strace_line(call, result),
        result: result.as_ref().ok().map(|&n| n as u64),
        error: result
            .as_ref()
            .err()
            .map(|e| format!("{} ({})", e, e.desc())),
        mode_switches: [totals.mode_switches - 1, totals.mode_switches],
        copies,
        counters: delta.map(moved).unwrap_or_default(),
        shown: delta.is_some(),
    }
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
    let mut delta = Snapshot::default();
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
    make_step(method, index, call, &Ok(n), Some(&delta), totals)
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
