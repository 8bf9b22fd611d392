//! The sweep as one language-free value, [`SweepView`]: every figure and
//! every derived number (medians, savings, the fitted costs, the IBM
//! verdicts) is worked out here, once. The renderers (terminal, HTML, CSV,
//! Markdown) only lay it out, and `--json` is this value serialised: its
//! field names are a contract, documented in README.md (add fields, never
//! rename them).

use serde::Serialize;

use super::fit::{self, Fit, Obs};
use super::grid::{Point, SweepResult, mib_per_s};
use super::ibm::{self, PaperRow, Verdict};
use super::machine::Machine;
use crate::methods::Method;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepView {
    /// Always "sweep".
    pub kind: &'static str,
    pub zclab_version: &'static str,
    pub machine: Machine,
    /// Folder of the sample files.
    pub samples_dir: String,
    pub options: OptionsView,
    /// Every planned point was measured.
    pub complete: bool,
    /// Ctrl-C stopped the sweep; `points` holds what was measured before.
    pub stopped_by_user: bool,
    pub points_planned: usize,
    pub points_measured: usize,
    /// Every run of every point delivered the file byte for byte.
    pub verified: bool,
    pub points: Vec<PointView>,
    pub savings: Vec<SavingView>,
    pub model: ModelView,
    pub ibm: Option<IbmView>,
    /// What the charts show (also useful to scripts).
    pub charts: ChartsView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OptionsView {
    pub methods: Vec<&'static str>,
    pub sizes_bytes: Vec<u64>,
    pub buffers_bytes: Vec<usize>,
    pub runs: u32,
    /// "warm" or "cold" (what the runs really were).
    pub page_cache: &'static str,
    /// `--cold` was asked but the files could not be dropped from the page
    /// cache, so the runs were warm.
    pub cold_refused: bool,
    pub ibm: bool,
}

/// One method at one file size and buffer: measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointView {
    pub method: &'static str,
    pub file_bytes: u64,
    pub buffer_bytes: usize,
    pub runs: usize,
    /// Wall-clock time of every run, ns, in the order they ran.
    pub elapsed_ns: Vec<u64>,
    pub median_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    /// File bytes over the median time.
    pub throughput_mib_s: f64,
    /// System calls of the sending thread, median run (zclab's own count).
    pub calls: u64,
    /// Derived: 2 per system call.
    pub mode_switches: u64,
    /// CPU time of the sending thread, median run (schedstat), ns.
    pub sender_cpu_ns: u64,
    pub verified: bool,
}

/// read-write against sendfile at one file size and buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SavingView {
    pub file_bytes: u64,
    pub buffer_bytes: usize,
    pub read_write_ns: u64,
    pub sendfile_ns: u64,
    /// Share of read-write's median time that sendfile saved, % (negative:
    /// sendfile took longer).
    pub saving_pct: f64,
    /// read-write's time over sendfile's.
    pub speedup: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelView {
    /// Always "derived": fitted to the measured points, not measured.
    pub basis: &'static str,
    pub formula: &'static str,
    /// Only one buffer size was swept: read-write's calls then grow in step
    /// with its bytes, and the two costs cannot be told apart.
    pub one_buffer: bool,
    pub fits: Vec<FitView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitView {
    pub method: &'static str,
    #[serde(flatten)]
    pub fit: Fit,
    /// System calls per buffer-full (2 for read + write), when the method's
    /// calls grow with the number of chunks.
    pub calls_per_chunk: Option<f64>,
    /// The buffer size at which a chunk's calls cost as much as its bytes:
    /// below it the calls cost more. `None` when calls do not grow with
    /// chunks (sendfile) or a cost is 0.
    pub crossover_buffer_bytes: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IbmView {
    pub citation: &'static str,
    /// The unit zclab reads the paper's MB and GB in.
    pub unit: &'static str,
    pub buffer_bytes: usize,
    /// 1 for the real table; larger when a test shrank the sizes.
    pub size_divisor: u64,
    pub rows: Vec<IbmRowView>,
    /// Over all rows: (Σ traditional − Σ transferTo) / Σ traditional.
    pub paper_total_saving_pct: f64,
    /// The same over only the rows measured here (equal to the total when
    /// the sweep was not stopped).
    pub paper_measured_rows_saving_pct: f64,
    pub here_total_saving_pct: Option<f64>,
    pub verdict: Option<Verdict>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IbmRowView {
    #[serde(flatten)]
    pub paper: PaperRow,
    pub paper_saving_pct: f64,
    pub here_read_write_ms: Option<f64>,
    pub here_sendfile_ms: Option<f64>,
    pub here_saving_pct: Option<f64>,
    pub verdict: Option<Verdict>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChartsView {
    /// The file size whose throughput-by-buffer chart the terminal shows
    /// (the largest measured).
    pub throughput_file_bytes: Option<u64>,
    /// The buffer of the saving-by-file-size chart (the one nearest the
    /// article's 4 KiB).
    pub saving_buffer_bytes: Option<usize>,
}

/// Inputs of a view besides the measurements.
pub struct ViewInput<'a> {
    pub result: &'a SweepResult,
    pub machine: Machine,
    pub samples_dir: String,
    /// `Some(divisor)` for `--ibm`.
    pub ibm: Option<u64>,
}

impl SweepView {
    pub fn build(input: ViewInput<'_>) -> SweepView {
        let r = input.result;
        let o = &r.options;
        let points: Vec<PointView> = r.points.iter().map(point_view).collect();
        let savings = savings(&r.points);
        let fits = o
            .methods
            .iter()
            .filter_map(|&m| fit_view(m, &r.points))
            .collect();
        let ibm = input.ibm.map(|d| ibm_view(d, &savings));
        let throughput_file_bytes = r.points.iter().map(|p| p.file_bytes).max();
        let saving_buffer_bytes = savings
            .iter()
            .map(|s| s.buffer_bytes)
            .min_by_key(|&b| (b as i64 - 4096).unsigned_abs());
        SweepView {
            kind: "sweep",
            zclab_version: env!("CARGO_PKG_VERSION"),
            machine: input.machine,
            samples_dir: input.samples_dir,
            options: OptionsView {
                methods: o.methods.iter().map(|m| m.name()).collect(),
                sizes_bytes: o.sizes.clone(),
                buffers_bytes: o.buffers.clone(),
                runs: o.runs,
                page_cache: if o.cold && !r.cold_refused {
                    "cold"
                } else {
                    "warm"
                },
                cold_refused: r.cold_refused,
                ibm: input.ibm.is_some(),
            },
            complete: !r.stopped && r.points.len() == o.points(),
            stopped_by_user: r.stopped,
            points_planned: o.points(),
            points_measured: r.points.len(),
            verified: r.points.iter().all(|p| p.verified),
            points,
            savings,
            model: ModelView {
                basis: "derived",
                formula: "time ≈ calls × per_call_ns + bytes × per_byte_ns",
                one_buffer: o.buffers.len() < 2,
                fits,
            },
            ibm,
            charts: ChartsView {
                throughput_file_bytes,
                saving_buffer_bytes,
            },
        }
    }

    /// The points of one file size, in buffer order, per method.
    pub fn at_size(&self, file_bytes: u64) -> impl Iterator<Item = &PointView> {
        self.points
            .iter()
            .filter(move |p| p.file_bytes == file_bytes)
    }

    /// The distinct measured file sizes, in order.
    pub fn sizes(&self) -> Vec<u64> {
        let mut v: Vec<u64> = Vec::new();
        for p in &self.points {
            if !v.contains(&p.file_bytes) {
                v.push(p.file_bytes);
            }
        }
        v
    }

    /// The distinct measured buffer sizes, in order.
    pub fn buffers(&self) -> Vec<usize> {
        let mut v: Vec<usize> = Vec::new();
        for p in &self.points {
            if !v.contains(&p.buffer_bytes) {
                v.push(p.buffer_bytes);
            }
        }
        v
    }

    pub fn point(&self, method: &str, file_bytes: u64, buffer_bytes: usize) -> Option<&PointView> {
        self.points.iter().find(|p| {
            p.method == method && p.file_bytes == file_bytes && p.buffer_bytes == buffer_bytes
        })
    }
}

fn point_view(p: &Point) -> PointView {
    PointView {
        method: p.method.name(),
        file_bytes: p.file_bytes,
        buffer_bytes: p.buffer_bytes,
        runs: p.elapsed_ns.len(),
        elapsed_ns: p.elapsed_ns.clone(),
        median_ns: p.median_ns,
        min_ns: p.min_ns,
        max_ns: p.max_ns,
        throughput_mib_s: mib_per_s(p.file_bytes, p.median_ns),
        calls: p.calls,
        mode_switches: 2 * p.calls,
        sender_cpu_ns: p.sender_cpu_ns,
        verified: p.verified,
    }
}

fn savings(points: &[Point]) -> Vec<SavingView> {
    let find = |m: Method, s: u64, b: usize| {
        points
            .iter()
            .find(|p| p.method == m && p.file_bytes == s && p.buffer_bytes == b)
    };
    points
        .iter()
        .filter(|p| p.method == Method::ReadWrite)
        .filter_map(|rw| {
            let sf = find(Method::Sendfile, rw.file_bytes, rw.buffer_bytes)?;
            Some(SavingView {
                file_bytes: rw.file_bytes,
                buffer_bytes: rw.buffer_bytes,
                read_write_ns: rw.median_ns,
                sendfile_ns: sf.median_ns,
                saving_pct: ibm::saving_pct(rw.median_ns as f64, sf.median_ns as f64),
                speedup: if sf.median_ns == 0 {
                    0.0
                } else {
                    rw.median_ns as f64 / sf.median_ns as f64
                },
            })
        })
        .collect()
}

fn fit_view(method: Method, points: &[Point]) -> Option<FitView> {
    let mine: Vec<&Point> = points.iter().filter(|p| p.method == method).collect();
    let obs: Vec<Obs> = mine
        .iter()
        .map(|p| Obs {
            calls: p.calls as f64,
            bytes: p.file_bytes as f64,
            ns: p.median_ns as f64,
        })
        .collect();
    let f = fit::fit(&obs)?;
    // Calls per chunk, when every point makes about one or more calls per
    // buffer-full (read + write: 2, plus the read that finds the end).
    let ratios: Vec<f64> = mine
        .iter()
        .map(|p| p.calls as f64 / p.file_bytes.div_ceil(p.buffer_bytes as u64).max(1) as f64)
        .collect();
    let calls_per_chunk = (!ratios.is_empty() && ratios.iter().all(|&r| r >= 0.9)).then(|| {
        let mut s = ratios.clone();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2].round().max(1.0)
    });
    let crossover_buffer_bytes = calls_per_chunk.and_then(|c| fit::crossover_bytes(&f, c));
    Some(FitView {
        method: method.name(),
        fit: f,
        calls_per_chunk,
        crossover_buffer_bytes,
    })
}

fn ibm_view(divisor: u64, savings: &[SavingView]) -> IbmView {
    let rows: Vec<IbmRowView> = ibm::rows(divisor)
        .into_iter()
        .map(|paper| {
            let here = savings
                .iter()
                .find(|s| s.file_bytes == paper.file_bytes && s.buffer_bytes == ibm::BUFFER_BYTES);
            let here_saving_pct = here.map(|s| s.saving_pct);
            IbmRowView {
                paper_saving_pct: paper.saving_pct(),
                here_read_write_ms: here.map(|s| s.read_write_ns as f64 / 1e6),
                here_sendfile_ms: here.map(|s| s.sendfile_ns as f64 / 1e6),
                here_saving_pct,
                verdict: here_saving_pct.map(|h| ibm::verdict(paper.saving_pct(), h)),
                paper,
            }
        })
        .collect();
    let paper_trad: f64 = rows.iter().map(|r| r.paper.traditional_ms as f64).sum();
    let paper_zc: f64 = rows.iter().map(|r| r.paper.transfer_to_ms as f64).sum();
    let paper_total = ibm::saving_pct(paper_trad, paper_zc);
    let measured: Vec<&IbmRowView> = rows
        .iter()
        .filter(|r| r.here_saving_pct.is_some())
        .collect();
    let here_total = (!measured.is_empty()).then(|| {
        let t: f64 = measured.iter().filter_map(|r| r.here_read_write_ms).sum();
        let z: f64 = measured.iter().filter_map(|r| r.here_sendfile_ms).sum();
        ibm::saving_pct(t, z)
    });
    // The verdict compares like with like: the paper's rows that were
    // also measured here.
    let paper_same_rows = ibm::saving_pct(
        measured.iter().map(|r| r.paper.traditional_ms as f64).sum(),
        measured.iter().map(|r| r.paper.transfer_to_ms as f64).sum(),
    );
    IbmView {
        citation: ibm::CITATION,
        unit: "MiB",
        buffer_bytes: ibm::BUFFER_BYTES,
        size_divisor: divisor.max(1),
        verdict: here_total.map(|h| ibm::verdict(paper_same_rows, h)),
        paper_total_saving_pct: paper_total,
        paper_measured_rows_saving_pct: if measured.is_empty() {
            paper_total
        } else {
            paper_same_rows
        },
        here_total_saving_pct: here_total,
        rows,
    }
}
