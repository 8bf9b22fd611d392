//! The broker's sendfile fetch path against `zclab compare`'s sendfile, on
//! the same bytes (issue 13's goal: ≥ 0.9×).
//!
//! Starts zclab's broker in this process and produces a topic (256 MiB by
//! default) with the built-in producer, exactly as `zclab kafka` does. Then
//! it runs interleaved rounds, the order rotating every round, of:
//! - **broker sendfile**: the built-in consumer fetches the whole topic
//!   (1 MiB fetches, as `zclab kafka`), every batch's CRC-32C checked;
//! - **broker read-write**: the same, served with `read` + `write` (4 KiB);
//! - **compare sendfile**: `harness::run_once`, what `zclab compare --method
//!   sendfile` runs, on the topic's own segment file (the same bytes, warm);
//! - with kcat installed, **kcat sendfile / read-write**: `kcat -C -e`
//!   consuming the whole topic from the broker in each mode, librdkafka
//!   checking every batch's CRC (`check.crcs=true`), its offsets counted.
//!
//! It prints the median and range of each, the broker/compare ratio, and
//! the serving thread's CPU time per MiB (schedstat, over each pass). The
//! command pair a person can run instead, on a quiet machine:
//!
//! ```text
//! zclab kafka --size 256MiB --runs 5            # the broker's two paths
//! zclab compare --method sendfile --runs 5      # compare, 256 MiB default sample
//! ```
//!
//! Run: `cargo bench --bench kafka` (env ZCLAB_BENCH_SIZE, e.g. 64MiB;
//! ZCLAB_BENCH_RUNS, default 7; ZCLAB_BENCH_KCAT=0 skips kcat). Quote the
//! load average it prints with every figure: on a shared machine the
//! throughputs are noisy, the CPU per MiB and the call counts much less.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod common;
use common::{load, median, range, size_and_runs};
use zclab::harness;
use zclab::input::open_regular;
use zclab::kafka::demo::{self, DemoOptions, Session};
use zclab::methods::{Method, Quiet};

struct NoProgress;

impl demo::Progress for NoProgress {
    fn producing(&mut self, _: u64, _: u64) {}
    fn fetching(&mut self, _: Method, _: u32) {}
}

fn have_kcat() -> bool {
    std::env::var("ZCLAB_BENCH_KCAT").as_deref() != Ok("0")
        && Command::new("kcat")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// `kcat -C -e` of the whole topic: seconds, after checking that it
/// printed every offset once, in order.
fn kcat_consume(session: &Session, records: u64) -> Result<f64> {
    let t0 = Instant::now();
    let out = Command::new("kcat")
        .args(["-b", &session.addr().to_string()])
        .args(["-C", "-t", demo::TOPIC, "-o", "beginning", "-e", "-q"])
        .args(["-X", "check.crcs=true", "-f", "%o\n"])
        .stdin(Stdio::null())
        .output()
        .context("cannot run kcat")?;
    let secs = t0.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("kcat failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut next = 0u64;
    for line in text.lines() {
        if line.trim().parse::<u64>().ok() != Some(next) {
            bail!("kcat printed offset {line:?} where {next} was due");
        }
        next += 1;
    }
    if next != records {
        bail!("kcat consumed {next} of {records} records");
    }
    Ok(secs)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Broker(Method),
    Compare,
    Kcat(Method),
}

impl Variant {
    fn name(self) -> String {
        match self {
            Variant::Broker(m) => format!("broker {}", m.name()),
            Variant::Compare => "compare sendfile".into(),
            Variant::Kcat(m) => format!("kcat -C -e, {}", m.name()),
        }
    }
}

fn main() -> Result<()> {
    let (size, runs) = size_and_runs()?;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kafka-bench-logs");
    let _ = std::fs::remove_dir_all(&dir);
    let opts = DemoOptions {
        size,
        runs: 1,
        buffer_bytes: 4096,
        log_dir: dir.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let session = Session::start(&opts, &stop, &mut NoProgress)?;
    let records = session.produced.records;
    let input = open_regular(&session.segment)?;
    let expected = harness::digest_file(&input).context("warming the page cache")?;
    let mib = session.produced.bytes as f64 / (1024.0 * 1024.0);
    let mut variants = vec![
        Variant::Broker(Method::Sendfile),
        Variant::Compare,
        Variant::Broker(Method::ReadWrite),
    ];
    if have_kcat() {
        variants.push(Variant::Kcat(Method::Sendfile));
        variants.push(Variant::Kcat(Method::ReadWrite));
    }
    println!(
        "topic {} ({} bytes, {records} records), segment {}; {runs} interleaved runs per variant, {} CPUs, load average before: {}",
        demo::TOPIC,
        session.produced.bytes,
        session.segment.display(),
        zclab::cpus::allowed().len(),
        load()
    );
    // Per variant: MiB/s (or seconds for kcat), and the serving thread's
    // CPU ms per MiB for the broker passes.
    let mut speed: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut consumer: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let sent = AtomicU64::new(0);
    for round in 0..runs {
        for k in 0..variants.len() {
            let i = (round + k) % variants.len();
            match variants[i] {
                Variant::Broker(m) => {
                    let p = session.pass(m)?;
                    if !p.verified(&session.produced) {
                        bail!("a {} pass was not verified", m.name());
                    }
                    speed[i].push(p.mib_s());
                    cpu[i].push(p.cpu_us() as f64 / 1000.0 / mib);
                    consumer[i].push(p.consumer_cpu_us as f64 / 1000.0 / mib);
                }
                Variant::Compare => {
                    let o = harness::RunOptions::new(4096, &sent);
                    let out = harness::run_once(
                        Method::Sendfile,
                        &input,
                        expected,
                        &o,
                        &mut Quiet,
                        &mut || {},
                    )?;
                    if !out.verified {
                        bail!("the compare run was not verified");
                    }
                    speed[i].push(out.throughput_mib_s().unwrap_or(0.0));
                    cpu[i].push(out.sender_cpu_ns() as f64 / 1e6 / mib);
                    consumer[i].push(out.receiver_cpu_ns() as f64 / 1e6 / mib);
                }
                Variant::Kcat(m) => {
                    session.set_method(m);
                    speed[i].push(kcat_consume(&session, records)?);
                }
            }
        }
        eprintln!("  round {}/{runs} done", round + 1);
    }
    session.finish();
    let _ = std::fs::remove_dir_all(&dir);
    println!("load average after: {}", load());
    println!();
    println!(
        "{:<24} {:>10} {:>19} {:>16} {:>16}",
        "variant", "median", "range", "sender CPU/MiB", "consumer CPU/MiB"
    );
    for (i, v) in variants.iter().enumerate() {
        let (lo, hi) = range(&speed[i]);
        let unit = if matches!(v, Variant::Kcat(_)) {
            "s"
        } else {
            "MiB/s"
        };
        let ms = |v: &[f64]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                format!("{:.3} ms", median(v))
            }
        };
        println!(
            "{:<24} {:>7.2} {unit:<5} {:>8.2}–{:<8.2} {:>14} {:>16}",
            v.name(),
            median(&speed[i]),
            lo,
            hi,
            ms(&cpu[i]),
            ms(&consumer[i])
        );
    }
    let at = |v: Variant| variants.iter().position(|x| *x == v);
    if let (Some(b), Some(c)) = (at(Variant::Broker(Method::Sendfile)), at(Variant::Compare)) {
        println!();
        println!(
            "broker sendfile / compare sendfile: {:.3} (median over median; goal ≥ 0.9)",
            median(&speed[b]) / median(&speed[c])
        );
        let per_round: Vec<f64> = speed[b].iter().zip(&speed[c]).map(|(x, y)| x / y).collect();
        let (lo, hi) = range(&per_round);
        println!(
            "  per round: median {:.3}, range {lo:.3}–{hi:.3}",
            median(&per_round)
        );
    }
    Ok(())
}
