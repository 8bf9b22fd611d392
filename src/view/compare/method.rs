//! One method's figures ([`MethodView`]): its calls and mode switches,
//! its `/proc` deltas and whether they agree with its own count, its CPU
//! time, throughput, copies and runs, and the evidence only some roads
//! have (page faults, pipe size, zero-copy completions).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::counters::Snapshot;
use crate::harness::{NoThroughput, RunOutcome};
use crate::measure::MethodResult;
use crate::methods::Method;
use crate::model::{self, CopyKind, Evidence, Hop};

/// Wording of `cpu_basis` in JSON.
pub const CPU_BASIS: &str = "sum_exec_runtime delta in /proc/self/task/<tid>/schedstat, read while the thread was parked (exact)";

/// Wording of `mode_switches_basis` in JSON (data, not prose: a tool reads it).
pub const MODE_SWITCHES_BASIS: &str =
    "derived: 2 per system call (enter + leave), from zclab's own call count";

/// What one step of a method's loop is: a chunk (read + write) or a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Chunk,
    Call,
}

/// One method's figures, from its median run unless said otherwise.
#[derive(Clone, Debug, Serialize)]
pub struct MethodView {
    pub method: Method,
    /// System call name → count, zclab's own count.
    pub syscalls: BTreeMap<&'static str, u64>,
    /// All of the method's system calls.
    pub syscalls_total: u64,
    /// Derived: 2 per system call (Linux has no mode-switch counter).
    pub mode_switches: u64,
    pub mode_switches_basis: &'static str,
    pub unit: Unit,
    /// Chunks the loop really read (reads that returned data) or calls it
    /// made: a run stopped after 2 chunks has 2; an empty file 0.
    pub units: u64,
    /// Mode switches per chunk or call; `None` when there were none.
    pub mode_switches_per_unit: Option<f64>,
    /// Bytes that passed through zclab's user-space buffer (in + out).
    pub user_copy_bytes: u64,
    pub short_writes: u64,
    pub interrupted_calls: u64,
    /// Raw deltas of the sending thread, under the kernel's field names.
    pub procfs: BTreeMap<&'static str, u64>,
    /// `/proc`'s syscr and syscw moved by exactly the method's read-like and
    /// write-like calls (the second count of the same calls).
    pub procfs_agrees: bool,
    /// The sending thread's exact CPU time, ns: the `sum_exec_runtime`
    /// delta of its schedstat (also in `procfs`), read while it was parked.
    pub cpu_ns: u64,
    pub cpu_basis: &'static str,
    /// getrusage's user/system split, apportioned by 10 ms ticks: shown
    /// only when `cpu_split_meaningful`.
    pub cpu_user_us: u64,
    pub cpu_sys_us: u64,
    /// The run was long enough (≥ 100 ms of sender CPU) for that split to
    /// mean something.
    pub cpu_split_meaningful: bool,
    /// The sending thread's CPU time in ms (= `cpu_ns` / 10⁶).
    pub cpu_ms: f64,
    /// Sender + consumer, ns: on loopback the receive side's TCP work lands
    /// on either thread, so only the sum is stable from run to run.
    pub cpu_ns_with_consumer: u64,
    /// The sender's time as a share of one core over the run's elapsed
    /// time, %.
    pub cpu_core_percent: f64,
    pub elapsed_s: f64,
    /// `null` when the run was stopped early or sent nothing (see
    /// `throughput_missing`).
    pub throughput_mib_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput_missing: Option<NoThroughput>,
    pub throughput_mib_s_min: Option<f64>,
    pub throughput_mib_s_max: Option<f64>,
    pub copies: Vec<Hop>,
    pub copy_counts: CopyCounts,
    pub consumer: ConsumerView,
    pub verified: bool,
    /// Runs that delivered the file byte for byte.
    pub runs_verified: usize,
    /// The median run was stopped before the end on purpose (`trace --chunks`).
    pub stopped_early: bool,
    pub received_crc32: String,
    /// Kernel thread id of the median run's sending thread.
    pub sender_tid: i32,
    pub median_run: usize,
    pub all_runs: Vec<RunView>,
    /// mmap: minor page faults of the sending thread (`minflt`), the
    /// evidence that the mapping, not a buffer, fed the writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minflt: Option<u64>,
    /// splice: the pipe's capacity after `F_SETPIPE_SZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipe_bytes: Option<u64>,
    /// msg-zerocopy, io-uring: what the kernel's completion notifications
    /// said about the zero-copy sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zerocopy: Option<ZeroCopyView>,
}

/// The kernel's own account of a method's zero-copy sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ZeroCopyView {
    /// Sends the kernel accepted.
    pub sent: u64,
    /// Of those, sends it reports it copied after all.
    pub copied: u64,
    /// Notifications read, and the sends they covered.
    pub completions: u64,
    pub covered: u64,
    /// The flag that reports a copy (`SO_EE_CODE_ZEROCOPY_COPIED`,
    /// `IORING_NOTIF_USAGE_ZC_COPIED`).
    pub code: &'static str,
    /// Sends refused with ENOBUFS and made again after waiting.
    pub enobufs_retries: u64,
}

/// The copies of a method's path by kind and evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CopyCounts {
    pub cpu: u32,
    pub dma: u32,
    pub cpu_measured: u32,
    pub cpu_modelled: u32,
    pub dma_measured: u32,
    pub dma_modelled: u32,
}

impl CopyCounts {
    pub fn of(hops: &[Hop]) -> CopyCounts {
        let count = |kind, ev| {
            hops.iter()
                .filter(|h| h.kind == kind && h.evidence == ev)
                .count() as u32
        };
        let (cpu, dma) = model::count_kinds(hops);
        CopyCounts {
            cpu,
            dma,
            cpu_measured: count(CopyKind::Cpu, Evidence::Measured),
            cpu_modelled: count(CopyKind::Cpu, Evidence::Modelled),
            dma_measured: count(CopyKind::Dma, Evidence::Measured),
            dma_modelled: count(CopyKind::Dma, Evidence::Modelled),
        }
    }

    pub fn total(&self) -> u32 {
        self.cpu + self.dma
    }

    /// The usual case, said in a few words: every CPU copy measured, every
    /// DMA copy modelled.
    pub fn usual(&self) -> bool {
        self.cpu_modelled == 0 && self.dma_measured == 0
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsumerView {
    pub received_bytes: u64,
    /// The consumer's own copy, socket buffer → its buffer (CPU), paid by
    /// both methods.
    pub copy_bytes: u64,
    pub read_calls: u64,
    /// The consumer thread's exact CPU time, ns (schedstat).
    pub cpu_ns: u64,
    /// Of `cpu_ns`, zclab's CRC-32 of what the consumer received, ns: the
    /// bytes times the check's cost per byte, measured on the consumer's
    /// CPU clock before the run.
    pub check_ns: u64,
    pub cpu_user_us: u64,
    pub cpu_sys_us: u64,
    pub procfs: BTreeMap<&'static str, u64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunView {
    pub elapsed_s: f64,
    pub throughput_mib_s: Option<f64>,
    /// Exact CPU time of the sender and of the consumer, ns (schedstat).
    pub cpu_ns: u64,
    pub consumer_cpu_ns: u64,
    pub cpu_user_us: u64,
    pub cpu_sys_us: u64,
    pub syscalls: u64,
    pub verified: bool,
    /// Cold runs: bytes of the file still cached when the run began.
    pub resident_before_bytes: Option<u64>,
    pub read_bytes: u64,
}

/// The read-like and write-like calls `/proc` must have counted for
/// `method` (syscr, syscw): sendfile counts in both.
fn procfs_expected(method: Method, r: &RunOutcome) -> (u64, u64) {
    let t = &r.tally;
    match method {
        Method::ReadWrite => (t.read, t.write),
        Method::Sendfile => (t.sendfile, t.sendfile),
        Method::Mmap => (0, t.write),
        // /proc's I/O accounting does not see splice at all.
        Method::Splice => (0, 0),
        // Neither sendmsg nor io_uring's sends are write(2): only the
        // reads show.
        Method::MsgZerocopy | Method::IoUring => (t.read, 0),
    }
}

fn procfs_map(s: &Snapshot) -> BTreeMap<&'static str, u64> {
    s.fields().into_iter().collect()
}

fn run_view(r: &RunOutcome) -> RunView {
    RunView {
        elapsed_s: r.elapsed.as_secs_f64(),
        throughput_mib_s: r.throughput_mib_s(),
        cpu_ns: r.sender_cpu_ns(),
        consumer_cpu_ns: r.receiver_cpu_ns(),
        cpu_user_us: r.sender_cpu.user_us,
        cpu_sys_us: r.sender_cpu.sys_us,
        syscalls: r.tally.syscalls(),
        verified: r.verified,
        resident_before_bytes: r.resident_before,
        read_bytes: r.sender.read_bytes,
    }
}

impl MethodView {
    pub fn new(r: &MethodResult) -> MethodView {
        let m = r.median_run();
        let t = &m.tally;
        let spread = r.throughput_spread();
        let switches = 2 * t.syscalls();
        let units = r.units();
        let (syscr, syscw) = procfs_expected(r.method, m);
        let secs = m.elapsed.as_secs_f64();
        let cpu_us = m.sender_cpu_ns() as f64 / 1000.0;
        MethodView {
            method: r.method,
            syscalls: r
                .method
                .syscall_names()
                .iter()
                .map(|&n| (n, t.calls(n)))
                .collect(),
            syscalls_total: t.syscalls(),
            mode_switches: switches,
            mode_switches_basis: MODE_SWITCHES_BASIS,
            unit: match r.method {
                Method::Sendfile => Unit::Call,
                _ => Unit::Chunk,
            },
            units,
            mode_switches_per_unit: (units > 0).then(|| switches as f64 / units as f64),
            user_copy_bytes: t.user_copy_bytes(),
            short_writes: t.short_writes,
            interrupted_calls: t.interrupted,
            procfs: procfs_map(&m.sender),
            procfs_agrees: m.sender.syscr == syscr && m.sender.syscw == syscw,
            cpu_ns: m.sender_cpu_ns(),
            cpu_basis: CPU_BASIS,
            cpu_user_us: m.sender_cpu.user_us,
            cpu_sys_us: m.sender_cpu.sys_us,
            cpu_split_meaningful: r.cpu_split_meaningful(),
            cpu_ms: cpu_us / 1000.0,
            cpu_ns_with_consumer: r.both_cpu_ns(),
            cpu_core_percent: if secs > 0.0 {
                cpu_us / 1e6 / secs * 100.0
            } else {
                0.0
            },
            elapsed_s: secs,
            throughput_mib_s: m.throughput_mib_s(),
            throughput_missing: m.no_throughput(),
            throughput_mib_s_min: spread.map(|s| s.0),
            throughput_mib_s_max: spread.map(|s| s.1),
            copies: r.copies.clone(),
            copy_counts: CopyCounts::of(&r.copies),
            consumer: ConsumerView {
                received_bytes: m.received_bytes,
                copy_bytes: m.received_bytes,
                read_calls: m.receiver_reads,
                cpu_ns: m.receiver_cpu_ns(),
                check_ns: m.receiver_check.as_nanos() as u64,
                cpu_user_us: m.receiver_cpu.user_us,
                cpu_sys_us: m.receiver_cpu.sys_us,
                procfs: procfs_map(&m.receiver),
            },
            verified: r.verified(),
            runs_verified: r.runs.iter().filter(|x| x.verified).count(),
            stopped_early: t.stopped_early,
            received_crc32: format!("{:08x}", m.received_crc32),
            sender_tid: m.sender_tid,
            median_run: r.median,
            all_runs: r.runs.iter().map(run_view).collect(),
            minflt: (r.method == Method::Mmap).then_some(m.sender.minflt),
            pipe_bytes: (r.method == Method::Splice).then_some(t.pipe_bytes),
            zerocopy: matches!(r.method, Method::MsgZerocopy | Method::IoUring).then(|| {
                let z = &t.zerocopy;
                ZeroCopyView {
                    sent: z.sent,
                    copied: z.copied,
                    completions: z.completions,
                    covered: z.covered,
                    code: model::zerocopy_code(r.method),
                    enobufs_retries: z.enobufs,
                }
            }),
        }
    }

    /// A `/proc` delta of the sending thread (0 when absent).
    pub fn procfs(&self, field: &str) -> u64 {
        self.procfs.get(field).copied().unwrap_or(0)
    }
}
