//! Instrumentation overhead of `zclab compare`, against bare loops.
//!
//! Runs each method the way `compare` does (`harness::run_once`: own
//! counts, progress counter, stall watch, `/proc` snapshots, barriers, the
//! consumer's CRC-32 of every byte, inline) and the same method as a bare
//! loop over an equally plain loopback socket whose consumer only drains it
//! with `read()` into 64 KiB (no digest, no counting; `bare.rs`), on a warm
//! file (256 MiB by default), with buffers of 4 KiB and 128 KiB.
//!
//! Each round runs every method as every variant once (zclab, bare, and
//! both again with the sender and consumer pinned to different CPUs), in
//! a new random order every round (fixed seed), so that the runs of one round share
//! the machine's conditions and can be paired: per round, zclab ÷ bare for
//! each method, and (zclab sendfile ÷ zclab read-write) ÷ (bare sendfile ÷
//! bare read-write). It prints the medians with a 95 % bootstrap interval,
//! the spread of the runs (max−min over the median), the CPU time of a run
//! for the whole process, and with `ZCLAB_BENCH_VERBOSE=1` every run and
//! the sender's and the consumer's own CPU time (schedstat), which shows
//! where zclab's extra work lands. Goals: zclab ÷ bare ≥ 0.95, and the
//! sendfile ÷ read-write ratios within 5 %.
//!
//! All six methods by default; the bare loops of mmap, splice,
//! msg-zerocopy and io-uring are the same system calls with nothing
//! counted (msg-zerocopy and io-uring still wait for their completions
//! before reusing a buffer: that is part of the method, not of zclab).
//!
//! Run: `cargo bench --bench overhead` (env ZCLAB_BENCH_SIZE, e.g. 1GiB,
//! ZCLAB_BENCH_RUNS (rounds), default 7, ZCLAB_BENCH_METHODS, e.g.
//! `mmap,splice`, default all, ZCLAB_BENCH_PIN=0 to skip the pinned
//! variants, ZCLAB_BENCH_VERBOSE=1 to print every run,
//! ZCLAB_BENCH_BARE=crc to make the bare consumer take the same CRC-32 as
//! zclab's, or spin:NS to make it busy-wait NS ns per 64 KiB). Say how
//! loaded the machine was with every figure you quote: the bench prints
//! the load average.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

use anyhow::{Context, Result, bail};

#[path = "overhead/bare.rs"]
mod bare;
mod common;
use common::{Rng, bootstrap_median_ci, load, median, range, size_and_runs};
use zclab::harness;
use zclab::input::open_regular;
use zclab::methods::{Method, Quiet};

/// The machine's TCP segments sent so far (`Tcp: OutSegs` in
/// `/proc/net/snmp`): on a quiet machine, a run's delta counts its data
/// segments and its ACKs, both directions of the loopback connection.
/// 0 if it cannot be read.
fn tcp_out_segs() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/net/snmp") else {
        return 0;
    };
    let tcp: Vec<&str> = s.lines().filter(|l| l.starts_with("Tcp:")).collect();
    let [names, values] = tcp[..] else { return 0 };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "OutSegs")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

/// CPU time of this whole process so far (every thread, user + system),
/// in ms: what a run cost the machine, whichever thread spent it.
fn process_cpu_ms() -> Result<f64> {
    use nix::sys::resource::{UsageWho, getrusage};
    let r = getrusage(UsageWho::RUSAGE_SELF)?;
    let ms = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e3 + t.tv_usec() as f64 / 1e3;
    Ok(ms(r.user_time()) + ms(r.system_time()))
}

/// (max − min) / median, in %.
fn spread(v: &[f64]) -> f64 {
    let (lo, hi) = range(v);
    (hi - lo) / median(v) * 100.0
}

/// One method at one buffer size: per variant (zclab, bare, zclab pinned,
/// bare pinned), one entry per round, in round order, so that entries of
/// the same round can be paired across variants and methods.
struct Cell {
    buf: usize,
    method: Method,
    mibs: [Vec<f64>; 4],
    cpu_ms: [Vec<f64>; 4],
    reads: [Vec<f64>; 4],
    segs: [Vec<f64>; 4],
    /// The sending and the consuming thread's CPU ms (schedstat).
    threads_ms: [Vec<(f64, f64)>; 4],
}

const VARIANTS: [&str; 4] = ["zclab", "bare", "zclab pinned", "bare pinned"];

/// What every run shares: the warm file, its reference digest, and what
/// the bare consumer does.
struct Bench {
    input: zclab::input::InputFile,
    path: PathBuf,
    expected: harness::Expected,
    size: u64,
    work: bare::BareWork,
    /// `ZCLAB_BENCH_AA=1`: the "zclab" variants run the bare loop too, so
    /// the bench compares the bare loop with itself and its figures show
    /// the bench's own resolution.
    aa: bool,
}

/// One run of `method` as variant `v` (see [`VARIANTS`]): its MiB/s, the
/// CPU ms the whole process spent on it, the consumer's read() calls, and
/// the sender's and the consumer's CPU ms.
fn run_variant(b: &Bench, v: usize, method: Method, buf: usize) -> Result<Sample> {
    let pin = v >= 2;
    let segs0 = tcp_out_segs();
    let cpu0 = process_cpu_ms()?;
    let (secs, reads, threads) = if matches!(v, 0 | 2) && !b.aa {
        let sent = AtomicU64::new(0);
        let opts = harness::RunOptions {
            pin,
            ..harness::RunOptions::new(buf, &sent)
        };
        let out = harness::run_once(method, &b.input, b.expected, &opts, &mut Quiet, &mut || {})?;
        if !out.verified {
            bail!("instrumented run not verified");
        }
        let threads = (out.sender_cpu_ns(), out.receiver_cpu_ns());
        (out.elapsed.as_secs_f64(), out.receiver_reads, threads)
    } else {
        let r = bare::bare_run(method, &b.path, b.size, buf, pin, b.work)?;
        (r.secs, r.reads, (r.sender_ns, r.consumer_ns))
    };
    let mib = b.size as f64 / (1024.0 * 1024.0);
    Ok(Sample {
        segs: tcp_out_segs().saturating_sub(segs0) as f64,
        mibs: mib / secs,
        cpu_ms: process_cpu_ms()? - cpu0,
        reads: reads as f64,
        threads_ms: (threads.0 as f64 / 1e6, threads.1 as f64 / 1e6),
    })
}

/// One run's figures.
struct Sample {
    segs: f64,
    mibs: f64,
    cpu_ms: f64,
    reads: f64,
    threads_ms: (f64, f64),
}

fn main() -> Result<()> {
    let (size, runs) = size_and_runs()?;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("bench-{size}.log"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(size) {
        let _ = std::fs::remove_file(&path);
        zclab::sample::make_sample(&path, size, true, &mut |_| {})?;
    }
    let input = open_regular(&path)?;
    let expected = harness::digest_file(&input).context("warming the page cache")?;
    let pinned_too = std::env::var("ZCLAB_BENCH_PIN").map_or(true, |v| v != "0");
    let verbose = std::env::var("ZCLAB_BENCH_VERBOSE").is_ok();
    let work = bare::bare_work()?;
    let aa = std::env::var("ZCLAB_BENCH_AA").is_ok_and(|v| v == "1");
    // ZCLAB_BENCH_METHODS=all (default) or a comma list of method names.
    let chosen: Vec<Method> = match std::env::var("ZCLAB_BENCH_METHODS").ok().as_deref() {
        None | Some("all") => Method::EVERY.to_vec(),
        Some(list) => Method::EVERY
            .into_iter()
            .filter(|m| list.split(',').any(|n| n.trim() == m.name()))
            .collect(),
    };
    let variants: Vec<usize> = if pinned_too {
        vec![0, 1, 2, 3]
    } else {
        vec![0, 1]
    };
    println!(
        "file {} ({size} bytes), {runs} rounds, each running every method as every variant once, in a new random order every round; warm page cache, loopback TCP, {} CPUs, bare consumer: {work:?}{}, load average before: {}",
        path.display(),
        zclab::cpus::allowed().len(),
        if aa {
            "; A/A: the \"zclab\" columns are the bare loop too"
        } else {
            ""
        },
        load()
    );
    let bench = Bench {
        input,
        path,
        expected,
        size,
        work,
        aa,
    };
    let mut cells: Vec<Cell> = Vec::new();
    let mut rng = Rng::new(0x5eed_2026_1128);
    for buf in [4096usize, 128 * 1024] {
        let first = cells.len();
        for &method in &chosen {
            cells.push(Cell {
                buf,
                method,
                mibs: Default::default(),
                cpu_ms: Default::default(),
                reads: Default::default(),
                segs: Default::default(),
                threads_ms: Default::default(),
            });
        }
        let mut jobs: Vec<(usize, usize)> = (first..cells.len())
            .flat_map(|c| variants.iter().map(move |&v| (c, v)))
            .collect();
        for round in 0..runs {
            // A new order every round: a run can be faster or slower for
            // what ran just before it (an A/A bench, the bare loop against
            // itself, showed 7 % between two fixed positions), so no
            // variant may keep one predecessor.
            rng.shuffle(&mut jobs);
            for &(c, v) in &jobs {
                let s = run_variant(&bench, v, cells[c].method, buf)?;
                cells[c].mibs[v].push(s.mibs);
                cells[c].cpu_ms[v].push(s.cpu_ms);
                cells[c].reads[v].push(s.reads);
                cells[c].segs[v].push(s.segs);
                cells[c].threads_ms[v].push(s.threads_ms);
            }
            eprint!("\r  buffer {buf}: round {}/{runs}", round + 1);
        }
        eprintln!();
    }
    if !pinned_too {
        for c in &mut cells {
            c.mibs[2] = c.mibs[0].clone();
            c.mibs[3] = c.mibs[1].clone();
        }
    }
    println!("load average after: {}", load());
    if verbose {
        for c in &cells {
            eprintln!("  {} {}:", c.method.name(), c.buf);
            for (name, runs) in VARIANTS.iter().zip(&c.mibs) {
                let mut v = runs.clone();
                v.sort_by(f64::total_cmp);
                let v: Vec<String> = v.iter().map(|x| format!("{x:.0}")).collect();
                eprintln!("    {name:<13} MiB/s {}", v.join(" "));
            }
            eprintln!(
                "    consumer read() calls, median: zclab {:.0}, bare {:.0}; TCP segments sent (Tcp OutSegs, data and ACKs, both ends): zclab {:.0}, bare {:.0}",
                median(&c.reads[0]),
                median(&c.reads[1]),
                median(&c.segs[0]),
                median(&c.segs[1])
            );
            let part = |v: usize, f: fn(&(f64, f64)) -> f64| {
                median(&c.threads_ms[v].iter().map(f).collect::<Vec<_>>())
            };
            eprintln!(
                "    CPU ms (schedstat), median: sender zclab {:.1}, bare {:.1}; consumer zclab {:.1}, bare {:.1}",
                part(0, |t| t.0),
                part(1, |t| t.0),
                part(0, |t| t.1),
                part(1, |t| t.1)
            );
        }
    }
    print_table(&cells);
    print_costs(&cells);
    print_ratio(&cells);
    Ok(())
}

/// Median MiB/s of each variant, zclab ÷ bare, and the spreads.
fn print_table(cells: &[Cell]) {
    println!();
    println!(
        "{:<12} {:>7} | {:>8} {:>8} {:>6} | {:>7} {:>7} | {:>8} {:>8} {:>6} | {:>7} {:>7}",
        "method",
        "buffer",
        "zclab",
        "bare",
        "ratio",
        "spread",
        "spread",
        "zclab",
        "bare",
        "ratio",
        "spread",
        "spread"
    );
    println!(
        "{:<12} {:>7} | {:>8} {:>8} {:>6} | {:>7} {:>7} | {:>8} {:>8} {:>6} | {:>7} {:>7}",
        "", "", "MiB/s", "MiB/s", "", "zclab", "bare", "pinned", "pinned", "", "zclab", "bare"
    );
    for c in cells {
        let med = [0, 1, 2, 3].map(|i| median(&c.mibs[i]));
        let spr = [0, 1, 2, 3].map(|i| spread(&c.mibs[i]));
        println!(
            "{:<12} {:>7} | {:>8.0} {:>8.0} {:>6.3} | {:>6.0}% {:>6.0}% | {:>8.0} {:>8.0} {:>6.3} | {:>6.0}% {:>6.0}%",
            c.method.name(),
            c.buf,
            med[0],
            med[1],
            med[0] / med[1],
            spr[0],
            spr[1],
            med[2],
            med[3],
            med[2] / med[3],
            spr[2],
            spr[3]
        );
    }
}

/// Per-round zclab ÷ bare (unpinned), paired: entry i of both ran in the
/// same round.
fn paired(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(z, b)| z / b).collect()
}

/// CPU per run and the paired throughput ratio, with its 95 % interval.
fn print_costs(cells: &[Cell]) {
    println!();
    println!(
        "what a run costs (unpinned): median CPU ms per run, all threads (getrusage RUSAGE_SELF), and the median of the per-round zclab/bare throughput ratios with a 95 % bootstrap interval of that median:"
    );
    for c in cells {
        let p = paired(&c.mibs[0], &c.mibs[1]);
        let (lo, hi) = bootstrap_median_ci(&p);
        let (cz, cb) = (median(&c.cpu_ms[0]), median(&c.cpu_ms[1]));
        println!(
            "  {:<12} {:>7}: CPU zclab {cz:.0} ms, bare {cb:.0} ms ({:+.0} %); paired throughput ratio {:.3} [{lo:.3}, {hi:.3}]",
            c.method.name(),
            c.buf,
            (cz / cb - 1.0) * 100.0,
            median(&p),
        );
    }
    let sendfile = |buf: usize| {
        cells
            .iter()
            .find(|c| c.buf == buf && c.method == Method::Sendfile)
            .map(|c| median(&paired(&c.mibs[0], &c.mibs[1])))
    };
    if let (Some(a), Some(b)) = (sendfile(4096), sendfile(128 * 1024)) {
        println!(
            "  (sendfile ignores the buffer size: its two rows are the same work, so the gap between their paired ratios, {a:.3} vs {b:.3}, is this bench's noise)"
        );
    }
}

/// The sendfile ÷ read-write ratio as zclab measures it against the bare
/// loops': the ratio of the medians, and the median of the per-round
/// (zclab sendfile ÷ zclab read-write) ÷ (bare sendfile ÷ bare
/// read-write), whose four runs shared one round, with its interval.
fn print_ratio(cells: &[Cell]) {
    println!();
    println!("sendfile / read-write throughput, as zclab measures it and as the bare loops do:");
    for buf in [4096usize, 128 * 1024] {
        let get = |m: Method| cells.iter().find(|c| c.buf == buf && c.method == m);
        let (Some(rw), Some(sf)) = (get(Method::ReadWrite), get(Method::Sendfile)) else {
            continue;
        };
        for (label, a, b) in [("unpinned", 0, 1), ("pinned", 2, 3)] {
            let z = median(&sf.mibs[a]) / median(&rw.mibs[a]);
            let bare = median(&sf.mibs[b]) / median(&rw.mibs[b]);
            let rounds: Vec<f64> = (0..rw.mibs[a].len().min(sf.mibs[a].len()))
                .map(|i| (sf.mibs[a][i] / rw.mibs[a][i]) / (sf.mibs[b][i] / rw.mibs[b][i]))
                .collect();
            let (lo, hi) = bootstrap_median_ci(&rounds);
            println!(
                "  buffer {buf:>6}, {label:<8}: zclab {z:.2}x, bare {bare:.2}x, zclab/bare {:.3}; per round, median {:.3} [95 %: {lo:.3}, {hi:.3}] (goal: within 5 %)",
                z / bare,
                median(&rounds),
            );
        }
    }
}
