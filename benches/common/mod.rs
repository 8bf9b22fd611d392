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
