//! `--json`: one document on standard output. Field names are a contract
//! (documented in README.md); add fields, never rename them.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cache::CannotEvict;
use crate::counters::Snapshot;
use crate::harness::{NoThroughput, RunOutcome};
use crate::measure::{Comparison, MethodResult};
use crate::model::Hop;

#[derive(Serialize)]
struct Doc<'a> {
    zclab_version: &'static str,
    file: FileDoc,
    buffer_bytes: usize,
    runs: u32,
    /// "warm" (read once before the runs) or "cold" (dropped before each).
    page_cache: &'static str,
    /// `--cold` was asked but the file could not be dropped (the runs were
    /// warm): why. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    cold_refused: Option<CannotEvict>,
    methods: Vec<MethodDoc<'a>>,
    verified: bool,
}

#[derive(Serialize)]
struct FileDoc {
    path: String,
    bytes: u64,
    crc32: String,
    default_sample: bool,
}

#[derive(Serialize)]
struct MethodDoc<'a> {
    method: &'static str,
    /// System call name → count, zclab's own count, median run.
    syscalls: BTreeMap<&'static str, u64>,
    /// Derived: 2 per system call (Linux has no mode-switch counter).
    mode_switches: u64,
    mode_switches_basis: &'static str,
    /// Bytes that passed through zclab's user-space buffer (in + out).
    user_copy_bytes: u64,
    short_writes: u64,
    interrupted_calls: u64,
    /// Raw deltas of the sending thread, under the kernel's field names.
    procfs: BTreeMap<&'static str, u64>,
    /// Exact CPU time of the sending thread, ns: the `sum_exec_runtime`
    /// delta of its schedstat (also in `procfs`).
    cpu_ns: u64,
    cpu_basis: &'static str,
    /// getrusage's user/system split, apportioned by 10 ms ticks.
    cpu_user_us: u64,
    cpu_sys_us: u64,
    /// Whether the run was long enough (≥ 100 ms) for that split to mean
    /// something.
    cpu_split_meaningful: bool,
    /// Sender + consumer, ns.
    cpu_ns_with_consumer: u64,
    elapsed_s: f64,
    /// `null` when the run was stopped early or sent nothing (see
    /// `throughput_missing`).
    throughput_mib_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    throughput_missing: Option<NoThroughput>,
    throughput_mib_s_min: Option<f64>,
    throughput_mib_s_max: Option<f64>,
    copies: &'a [Hop],
    consumer: ConsumerDoc,
    verified: bool,
    /// Kernel thread id of the median run's sending thread.
    sender_tid: i32,
    median_run: usize,
    all_runs: Vec<RunDoc>,
}

#[derive(Serialize)]
struct ConsumerDoc {
    received_bytes: u64,
    /// The consumer's own copy, socket buffer → its buffer (CPU), paid by
    /// both methods.
    copy_bytes: u64,
    read_calls: u64,
    /// Exact CPU time of the consumer thread, ns (schedstat).
    cpu_ns: u64,
    cpu_user_us: u64,
    cpu_sys_us: u64,
    procfs: BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct RunDoc {
    elapsed_s: f64,
    throughput_mib_s: Option<f64>,
    cpu_ns: u64,
    consumer_cpu_ns: u64,
    cpu_user_us: u64,
    cpu_sys_us: u64,
    syscalls: u64,
    verified: bool,
    /// Cold runs: bytes of the file still cached when the run began.
    resident_before_bytes: Option<u64>,
    read_bytes: u64,
}

fn procfs_map(s: &Snapshot) -> BTreeMap<&'static str, u64> {
    s.fields().into_iter().collect()
}

fn syscall_map(r: &MethodResult) -> BTreeMap<&'static str, u64> {
    let t = &r.median_run().tally;
    r.method
        .syscall_names()
        .iter()
        .map(|&n| (n, t.calls(n)))
        .collect()
}

fn run_doc(r: &RunOutcome) -> RunDoc {
    RunDoc {
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

/// The comparison as a JSON document (with a final newline).
pub fn comparison(c: &Comparison) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&comparison_value(c)?)
        .context("cannot encode the JSON report")?;
    text.push('\n');
    Ok(text)
}

/// The comparison as a JSON value, for documents that embed it.
pub fn comparison_value(c: &Comparison) -> Result<serde_json::Value> {
    let methods = c
        .methods
        .iter()
        .map(|r| {
            let m = r.median_run();
            let spread = r.throughput_spread();
            MethodDoc {
                method: r.method.name(),
                syscalls: syscall_map(r),
                mode_switches: 2 * m.tally.syscalls(),
                mode_switches_basis: "derived: 2 per system call (enter + leave), from zclab's own call count",
                user_copy_bytes: m.tally.user_copy_bytes(),
                short_writes: m.tally.short_writes,
                interrupted_calls: m.tally.interrupted,
                procfs: procfs_map(&m.sender),
                cpu_ns: m.sender_cpu_ns(),
                cpu_basis: "sum_exec_runtime delta in /proc/self/task/<tid>/schedstat, read while the thread was parked (exact)",
                cpu_user_us: m.sender_cpu.user_us,
                cpu_sys_us: m.sender_cpu.sys_us,
                cpu_split_meaningful: r.cpu_split_meaningful(),
                cpu_ns_with_consumer: r.both_cpu_ns(),
                elapsed_s: m.elapsed.as_secs_f64(),
                throughput_mib_s: m.throughput_mib_s(),
                throughput_missing: m.no_throughput(),
                throughput_mib_s_min: spread.map(|s| s.0),
                throughput_mib_s_max: spread.map(|s| s.1),
                copies: &r.copies,
                consumer: ConsumerDoc {
                    received_bytes: m.received_bytes,
                    copy_bytes: m.received_bytes,
                    read_calls: m.receiver_reads,
                    cpu_ns: m.receiver_cpu_ns(),
                    cpu_user_us: m.receiver_cpu.user_us,
                    cpu_sys_us: m.receiver_cpu.sys_us,
                    procfs: procfs_map(&m.receiver),
                },
                verified: r.verified(),
                sender_tid: m.sender_tid,
                median_run: r.median,
                all_runs: r.runs.iter().map(run_doc).collect(),
            }
        })
        .collect();
    let doc = Doc {
        zclab_version: env!("CARGO_PKG_VERSION"),
        file: FileDoc {
            path: c.file_path.display().to_string(),
            bytes: c.file_bytes,
            crc32: format!("{:08x}", c.expected.crc32),
            default_sample: c.default_sample,
        },
        buffer_bytes: c.buffer_bytes,
        runs: c.runs,
        page_cache: if c.cold { "cold" } else { "warm" },
        cold_refused: c.cold_refused,
        methods,
        verified: c.verified(),
    };
    serde_json::to_value(&doc).context("cannot encode the JSON report")
}
