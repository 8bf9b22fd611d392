//! The receiving thread ("the consumer"): drains the socket and checks
//! every byte it read.

use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::errno::Errno;

use super::{Event, Gates, RECEIVER_BUFFER_BYTES, RunOptions, pin_to};
use crate::counters::CpuTime;
use crate::error::fail_t;
use crate::loopback::TransferWatch;
use crate::text::run as t;

pub(super) struct ReceiverReport {
    pub(super) bytes: u64,
    pub(super) crc32: u32,
    pub(super) check: Duration,
    pub(super) reads: u64,
    pub(super) cpu: CpuTime,
    pub(super) end: Instant,
}

/// The receiving thread ("the consumer"): reports its id, parks on `go`,
/// drains the socket, reports, parks on `after`.
pub(super) fn spawn_receiver<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    gates: &'env Gates,
    tx: mpsc::Sender<Event>,
    sock: TcpStream,
    opts: &'env RunOptions<'env>,
    watch: &'env TransferWatch,
) {
    scope.spawn(move || {
        if opts.pin {
            pin_to(1);
        }
        // The buffer is allocated and touched before the counters are
        // first read, so neither its mapping nor its page faults are
        // counted as the transfer's.
        let mut buf = vec![1u8; RECEIVER_BUFFER_BYTES];
        let check_ns_per_byte = check_cost(&buf);
        let _ = tx.send(Event::ReceiverReady(nix::unistd::gettid().as_raw()));
        gates.go.wait();
        let report = if gates.abort.load(Ordering::SeqCst) {
            Err(fail_t(t::ABORTED_BEFORE, &[]))
        } else {
            receive(sock, opts, watch, &mut buf, check_ns_per_byte)
        };
        let _ = tx.send(Event::ReceiverDone(report));
        gates.after.wait();
    });
}

/// What the consumer's check costs it per byte, in ns of its own CPU time:
/// the CRC-32 of its (warm) buffer, 32 times over, timed with the thread's
/// CPU clock (`CLOCK_THREAD_CPUTIME_ID`, which a preemption does not
/// inflate), before the counters are first read. 0 if the clock fails.
fn check_cost(buf: &[u8]) -> f64 {
    use nix::time::{ClockId, clock_gettime};
    const ROUNDS: usize = 32;
    let now = || clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).ok();
    let Some(t0) = now() else { return 0.0 };
    let mut hasher = crc32fast::Hasher::new();
    for _ in 0..ROUNDS {
        hasher.update(buf);
    }
    std::hint::black_box(hasher.finalize());
    let Some(t1) = now() else { return 0.0 };
    let ns = Duration::from(t1)
        .saturating_sub(Duration::from(t0))
        .as_nanos();
    ns as f64 / (ROUNDS * buf.len().max(1)) as f64
}

/// The consumer: drains the socket with `read(2)` into one buffer until end
/// of stream, taking the CRC-32 of each piece right after it arrives.
///
/// Why inline and not on a thread of its own: measured with the overhead
/// bench (256 MiB, sendfile, 4 KiB), a checking thread behind a ring of
/// buffers cost the run about a quarter more CPU in all (the consumer
/// copied into buffers the checker's CPU had just read, and a third busy
/// thread shared two CPUs with the transfer), while the same CRC on the
/// piece still in the consumer's cache costs a few percent of its time
/// (crc32fast, about 29 GB/s here). That share is reported apart
/// ([`super::RunOutcome::receiver_check`]): the bytes checked times the
/// check's cost per byte, measured on this thread's CPU clock just before
/// the run ([`check_cost`]). Timing each check with a wall clock instead
/// counted the time the thread was preempted mid-check, on a busy machine
/// more than the consumer's whole CPU time.
fn receive(
    sock: TcpStream,
    opts: &RunOptions<'_>,
    watch: &TransferWatch,
    buf: &mut [u8],
    check_ns_per_byte: f64,
) -> Result<ReceiverReport> {
    let (close_after, stall_after) = (
        opts.faults.receiver_close_after,
        opts.faults.receiver_stall_after,
    );
    let mut hasher = crc32fast::Hasher::new();
    let cpu0 = CpuTime::of_this_thread()?;
    let mut bytes: u64 = 0;
    let mut reads: u64 = 0;
    loop {
        let want = match close_after {
            Some(limit) if bytes >= limit => {
                // Simulated consumer crash: close with data unread, which
                // makes the kernel reset the connection.
                watch.close(sock);
                break;
            }
            Some(limit) => ((limit - bytes) as usize).min(buf.len()),
            None => buf.len(),
        };
        let want = match stall_after {
            Some(limit) if bytes >= limit => {
                // Simulated hung consumer: stop reading until the run is
                // called off.
                while !watch.aborted() {
                    std::thread::sleep(Duration::from_millis(20));
                }
                break;
            }
            // Read no further than the limit, so the consumer stops at
            // exactly that many bytes whatever sizes the reads return.
            Some(limit) => want.min((limit - bytes) as usize),
            None => want,
        };
        reads += 1;
        match nix::unistd::read(&sock, &mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => {
                bytes += n as u64;
                watch.set_received(bytes);
                hasher.update(&buf[..n]);
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(fail_t(t::RECEIVER_READ, &[("reason", &e)])),
        }
    }
    let end = Instant::now();
    Ok(ReceiverReport {
        bytes,
        crc32: hasher.finalize(),
        check: Duration::from_nanos((bytes as f64 * check_ns_per_byte) as u64),
        reads,
        cpu: CpuTime::of_this_thread()?.since(&cpu0),
        end,
    })
}
