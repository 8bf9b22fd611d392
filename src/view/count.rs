//! [`CountView`]: what `zclab count` found, with every derived figure
//! (mode switches, byte flows by direction, shares of calls), ready to be
//! laid out (`report::count`) or serialised (`count --json`, whose field
//! names are a contract).

use std::collections::BTreeMap;
use std::ffi::OsString;

use serde::Serialize;

use crate::tracer::{
    CommandStatus, SyscallGroup, SyscallStats, ThreadCounts, TraceOutcome, group_of, group_totals,
};

/// `mode_switches_basis` in JSON.
pub const MODE_SWITCHES_BASIS: &str =
    "derived: 2 per system call (enter + leave), from the ptrace tracer's call count";
/// `source` in JSON.
pub const SOURCE: &str = "measured by zclab's ptrace tracer: each call counted at syscall entry on the thread that made it; errors and bytes from the return value at syscall exit (sendmmsg/recvmmsg: the msg_len fields); mmap/munmap move no data: their length argument is given apart as mapped_bytes";

/// `zclab count -- CMD`: the command, how it ended, and its counts.
#[derive(Clone, Debug, Serialize)]
pub struct CountView {
    pub zclab_version: &'static str,
    pub command: Vec<String>,
    /// The command as a shell would show it (arguments with spaces quoted).
    pub command_line: String,
    pub status: StatusView,
    pub exit_code: i32,
    pub elapsed_s: f64,
    #[serde(flatten)]
    pub counts: CountsView,
}

/// The counting part, shared by `count -- CMD` and `count --pid`.
#[derive(Clone, Debug, Serialize)]
pub struct CountsView {
    pub source: &'static str,
    pub total_calls: u64,
    pub total_errors: u64,
    pub mode_switches: u64,
    pub mode_switches_basis: &'static str,
    pub data_moving_calls: u64,
    /// 2 × the data-moving calls.
    pub data_mode_switches: u64,
    pub bytes: ByteFlows,
    /// Every system call seen, most called first.
    pub syscalls: Vec<SyscallRow>,
    pub groups: Vec<GroupRow>,
    pub threads: Vec<ThreadView>,
    /// Processes among the threads (distinct thread-group ids).
    pub processes: usize,
    /// The tracer timed the calls (`% time`, `µs/call` are meaningful).
    pub timed: bool,
    pub notes: Vec<CountNote>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    /// The exit code, when the command exited.
    pub exited: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
    pub signal_name: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SyscallRow {
    pub name: String,
    /// The group's id (`read-family`, `sendfile`, …).
    pub group: &'static str,
    #[serde(skip)]
    pub kind: SyscallGroup,
    pub calls: u64,
    pub errors: u64,
    /// Bytes moved (read, written, sent, spliced): 0 for mmap/munmap.
    pub bytes: u64,
    /// mmap/munmap: the length mapped or unmapped (the length argument).
    /// Mapping moves no data, so it is never counted as bytes moved.
    pub mapped_bytes: u64,
    /// Share of all calls, %; `None` when there were none.
    pub percent_of_calls: Option<f64>,
    /// Wall-clock seconds inside these calls, entry stop to exit stop, as
    /// the tracer saw them (`strace -c -w`).
    pub time_s: f64,
    /// Share of the time in all calls, %; `None` when nothing was timed.
    pub percent_of_time: Option<f64>,
    /// Microseconds per call; `None` when nothing was timed.
    pub usecs_per_call: Option<f64>,
}

impl SyscallRow {
    pub fn moves_data(&self) -> bool {
        self.kind.moves_data()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupRow {
    pub group: &'static str,
    pub calls: u64,
    pub errors: u64,
    pub bytes: u64,
    pub mapped_bytes: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ThreadView {
    pub tid: i32,
    pub pid: i32,
    pub comm: String,
    pub calls: u64,
    pub data_moving_calls: u64,
    /// Bytes moved by data-moving calls, mmap lengths left out.
    pub bytes_moved: u64,
    /// mmap/munmap lengths: mapped, not moved.
    pub mapped_bytes: u64,
    pub mode_switches: u64,
    pub syscalls: BTreeMap<String, CallCounts>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct CallCounts {
    pub calls: u64,
    pub errors: u64,
    /// Bytes moved: 0 for mmap/munmap.
    pub bytes: u64,
    /// mmap/munmap: the length mapped or unmapped.
    pub mapped_bytes: u64,
    pub time_s: f64,
}

impl CallCounts {
    pub fn of(name: &str, s: &SyscallStats) -> CallCounts {
        let (bytes, mapped_bytes) = moved_and_mapped(name, s.bytes);
        CallCounts {
            calls: s.calls,
            errors: s.errors,
            bytes,
            mapped_bytes,
            time_s: s.nanos as f64 / 1e9,
        }
    }
}

/// The tracer's byte figure of a call named `name`, as (bytes moved, bytes
/// mapped): for mmap/munmap it is their length argument, which moves
/// nothing.
pub fn moved_and_mapped(name: &str, bytes: u64) -> (u64, u64) {
    if group_of(name) == SyscallGroup::Mmap {
        (0, bytes)
    } else {
        (bytes, 0)
    }
}

/// Bytes by direction, from the per-call totals.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct ByteFlows {
    /// read family + recv*: copied by the CPU from the kernel into a user buffer.
    pub into_user: u64,
    /// write family + send*: copied by the CPU from a user buffer into the kernel.
    pub out_of_user: u64,
    /// sendfile, splice, tee, vmsplice, copy_file_range: moved without a
    /// user-space buffer in between.
    pub in_kernel: u64,
    /// mmap lengths: mapped into the address space, not copied.
    pub mapped: u64,
}

/// Which notes apply under the count table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountNote {
    Tracer,
    ModeSwitches,
    /// The time columns are wall-clock time seen by the tracer.
    WallTime,
    /// Failed execve calls: the PATH search.
    ExecvePathSearch,
    /// Some bytes moved inside the kernel (zero copy).
    InKernel,
}

pub fn byte_flows(totals: &BTreeMap<String, SyscallStats>) -> ByteFlows {
    let mut f = ByteFlows::default();
    for (name, s) in totals {
        let bare = name.rsplit(':').next().unwrap_or(name);
        match group_of(name) {
            SyscallGroup::Read => f.into_user += s.bytes,
            SyscallGroup::Write => f.out_of_user += s.bytes,
            SyscallGroup::SendRecv if bare.starts_with("recv") => f.into_user += s.bytes,
            SyscallGroup::SendRecv => f.out_of_user += s.bytes,
            SyscallGroup::Sendfile | SyscallGroup::Splice | SyscallGroup::CopyFileRange => {
                f.in_kernel += s.bytes
            }
            SyscallGroup::Mmap if bare.starts_with("mmap") => f.mapped += s.bytes,
            SyscallGroup::Mmap | SyscallGroup::Other => {}
        }
    }
    f
}

pub fn data_calls(counts: &BTreeMap<String, SyscallStats>) -> u64 {
    counts
        .iter()
        .filter(|(n, _)| group_of(n).moves_data())
        .map(|(_, s)| s.calls)
        .sum()
}

/// The command as a shell would show it.
pub fn command_line(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if s.is_empty() || s.contains(char::is_whitespace) {
                format!("'{s}'")
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn rows(totals: &BTreeMap<String, SyscallStats>, all: u64) -> Vec<SyscallRow> {
    let all_nanos: u64 = totals.values().map(|s| s.nanos).sum();
    let mut v: Vec<SyscallRow> = totals
        .iter()
        .map(|(n, s)| SyscallRow {
            name: n.clone(),
            group: group_of(n).id(),
            kind: group_of(n),
            calls: s.calls,
            errors: s.errors,
            bytes: moved_and_mapped(n, s.bytes).0,
            mapped_bytes: moved_and_mapped(n, s.bytes).1,
            percent_of_calls: (all > 0).then(|| s.calls as f64 * 100.0 / all as f64),
            time_s: s.nanos as f64 / 1e9,
            percent_of_time: (all_nanos > 0).then(|| s.nanos as f64 * 100.0 / all_nanos as f64),
            usecs_per_call: (all_nanos > 0 && s.calls > 0)
                .then(|| s.nanos as f64 / 1000.0 / s.calls as f64),
        })
        .collect();
    v.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.name.cmp(&b.name)));
    v
}

impl CountView {
    pub fn new(argv: &[OsString], o: &TraceOutcome) -> CountView {
        CountView {
            zclab_version: env!("CARGO_PKG_VERSION"),
            command: argv
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            command_line: command_line(argv),
            status: match o.status {
                CommandStatus::Exited(c) => StatusView {
                    exited: Some(c),
                    signal: None,
                    signal_name: None,
                },
                CommandStatus::Signaled { signal, .. } => StatusView {
                    exited: None,
                    signal: Some(signal),
                    signal_name: o.status.signal_name(),
                },
            },
            exit_code: o.status.shell_exit_code(),
            elapsed_s: o.elapsed.as_secs_f64(),
            counts: CountsView::new(&o.threads, &o.totals),
        }
    }
}

impl CountsView {
    pub fn new(threads: &[ThreadCounts], totals: &BTreeMap<String, SyscallStats>) -> CountsView {
        let total: u64 = totals.values().map(|s| s.calls).sum();
        let data = data_calls(totals);
        let bytes = byte_flows(totals);
        let timed = totals.values().any(|s| s.nanos > 0);
        let mut notes = vec![CountNote::Tracer, CountNote::ModeSwitches];
        if timed {
            notes.push(CountNote::WallTime);
        }
        if totals.get("execve").is_some_and(|s| s.errors > 0) {
            notes.push(CountNote::ExecvePathSearch);
        }
        if bytes.in_kernel > 0 {
            notes.push(CountNote::InKernel);
        }
        let mut pids: Vec<i32> = threads.iter().map(|t| t.tgid).collect();
        pids.sort_unstable();
        pids.dedup();
        CountsView {
            source: SOURCE,
            total_calls: total,
            total_errors: totals.values().map(|s| s.errors).sum(),
            mode_switches: 2 * total,
            mode_switches_basis: MODE_SWITCHES_BASIS,
            data_moving_calls: data,
            data_mode_switches: 2 * data,
            bytes,
            syscalls: rows(totals, total),
            groups: group_totals(totals)
                .into_iter()
                .map(|(g, s)| {
                    let mapping = g == SyscallGroup::Mmap;
                    GroupRow {
                        group: g.id(),
                        calls: s.calls,
                        errors: s.errors,
                        bytes: if mapping { 0 } else { s.bytes },
                        mapped_bytes: if mapping { s.bytes } else { 0 },
                    }
                })
                .collect(),
            threads: threads.iter().map(thread_view).collect(),
            processes: pids.len(),
            timed,
            notes,
        }
    }
}

fn thread_view(t: &ThreadCounts) -> ThreadView {
    let calls: u64 = t.syscalls.values().map(|s| s.calls).sum();
    ThreadView {
        tid: t.tid,
        pid: t.tgid,
        comm: t.comm.clone(),
        calls,
        data_moving_calls: data_calls(&t.syscalls),
        bytes_moved: t
            .syscalls
            .iter()
            .filter(|(n, _)| group_of(n).moves_data() && group_of(n) != SyscallGroup::Mmap)
            .map(|(_, s)| s.bytes)
            .sum(),
        mapped_bytes: t
            .syscalls
            .iter()
            .map(|(n, s)| moved_and_mapped(n, s.bytes).1)
            .sum(),
        mode_switches: 2 * calls,
        syscalls: t
            .syscalls
            .iter()
            .map(|(n, s)| (n.clone(), CallCounts::of(n, s)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(calls: u64, bytes: u64) -> SyscallStats {
        SyscallStats {
            calls,
            errors: 0,
            bytes,
            nanos: 0,
        }
    }

    #[test]
    fn byte_flows_split_by_direction() {
        let totals: BTreeMap<String, SyscallStats> = [
            ("read", stats(2, 100)),
            ("recvfrom", stats(1, 10)),
            ("write", stats(1, 50)),
            ("sendmsg", stats(1, 5)),
            ("sendfile", stats(1, 1000)),
            ("copy_file_range", stats(1, 7)),
            ("mmap", stats(1, 4096)),
            ("munmap", stats(1, 4096)),
            ("openat", stats(3, 0)),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
        assert_eq!(
            byte_flows(&totals),
            ByteFlows {
                into_user: 110,
                out_of_user: 55,
                in_kernel: 1007,
                mapped: 4096,
            }
        );
        assert_eq!(data_calls(&totals), 9);
    }
}
