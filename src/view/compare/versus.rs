//! The second method against the first ([`Versus`]: sendfile against
//! read-write): copies, mode switches, CPU time and throughput, each with
//! its verdict (including "too short to compare").

use serde::Serialize;

use super::MethodView;
use crate::measure::{CPU_COMPARE_MIN_NS, SPEED_COMPARE_MIN_NS};
use crate::methods::Method;

/// The second method against the first (sendfile against read-write).
#[derive(Clone, Debug, Serialize)]
pub struct Versus {
    pub baseline: Method,
    pub other: Method,
    /// CPU copies, baseline then other.
    pub cpu_copies: [u32; 2],
    pub user_copy_bytes: [u64; 2],
    pub mode_switches: [u64; 2],
    /// How many times more mode switches the baseline made.
    pub mode_switches_ratio: Option<f64>,
    /// The sending threads' exact CPU times compared.
    pub cpu: CpuVerdict,
    /// Sender + consumer compared (what holds on loopback).
    pub cpu_with_consumer: CpuVerdict,
    pub throughput: SpeedVerdict,
}

/// The other method's CPU time against the baseline's, from exact
/// (schedstat) figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum CpuVerdict {
    /// It used `percent` % less (the baseline used `factor` × as much).
    Less { percent: f64, factor: f64 },
    /// It used `factor` × as much as the baseline.
    More { factor: f64 },
    /// A CPU time was under 1 ms: fixed costs, not the method; no ratio.
    TooShort,
}

/// The other method's throughput against the baseline's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum SpeedVerdict {
    /// Its throughput was `factor` × the baseline's (≥ 1).
    Faster { factor: f64 },
    /// Its throughput was `factor` × the baseline's (< 1).
    Slower { factor: f64 },
    /// A run was shorter than [`SPEED_COMPARE_MIN_NS`] (or a figure was 0).
    TooShort,
    /// A run has no throughput (stopped early, or nothing sent).
    NoFigure,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (a > 0.0 && b > 0.0).then(|| a / b)
}

impl CpuVerdict {
    /// `other_ns` against `baseline_ns`; no ratio when either is under
    /// [`CPU_COMPARE_MIN_NS`].
    pub fn of(baseline_ns: u64, other_ns: u64) -> CpuVerdict {
        if baseline_ns.min(other_ns) < CPU_COMPARE_MIN_NS {
            return CpuVerdict::TooShort;
        }
        let x = baseline_ns as f64 / other_ns as f64;
        if x >= 1.0 {
            CpuVerdict::Less {
                percent: (1.0 - 1.0 / x) * 100.0,
                factor: x,
            }
        } else {
            CpuVerdict::More { factor: 1.0 / x }
        }
    }
}

impl Versus {
    pub fn new(baseline: &MethodView, other: &MethodView) -> Versus {
        let cpu = CpuVerdict::of(baseline.cpu_ns, other.cpu_ns);
        let cpu_with_consumer =
            CpuVerdict::of(baseline.cpu_ns_with_consumer, other.cpu_ns_with_consumer);
        let shortest_ns = baseline.elapsed_s.min(other.elapsed_s) * 1e9;
        let throughput = match (other.throughput_mib_s, baseline.throughput_mib_s) {
            (Some(_), Some(_)) if shortest_ns < SPEED_COMPARE_MIN_NS as f64 => {
                SpeedVerdict::TooShort
            }
            (Some(o), Some(b)) => match ratio(o, b) {
                Some(x) if x >= 1.0 => SpeedVerdict::Faster { factor: x },
                Some(x) => SpeedVerdict::Slower { factor: x },
                None => SpeedVerdict::TooShort,
            },
            _ => SpeedVerdict::NoFigure,
        };
        Versus {
            baseline: baseline.method,
            other: other.method,
            cpu_copies: [baseline.copy_counts.cpu, other.copy_counts.cpu],
            user_copy_bytes: [baseline.user_copy_bytes, other.user_copy_bytes],
            mode_switches: [baseline.mode_switches, other.mode_switches],
            mode_switches_ratio: ratio(baseline.mode_switches as f64, other.mode_switches as f64),
            cpu,
            cpu_with_consumer,
            throughput,
        }
    }
}
