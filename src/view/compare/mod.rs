//! [`CompareView`]: a finished comparison with every derived number and
//! verdict, ready to be laid out (`report::compare`) or serialised
//! (`compare --json`, whose field names are a contract: add, never rename).
//!
//! One method's figures are in `method`, the two-method verdicts in
//! `versus`, the choice of notes in `notes`.

mod method;
mod notes;
mod versus;

use serde::Serialize;

pub use method::{
    CPU_BASIS, ConsumerView, CopyCounts, MODE_SWITCHES_BASIS, MethodView, RunView, Unit,
    ZeroCopyView,
};
pub use notes::Note;
pub use versus::{CpuVerdict, SpeedVerdict, Versus};

use crate::cache::CannotEvict;
use crate::measure::Comparison;
use crate::methods::Method;

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CompareView {
    pub zclab_version: &'static str,
    pub file: FileView,
    pub buffer_bytes: usize,
    pub runs: u32,
    pub page_cache: PageCache,
    /// `--cold` was asked but the file could not be dropped (the runs were
    /// warm): why. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_refused: Option<CannotEvict>,
    pub methods: Vec<MethodView>,
    /// Every run of every method delivered the file byte for byte.
    pub verified: bool,
    /// Runs of all methods together.
    pub runs_total: usize,
    /// Every run went to the end of the file and was verified (none
    /// stopped early on purpose).
    pub all_runs_complete_and_verified: bool,
    /// sendfile against read-write, when both ran.
    pub versus: Option<Versus>,
    /// Cold runs where part of the file stayed cached after eviction.
    pub pinned_after_eviction: Vec<Pinned>,
    /// The notes that apply to this comparison, in order.
    pub notes: Vec<Note>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileView {
    pub path: String,
    pub bytes: u64,
    /// CRC-32 of the file, 8 hex digits.
    pub crc32: String,
    pub default_sample: bool,
}

/// "warm" (read once before the runs) or "cold" (dropped before each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageCache {
    Warm,
    Cold,
}

/// A cold run in which part of the file stayed in the page cache.
#[derive(Clone, Debug, Serialize)]
pub struct Pinned {
    pub method: Method,
    pub bytes: u64,
}

impl CompareView {
    pub fn new(c: &Comparison) -> CompareView {
        let methods: Vec<MethodView> = c.methods.iter().map(MethodView::new).collect();
        let find = |m| methods.iter().find(|v| v.method == m);
        let versus = match (find(Method::ReadWrite), find(Method::Sendfile)) {
            (Some(a), Some(b)) => Some(Versus::new(a, b)),
            _ => None,
        };
        let pinned_after_eviction = c
            .methods
            .iter()
            .flat_map(|r| r.runs.iter())
            .filter_map(|run| {
                run.resident_before.filter(|&b| b > 0).map(|bytes| Pinned {
                    method: run.method,
                    bytes,
                })
            })
            .collect();
        let notes = notes::choose(c.cold, c.file_bytes, &methods);
        CompareView {
            zclab_version: env!("CARGO_PKG_VERSION"),
            file: FileView {
                path: c.file_path.display().to_string(),
                bytes: c.file_bytes,
                crc32: format!("{:08x}", c.expected.crc32),
                default_sample: c.default_sample,
            },
            buffer_bytes: c.buffer_bytes,
            runs: c.runs,
            page_cache: if c.cold {
                PageCache::Cold
            } else {
                PageCache::Warm
            },
            cold_refused: c.cold_refused,
            verified: c.verified(),
            runs_total: methods.iter().map(|m| m.all_runs.len()).sum(),
            all_runs_complete_and_verified: c.verified()
                && methods.iter().all(|m| !m.stopped_early),
            methods,
            versus,
            pinned_after_eviction,
            notes,
        }
    }

    pub fn method(&self, m: Method) -> Option<&MethodView> {
        self.methods.iter().find(|v| v.method == m)
    }
}
