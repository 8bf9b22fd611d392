//! A comparison: warm the page cache, then run each chosen method `runs`
//! times, alternating methods so that neither always runs first, and keep
//! every run as plain values. Nothing here prints.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

use anyhow::Result;

use crate::harness::{self, Expected, RunOutcome};
use crate::input::InputFile;
use crate::methods::{Method, Quiet};
use crate::model::{self, Hop, HopFacts};

/// What to compare.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    pub methods: Vec<Method>,
    pub buffer_bytes: usize,
    pub runs: u32,
    /// Drop the file from the page cache before every run.
    pub cold: bool,
    /// Methods asked for that cannot run here, and why (not run).
    pub skipped: Vec<(Method, crate::methods::io_uring::Unavailable)>,
}

/// All runs of one method, with the median picked out.
#[derive(Clone, Debug)]
pub struct MethodResult {
    pub method: Method,
    /// In the order they ran.
    pub runs: Vec<RunOutcome>,
    /// Index into `runs` of the median run by elapsed time (for an even
    /// count, the slower of the middle two).
    pub median: usize,
    /// The hops of the median run, with their evidence.
    pub copies: Vec<Hop>,
}

impl MethodResult {
    /// Picks the median run and evaluates its copy path. `runs` must not
    /// be empty.
    pub fn from_runs(method: Method, runs: Vec<RunOutcome>) -> MethodResult {
        let mut order: Vec<usize> = (0..runs.len()).collect();
        order.sort_by_key(|&i| runs[i].elapsed);
        let median = order.get(order.len() / 2).copied().unwrap_or(0);
        let m = &runs[median];
        let copies = model::evaluate(
            method,
            &HopFacts {
                bytes_into_user: m.tally.bytes_into_user,
                bytes_out_of_user: m.tally.bytes_out_of_user,
                read_bytes: m.sender.read_bytes,
                file_bytes: m.received_bytes,
                zc_sent: m.tally.zerocopy.sent,
                zc_copied: m.tally.zerocopy.copied,
                zc_code: model::zerocopy_code(method),
            },
        );
        MethodResult {
            method,
            runs,
            median,
            copies,
        }
    }

    pub fn median_run(&self) -> &RunOutcome {
        &self.runs[self.median]
    }

    /// Slowest and fastest throughput over the runs, MiB/s.
    pub fn throughput_spread(&self) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi: f64 = 0.0;
        for r in &self.runs {
            let t = r.throughput_mib_s();
            lo = lo.min(t);
            hi = hi.max(t);
        }
        (if lo.is_finite() { lo } else { 0.0 }, hi)
    }

    /// Every run delivered the file byte for byte.
    pub fn verified(&self) -> bool {
        self.runs.iter().all(|r| r.verified)
    }

    /// Whole chunks the loop had to move: ceil(size / buffer). For
    /// sendfile, the number of calls.
    pub fn units(&self, file_bytes: u64, buffer_bytes: usize) -> u64 {
        match self.method {
            Method::Sendfile => self.median_run().tally.sendfile,
            _ => file_bytes.div_ceil(buffer_bytes as u64),
        }
    }
}

/// A finished comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub file_path: PathBuf,
    pub file_bytes: u64,
    /// True when the file is zclab's built-in default sample.
    pub default_sample: bool,
    pub buffer_bytes: usize,
    pub runs: u32,
    /// The file was dropped from the page cache before every run.
    pub cold: bool,
    pub expected: Expected,
    pub methods: Vec<MethodResult>,
}

impl Comparison {
    /// A comparison of one run of one method (what `trace` summarises).
    pub fn single(
        input: &InputFile,
        default_sample: bool,
        buffer_bytes: usize,
        expected: Expected,
        outcome: RunOutcome,
    ) -> Comparison {
        Comparison {
            file_path: input.path.clone(),
            file_bytes: input.size,
            default_sample,
            buffer_bytes,
            runs: 1,
            cold: false,
            expected,
            methods: vec![MethodResult::from_runs(outcome.method, vec![outcome])],
        }
    }

    pub fn verified(&self) -> bool {
        self.methods.iter().all(MethodResult::verified)
    }

    pub fn method(&self, m: Method) -> Option<&MethodResult> {
        self.methods.iter().find(|r| r.method == m)
    }
}

/// Progress callbacks: `started(method, run)`, then `tick(bytes sent in
/// this run)` while it runs.
pub trait Progress {
    fn started(&mut self, method: Method, run: u32);
    fn tick(&mut self, bytes: u64);
}

/// Runs the comparison. The file is read once first (warming the page
/// cache and taking its CRC-32) so every run starts from the same state.
pub fn compare(
    input: &InputFile,
    default_sample: bool,
    opts: &CompareOptions,
    progress: &mut dyn Progress,
) -> Result<Comparison> {
    let expected = harness::digest_file(input)?;
    let mut runs: Vec<Vec<RunOutcome>> = vec![Vec::new(); opts.methods.len()];
    let sent = AtomicU64::new(0);
    for run in 0..opts.runs {
        // Alternate the order each round: A B, B A, A B …
        let order: Vec<usize> = if run % 2 == 0 {
            (0..opts.methods.len()).collect()
        } else {
            (0..opts.methods.len()).rev().collect()
        };
        for i in order {
            let method = opts.methods[i];
            progress.started(method, run);
            let resident_before = if opts.cold {
                crate::cache::evict(&input.file, input.size)?
            } else {
                None
            };
            let mut outcome = harness::run_once(
                method,
                input,
                expected,
                opts.buffer_bytes,
                &mut Quiet,
                &sent,
                &mut || progress.tick(sent.load(std::sync::atomic::Ordering::Relaxed)),
            )?;
            outcome.resident_before = resident_before;
            runs[i].push(outcome);
        }
    }
    let methods = opts
        .methods
        .iter()
        .zip(runs)
        .map(|(&method, runs)| MethodResult::from_runs(method, runs))
        .collect();
    Ok(Comparison {
        file_path: input.path.clone(),
        file_bytes: input.size,
        default_sample,
        buffer_bytes: opts.buffer_bytes,
        runs: opts.runs,
        cold: opts.cold,
        expected,
        methods,
    })
}
