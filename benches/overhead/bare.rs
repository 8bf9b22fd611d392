//! The bare loops the overhead bench measures zclab against: the same
//! system calls over an equally plain loopback socket, nothing counted,
//! nothing checked (unless `ZCLAB_BENCH_BARE` asks the consumer to).

use std::fs::File;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};

use zclab::harness;
use zclab::methods::Method;

/// What the bare consumer does with each piece it read (experiments,
/// `ZCLAB_BENCH_BARE=drain|crc|spin:NS`): nothing (the default, the
/// goal's reference), the same CRC-32 zclab's consumer takes, or a busy
/// wait of NS ns per 64 KiB that touches no memory.
#[derive(Clone, Copy, Debug)]
pub enum BareWork {
    Drain,
    Crc,
    Spin(u64),
}

pub fn bare_work() -> Result<BareWork> {
    match std::env::var("ZCLAB_BENCH_BARE").ok().as_deref() {
        None | Some("drain") => Ok(BareWork::Drain),
        Some("crc") => Ok(BareWork::Crc),
        Some(s) => match s.strip_prefix("spin:").and_then(|n| n.parse().ok()) {
            Some(ns) => Ok(BareWork::Spin(ns)),
            None => bail!("ZCLAB_BENCH_BARE: expected drain, crc or spin:NS, got {s}"),
        },
    }
}

/// The same transfer with nothing counted and nothing checked: no tally,
/// no progress, no observer, no /proc, no barriers, no digest. With `pin`,
/// the sender runs on the first CPU and the consumer on the second.
/// Returns the seconds to the consumer's last byte, its `read()` calls
/// and both threads' CPU time.
pub fn bare_run(
    method: Method,
    path: &Path,
    size: u64,
    buf_bytes: usize,
    pin: bool,
    work: BareWork,
) -> Result<BareRun> {
    let cpus = zclab::cpus::allowed();
    let cpu = |i: usize| cpus.get(i % cpus.len().max(1)).copied();
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let sender = TcpStream::connect(listener.local_addr()?)?;
    let (mut receiver, _) = listener.accept()?;
    let consumer_cpu = cpu(1);
    let reader = std::thread::spawn(move || -> std::io::Result<(u64, Instant, u64, u64)> {
        if let (true, Some(c)) = (pin, consumer_cpu) {
            zclab::cpus::pin_this_thread(c);
        }
        let cpu0 = thread_cpu_ns();
        let mut buf = vec![0u8; harness::RECEIVER_BUFFER_BYTES];
        let mut got = 0u64;
        let mut reads = 0u64;
        let mut hasher = crc32fast::Hasher::new();
        loop {
            let n = receiver.read(&mut buf)?;
            reads += 1;
            if n == 0 {
                std::hint::black_box(hasher.finalize());
                let end = Instant::now();
                return Ok((got, end, reads, thread_cpu_ns().saturating_sub(cpu0)));
            }
            got += n as u64;
            match work {
                BareWork::Drain => {}
                BareWork::Crc => hasher.update(&buf[..n]),
                BareWork::Spin(ns) => {
                    let t = Instant::now();
                    while t.elapsed().as_nanos() < ns as u128 * n as u128 / 65536 {
                        std::hint::spin_loop();
                    }
                }
            }
        }
    });
    // The sender runs on a thread of its own, as in zclab's harness.
    let path = path.to_path_buf();
    let sender_cpu = cpu(0);
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let sending = std::thread::spawn(move || -> Result<(TcpStream, u64)> {
        if let (true, Some(c)) = (pin, sender_cpu) {
            zclab::cpus::pin_this_thread(c);
        }
        // Opened as zclab opens its input (`input::open_regular`).
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_CLOEXEC)
            .open(&path)?;
        let _ = ready_tx.send(());
        let _ = go_rx.recv();
        let cpu0 = thread_cpu_ns();
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
        Ok((sender, thread_cpu_ns().saturating_sub(cpu0)))
    });
    let _ = ready_rx.recv();
    let start = Instant::now();
    let _ = go_tx.send(());
    let (sender, sender_ns) = sending
        .join()
        .map_err(|_| anyhow::anyhow!("sender panicked"))??;
    sender.shutdown(Shutdown::Both)?;
    let (got, end, reads, consumer_ns) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("receiver panicked"))??;
    if got != size {
        bail!("bare run received {got} of {size} bytes");
    }
    Ok(BareRun {
        secs: (end - start).as_secs_f64(),
        reads,
        sender_ns,
        consumer_ns,
    })
}

/// What one bare run measured.
pub struct BareRun {
    pub secs: f64,
    pub reads: u64,
    pub sender_ns: u64,
    pub consumer_ns: u64,
}

/// This thread's CPU time so far, in ns: `sum_exec_runtime`, the first
/// field of `/proc/thread-self/schedstat` (the figure zclab's CPU row
/// shows). 0 if it cannot be read.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
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
