//! Which notes go under a comparison ([`Note`]), decided once from what
//! ran and what the counters saw.

use serde::Serialize;

use super::MethodView;
use crate::methods::Method;

/// A note under the table: which one, and the values it needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    ModeSwitchesDerived,
    ContextSwitches,
    SendfileProcfs,
    ConsumerCopy,
    LoopbackNic,
    /// The file was cached: the disk read is modelled.
    WarmCache,
    /// A cold run of `method`: `read_bytes` of `file_bytes` came from disk
    /// (`partly_cached`: less than the whole file did; `measured`: the
    /// counter moved, so the hop is measured).
    Cold {
        method: Method,
        resident_before_bytes: Option<u64>,
        read_bytes: u64,
        file_bytes: u64,
        partly_cached: bool,
        measured: bool,
    },
    CpuSource,
    /// The consumer's CPU includes zclab's check of every byte: the most
    /// it took in any method's median run, and its share of that consumer's
    /// CPU time (%).
    ConsumerCheck {
        check_ns: u64,
        share_percent: f64,
    },
    /// mmap ran: one CPU copy from the mapping, minflt, the SIGBUS pitfall.
    Mmap,
    /// splice ran: the machinery under sendfile, invisible to /proc io.
    Splice,
    /// msg-zerocopy or io-uring ran: what a zero-copy send removes, and
    /// why loopback copies anyway.
    ZeroCopy,
    /// io-uring ran: the work hides behind io_uring_enter.
    IoUring,
    /// A run stopped early or sent nothing: no throughput, per-unit
    /// figures over what really happened.
    NoThroughput,
}

/// The notes that apply, in the order they are shown.
pub(super) fn choose(cold: bool, file_bytes: u64, methods: &[MethodView]) -> Vec<Note> {
    let mut v = vec![Note::ModeSwitchesDerived, Note::ContextSwitches];
    if methods.iter().any(|m| m.method == Method::Sendfile) {
        v.push(Note::SendfileProcfs);
    }
    v.push(Note::ConsumerCopy);
    v.push(Note::LoopbackNic);
    if cold {
        v.extend(methods.iter().map(|m| {
            Note::Cold {
                method: m.method,
                resident_before_bytes: m
                    .all_runs
                    .get(m.median_run)
                    .and_then(|r| r.resident_before_bytes),
                read_bytes: m.procfs("read_bytes"),
                file_bytes,
                partly_cached: m.procfs("read_bytes") < file_bytes,
                measured: m.procfs("read_bytes") > 0,
            }
        }));
    } else if file_bytes > 0 && methods.iter().all(|m| m.procfs("read_bytes") == 0) {
        v.push(Note::WarmCache);
    }
    let ran = |m: Method| methods.iter().any(|v| v.method == m);
    if ran(Method::Mmap) {
        v.push(Note::Mmap);
    }
    if ran(Method::Splice) {
        v.push(Note::Splice);
    }
    if ran(Method::MsgZerocopy) || ran(Method::IoUring) {
        v.push(Note::ZeroCopy);
    }
    if ran(Method::IoUring) {
        v.push(Note::IoUring);
    }
    v.push(Note::CpuSource);
    if let Some(m) = methods
        .iter()
        .filter(|m| m.consumer.cpu_ns > 0)
        .max_by_key(|m| m.consumer.check_ns)
    {
        v.push(Note::ConsumerCheck {
            check_ns: m.consumer.check_ns,
            share_percent: m.consumer.check_ns as f64 * 100.0 / m.consumer.cpu_ns as f64,
        });
    }
    if methods.iter().any(|m| m.throughput_missing.is_some()) {
        v.push(Note::NoThroughput);
    }
    v
}
