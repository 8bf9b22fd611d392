//! The grid: every method × file size × buffer size, each point measured
//! exactly as `zclab compare` measures it. Each round of a point is one call
//! of [`measure::compare`] with one run per method, the order of the methods
//! alternating from round to round (A B, B A, …), so the methods of a point
//! are interleaved and a Ctrl-C is seen between two rounds. The runs of a
//! point are then folded into [`MethodResult`]s, which pick the median.
//! Nothing here prints.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use crate::input;
use crate::measure::{self, CompareOptions, MethodResult};
use crate::methods::Method;

/// What to sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    pub methods: Vec<Method>,
    /// File sizes, bytes, in the order they are measured.
    pub sizes: Vec<u64>,
    /// Buffer sizes, bytes.
    pub buffers: Vec<usize>,
    /// Runs per method per point.
    pub runs: u32,
    pub cold: bool,
    /// Test hooks of the harness (a consumer that dies or hangs).
    pub faults: crate::harness::Faults,
}

impl SweepOptions {
    pub fn points(&self) -> usize {
        self.sizes.len() * self.buffers.len() * self.methods.len()
    }

    /// Bytes the whole sweep sends (for the progress bar and its ETA).
    pub fn total_bytes(&self) -> u64 {
        let per_size = (self.buffers.len() * self.methods.len()) as u64 * self.runs as u64;
        self.sizes.iter().map(|s| s.saturating_mul(per_size)).sum()
    }
}

/// One point of the grid: one method at one file size and buffer size.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub method: Method,
    pub file_bytes: u64,
    pub buffer_bytes: usize,
    /// Wall-clock time of each run, start to the consumer's last byte, ns,
    /// in the order they ran.
    pub elapsed_ns: Vec<u64>,
    pub median_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    /// System calls of the sending thread in the median run (zclab's own
    /// count).
    pub calls: u64,
    /// CPU time of the sending thread in the median run, ns (schedstat
    /// `sum_exec_runtime`).
    pub sender_cpu_ns: u64,
    /// Every run delivered the file byte for byte (length and CRC-32).
    pub verified: bool,
}

impl Point {
    /// Plain values of one method's runs at one point.
    pub fn from_result(r: &MethodResult, file_bytes: u64, buffer_bytes: usize) -> Point {
        let elapsed_ns: Vec<u64> = r
            .runs
            .iter()
            .map(|run| u64::try_from(run.elapsed.as_nanos()).unwrap_or(u64::MAX))
            .collect();
        let m = r.median_run();
        Point {
            method: r.method,
            file_bytes,
            buffer_bytes,
            median_ns: u64::try_from(m.elapsed.as_nanos()).unwrap_or(u64::MAX),
            min_ns: elapsed_ns.iter().copied().min().unwrap_or(0),
            max_ns: elapsed_ns.iter().copied().max().unwrap_or(0),
            elapsed_ns,
            calls: m.tally.syscalls(),
            sender_cpu_ns: m.sender_cpu_ns(),
            verified: r.verified(),
        }
    }

    /// MiB per second at the median time.
    pub fn throughput_mib_s(&self) -> f64 {
        mib_per_s(self.file_bytes, self.median_ns)
    }
}

/// MiB per second for `bytes` in `ns` nanoseconds (0 for no time).
pub fn mib_per_s(bytes: u64, ns: u64) -> f64 {
    if ns == 0 {
        0.0
    } else {
        bytes as f64 / (1024.0 * 1024.0) / (ns as f64 / 1e9)
    }
}

/// A finished (or stopped) sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    pub options: SweepOptions,
    /// In the order measured: size, then buffer, then method.
    pub points: Vec<Point>,
    /// Ctrl-C stopped the sweep before every point was measured.
    pub stopped: bool,
    /// `cold` was asked but the files could not be dropped from the page
    /// cache (tmpfs, ramfs, pages the kernel kept): the runs were warm.
    pub cold_refused: bool,
}

/// What the sweep reports while it runs.
pub trait GridProgress {
    /// Point group `index` (0-based, of `of`) starts: one file size and
    /// buffer, all methods.
    fn point(&mut self, index: usize, of: usize, file_bytes: u64, buffer_bytes: usize);
    /// Bytes sent so far in the whole sweep.
    fn sent(&mut self, bytes: u64);
}

/// A progress that shows nothing.
pub struct NoProgress;

impl GridProgress for NoProgress {
    fn point(&mut self, _: usize, _: usize, _: u64, _: usize) {}
    fn sent(&mut self, _: u64) {}
}

/// Adapts compare's per-run progress to the sweep's running byte total.
struct Forward<'a> {
    inner: &'a mut dyn GridProgress,
    file_bytes: u64,
    done_before: u64,
    runs_started: u64,
    base: u64,
}

impl measure::Progress for Forward<'_> {
    fn started(&mut self, _method: Method, _run: u32) {
        self.done_before = self.base + self.runs_started * self.file_bytes;
        self.runs_started += 1;
    }
    fn tick(&mut self, bytes: u64) {
        self.inner
            .sent(self.done_before + bytes.min(self.file_bytes));
    }
}

/// Measures the grid. `sample(size)` gives the file to send for a size
/// (made beforehand). `stop` is checked between rounds: when it is set,
/// the points measured so far are returned with `stopped`.
pub fn run(
    opts: &SweepOptions,
    sample: &dyn Fn(u64) -> PathBuf,
    progress: &mut dyn GridProgress,
    stop: &AtomicBool,
) -> Result<SweepResult> {
    let mut points = Vec::with_capacity(opts.points());
    let groups = opts.sizes.len() * opts.buffers.len();
    let mut group = 0;
    let mut sent: u64 = 0;
    let mut stopped = false;
    let mut cold_refused = false;
    'sizes: for &size in &opts.sizes {
        let input = input::open_regular(&sample(size))?;
        for &buffer in &opts.buffers {
            if stop.load(Ordering::SeqCst) {
                stopped = true;
                break 'sizes;
            }
            progress.point(group, groups, size, buffer);
            group += 1;
            let mut runs: Vec<Vec<_>> = vec![Vec::new(); opts.methods.len()];
            for round in 0..opts.runs {
                if stop.load(Ordering::SeqCst) {
                    stopped = true;
                    break 'sizes;
                }
                // Alternate the order each round, as compare does within
                // its own runs.
                let order: Vec<usize> = if round % 2 == 0 {
                    (0..opts.methods.len()).collect()
                } else {
                    (0..opts.methods.len()).rev().collect()
                };
                let round_opts = CompareOptions {
                    methods: order.iter().map(|&i| opts.methods[i]).collect(),
                    buffer_bytes: buffer,
                    runs: 1,
                    cold: opts.cold,
                    faults: opts.faults,
                };
                let mut fwd = Forward {
                    inner: progress,
                    file_bytes: size,
                    done_before: sent,
                    runs_started: 0,
                    base: sent,
                };
                let cmp = measure::compare(&input, false, &round_opts, &mut fwd)?;
                sent += size * order.len() as u64;
                cold_refused |= cmp.cold_refused.is_some();
                for (slot, &i) in order.iter().enumerate() {
                    if let Some(r) = cmp.methods.get(slot) {
                        runs[i].extend(r.runs.iter().cloned());
                    }
                }
            }
            for (i, &method) in opts.methods.iter().enumerate() {
                let r = MethodResult::from_runs(method, std::mem::take(&mut runs[i]));
                points.push(Point::from_result(&r, size, buffer));
            }
        }
    }
    progress.sent(sent);
    Ok(SweepResult {
        options: opts.clone(),
        points,
        stopped,
        cold_refused,
    })
}
