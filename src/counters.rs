//! Snapshots of one thread's counters in `/proc`, and their deltas.
//!
//! Reading a `/proc` file is itself a `read(2)`: it adds to the reader's
//! `rchar` and `syscr`. So a thread's counters are always read by another
//! thread (`/proc/self/task/<tid>/…`), while the observed thread is alive
//! and parked.
//!
//! What each field is, in the kernel's own words and names:
//! - `io`: `rchar`/`wchar` bytes passed to read-like/write-like calls
//!   (including `sendfile`, which adds its size to both), `syscr`/`syscw`
//!   the number of such calls, `read_bytes`/`write_bytes` bytes that went to
//!   or came from the block device (page-cache misses, dirtied pages).
//! - `stat`: `minflt`/`majflt` page faults, `utime`/`stime` in clock ticks.
//! - `status`: `voluntary_ctxt_switches`/`nonvoluntary_ctxt_switches`
//!   (scheduler context switches: not user/kernel mode switches).
//! - `schedstat`: `sum_exec_runtime` (ns on CPU) and `run_delay` (ns waiting
//!   for a CPU).

use anyhow::Result;
use procfs::process::{Process, Task};
use serde::Serialize;

use crate::error::ContextT;
use crate::text::run as t;

/// One reading of a thread's counters. Field names are the kernel's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub rchar: u64,
    pub wchar: u64,
    pub syscr: u64,
    pub syscw: u64,
    pub read_bytes: u64,
    pub write_bytes: u64,
    pub cancelled_write_bytes: u64,
    pub minflt: u64,
    pub majflt: u64,
    pub utime: u64,
    pub stime: u64,
    pub voluntary_ctxt_switches: u64,
    pub nonvoluntary_ctxt_switches: u64,
    pub sum_exec_runtime: u64,
    pub run_delay: u64,
}

impl Snapshot {
    /// `self - earlier`, field by field (counters only grow; saturating in
    /// case a field was reset).
    pub fn since(&self, earlier: &Snapshot) -> Snapshot {
        Snapshot {
            rchar: self.rchar.saturating_sub(earlier.rchar),
            wchar: self.wchar.saturating_sub(earlier.wchar),
            syscr: self.syscr.saturating_sub(earlier.syscr),
            syscw: self.syscw.saturating_sub(earlier.syscw),
            read_bytes: self.read_bytes.saturating_sub(earlier.read_bytes),
            write_bytes: self.write_bytes.saturating_sub(earlier.write_bytes),
            cancelled_write_bytes: self
                .cancelled_write_bytes
                .saturating_sub(earlier.cancelled_write_bytes),
            minflt: self.minflt.saturating_sub(earlier.minflt),
            majflt: self.majflt.saturating_sub(earlier.majflt),
            utime: self.utime.saturating_sub(earlier.utime),
            stime: self.stime.saturating_sub(earlier.stime),
            voluntary_ctxt_switches: self
                .voluntary_ctxt_switches
                .saturating_sub(earlier.voluntary_ctxt_switches),
            nonvoluntary_ctxt_switches: self
                .nonvoluntary_ctxt_switches
                .saturating_sub(earlier.nonvoluntary_ctxt_switches),
            sum_exec_runtime: self
                .sum_exec_runtime
                .saturating_sub(earlier.sum_exec_runtime),
            run_delay: self.run_delay.saturating_sub(earlier.run_delay),
        }
    }

    /// The fields as (kernel name, value) pairs, in a fixed order.
    pub fn fields(&self) -> [(&'static str, u64); 15] {
        [
            ("rchar", self.rchar),
            ("wchar", self.wchar),
            ("syscr", self.syscr),
            ("syscw", self.syscw),
            ("read_bytes", self.read_bytes),
            ("write_bytes", self.write_bytes),
            ("cancelled_write_bytes", self.cancelled_write_bytes),
            ("minflt", self.minflt),
            ("majflt", self.majflt),
            ("utime", self.utime),
            ("stime", self.stime),
            ("voluntary_ctxt_switches", self.voluntary_ctxt_switches),
            (
                "nonvoluntary_ctxt_switches",
                self.nonvoluntary_ctxt_switches,
            ),
            ("sum_exec_runtime", self.sum_exec_runtime),
            ("run_delay", self.run_delay),
        ]
    }
}

/// A handle on one thread of this process, for reading its counters.
pub struct ThreadCounters {
    task: Task,
    tid: i32,
}

impl ThreadCounters {
    /// Opens `/proc/self/task/<tid>`. Call from a thread other than `tid`.
    pub fn open(tid: i32) -> Result<ThreadCounters> {
        let me = Process::myself().context_t(t::PROC_SELF, &[])?;
        let task = me.task_from_tid(tid).context_t(
            t::PROC_OPEN,
            &[("path", &format_args!("/proc/self/task/{tid}"))],
        )?;
        Ok(ThreadCounters { task, tid })
    }

    pub fn tid(&self) -> i32 {
        self.tid
    }

    /// Reads `io`, `stat`, `status` and `schedstat` of the thread, once it
    /// is parked.
    ///
    /// The kernel adds a running thread's time to `sum_exec_runtime` only
    /// when it is switched out (or at a tick), so a reading taken while the
    /// thread runs lags. The callers park the thread (a barrier, a channel)
    /// before they read; this waits, at most 200 ms, until `stat` shows it
    /// is no longer running (state `R`), so that the CPU time is exact.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let tid = self.tid;
        let read_stat = || {
            self.task.stat().context_t(
                t::PROC_READ,
                &[("path", &format_args!("/proc/self/task/{tid}/stat"))],
            )
        };
        let mut stat = read_stat()?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(200);
        while stat.state == 'R' && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_micros(50));
            stat = read_stat()?;
        }
        let io = self.task.io().context_t(
            t::PROC_IO,
            &[("path", &format_args!("/proc/self/task/{tid}/io"))],
        )?;
        let status = self.task.status().context_t(
            t::PROC_READ,
            &[("path", &format_args!("/proc/self/task/{tid}/status"))],
        )?;
        let sched = self.task.schedstat().context_t(
            t::PROC_READ,
            &[("path", &format_args!("/proc/self/task/{tid}/schedstat"))],
        )?;
        Ok(Snapshot {
            rchar: io.rchar,
            wchar: io.wchar,
            syscr: io.syscr,
            syscw: io.syscw,
            read_bytes: io.read_bytes,
            write_bytes: io.write_bytes,
            cancelled_write_bytes: io.cancelled_write_bytes,
            minflt: stat.minflt,
            majflt: stat.majflt,
            utime: stat.utime,
            stime: stat.stime,
            voluntary_ctxt_switches: status.voluntary_ctxt_switches.unwrap_or(0),
            nonvoluntary_ctxt_switches: status.nonvoluntary_ctxt_switches.unwrap_or(0),
            sum_exec_runtime: sched.sum_exec_runtime,
            run_delay: sched.run_delay,
        })
    }
}

/// CPU time of the calling thread as `getrusage(RUSAGE_THREAD)` reports it,
/// in microseconds. Only the user/system *split* is taken from here, and
/// only for long runs: the kernel apportions the thread's exact runtime
/// between user and system by 10 ms ticks, so on a short run the split is
/// noise. The exact total is `sum_exec_runtime` (see [`Snapshot`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CpuTime {
    pub user_us: u64,
    pub sys_us: u64,
}

impl CpuTime {
    /// Must be called on the thread being measured.
    pub fn of_this_thread() -> Result<CpuTime> {
        use nix::sys::resource::{UsageWho, getrusage};
        let usage = getrusage(UsageWho::RUSAGE_THREAD).context_t(t::RUSAGE, &[])?;
        let us =
            |tv: nix::sys::time::TimeVal| (tv.tv_sec() as u64) * 1_000_000 + tv.tv_usec() as u64;
        Ok(CpuTime {
            user_us: us(usage.user_time()),
            sys_us: us(usage.system_time()),
        })
    }

    pub fn since(&self, earlier: &CpuTime) -> CpuTime {
        CpuTime {
            user_us: self.user_us.saturating_sub(earlier.user_us),
            sys_us: self.sys_us.saturating_sub(earlier.sys_us),
        }
    }

    pub fn total_us(&self) -> u64 {
        self.user_us + self.sys_us
    }
}
