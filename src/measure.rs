//! A comparison: warm the page cache, then run each chosen method `runs`
//! times, alternating methods so that neither always runs first, and keep
//! every run as plain values. Nothing here prints.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

use anyhow::Result;

use crate::cache::{CannotEvict, Eviction};
use crate::harness::{self, Expected, RunOptions, RunOutcome};
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
    /// Test hooks of the failure paths (see [`harness::Faults`]).
    pub faults: harness::Faults,
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

    /// Slowest and fastest throughput over the runs that have one, MiB/s.
    pub fn throughput_spread(&self) -> Option<(f64, f64)> {
        let rates: Vec<f64> = self
            .runs
            .iter()
            .filter_map(RunOutcome::throughput_mib_s)
            .collect();
        let lo = rates.iter().copied().reduce(f64::min)?;
        let hi = rates.iter().copied().reduce(f64::max)?;
        Some((lo, hi))
    }

    /// Every run delivered the file byte for byte.
    pub fn verified(&self) -> bool {
        self.runs.iter().all(|r| r.verified)
    }

    /// What the per-unit figures divide by, from what the median run
    /// actually did: the chunks read-write read (reads that returned data),
    /// or sendfile's calls. A run stopped after 2 chunks divides by 2; an
    /// empty file has no unit (0).
    pub fn units(&self) -> u64 {
        let t = &self.median_run().tally;
        match self.method {
            Method::Sendfile => t.sendfile,
            // Every other method counts the chunks it moved.
            _ => t.chunks,
        }
    }

    /// The sender's exact CPU time in the median run, ns.
    pub fn sender_cpu_ns(&self) -> u64 {
        self.median_run().sender_cpu_ns()
    }

    /// Sender plus consumer, ns: on loopback the receive side's TCP work
    /// lands on either thread, so only the sum is stable.
    pub fn both_cpu_ns(&self) -> u64 {
        let m = self.median_run();
        m.sender_cpu_ns() + m.receiver_cpu_ns()
    }

    /// Whether the median run is long enough for getrusage's user/system
    /// split (apportioned by 10 ms ticks) to mean something.
    pub fn cpu_split_meaningful(&self) -> bool {
        self.sender_cpu_ns() >= CPU_SPLIT_MIN_NS
    }
}

/// Below this, a CPU figure is too short to compare: scheduling noise and
/// fixed costs (thread wake-ups, the first page faults) dominate it.
pub const CPU_COMPARE_MIN_NS: u64 = 1_000_000;

/// From this on, the user/system split of getrusage is shown: 10 ticks of
/// 10 ms, so the apportioning error is about a tenth or less.
pub const CPU_SPLIT_MIN_NS: u64 = 100_000_000;

/// Below this, a transfer is too short to compare speeds: nearly all of it
/// is fixed cost that both methods pay whatever the size (waking the two
/// threads, the first packets of a fresh connection, the `/proc`
/// snapshots; 0.1–0.4 ms for 16 KiB on the 2-vCPU machines here), so the
/// throughput ratio of two such runs is noise.
pub const SPEED_COMPARE_MIN_NS: u64 = 500_000;

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
    /// `--cold` was asked but the file cannot be dropped here: the runs
    /// were warm, and this says why.
    pub cold_refused: Option<CannotEvict>,
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
            cold_refused: None,
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
    // A file that cannot be dropped (tmpfs, or pages the kernel keeps)
    // runs warm, and the report says why.
    let cold_refused = match opts.cold {
        true => match crate::cache::evict(&input.file, input.size)? {
            Eviction::Cannot(why) => Some(why),
            Eviction::Evicted { .. } => None,
        },
        false => None,
    };
    let cold = opts.cold && cold_refused.is_none();
    let mut runs: Vec<Vec<RunOutcome>> = vec![Vec::new(); opts.methods.len()];
    let sent = AtomicU64::new(0);
    let run_opts = RunOptions {
        faults: opts.faults,
        ..RunOptions::new(opts.buffer_bytes, &sent)
    };
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
            let resident_before = if cold {
                match crate::cache::evict(&input.file, input.size)? {
                    Eviction::Evicted { resident } => resident,
                    Eviction::Cannot(CannotEvict::StayedResident { resident_bytes }) => {
                        Some(resident_bytes)
                    }
                    Eviction::Cannot(CannotEvict::MemoryFilesystem { .. }) => Some(input.size),
                }
            } else {
                None
            };
            let mut outcome =
                harness::run_once(method, input, expected, &run_opts, &mut Quiet, &mut || {
                    progress.tick(sent.load(std::sync::atomic::Ordering::Relaxed))
                })?;
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
        cold,
        cold_refused,
        expected,
        methods,
    })
}
