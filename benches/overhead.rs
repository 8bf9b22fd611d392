//! Instrumentation overhead of `zclab compare`.
//!
//! Runs each method the way `compare` does (own counts, progress counter,
//! `/proc` snapshots, getrusage, digest check) and the same loop with no
//! counting at all over an equally plain loopback socket, on a warm 1 GiB
//! file, with buffers of 4 KiB and 128 KiB, alternating, and prints the
//! median throughput of each and the overhead. A third column drops the
//! consumer's CRC-32 too, to show what verification itself costs.
//!
//! Run: `cargo bench --bench overhead` (env ZCLAB_BENCH_SIZE, e.g. 256MiB,
//! and ZCLAB_BENCH_RUNS, default 7, to change the work).

use std::fs::File;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use zclab::harness;
use zclab::input::open_regular;
use zclab::methods::{Method, Quiet};

/// The same transfer with nothing counted: no tally, no progress, no
/// observer, no /proc, no getrusage. With `digest`, the consumer computes
/// the same CRC-32 as zclab's (verification, not counting); without, it
/// only drains the socket.
fn bare_run(
    method: Method,
    path: &PathBuf,
    size: u64,
    buf_bytes: usize,
    digest: bool,
) -> Result<Duration> {
    let file = File::open(path)?;
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
    }
    sender.shutdown(Shutdown::Both)?;
    let (got, end) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("receiver panicked"))??;
    if got != size {
        bail!("bare run received {got} of {size} bytes");
    }
    Ok(end - start)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<()> {
    let size = zclab::size::parse_size(
        &std::env::var("ZCLAB_BENCH_SIZE").unwrap_or_else(|_| "1GiB".into()),
    )
    .map_err(anyhow::Error::msg)?;
    let runs: usize = std::env::var("ZCLAB_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
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
        "file {} ({} bytes), {runs} runs per cell, warm page cache, loopback TCP",
        path.display(),
        size
    );
    println!(
        "{:<11} {:>8} {:>12} {:>12} {:>9} {:>16} {:>9}",
        "method", "buffer", "zclab MiB/s", "bare MiB/s", "overhead", "bare, no CRC", "CRC cost"
    );
    for buf in [4096usize, 128 * 1024] {
        for method in Method::ALL {
            let (mut inst, mut bare, mut raw) = (Vec::new(), Vec::new(), Vec::new());
            let sent = AtomicU64::new(0);
            for _ in 0..runs {
                let out = harness::run_once(
                    method,
                    &input,
                    expected,
                    buf,
                    &mut Quiet,
                    &sent,
                    &mut || {},
                )?;
                if !out.verified {
                    bail!("instrumented run not verified");
                }
                inst.push(out.throughput_mib_s());
                bare.push(mib / bare_run(method, &path, size, buf, true)?.as_secs_f64());
                raw.push(mib / bare_run(method, &path, size, buf, false)?.as_secs_f64());
            }
            let (i, b, r) = (median(inst), median(bare), median(raw));
            println!(
                "{:<11} {:>8} {:>12.1} {:>12.1} {:>8.1}% {:>16.1} {:>8.1}%",
                method.name(),
                buf,
                i,
                b,
                (b - i) / b * 100.0,
                r,
                (r - b) / r * 100.0
            );
        }
    }
    Ok(())
}
