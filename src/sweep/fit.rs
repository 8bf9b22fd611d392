//! The cost model, fitted to the measured points: for one method,
//!
//! ```text
//! time ≈ calls × per_call + bytes × per_byte
//! ```
//!
//! by least squares on relative errors (each point weighs by 1/time², so a
//! 1 MiB point counts as much as a 256 MiB one), with both costs kept ≥ 0
//! (when the free fit makes one negative, that cost is set to 0 and the
//! other refitted alone). Everything here is derived from measured points,
//! and says how well it reproduces them.

use serde::Serialize;

/// One observation: `calls` system calls and `bytes` bytes took `ns`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obs {
    pub calls: f64,
    pub bytes: f64,
    pub ns: f64,
}

/// A fitted model and how well it fits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    /// Cost of one system call, ns.
    pub per_call_ns: f64,
    /// Cost of one byte, ns.
    pub per_byte_ns: f64,
    /// Root mean square of (model − measured) / measured over the points, %.
    pub rms_error_pct: f64,
    /// The largest |model − measured| / measured of any point, %.
    pub max_error_pct: f64,
    pub points: usize,
    /// One of the costs came out negative in the free fit and was set to 0.
    pub clamped: bool,
}

impl Fit {
    pub fn predict_ns(&self, calls: f64, bytes: f64) -> f64 {
        calls * self.per_call_ns + bytes * self.per_byte_ns
    }
}

/// Fits the model. `None` when the points cannot separate the two costs
/// and neither alone fits (fewer than two points, or no time at all).
pub fn fit(obs: &[Obs]) -> Option<Fit> {
    let obs: Vec<Obs> = obs
        .iter()
        .copied()
        .filter(|o| o.ns > 0.0 && o.ns.is_finite())
        .collect();
    if obs.len() < 2 {
        return None;
    }
    // Weighted normal equations with w = 1/t²:
    // [Σw c²  Σw c b] [a]   [Σw c t]
    // [Σw c b Σw b² ] [b] = [Σw b t]
    let (mut scc, mut scb, mut sbb, mut sct, mut sbt) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for o in &obs {
        let w = 1.0 / (o.ns * o.ns);
        scc += w * o.calls * o.calls;
        scb += w * o.calls * o.bytes;
        sbb += w * o.bytes * o.bytes;
        sct += w * o.calls * o.ns;
        sbt += w * o.bytes * o.ns;
    }
    let det = scc * sbb - scb * scb;
    let scale = (scc * sbb).abs().max(f64::MIN_POSITIVE);
    let free = if det.abs() > 1e-12 * scale {
        let a = (sct * sbb - sbt * scb) / det;
        let b = (scc * sbt - scb * sct) / det;
        Some((a, b))
    } else {
        None
    };
    let (a, b, clamped) = match free {
        Some((a, b)) if a >= 0.0 && b >= 0.0 => (a, b, false),
        _ => {
            // One cost alone: keep whichever of the two fits better.
            let only_calls = (scc > 0.0).then(|| (sct / scc, 0.0));
            let only_bytes = (sbb > 0.0).then(|| (0.0, sbt / sbb));
            let best = [only_calls, only_bytes]
                .into_iter()
                .flatten()
                .filter(|(a, b)| *a >= 0.0 && *b >= 0.0)
                .min_by(|x, y| rms(&obs, x.0, x.1).total_cmp(&rms(&obs, y.0, y.1)))?;
            (best.0, best.1, free.is_some())
        }
    };
    let max = obs
        .iter()
        .map(|o| ((o.calls * a + o.bytes * b - o.ns) / o.ns).abs())
        .fold(0.0, f64::max);
    Some(Fit {
        per_call_ns: a,
        per_byte_ns: b,
        rms_error_pct: rms(&obs, a, b) * 100.0,
        max_error_pct: max * 100.0,
        points: obs.len(),
        clamped,
    })
}

fn rms(obs: &[Obs], a: f64, b: f64) -> f64 {
    let sum: f64 = obs
        .iter()
        .map(|o| {
            let r = (o.calls * a + o.bytes * b - o.ns) / o.ns;
            r * r
        })
        .sum();
    (sum / obs.len() as f64).sqrt()
}

/// The buffer size at which one chunk's calls cost as much as its bytes:
/// `calls_per_chunk × per_call / per_byte`. Below it, the calls cost more
/// than the copies. `None` when there is no per-byte cost.
pub fn crossover_bytes(fit: &Fit, calls_per_chunk: f64) -> Option<f64> {
    (fit.per_byte_ns > 0.0 && fit.per_call_ns > 0.0)
        .then(|| calls_per_chunk * fit.per_call_ns / fit.per_byte_ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(a: f64, b: f64, noise: &[f64]) -> Vec<Obs> {
        let mut out = Vec::new();
        let mut k = 0;
        for size in [1u64 << 16, 1 << 20, 1 << 24] {
            for buf in [512u64, 4096, 65536] {
                let calls = 2.0 * size.div_ceil(buf) as f64 + 1.0;
                let bytes = size as f64;
                let n = noise.get(k % noise.len().max(1)).copied().unwrap_or(0.0);
                k += 1;
                out.push(Obs {
                    calls,
                    bytes,
                    ns: (calls * a + bytes * b) * (1.0 + n),
                });
            }
        }
        out
    }

    #[test]
    fn exact_data_gives_the_costs_back() {
        let f = fit(&grid(1100.0, 0.28, &[0.0])).expect("fits");
        assert!((f.per_call_ns - 1100.0).abs() < 1e-6, "{f:?}");
        assert!((f.per_byte_ns - 0.28).abs() < 1e-9, "{f:?}");
        assert!(f.max_error_pct < 1e-6);
        assert!(!f.clamped);
        assert_eq!(f.points, 9);
    }

    #[test]
    fn noisy_data_stays_within_the_stated_error() {
        let obs = grid(800.0, 0.5, &[0.05, -0.03, 0.08, -0.07, 0.01]);
        let f = fit(&obs).expect("fits");
        for o in &obs {
            let rel = ((f.predict_ns(o.calls, o.bytes) - o.ns) / o.ns).abs() * 100.0;
            assert!(rel <= f.max_error_pct + 1e-9, "{rel} > {}", f.max_error_pct);
        }
        assert!(f.rms_error_pct <= f.max_error_pct);
        assert!(f.max_error_pct < 15.0, "{f:?}");
        assert!((f.per_call_ns - 800.0).abs() / 800.0 < 0.15, "{f:?}");
    }

    #[test]
    fn a_negative_cost_is_clamped_to_zero() {
        // Time falls with more calls: the free fit wants a < 0.
        let obs = [
            Obs {
                calls: 10.0,
                bytes: 1000.0,
                ns: 1000.0,
            },
            Obs {
                calls: 1.0,
                bytes: 1000.0,
                ns: 1100.0,
            },
            Obs {
                calls: 5.0,
                bytes: 2000.0,
                ns: 2000.0,
            },
        ];
        let f = fit(&obs).expect("fits");
        assert!(f.clamped);
        assert_eq!(f.per_call_ns, 0.0);
        assert!(f.per_byte_ns > 0.0);
    }

    #[test]
    fn one_call_per_file_still_fits() {
        // sendfile: always one call; the per-call cost is the fixed cost.
        let obs: Vec<Obs> = [1u64 << 20, 1 << 24, 1 << 26]
            .iter()
            .map(|&s| Obs {
                calls: 1.0,
                bytes: s as f64,
                ns: 50_000.0 + s as f64 * 0.7,
            })
            .collect();
        let f = fit(&obs).expect("fits");
        assert!((f.per_call_ns - 50_000.0).abs() < 1.0, "{f:?}");
        assert!((f.per_byte_ns - 0.7).abs() < 1e-6);
    }

    #[test]
    fn too_little_data() {
        assert!(fit(&[]).is_none());
        assert!(
            fit(&[Obs {
                calls: 1.0,
                bytes: 1.0,
                ns: 1.0
            }])
            .is_none()
        );
        assert!(
            fit(&[Obs {
                calls: 1.0,
                bytes: 1.0,
                ns: 0.0
            }; 3])
            .is_none()
        );
    }

    #[test]
    fn crossover() {
        let f = fit(&grid(1000.0, 0.5, &[0.0])).expect("fits");
        let x = crossover_bytes(&f, 2.0).expect("both costs");
        assert!((x - 4000.0).abs() < 1e-3, "{x}");
    }
}
