//! What the benches share: their size and run count from the environment,
//! and the statistics and machine load they print.

use anyhow::Result;

/// `ZCLAB_BENCH_SIZE` (default 256 MiB) and `ZCLAB_BENCH_RUNS` (default 7).
pub fn size_and_runs() -> Result<(u64, usize)> {
    let size = zclab::size::parse_size(
        &std::env::var("ZCLAB_BENCH_SIZE").unwrap_or_else(|_| "256MiB".into()),
    )
    .map_err(anyhow::Error::msg)?;
    let runs = std::env::var("ZCLAB_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    Ok((size, runs))
}

/// The median (the upper one of an even count; 0 for none).
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// (min, max).
pub fn range(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(0.0, f64::max);
    (lo, hi)
}

/// The 1, 5 and 15 minute load averages, as `/proc/loadavg` gives them.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A 95 % percentile-bootstrap interval of the median of `v`: the median
/// of 2,000 resamples drawn with replacement (a fixed-seed xorshift, so a
/// bench's figures can be recomputed), their 2.5th and 97.5th percentiles.
/// (0, 0) for no values.
#[allow(dead_code)] // only the overhead bench pairs its runs
pub fn bootstrap_median_ci(v: &[f64]) -> (f64, f64) {
    const RESAMPLES: usize = 2000;
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let sample: Vec<f64> = (0..v.len())
                .map(|_| v[(next() % v.len() as u64) as usize])
                .collect();
            median(&sample)
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    (
        medians[RESAMPLES * 25 / 1000],
        medians[RESAMPLES * 975 / 1000],
    )
}
