//! The two ends of a walk's handshake. On the sending thread, [`Stepper`]
//! (the method's observer) reports each call before and after it is made
//! and waits for an answer. On the caller's thread, [`Controller`] reads the
//! sender's `/proc` counters around the call, turns it into a [`Step`],
//! hands it to the caller's callback, and answers: go on, stop, or stop
//! asking (past the steps to show).

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};

use anyhow::Result;
use nix::errno::Errno;

use super::{Step, StepCopy, Totals, WalkOptions, strace_line};
use crate::counters::{Snapshot, ThreadCounters};
use crate::methods::{Call, Flow, Method, Observer};
use crate::model::{self, CopyKind};

/// What the controller answers the sending thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ack {
    Continue,
    Stop,
    /// Stop waiting for answers: report each call and go straight on.
    Detach,
}

/// What the sending thread reports: a call it is about to make (and on
/// which thread), or one that has returned.
pub(super) enum Msg {
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
pub(super) struct Stepper {
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

/// A stepper for the sending thread, and the controller's ends of its two
/// channels (the calls it reports, the answers it waits for).
pub(super) fn channel() -> (Stepper, Receiver<Msg>, Sender<Ack>) {
    let (tx, rx) = mpsc::channel::<Msg>();
    let (ack_tx, ack_rx) = mpsc::channel::<Ack>();
    let stepper = Stepper {
        tx,
        ack: ack_rx,
        detached: false,
    };
    (stepper, rx, ack_tx)
}

/// The controller: what it has seen so far, and what it must obey.
pub(super) struct Controller<'a> {
    method: Method,
    max_steps: u64,
    chunk_limit: Option<u64>,
    ack: Sender<Ack>,
    on_step: &'a mut dyn FnMut(&Step) -> Result<Flow>,
    counters: Option<ThreadCounters>,
    before: Option<Snapshot>,
    detached: bool,
    chunks: ChunkCounter,
    /// The steps shown, in order.
    pub(super) steps: Vec<Step>,
    /// Every call the method made, shown or not.
    pub(super) calls: u64,
    pub(super) totals: Totals,
    /// The first error: reading the counters, or from the callback.
    pub(super) failure: Option<anyhow::Error>,
    /// The callback asked to stop.
    pub(super) quit: bool,
    /// `--chunks` stopped the run.
    pub(super) chunk_limit_hit: bool,
}

impl<'a> Controller<'a> {
    pub(super) fn new(
        opts: &WalkOptions,
        ack: Sender<Ack>,
        on_step: &'a mut dyn FnMut(&Step) -> Result<Flow>,
    ) -> Controller<'a> {
        Controller {
            method: opts.method,
            max_steps: opts.max_steps,
            chunk_limit: opts.chunks,
            ack,
            on_step,
            counters: None,
            before: None,
            detached: false,
            chunks: ChunkCounter {
                method: opts.method,
                limit: opts.chunks,
                pending: 0,
                done: 0,
            },
            steps: Vec::new(),
            calls: 0,
            totals: Totals::default(),
            failure: None,
            quit: false,
            chunk_limit_hit: false,
        }
    }

    /// Handles one report from the sending thread.
    pub(super) fn handle(&mut self, msg: Msg) {
        let showing = self.calls < self.max_steps && self.failure.is_none() && !self.quit;
        match msg {
            Msg::Before { tid } => {
                if showing {
                    self.before = self.snapshot(tid);
                }
                let _ = self.ack.send(Ack::Continue);
            }
            Msg::After { call, result } => self.after(showing, &call, &result),
        }
    }

    /// The sending thread's counters now (opened at its first call).
    fn snapshot(&mut self, tid: i32) -> Option<Snapshot> {
        if self.counters.is_none() {
            match ThreadCounters::open(tid) {
                Ok(c) => self.counters = Some(c),
                Err(e) => self.failure = Some(e),
            }
        }
        match self.counters.as_ref().map(ThreadCounters::snapshot) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                self.failure = Some(e);
                None
            }
            None => None,
        }
    }

    /// A call has returned: make its step, show it if it is to be shown,
    /// and answer.
    fn after(&mut self, showing: bool, call: &Call, result: &std::result::Result<usize, Errno>) {
        self.calls += 1;
        let delta = match (showing, &self.before, &self.counters) {
            (true, Some(b), Some(c)) => match c.snapshot() {
                Ok(a) => Some(a.since(b)),
                Err(e) => {
                    self.failure = Some(e);
                    None
                }
            },
            _ => None,
        };
        let step = make_step(
            self.method,
            self.calls,
            call,
            result,
            delta.as_ref(),
            &mut self.totals,
        );
        let mut ack = Ack::Continue;
        if step.shown {
            match (self.on_step)(&step) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => {
                    self.quit = true;
                    ack = Ack::Stop;
                }
                Err(e) => {
                    self.failure = Some(e);
                    ack = Ack::Stop;
                }
            }
            self.steps.push(step);
        }
        if self.chunks.after(call, result) {
            self.chunk_limit_hit = true;
            ack = Ack::Stop;
        }
        if ack == Ack::Continue && self.calls >= self.max_steps && self.chunk_limit.is_none() {
            // Past the cap the method runs unwatched, reporting each call
            // without waiting (no --chunks to obey).
            ack = Ack::Detach;
        }
        if !self.detached {
            let _ = self.ack.send(ack);
        }
        self.detached |= ack == Ack::Detach;
    }
}

/// Turns one call into a step and adds it to the running totals.
pub(super) fn make_step(
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
