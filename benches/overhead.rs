//! Instrumentation overhead of `zclab compare`, against bare loops.
//!
//! Runs each method the way `compare` does (`harness::run_once`: own
//! counts, progress counter, stall watch, `/proc` snapshots, barriers, the
//! consumer's CRC-32 of every byte, inline) and the same method
//! as a bare loop over an equally plain loopback socket whose consumer only
//! drains it with `read()` into 64 KiB (no digest, no counting), on a warm
//! file (256 MiB by default), with buffers of 4 KiB and 128 KiB. Variants
//! run interleaved, their order rotating every round: zclab, bare, and both
//! again with the sender and consumer pinned to different CPUs
//! (`--pin`). It prints a summary table: median throughput of each, the
//! zclab/bare ratio (goal ≥ 0.95), the spread of the runs (max−min over
//! the median) unpinned and pinned, and the sendfile/read-write ratio as
//! zclab measures it against the bare loops' (goal: within 5 %).
//!
//! All six methods by default; the bare loops of mmap, splice,
//! msg-zerocopy and io-uring are the same system calls with nothing
//! counted (msg-zerocopy and io-uring still wait for their completions
//! before reusing a buffer: that is part of the method, not of zclab).
//!
//! Run: `cargo bench --bench overhead` (env ZCLAB_BENCH_SIZE, e.g. 1GiB,
//! ZCLAB_BENCH_RUNS, default 7, ZCLAB_BENCH_METHODS, e.g.
//! `mmap,splice`, default all, ZCLAB_BENCH_PIN=0 to skip the pinned
//! variants, ZCLAB_BENCH_VERBOSE=1 to print every run). Say how loaded the machine was with
//! every figure you quote: the bench prints the load average.

use std::fs::File;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod common;
use common::{load, median, range, size_and_runs};
use zclab::harness;
use zclab::input::open_regular;
use zclab::methods::{Method, Quiet};

/// The same transfer with nothing counted and nothing checked: no tally,
/// no progress, no observer, no /proc, no barriers, no digest. With `pin`,
/// the sender runs on the first CPU and the consumer on the second.
/// Returns the seconds to the consumer's last byte and its `read()` calls.
fn bare_run(
    method: Method,
    path: &Path,
    size: u64,
    buf_bytes: usize,
    pin: bool,
) -> Result<(f64, u64)> {
    let cpus = zclab::cpus::allowed();
    let cpu = |i: usize| cpus.get(i % cpus.len().max(1)).copied();
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let sender = TcpStream::connect(listener.local_addr()?)?;
    let (mut receiver, _) = listener.accept()?;
    let consumer_cpu = cpu(1);
    let reader = std::thread::spawn(move || -> std::io::Result<(u64, Instant, u64)> {
        if let (true, Some(c)) = (pin, consumer_cpu) {
            zclab::cpus::pin_this_thread(c);
        }
        let mut buf = vec![0u8; harness::RECEIVER_BUFFER_BYTES];
        let mut got = 0u64;
        let mut reads = 0u64;
        loop {
            let n = receiver.read(&mut buf)?;
            reads += 1;
            if n == 0 {
                return Ok((got, Instant::now(), reads));
            }
            got += n as u64;
        }
    });
    // The sender runs on a thread of its own, as in zclab's harness.
    let path = path.to_path_buf();
    let sender_cpu = cpu(0);
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let sending = std::thread::spawn(move || -> Result<TcpStream> {
        if let (true, Some(c)) = (pin, sender_cpu) {
            zclab::cpus::pin_this_thread(c);
        }
        let file = File::open(&path)?;
        let _ = ready_tx.send(());
        let _ = go_rx.recv();
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
            Method::Mmap => bare_mmap(&file, sender.as_fd(), size, buf_bytes)?,
            Method::Splice => bare_splice(&file, sender.as_fd(), size, buf_bytes)?,
            Method::MsgZerocopy => bare_msg_zerocopy(&file, &sender, buf_bytes)?,
            Method::IoUring => bare_io_uring(&file, &sender, buf_bytes)?,
        }
        Ok(sender)
    });
    let _ = ready_rx.recv();
    let start = Instant::now();
    let _ = go_tx.send(());
    let sender = sending
        .join()
        .map_err(|_| anyhow::anyhow!("sender panicked"))??;
    sender.shutdown(Shutdown::Both)?;
    let (got, end, reads) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("receiver panicked"))??;
    if got != size {
        bail!("bare run received {got} of {size} bytes");
    }
    Ok(((end - start).as_secs_f64(), reads))
}

/// mmap the whole file, write it from the mapping in `buf` chunks.
fn bare_mmap(file: &File, sock: std::os::fd::BorrowedFd<'_>, size: u64, buf: usize) -> Result<()> {
    let Some(len) = std::num::NonZeroUsize::new(size as usize) else {
        return Ok(());
    };
    use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};
    // SAFETY: a read-only mapping of our own file, only read by write(2).
    let map = unsafe {
        mmap(
            None,
            len,
            ProtFlags::PROT_READ,
            MapFlags::MAP_SHARED,
            file,
            0,
        )?
    };
    let mut off = 0usize;
    while off < len.get() {
        let n = buf.min(len.get() - off);
        // SAFETY: [off, off + n) is inside the mapping.
        let w = unsafe {
            nix::libc::write(
                std::os::fd::AsRawFd::as_raw_fd(&sock),
                map.as_ptr().cast::<u8>().add(off).cast(),
                n,
            )
        };
        if w <= 0 {
            bail!("write from the mapping failed");
        }
        off += w as usize;
    }
    // SAFETY: the mapping made above.
    unsafe { munmap(map, len.get())? };
    Ok(())
}

/// file → pipe → socket, the pipe grown to hold a chunk.
fn bare_splice(
    file: &File,
    sock: std::os::fd::BorrowedFd<'_>,
    size: u64,
    buf: usize,
) -> Result<()> {
    use nix::fcntl::{FcntlArg, SpliceFFlags, fcntl, splice};
    let (r, w) = nix::unistd::pipe()?;
    let pipe = fcntl(&w, FcntlArg::F_SETPIPE_SZ((buf + 4096) as nix::libc::c_int))? as usize;
    let chunk = buf.min(pipe - 4096);
    let mut off: nix::libc::loff_t = 0;
    while (off as u64) < size {
        let n = splice(
            file,
            Some(&mut off),
            &w,
            None,
            chunk,
            SpliceFFlags::SPLICE_F_MOVE,
        )?;
        let mut left = n;
        while left > 0 {
            left -= splice(&r, None, sock, None, left, SpliceFFlags::SPLICE_F_MOVE)?;
        }
    }
    Ok(())
}

/// read into a ring of buffers, sendmsg(MSG_ZEROCOPY), reuse a buffer only
/// after its completion (TCP completes sends in order).
fn bare_msg_zerocopy(file: &File, sock: &TcpStream, buf: usize) -> Result<()> {
    use nix::libc;
    use std::os::fd::AsRawFd;
    let fd = sock.as_raw_fd();
    let one: libc::c_int = 1;
    // SAFETY: a c_int option on our socket.
    if unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            60,
            (&one as *const libc::c_int).cast(),
            4,
        )
    } < 0
    {
        bail!("SO_ZEROCOPY refused");
    }
    let slots = ((8 << 20) / buf).clamp(2, 16384);
    let mut ring = vec![0u8; slots * buf];
    let mut last = vec![0u64; slots];
    let (mut next, mut done) = (0u64, 0u64);
    let wait = |done: &mut u64| -> Result<()> {
        let mut pfd = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: one pollfd.
        unsafe { libc::poll(&mut pfd, 1, 60_000) };
        loop {
            let mut control = [0u64; 16];
            // SAFETY: zeroed msghdr with a live control buffer.
            let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = std::mem::size_of_val(&control);
            // SAFETY: as above.
            if unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) } < 0 {
                return Ok(());
            }
            // SAFETY: the control message the kernel just wrote.
            let ee: libc::sock_extended_err = unsafe {
                std::ptr::read_unaligned(libc::CMSG_DATA(libc::CMSG_FIRSTHDR(&msg)).cast())
            };
            *done = (*done).max(u64::from(ee.ee_data) + 1);
        }
    };
    for i in 0.. {
        let slot = i % slots;
        while done < last[slot] {
            wait(&mut done)?;
        }
        let b = &mut ring[slot * buf..(slot + 1) * buf];
        let n = nix::unistd::read(file, b)?;
        if n == 0 {
            break;
        }
        let mut iov = libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: n,
        };
        // SAFETY: zeroed msghdr pointing at the live slot.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        // SAFETY: the slot is not touched until its completion.
        if unsafe { libc::sendmsg(fd, &msg, libc::MSG_ZEROCOPY) } != n as isize {
            bail!("short or failed sendmsg");
        }
        next += 1;
        last[slot] = next;
    }
    while done < next {
        wait(&mut done)?;
    }
    Ok(())
}

/// read into a ring of buffers, one IORING_OP_SEND_ZC each, reuse a buffer
/// after its notification.
fn bare_io_uring(file: &File, sock: &TcpStream, buf: usize) -> Result<()> {
    use io_uring::{IoUring, cqueue, opcode, types};
    use std::os::fd::AsRawFd;
    let mut ring = IoUring::new(64)?;
    let slots = ((8 << 20) / buf).clamp(2, 16384);
    let mut mem = vec![0u8; slots * buf];
    let mut last = vec![0u64; slots];
    let mut freed = vec![false; 0];
    let mut done = 0u64;
    let mut next = 0u64;
    let reap = |ring: &mut IoUring, freed: &mut Vec<bool>, done: &mut u64| {
        for cqe in ring.completion() {
            let id = cqe.user_data() as usize;
            if cqueue::notif(cqe.flags()) || !cqueue::more(cqe.flags()) {
                if freed.len() <= id {
                    freed.resize(id + 1, false);
                }
                freed[id] = true;
            }
        }
        while (*done as usize) < freed.len() && freed[*done as usize] {
            *done += 1;
        }
    };
    for i in 0.. {
        let slot = i % slots;
        while done < last[slot] {
            ring.submit_and_wait(1)?;
            reap(&mut ring, &mut freed, &mut done);
        }
        let b = &mut mem[slot * buf..(slot + 1) * buf];
        let n = nix::unistd::read(file, b)?;
        if n == 0 {
            break;
        }
        let e = opcode::SendZc::new(types::Fd(sock.as_raw_fd()), b.as_ptr(), n as u32)
            .flags(nix::libc::MSG_WAITALL)
            .build()
            .user_data(next);
        // SAFETY: the slot stays untouched until its notification.
        unsafe { ring.submission().push(&e) }.map_err(|_| anyhow::anyhow!("queue full"))?;
        ring.submit_and_wait(1)?;
        next += 1;
        last[slot] = next;
        reap(&mut ring, &mut freed, &mut done);
    }
    while done < next {
        ring.submit_and_wait(1)?;
        reap(&mut ring, &mut freed, &mut done);
    }
    Ok(())
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
    let mib = size as f64 / (1024.0 * 1024.0);
    println!(
        "file {} ({size} bytes), {runs} interleaved runs per variant, warm page cache, loopback TCP, {} CPUs, load average before: {}",
        path.display(),
        zclab::cpus::allowed().len(),
        load()
    );
    // Per (buffer, method): medians of zclab, bare, zclab pinned, bare
    // pinned (MiB/s) and the spreads.
    let mut table: Vec<(usize, Method, [f64; 4], [f64; 4])> = Vec::new();
    // Per (buffer, method): median CPU ms per run of zclab and bare
    // (unpinned), and the median of the per-round zclab/bare throughput
    // ratios.
    let mut costs: Vec<(usize, Method, [f64; 2], f64)> = Vec::new();
    let pinned_too = std::env::var("ZCLAB_BENCH_PIN").map_or(true, |v| v != "0");
    let verbose = std::env::var("ZCLAB_BENCH_VERBOSE").is_ok();
    // ZCLAB_BENCH_METHODS=all (default) or a comma list of method names.
    let chosen: Vec<Method> = match std::env::var("ZCLAB_BENCH_METHODS").ok().as_deref() {
        None | Some("all") => Method::EVERY.to_vec(),
        Some(list) => Method::EVERY
            .into_iter()
            .filter(|m| list.split(',').any(|n| n.trim() == m.name()))
            .collect(),
    };
    for buf in [4096usize, 128 * 1024] {
        for &method in &chosen {
            let mut got: [Vec<f64>; 4] = Default::default();
            let mut cpu: [Vec<f64>; 4] = Default::default();
            let mut reads: [Vec<f64>; 4] = Default::default();
            let sent = AtomicU64::new(0);
            for round in 0..runs {
                for k in 0..4 {
                    let variant = (round + k) % 4;
                    let pin = variant >= 2;
                    if pin && !pinned_too {
                        continue;
                    }
                    let cpu0 = process_cpu_ms()?;
                    let secs = if variant % 2 == 0 {
                        let opts = harness::RunOptions {
                            pin,
                            ..harness::RunOptions::new(buf, &sent)
                        };
                        let out = harness::run_once(
                            method,
                            &input,
                            expected,
                            &opts,
                            &mut Quiet,
                            &mut || {},
                        )?;
                        if !out.verified {
                            bail!("instrumented run not verified");
                        }
                        reads[variant].push(out.receiver_reads as f64);
                        out.elapsed.as_secs_f64()
                    } else {
                        let (secs, n) = bare_run(method, &path, size, buf, pin)?;
                        reads[variant].push(n as f64);
                        secs
                    };
                    got[variant].push(mib / secs);
                    cpu[variant].push(process_cpu_ms()? - cpu0);
                }
            }
            if !pinned_too {
                got[2] = got[0].clone();
                got[3] = got[1].clone();
            }
            if verbose {
                let names = ["zclab", "bare", "zclab pinned", "bare pinned"];
                for (name, runs) in names.iter().zip(&got) {
                    let mut v = runs.clone();
                    v.sort_by(f64::total_cmp);
                    let v: Vec<String> = v.iter().map(|x| format!("{x:.0}")).collect();
                    eprintln!("    {name:<13} MiB/s {}", v.join(" "));
                }
                eprintln!(
                    "    consumer read() calls, median: zclab {:.0}, bare {:.0}",
                    median(&reads[0]),
                    median(&reads[1])
                );
            }
            let paired: Vec<f64> = got[0].iter().zip(&got[1]).map(|(z, b)| z / b).collect();
            costs.push((
                buf,
                method,
                [median(&cpu[0]), median(&cpu[1])],
                median(&paired),
            ));
            let med = [0, 1, 2, 3].map(|i| median(&got[i]));
            let spr = [0, 1, 2, 3].map(|i| spread(&got[i]));
            eprintln!(
                "  {:<12} {:>6}: zclab {:.0}, bare {:.0}, pinned zclab {:.0}, pinned bare {:.0} MiB/s",
                method.name(),
                buf,
                med[0],
                med[1],
                med[2],
                med[3]
            );
            table.push((buf, method, med, spr));
        }
    }
    println!("load average after: {}", load());
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
    for (buf, method, med, spr) in &table {
        println!(
            "{:<12} {:>7} | {:>8.0} {:>8.0} {:>6.3} | {:>6.0}% {:>6.0}% | {:>8.0} {:>8.0} {:>6.3} | {:>6.0}% {:>6.0}%",
            method.name(),
            buf,
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
    println!();
    println!(
        "what a run costs (unpinned): median CPU ms per run, all threads (getrusage RUSAGE_SELF), and the median of the per-round zclab/bare throughput ratios:"
    );
    for (buf, method, cpu, paired) in &costs {
        println!(
            "  {:<12} {:>7}: CPU zclab {:.0} ms, bare {:.0} ms ({:+.0} %); paired throughput ratio {:.3}",
            method.name(),
            buf,
            cpu[0],
            cpu[1],
            (cpu[0] / cpu[1] - 1.0) * 100.0,
            paired
        );
    }
    if let (Some(a), Some(b)) = (
        costs
            .iter()
            .find(|c| c.0 == 4096 && c.1 == Method::Sendfile),
        costs
            .iter()
            .find(|c| c.0 == 128 * 1024 && c.1 == Method::Sendfile),
    ) {
        println!(
            "  (sendfile ignores the buffer size: its two rows are the same work, so the gap between their paired ratios, {:.3} vs {:.3}, is this bench's noise)",
            a.3, b.3
        );
    }
    println!();
    println!("sendfile / read-write throughput, as zclab measures it and as the bare loops do:");
    for buf in [4096usize, 128 * 1024] {
        let get = |m: Method| {
            table
                .iter()
                .find(|t| t.0 == buf && t.1 == m)
                .map(|t| (t.2, t.3))
        };
        if let (Some((rw, _)), Some((sf, _))) = (get(Method::ReadWrite), get(Method::Sendfile)) {
            for (label, a, b) in [("unpinned", 0, 1), ("pinned", 2, 3)] {
                let z = sf[a] / rw[a];
                let bare = sf[b] / rw[b];
                println!(
                    "  buffer {:>6}, {label:<8}: zclab {z:.2}x, bare {bare:.2}x, zclab/bare {:.3} (goal: within 5 %)",
                    buf,
                    z / bare
                );
            }
        }
    }
    Ok(())
}
