//! The loopback harness: one transfer of a file over TCP on 127.0.0.1, from
//! a sending thread (the "broker") to a receiving thread (the "consumer"),
//! with `/proc` snapshots of both threads taken from a third thread.
//!
//! The order of events is fixed so that the snapshots bracket exactly the
//! transfer and nothing else: both threads start and report their thread id,
//! then park on a barrier; the controlling thread reads their counters; all
//! three pass the barrier; the sender runs the method and shuts its side of
//! the socket; the receiver drains the socket with `read(2)` until end of
//! stream, digesting what it got; both report and park again; the
//! controlling thread reads the counters a second time and releases them.
//! Both methods use the same sockets, the same receiver and the same
//! receiver buffer, so the comparison is fair.

use std::io::{Seek, SeekFrom};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use nix::errno::Errno;

use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::input::InputFile;
use crate::loopback::{self, TransferWatch};
use crate::methods::{self, Method, Observer, Tally, Transfer};

/// The consumer's buffer: the same for every method.
pub const RECEIVER_BUFFER_BYTES: usize = 64 * 1024;

/// For tests of the failure path: when set to N, the receiver closes its
/// socket after N bytes, as a consumer that dies mid-transfer would.
pub const FAULT_RECEIVER_CLOSE_AFTER: &str = "ZCLAB_FAULT_RECEIVER_CLOSE_AFTER";

/// For tests of the stall limit: when set to N, the receiver stops reading
/// after N bytes (without closing), as a hung consumer would.
pub const FAULT_RECEIVER_STALL_AFTER: &str = "ZCLAB_FAULT_RECEIVER_STALL_AFTER";

/// What a correct transfer must deliver: the file's length and CRC-32,
/// read before the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    pub bytes: u64,
    pub crc32: u32,
}

/// Everything one run measured, as plain values.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    pub method: Method,
    /// The method's own count of its calls and user-space bytes.
    pub tally: Tally,
    /// `/proc` deltas of the sending thread across the transfer.
    pub sender: Snapshot,
    /// `/proc` deltas of the receiving thread across the transfer.
    pub receiver: Snapshot,
    /// `getrusage(RUSAGE_THREAD)` deltas of the sending thread.
    pub sender_cpu: CpuTime,
    /// `getrusage(RUSAGE_THREAD)` deltas of the receiving thread.
    pub receiver_cpu: CpuTime,
    /// From the moment both threads were released to the last byte
    /// received.
    pub elapsed: Duration,
    /// Bytes the receiver read: each one copied by the CPU from its socket
    /// buffer into its own buffer, in every method.
    pub received_bytes: u64,
    pub received_crc32: u32,
    /// Receiver calls to `read(2)`, including the end-of-stream one.
    pub receiver_reads: u64,
    /// The received bytes equal the file's, by length and CRC-32.
    pub verified: bool,
    /// Kernel thread id of the sending thread, so that an outside witness
    /// (`compare --verify`'s tracer) can find it among the process's threads.
    pub sender_tid: i32,
    /// For a cold run: bytes of the file still in the page cache when the
    /// run started, after eviction (`None`: warm run, or unknown).
    pub resident_before: Option<u64>,
}

impl RunOutcome {
    /// MiB per second, file bytes over elapsed time.
    pub fn throughput_mib_s(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs <= 0.0 {
            0.0
        } else {
            self.received_bytes as f64 / (1024.0 * 1024.0) / secs
        }
    }
}

enum Event {
    SenderReady(i32),
    ReceiverReady(i32),
    SenderDone(Result<Tally, methods::TransferError>, Result<CpuTime>),
    ReceiverDone(Result<ReceiverReport>),
}

struct ReceiverReport {
    bytes: u64,
    crc32: u32,
    reads: u64,
    cpu: CpuTime,
    end: Instant,
}

/// Reads the whole file once with `pread` (warming the page cache) and
/// returns its length and CRC-32: the reference every run is checked
/// against. A file whose content length differs from its size (a `/proc`
/// file, a file being written) is refused here.
pub fn digest_file(input: &InputFile) -> Result<Expected> {
    use std::os::unix::fs::FileExt;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut pos: u64 = 0;
    loop {
        let n = match input.file.read_at(&mut buf, pos) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", input.path.display()))
                );
            }
        };
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        pos += n as u64;
        if pos > input.size {
            break;
        }
    }
    if pos != input.size {
        // Refused before any run: bad input (exit 2), not a failed run.
        return Err(crate::error::input(format!(
            "{} does not stay still: its size says {} bytes but reading it gave {}{}; zclab measures files whose content matches their size (copy it to a regular file first)",
            input.path.display(),
            input.size,
            pos,
            if pos > input.size { " or more" } else { "" }
        )));
    }
    Ok(Expected {
        bytes: pos,
        crc32: hasher.finalize(),
    })
}

/// Runs `method` once over loopback and measures it.
///
/// `observer` sees every system call of the sender (see `methods`);
/// `on_wait` is called about ten times a second while the transfer runs,
/// on the calling thread (for a progress bar).
pub fn run_once<O: Observer + Send>(
    method: Method,
    input: &InputFile,
    expected: Expected,
    buffer_bytes: usize,
    observer: &mut O,
    progress: &AtomicU64,
    on_wait: &mut dyn FnMut(),
) -> Result<RunOutcome> {
    let path = input.path.display();
    // read-write reads from the file offset; start every run at 0.
    (&input.file)
        .seek(SeekFrom::Start(0))
        .with_context(|| format!("cannot rewind {path}"))?;
    progress.store(0, Ordering::Relaxed);

    let (sender_sock, receiver_sock) = loopback::connected_pair("the loopback transfer")?;
    let watch = TransferWatch::new(&[&sender_sock, &receiver_sock])?;
    let mut observer = watch.observer(observer);
    let mut stall = None;

    let close_after = std::env::var(FAULT_RECEIVER_CLOSE_AFTER)
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let go = Barrier::new(3);
    let after = Barrier::new(3);
    let abort = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Event>();

    std::thread::scope(|scope| -> Result<RunOutcome> {
        let sender_tx = tx.clone();
        let (go_s, after_s, abort_s) = (&go, &after, &abort);
        let file = &input.file;
        let size = input.size;
        scope.spawn(move || {
            let _ = sender_tx.send(Event::SenderReady(nix::unistd::gettid().as_raw()));
            go_s.wait();
            let (result, cpu) = if abort_s.load(Ordering::SeqCst) {
                (Ok(Tally::default()), Ok(CpuTime::default()))
            } else {
                let cpu0 = CpuTime::of_this_thread();
                let transfer = Transfer {
                    file,
                    size,
                    socket: sender_sock.as_fd(),
                    buffer_bytes,
                    progress,
                };
                let result = methods::run(method, &transfer, &mut observer);
                let cpu1 = CpuTime::of_this_thread();
                let cpu = match (cpu0, cpu1) {
                    (Ok(a), Ok(b)) => Ok(b.since(&a)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                (result, cpu)
            };
            // End of stream for the receiver, whatever happened.
            let _ = sender_sock.shutdown(Shutdown::Both);
            let _ = sender_tx.send(Event::SenderDone(result, cpu));
            after_s.wait();
            drop(sender_sock);
        });

        let receiver_tx = tx.clone();
        let (go_r, after_r, watch_r) = (&go, &after, &watch);
        scope.spawn(move || {
            let _ = receiver_tx.send(Event::ReceiverReady(nix::unistd::gettid().as_raw()));
            go_r.wait();
            let report = receive(receiver_sock, close_after, watch_r);
            let _ = receiver_tx.send(Event::ReceiverDone(report));
            after_r.wait();
        });
        drop(tx);

        let mut tids = (None, None);
        while tids.0.is_none() || tids.1.is_none() {
            match rx.recv() {
                Ok(Event::SenderReady(t)) => tids.0 = Some(t),
                Ok(Event::ReceiverReady(t)) => tids.1 = Some(t),
                Ok(_) => {}
                Err(_) => return Err(anyhow!("a transfer thread ended before it started")),
            }
        }
        let (sender_tid, receiver_tid) = (tids.0.unwrap_or_default(), tids.1.unwrap_or_default());
        let before = ThreadCounters::open(sender_tid)
            .and_then(|s| ThreadCounters::open(receiver_tid).map(|r| (s, r)))
            .and_then(|(s, r)| {
                let sb = s.snapshot()?;
                let rb = r.snapshot()?;
                Ok((s, r, sb, rb))
            });
        if before.is_err() {
            // Release the threads without a transfer so they can be joined.
            abort.store(true, Ordering::SeqCst);
        }
        let start = Instant::now();
        go.wait();

        let mut sender_done = None;
        let mut receiver_done = None;
        while sender_done.is_none() || receiver_done.is_none() {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Event::SenderDone(result, cpu)) => sender_done = Some((result, cpu)),
                Ok(Event::ReceiverDone(report)) => receiver_done = Some(report),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    on_wait();
                    let sent = progress.load(Ordering::Relaxed);
                    if stall.is_none() && watch.stalled(sent) {
                        let done = (sender_done.is_some(), receiver_done.is_some());
                        stall = Some(stall_error(&watch, sent, done, input.size, method));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let after_snaps = before
            .as_ref()
            .map_err(|e| anyhow!("{e:#}"))
            .and_then(|(s, r, _, _)| Ok((s.snapshot()?, r.snapshot()?)));
        after.wait();
        on_wait();

        if let Some(stall) = stall {
            return Err(stall);
        }
        let (s_counters, _r, s_before, r_before) = before?;
        let (s_after, r_after) = after_snaps?;
        let (sent, sender_cpu) =
            sender_done.ok_or_else(|| anyhow!("the sending thread ended without a report"))?;
        let report =
            receiver_done.ok_or_else(|| anyhow!("the receiving thread ended without a report"))?;
        let tally = match sent {
            Ok(t) => t,
            Err(e) => {
                let received = report.as_ref().map(|r| r.bytes).unwrap_or(0);
                return Err(e.error.context(format!(
                    "{} of {path} failed after {} calls, {} of {} bytes received (sending thread {})",
                    method.name(),
                    e.tally.syscalls(),
                    received,
                    input.size,
                    s_counters.tid()
                )));
            }
        };
        let report = report.context("the receiving thread failed")?;
        let sender_cpu = sender_cpu?;
        let size_now = input
            .file
            .metadata()
            .with_context(|| format!("cannot stat {path}"))?
            .len();
        if size_now != input.size {
            return Err(anyhow!(
                "{path} changed size during the run ({} bytes when opened, {} now); measure a file that nothing is writing to",
                input.size,
                size_now
            ));
        }
        let verified = !tally.stopped_early
            && report.bytes == expected.bytes
            && report.crc32 == expected.crc32;
        Ok(RunOutcome {
            method,
            tally,
            sender: s_after.since(&s_before),
            receiver: r_after.since(&r_before),
            sender_cpu,
            receiver_cpu: report.cpu,
            elapsed: report.end.saturating_duration_since(start),
            received_bytes: report.bytes,
            received_crc32: report.crc32,
            receiver_reads: report.reads,
            verified,
            sender_tid,
            resident_before: None,
        })
    })
}

/// The consumer: drains the socket with `read(2)` until end of stream.
fn receive(
    sock: TcpStream,
    close_after: Option<u64>,
    watch: &TransferWatch,
) -> Result<ReceiverReport> {
    let stall_after = std::env::var(FAULT_RECEIVER_STALL_AFTER)
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let cpu0 = CpuTime::of_this_thread()?;
    let mut buf = vec![0u8; RECEIVER_BUFFER_BYTES];
    let mut hasher = crc32fast::Hasher::new();
    let mut bytes: u64 = 0;
    let mut reads: u64 = 0;
    loop {
        let want = match close_after {
            Some(limit) if bytes >= limit => {
                // Simulated consumer crash: close with data unread, which
                // makes the kernel reset the connection.
                watch.close(sock);
                let cpu = CpuTime::of_this_thread()?.since(&cpu0);
                return Ok(ReceiverReport {
                    bytes,
                    crc32: hasher.finalize(),
                    reads,
                    cpu,
                    end: Instant::now(),
                });
            }
            Some(limit) => ((limit - bytes) as usize).min(buf.len()),
            None => buf.len(),
        };
        if stall_after.is_some_and(|limit| bytes >= limit) {
            // Simulated hung consumer: stop reading until the run is
            // called off.
            while !watch.aborted() {
                std::thread::sleep(Duration::from_millis(20));
            }
            break;
        }
        reads += 1;
        match nix::unistd::read(&sock, &mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                bytes += n as u64;
                watch.set_received(bytes);
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(anyhow!("the receiver's read() failed: {e}")),
        }
    }
    let end = Instant::now();
    let cpu = CpuTime::of_this_thread()?.since(&cpu0);
    Ok(ReceiverReport {
        bytes,
        crc32: hasher.finalize(),
        reads,
        cpu,
        end,
    })
}

/// Says what stalled, once `watch` has called the run off.
fn stall_error(
    watch: &TransferWatch,
    sent: u64,
    (sender_done, receiver_done): (bool, bool),
    size: u64,
    method: Method,
) -> anyhow::Error {
    let received = watch.received();
    let secs = watch.limit().as_secs();
    if !sender_done {
        anyhow!(
            "the transfer stalled: the sending thread's {} made no progress for {secs} s after {sent} of {size} bytes; the receiving thread read {received} bytes and stopped reading",
            method.name()
        )
    } else if !receiver_done {
        anyhow!(
            "the transfer stalled: the sender finished ({sent} of {size} bytes sent) but the receiving thread got nothing for {secs} s after {received} bytes"
        )
    } else {
        anyhow!("the transfer stalled: nothing moved for {secs} s")
    }
}
