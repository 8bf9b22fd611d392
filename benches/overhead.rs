//! Instrumentation overhead of `zclab compare`.
//!
//! Runs each method the way `compare` does (own counts, progress counter,
//! `/proc` snapshots, getrusage, barriers, CRC-32 check on the consumer)
//! and the same loop with no counting at all over an equally plain loopback
//! socket whose consumer computes the same CRC-32, on a warm 1 GiB file,
//! with buffers of 4 KiB and 128 KiB. The three variants (zclab, bare,
//! bare without the CRC) rotate their order every round so that none always
//! runs first. It prints, per cell, the median throughput and the median CPU
//! time of the sending thread (`getrusage(RUSAGE_THREAD)`): wall-clock
//! throughput on a small VM swings by tens of percent from run to run, the
//! sender's CPU time much less, and counting costs CPU, so both are shown.
//!
//! Run: `cargo bench --bench overhead` (env ZCLAB_BENCH_SIZE, e.g. 256MiB,
//! and ZCLAB_BENCH_RUNS, default 11, to change the work).

use std::fs::File;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use zclab::counters::CpuTime;
use zclab::harness;
use zclab::input::open_regular;
use zclab::methods::{Method, Quiet};

/// Seconds to the last byte received, and the sender's CPU microseconds.
struct Sample {
    secs: f64,
    cpu_us: f64,
}

/// The same transfer with nothing counted: no tally, no progress, no
/// observer, no /proc, no barriers. With `digest`, the consumer computes the
/// same CRC-32 as zclab's (verification, not counting); without, it only
/// drains the socket.
fn bare_run(
    method: Method,
    path: &Path,
    size: u64,
    buf_bytes: usize,
    digest: bool,
) -> Result<Sample> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let sender = TcpStream::connect(listener.local_addr()?)?;
    let (mut receiver, _) = listener.accept()?;
    let start = Instant::now();
    let reader = std::thread::spawn(move || -> std::io::Result<(u64, Instant)> {
        let mut buf = vec![0u8; harness::RECEIVER_BUFFER_BYTES];
        let mut got = 0u64;
        let mut hasher = crc32fast::Hasher::new();
        loop {
            let n = receiver.read(&mut buf)?;
            if n == 0 {
                std::hint::black_box(hasher.finalize());
                return Ok((got, Instant::now()));
            }
            if digest {
                hasher.update(&buf[..n]);
            }
            got += n as u64;
        }
    });
    // The sender runs on a thread of its own, as in zclab's harness, so the
    // two differ only by the counting.
    let path = path.to_path_buf();
    let sending = std::thread::spawn(move || -> Result<(TcpStream, CpuTime)> {
        let file = File::open(&path)?;
        let cpu0 = CpuTime::of_this_thread()?;
        match method {
            Method::ReadWrite => {
                let mut buf = vec![0u8; buf_bytes];
                loop {
                    let n = nix::unistd::read(&file, &mut buf)?;
                    if n == 0 {
                        break;
                    }
                    let mut done = 0;
                    while done < n {
                        done += nix::unistd::write(sender.as_fd(), &buf[done..n])?;
                    }
                }
            }
            Method::Sendfile => {
                let mut off: nix::libc::off_t = 0;
                while (off as u64) < size {
                    let count = (size - off as u64).min(0x7fff_f000) as usize;
                    nix::sys::sendfile::sendfile(sender.as_fd(), &file, Some(&mut off), count)?;
                }
            }
            other => bail!("no bare loop for {} yet", other.name()),
        }
        let cpu = CpuTime::of_this_thread()?.since(&cpu0);
        Ok((sender, cpu))
    });
    let (sender, cpu) = sending
        .join()
        .map_err(|_| anyhow::anyhow!("sender panicked"))??;
    sender.shutdown(Shutdown::Both)?;
    let (got, end) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("receiver panicked"))??;
    if got != size {
        bail!("bare run received {got} of {size} bytes");
    }
    Ok(Sample {
        secs: (end - start).as_secs_f64(),
        cpu_us: cpu.total_us() as f64,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn pct(base: f64, x: f64) -> f64 {
    (x - base) / base * 100.0
}

fn main() -> Result<()> {
    let size = zclab::size::parse_size(
        &std::env::var("ZCLAB_BENCH_SIZE").unwrap_or_else(|_| "1GiB".into()),
    )
    .map_err(anyhow::Error::msg)?;
    let runs: usize = std::env::var("ZCLAB_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("bench-{size}.log"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(size) {
        let _ = std::fs::remove_file(&path);
        zclab::sample::make_sample(&path, size, true, &mut |_| {})?;
    }
    let input = open_regular(&path)?;
    let expected = harness::digest_file(&input).context("warming the page cache")?;
    let mib = size as f64 / (1024.0 * 1024.0);
    println!(
        "file {} ({size} bytes), {runs} runs per variant, warm page cache, loopback TCP; medians",
        path.display()
    );
    println!(
        "{:<11} {:>7} | {:>9} {:>9} {:>8} | {:>10} {:>10} {:>8} | {:>12} {:>8}",
        "method",
        "buffer",
        "zclab",
        "bare",
        "slower",
        "zclab CPU",
        "bare CPU",
        "more",
        "no-CRC MiB/s",
        "CRC cost"
    );
    println!(
        "{:<11} {:>7} | {:>9} {:>9} {:>8} | {:>10} {:>10} {:>8} | {:>12} {:>8}",
        "", "", "MiB/s", "MiB/s", "", "ms", "ms", "", "", ""
    );
    for buf in [4096usize, 128 * 1024] {
        for method in Method::ALL {
            let mut got: [Vec<Sample>; 3] = [Vec::new(), Vec::new(), Vec::new()];
            let sent = AtomicU64::new(0);
            for round in 0..runs {
                for k in 0..3 {
                    let variant = (round + k) % 3;
                    let s = match variant {
                        0 => {
                            let out = harness::run_once(
                                method,
                                &input,
                                expected,
                                &harness::RunOptions::new(buf, &sent),
                                &mut Quiet,
                                &mut || {},
                            )?;
                            if !out.verified {
                                bail!("instrumented run not verified");
                            }
                            Sample {
                                secs: out.elapsed.as_secs_f64(),
                                cpu_us: out.sender_cpu.total_us() as f64,
                            }
                        }
                        1 => bare_run(method, &path, size, buf, true)?,
                        _ => bare_run(method, &path, size, buf, false)?,
                    };
                    got[variant].push(s);
                }
            }
            let thr = |v: &[Sample]| median(v.iter().map(|s| mib / s.secs).collect());
            let cpu = |v: &[Sample]| median(v.iter().map(|s| s.cpu_us / 1000.0).collect());
            let (ti, tb, tr) = (thr(&got[0]), thr(&got[1]), thr(&got[2]));
            let (ci, cb) = (cpu(&got[0]), cpu(&got[1]));
            println!(
                "{:<11} {:>7} | {:>9.1} {:>9.1} {:>7.1}% | {:>10.1} {:>10.1} {:>7.1}% | {:>12.1} {:>7.1}%",
                method.name(),
                buf,
                ti,
                tb,
                -pct(tb, ti),
                ci,
                cb,
                pct(cb, ci),
                tr,
                -pct(tr, tb)
            );
        }
    }
    Ok(())
}
