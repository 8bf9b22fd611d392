//! `--json`: one document on standard output. Field names are a contract
//! (documented in README.md); add fields, never rename them.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::counters::Snapshot;
use crate::harness::RunOutcome;
use crate::measure::{Comparison, MethodResult};
use crate::methods::Method;
use crate::model::Hop;

#[derive(Serialize)]
struct Doc<'a> {
    zclab_version: &'static str,
    file: FileDoc,
    buffer_bytes: usize,
    runs: u32,
    /// "warm" (read once before the runs) or "cold" (dropped before each).
    page_cache: &'static str,
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
    cpu_user_us: u64,
    cpu_sys_us: u64,
    elapsed_s: f64,
    throughput_mib_s: f64,
    throughput_mib_s_min: f64,
    throughput_mib_s_max: f64,
    copies: &'a [Hop],
    consumer: ConsumerDoc,
    verified: bool,
    /// Kernel thread id of the median run's sending thread.
    sender_tid: i32,
    median_run: usize,
    all_runs: Vec<RunDoc>,
    /// mmap: minor page faults of the sending thread (`minflt`), the
    /// evidence that the mapping, not a buffer, fed the writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    minflt: Option<u64>,
    /// splice: the pipe's capacity after `F_SETPIPE_SZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pipe_bytes: Option<u64>,
    /// msg-zerocopy, io-uring: the kernel's completion notifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    zerocopy: Option<ZeroCopyDoc>,
}

#[derive(Serialize)]
struct ZeroCopyDoc {
    /// Sends the kernel accepted.
    sent: u64,
    /// Of those, sends the kernel reports it copied after all.
    copied: u64,
    /// Notifications read, and the sends they covered.
    completions: u64,
    covered: u64,
    /// The flag that reports a copy.
    code: &'static str,
    enobufs_retries: u64,
}

#[derive(Serialize)]
struct ConsumerDoc {
    received_bytes: u64,
    /// The consumer's own copy, socket buffer → its buffer (CPU), paid by
    /// both methods.
    copy_bytes: u64,
    read_calls: u64,
    cpu_user_us: u64,
    cpu_sys_us: u64,
    procfs: BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct RunDoc {
    elapsed_s: f64,
    throughput_mib_s: f64,
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
            let (lo, hi) = r.throughput_spread();
            MethodDoc {
                method: r.method.name(),
                syscalls: syscall_map(r),
                mode_switches: 2 * m.tally.syscalls(),
                mode_switches_basis: "derived: 2 per system call (enter + leave), from zclab's own call count",
                user_copy_bytes: m.tally.user_copy_bytes(),
                short_writes: m.tally.short_writes,
                interrupted_calls: m.tally.interrupted,
                procfs: procfs_map(&m.sender),
                cpu_user_us: m.sender_cpu.user_us,
                cpu_sys_us: m.sender_cpu.sys_us,
                elapsed_s: m.elapsed.as_secs_f64(),
                throughput_mib_s: m.throughput_mib_s(),
                throughput_mib_s_min: lo,
                throughput_mib_s_max: hi,
                copies: &r.copies,
                consumer: ConsumerDoc {
                    received_bytes: m.received_bytes,
                    copy_bytes: m.received_bytes,
                    read_calls: m.receiver_reads,
                    cpu_user_us: m.receiver_cpu.user_us,
                    cpu_sys_us: m.receiver_cpu.sys_us,
                    procfs: procfs_map(&m.receiver),
                },
                verified: r.verified(),
                sender_tid: m.sender_tid,
                median_run: r.median,
                all_runs: r.runs.iter().map(run_doc).collect(),
                minflt: (r.method == Method::Mmap).then_some(m.sender.minflt),
                pipe_bytes: (r.method == Method::Splice).then_some(m.tally.pipe_bytes),
                zerocopy: matches!(r.method, Method::MsgZerocopy | Method::IoUring).then(|| {
                    let z = &m.tally.zerocopy;
                    ZeroCopyDoc {
                        sent: z.sent,
                        copied: z.copied,
                        completions: z.completions,
                        covered: z.covered,
                        code: crate::model::zerocopy_code(r.method),
                        enobufs_retries: z.enobufs,
                    }
                }),
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
        methods,
        verified: c.verified(),
    };
    serde_json::to_value(&doc).context("cannot encode the JSON report")
}
