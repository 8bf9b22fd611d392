//! What a run must deliver and what it measured: the file's reference
//! digest, and the plain values a run comes to.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::{Done, Pair};
use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::error::{ContextT, fail_t, wrap_t};
use crate::input::InputFile;
use crate::methods::{Method, Tally};
use crate::text::run as t;

/// What a correct transfer must deliver: the file's length and CRC-32,
/// read before the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    pub bytes: u64,
    pub crc32: u32,
}

/// Everything one run measured, as plain values.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    pub method: Method,
    /// The method's own count of its calls and user-space bytes.
    pub tally: Tally,
    /// `/proc` deltas of the sending thread across the transfer.
    pub sender: Snapshot,
    /// `/proc` deltas of the receiving thread across the transfer.
    pub receiver: Snapshot,
    /// `getrusage(RUSAGE_THREAD)` deltas of the sending thread: only its
    /// user/system split is used, and only on long runs (tick-apportioned);
    /// the exact total is [`RunOutcome::sender_cpu_ns`].
    pub sender_cpu: CpuTime,
    /// `getrusage(RUSAGE_THREAD)` deltas of the receiving thread (the same
    /// caveat).
    pub receiver_cpu: CpuTime,
    /// From the moment both threads were released to the last byte
    /// received.
    pub elapsed: Duration,
    /// Bytes the receiver read: each one copied by the CPU from its socket
    /// buffer into its own buffer, in every method.
    pub received_bytes: u64,
    pub received_crc32: u32,
    /// Of the receiver's CPU time, what zclab's CRC-32 of the received bytes
    /// took: the bytes times the check's cost per byte, measured on the
    /// receiving thread's CPU clock before the run. Included in
    /// [`RunOutcome::receiver_cpu_ns`].
    pub receiver_check: Duration,
    /// Receiver calls to `read(2)`, including the end-of-stream one.
    pub receiver_reads: u64,
    /// The received bytes equal the file's, by length and CRC-32.
    pub verified: bool,
    /// Kernel thread id of the sending thread, so that an outside witness
    /// (`compare --verify`'s tracer) can find it among the process's threads.
    pub sender_tid: i32,
    /// For a cold run: bytes of the file still in the page cache when the
    /// run started, after eviction (`None`: warm run, or unknown).
    pub resident_before: Option<u64>,
}

/// Why a run has no throughput figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoThroughput {
    /// The run was stopped before the whole file was sent (`trace --chunks`,
    /// a quit): its time is not the time of a transfer.
    StoppedEarly,
    /// The file is empty: nothing was sent, so there is no rate.
    NothingSent,
}

impl RunOutcome {
    /// Exact CPU time of the sending thread across the transfer, in ns:
    /// the `sum_exec_runtime` delta in its `schedstat`, read while it was
    /// parked.
    pub fn sender_cpu_ns(&self) -> u64 {
        self.sender.sum_exec_runtime
    }

    /// The same for the receiving thread.
    pub fn receiver_cpu_ns(&self) -> u64 {
        self.receiver.sum_exec_runtime
    }

    /// Why this run has no throughput, if it has none.
    pub fn no_throughput(&self) -> Option<NoThroughput> {
        if self.tally.stopped_early {
            Some(NoThroughput::StoppedEarly)
        } else if self.received_bytes == 0 {
            Some(NoThroughput::NothingSent)
        } else {
            None
        }
    }

    /// MiB per second, file bytes over elapsed time; `None` for a run
    /// stopped early or one that sent nothing (see [`Self::no_throughput`]).
    pub fn throughput_mib_s(&self) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        if self.no_throughput().is_some() || secs <= 0.0 {
            None
        } else {
            Some(self.received_bytes as f64 / (1024.0 * 1024.0) / secs)
        }
    }
}

/// Reads the whole file once with `pread` (warming the page cache) and
/// returns its length and CRC-32: the reference every run is checked
/// against. A file whose content length differs from its size (a `/proc`
/// file, a file being written) is refused here.
pub fn digest_file(input: &InputFile) -> Result<Expected> {
    use std::os::unix::fs::FileExt;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut pos: u64 = 0;
    loop {
        let n = match input.file.read_at(&mut buf, pos) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(wrap_t(
                    e,
                    t::CANNOT_READ,
                    &[("path", &input.path.display())],
                ));
            }
        };
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        pos += n as u64;
        if pos > input.size {
            break;
        }
    }
    if pos != input.size {
        // Refused before any run: bad input (exit 2), not a failed run.
        return Err(crate::error::input_t(
            if pos > input.size {
                t::NOT_STILL_MORE
            } else {
                t::NOT_STILL
            },
            &[
                ("path", &input.path.display()),
                ("size", &input.size),
                ("got", &pos),
            ],
        ));
    }
    Ok(Expected {
        bytes: pos,
        crc32: hasher.finalize(),
    })
}

/// Checks the reports and the file, and puts the run's figures together.
#[allow(clippy::too_many_arguments)]
pub(super) fn outcome(
    method: Method,
    input: &InputFile,
    expected: Expected,
    start: Instant,
    counters: Pair<ThreadCounters>,
    before: Pair<Snapshot>,
    after: Pair<Snapshot>,
    done: Done,
) -> Result<RunOutcome> {
    let path = input.path.display();
    let (sent, sender_cpu) = done.sender.context_t(t::SENDER_NO_REPORT, &[])?;
    let report = done.receiver.context_t(t::RECEIVER_NO_REPORT, &[])?;
    let tally = match sent {
        Ok(t) => t,
        Err(e) => {
            let received = report.as_ref().map(|r| r.bytes).unwrap_or(0);
            return Err(wrap_t(
                e.error,
                t::SEND_FAILED,
                &[
                    ("method", &method.name()),
                    ("path", &path),
                    ("calls", &e.tally.syscalls()),
                    ("received", &received),
                    ("size", &input.size),
                    ("tid", &counters.0.tid()),
                ],
            ));
        }
    };
    let report = report.context_t(t::RECEIVER_FAILED, &[])?;
    let sender_cpu = sender_cpu?;
    let size_now = input
        .file
        .metadata()
        .context_t(crate::text::errors::CANNOT_STAT, &[("path", &path)])?
        .len();
    if size_now != input.size {
        return Err(fail_t(
            t::SIZE_CHANGED,
            &[("path", &path), ("size", &input.size), ("now", &size_now)],
        ));
    }
    let verified =
        !tally.stopped_early && report.bytes == expected.bytes && report.crc32 == expected.crc32;
    Ok(RunOutcome {
        method,
        tally,
        sender: after.0.since(&before.0),
        receiver: after.1.since(&before.1),
        sender_cpu,
        receiver_cpu: report.cpu,
        elapsed: report.end.saturating_duration_since(start),
        received_bytes: report.bytes,
        received_crc32: report.crc32,
        receiver_check: report.check,
        receiver_reads: report.reads,
        verified,
        sender_tid: counters.0.tid(),
        resident_before: None,
    })
}
