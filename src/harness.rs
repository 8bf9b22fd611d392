//! The loopback harness: one transfer of a file over TCP on 127.0.0.1, from
//! a sending thread (the "broker") to a receiving thread (the "consumer"),
//! with `/proc` snapshots of both threads taken from a third thread.
//!
//! The order of events is fixed so that the snapshots bracket exactly the
//! transfer and nothing else: both threads start and report their thread id,
//! then park on a barrier; the controlling thread reads their counters; all
//! three pass the barrier; the sender runs the method and shuts its side of
//! the socket; the receiver drains the socket with `read(2)` until end of
//! stream, taking the CRC-32 of each piece while it is still in its cache
//! (see [`receive`] for why inline); both report and park again; the
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
use serde::Serialize;

use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::input::InputFile;
use crate::loopback::{self, TransferWatch};
use crate::methods::{self, Method, Observer, Tally, Transfer};

/// The consumer's buffer: the same for every method.
pub const RECEIVER_BUFFER_BYTES: usize = 64 * 1024;

/// For tests of the failure path: when set to N, the receiver closes its
/// socket after N bytes, as a consumer that dies mid-transfer would. Read
/// by the commands ([`Faults::from_env`]) and passed in [`RunOptions`].
pub const FAULT_RECEIVER_CLOSE_AFTER: &str = "ZCLAB_FAULT_RECEIVER_CLOSE_AFTER";

/// For tests of the stall limit: when set to N, the receiver stops reading
/// after N bytes (without closing), as a hung consumer would. Read by the
/// commands ([`Faults::from_env`]) and passed in [`RunOptions`].
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
    /// `getrusage(RUSAGE_THREAD)` deltas of the sending thread: only its
    /// user/system split is used, and only on long runs (tick-apportioned);
    /// the exact total is [`RunOutcome::sender_cpu_ns`].
    pub sender_cpu: CpuTime,
    /// `getrusage(RUSAGE_THREAD)` deltas of the receiving thread (the same
    /// caveat).
    pub receiver_cpu: CpuTime,
    /// From the moment both threads were released to the last byte
    /// received.
    pub elapsed: Duration,
    /// Bytes the receiver read: each one copied by the CPU from its socket
    /// buffer into its own buffer, in every method.
    pub received_bytes: u64,
    pub received_crc32: u32,
    /// Of the receiver's CPU time, what zclab's CRC-32 of the received bytes
    /// took: the monotonic clock (vDSO, no system call) read around each
    /// check and summed. Included in [`RunOutcome::receiver_cpu_ns`].
    pub receiver_check: Duration,
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

/// Why a run has no throughput figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoThroughput {
    /// The run was stopped before the whole file was sent (`trace --chunks`,
    /// a quit): its time is not the time of a transfer.
    StoppedEarly,
    /// The file is empty: nothing was sent, so there is no rate.
    NothingSent,
}

impl RunOutcome {
    /// Exact CPU time of the sending thread across the transfer, in ns:
    /// the `sum_exec_runtime` delta in its `schedstat`, read while it was
    /// parked.
    pub fn sender_cpu_ns(&self) -> u64 {
        self.sender.sum_exec_runtime
    }

    /// The same for the receiving thread.
    pub fn receiver_cpu_ns(&self) -> u64 {
        self.receiver.sum_exec_runtime
    }

    /// Why this run has no throughput, if it has none.
    pub fn no_throughput(&self) -> Option<NoThroughput> {
        if self.tally.stopped_early {
            Some(NoThroughput::StoppedEarly)
        } else if self.received_bytes == 0 {
            Some(NoThroughput::NothingSent)
        } else {
            None
        }
    }

    /// MiB per second, file bytes over elapsed time; `None` for a run
    /// stopped early or one that sent nothing (see [`Self::no_throughput`]).
    pub fn throughput_mib_s(&self) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        if self.no_throughput().is_some() || secs <= 0.0 {
            None
        } else {
            Some(self.received_bytes as f64 / (1024.0 * 1024.0) / secs)
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
    check: Duration,
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

/// How one run is set up, beyond the method and the file.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions<'a> {
    /// The sender's buffer (read-write's chunk; sendfile ignores it).
    pub buffer_bytes: usize,
    /// Bytes sent so far, for a progress bar on another thread.
    pub progress: &'a AtomicU64,
    /// Pin the sender to the first CPU the process may use and the
    /// consumer to the second (`sched_setaffinity`), so that the scheduler
    /// does not move them between runs.
    pub pin: bool,
    /// Test hooks of the failure paths (none in normal runs).
    pub faults: Faults,
}

/// Test hooks of the failure paths, set from the environment by the
/// commands ([`Faults::from_env`]); nothing inside a run reads the
/// environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// The consumer closes its socket after this many bytes, as a consumer
    /// that dies mid-transfer would.
    pub receiver_close_after: Option<u64>,
    /// The consumer stops reading after this many bytes, as a hung consumer
    /// would.
    pub receiver_stall_after: Option<u64>,
}

impl Faults {
    /// From [`FAULT_RECEIVER_CLOSE_AFTER`] and [`FAULT_RECEIVER_STALL_AFTER`].
    pub fn from_env() -> Faults {
        let var = |name| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        Faults {
            receiver_close_after: var(FAULT_RECEIVER_CLOSE_AFTER),
            receiver_stall_after: var(FAULT_RECEIVER_STALL_AFTER),
        }
    }
}

impl<'a> RunOptions<'a> {
    pub fn new(buffer_bytes: usize, progress: &'a AtomicU64) -> RunOptions<'a> {
        RunOptions {
            buffer_bytes,
            progress,
            pin: false,
            faults: Faults::default(),
        }
    }
}

/// Runs `method` once over loopback and measures it, in the order the
/// module documentation gives.
///
/// `observer` sees every system call of the sender (see `methods`);
/// `on_wait` is called about ten times a second while the transfer runs,
/// on the calling thread (for a progress bar).
pub fn run_once<O: Observer + Send>(
    method: Method,
    input: &InputFile,
    expected: Expected,
    opts: &RunOptions<'_>,
    observer: &mut O,
    on_wait: &mut dyn FnMut(),
) -> Result<RunOutcome> {
    rewind(input)?;
    opts.progress.store(0, Ordering::Relaxed);
    let (sender_sock, receiver_sock) = loopback::connected_pair("the loopback transfer")?;
    let watch = TransferWatch::new(&[&sender_sock, &receiver_sock])?;
    let mut observer = watch.observer(observer);
    let gates = Gates::new();
    let (tx, rx) = mpsc::channel::<Event>();
    std::thread::scope(|scope| -> Result<RunOutcome> {
        let sender = (method, input, opts, sender_sock);
        spawn_sender(scope, &gates, tx.clone(), sender, &mut observer);
        spawn_receiver(scope, &gates, tx, receiver_sock, opts, &watch);
        let tids = wait_ready(&rx)?;
        // Both threads are parked on the `go` gate.
        let before = snapshot_both(tids);
        if before.is_err() {
            // Release the threads without a transfer so they can be joined.
            gates.abort.store(true, Ordering::SeqCst);
        }
        let start = Instant::now();
        gates.go.wait();
        let done = wait_done(&rx, on_wait, &watch, opts.progress);
        // Both threads are parked on the `after` gate.
        let after = before
            .as_ref()
            .map_err(|e| anyhow!("{e:#}"))
            .and_then(|(counters, _)| Ok((counters.0.snapshot()?, counters.1.snapshot()?)));
        gates.after.wait();
        on_wait();
        if done.stall.is_some() {
            return Err(stall_error(&watch, done.flags(), input.size, method));
        }
        let (counters, before) = before?;
        outcome(
            method, input, expected, start, counters, before, after?, done,
        )
    })
}

/// Read-write reads from the file offset: every run starts at 0.
fn rewind(input: &InputFile) -> Result<()> {
    (&input.file)
        .seek(SeekFrom::Start(0))
        .with_context(|| format!("cannot rewind {}", input.path.display()))?;
    Ok(())
}

/// Where the three threads meet: `go` releases the transfer, `after` the
/// threads once their counters are read; `abort` skips the transfer.
struct Gates {
    go: Barrier,
    after: Barrier,
    abort: AtomicBool,
}

impl Gates {
    fn new() -> Gates {
        Gates {
            go: Barrier::new(3),
            after: Barrier::new(3),
            abort: AtomicBool::new(false),
        }
    }
}

/// The sending thread ("the broker"): reports its id, parks on `go`, runs
/// the method, shuts its side of the socket, reports, parks on `after`.
fn spawn_sender<'scope, 'env, O: Observer + Send>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    gates: &'env Gates,
    tx: mpsc::Sender<Event>,
    (method, input, opts, sock): (Method, &'env InputFile, &'env RunOptions<'env>, TcpStream),
    observer: &'env mut O,
) {
    scope.spawn(move || {
        if opts.pin {
            pin_to(0);
        }
        let _ = tx.send(Event::SenderReady(nix::unistd::gettid().as_raw()));
        gates.go.wait();
        let (result, cpu) = if gates.abort.load(Ordering::SeqCst) {
            (Ok(Tally::default()), Ok(CpuTime::default()))
        } else {
            let cpu0 = CpuTime::of_this_thread();
            let transfer = Transfer {
                file: &input.file,
                size: input.size,
                socket: sock.as_fd(),
                buffer_bytes: opts.buffer_bytes,
                progress: opts.progress,
            };
            let result = methods::run(method, &transfer, observer);
            let cpu1 = CpuTime::of_this_thread();
            let cpu = match (cpu0, cpu1) {
                (Ok(a), Ok(b)) => Ok(b.since(&a)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            (result, cpu)
        };
        // End of stream for the receiver, whatever happened.
        let _ = sock.shutdown(Shutdown::Both);
        let _ = tx.send(Event::SenderDone(result, cpu));
        gates.after.wait();
        drop(sock);
    });
}

/// The receiving thread ("the consumer"): reports its id, parks on `go`,
/// drains the socket, reports, parks on `after`.
fn spawn_receiver<'scope, 'env>(
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
        let _ = tx.send(Event::ReceiverReady(nix::unistd::gettid().as_raw()));
        gates.go.wait();
        let report = if gates.abort.load(Ordering::SeqCst) {
            Err(anyhow!("the run was aborted before the transfer"))
        } else {
            receive(sock, opts, watch, &mut buf)
        };
        let _ = tx.send(Event::ReceiverDone(report));
        gates.after.wait();
    });
}

/// Pins the calling thread to the `index`-th CPU it may use (wrapping
/// round on a machine with fewer).
fn pin_to(index: usize) {
    let cpus = crate::cpus::allowed();
    if let Some(&cpu) = cpus.get(index % cpus.len().max(1)) {
        crate::cpus::pin_this_thread(cpu);
    }
}

/// The thread ids of (sender, receiver), once both have reported.
fn wait_ready(rx: &mpsc::Receiver<Event>) -> Result<(i32, i32)> {
    let mut tids = (None, None);
    loop {
        match (tids.0, tids.1) {
            (Some(s), Some(r)) => return Ok((s, r)),
            _ => match rx.recv() {
                Ok(Event::SenderReady(t)) => tids.0 = Some(t),
                Ok(Event::ReceiverReady(t)) => tids.1 = Some(t),
                Ok(_) => {}
                Err(_) => return Err(anyhow!("a transfer thread ended before it started")),
            },
        }
    }
}

type Pair<T> = (T, T);

/// Opens both threads' counters and reads them (both threads parked).
fn snapshot_both(tids: (i32, i32)) -> Result<(Pair<ThreadCounters>, Pair<Snapshot>)> {
    let s = ThreadCounters::open(tids.0)?;
    let r = ThreadCounters::open(tids.1)?;
    let sb = s.snapshot()?;
    let rb = r.snapshot()?;
    Ok(((s, r), (sb, rb)))
}

/// What the two threads reported at the end.
struct Done {
    sender: Option<(Result<Tally, methods::TransferError>, Result<CpuTime>)>,
    receiver: Option<Result<ReceiverReport>>,
    /// The watch called the transfer off: bytes sent by then, and which
    /// threads had finished.
    stall: Option<(u64, (bool, bool))>,
}

impl Done {
    fn flags(&self) -> (u64, (bool, bool)) {
        self.stall.unwrap_or_default()
    }
}

/// Waits for both threads' reports, calling `on_wait` every 100 ms and
/// asking the watch whether the transfer has stalled.
fn wait_done(
    rx: &mpsc::Receiver<Event>,
    on_wait: &mut dyn FnMut(),
    watch: &TransferWatch,
    progress: &AtomicU64,
) -> Done {
    let mut done = Done {
        sender: None,
        receiver: None,
        stall: None,
    };
    while done.sender.is_none() || done.receiver.is_none() {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Event::SenderDone(result, cpu)) => done.sender = Some((result, cpu)),
            Ok(Event::ReceiverDone(report)) => done.receiver = Some(report),
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {
                on_wait();
                let sent = progress.load(Ordering::Relaxed);
                if done.stall.is_none() && watch.stalled(sent) {
                    let finished = (done.sender.is_some(), done.receiver.is_some());
                    done.stall = Some((sent, finished));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    done
}

/// Checks the reports and the file, and puts the run's figures together.
#[allow(clippy::too_many_arguments)]
fn outcome(
    method: Method,
    input: &InputFile,
    expected: Expected,
    start: Instant,
    counters: Pair<ThreadCounters>,
    before: Pair<Snapshot>,
    after: Pair<Snapshot>,
    done: Done,
) -> Result<RunOutcome> {
    let path = input.path.display();
    let (sent, sender_cpu) = done
        .sender
        .ok_or_else(|| anyhow!("the sending thread ended without a report"))?;
    let report = done
        .receiver
        .ok_or_else(|| anyhow!("the receiving thread ended without a report"))?;
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
                counters.0.tid()
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
    let verified =
        !tally.stopped_early && report.bytes == expected.bytes && report.crc32 == expected.crc32;
    Ok(RunOutcome {
        method,
        tally,
        sender: after.0.since(&before.0),
        receiver: after.1.since(&before.1),
        sender_cpu,
        receiver_cpu: report.cpu,
        elapsed: report.end.saturating_duration_since(start),
        received_bytes: report.bytes,
        received_crc32: report.crc32,
        receiver_check: report.check,
        receiver_reads: report.reads,
        verified,
        sender_tid: counters.0.tid(),
        resident_before: None,
    })
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
/// (crc32fast, about 29 GB/s here). That time is measured and reported
/// apart ([`RunOutcome::receiver_check`]).
fn receive(
    sock: TcpStream,
    opts: &RunOptions<'_>,
    watch: &TransferWatch,
    buf: &mut [u8],
) -> Result<ReceiverReport> {
    let (close_after, stall_after) = (
        opts.faults.receiver_close_after,
        opts.faults.receiver_stall_after,
    );
    let mut hasher = crc32fast::Hasher::new();
    let mut check = Duration::ZERO;
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
                let t0 = Instant::now();
                hasher.update(&buf[..n]);
                check += t0.elapsed();
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(anyhow!("the receiver's read() failed: {e}")),
        }
    }
    let end = Instant::now();
    Ok(ReceiverReport {
        bytes,
        crc32: hasher.finalize(),
        check,
        reads,
        cpu: CpuTime::of_this_thread()?.since(&cpu0),
        end,
    })
}

/// Says what stalled, once `watch` has called the run off.
fn stall_error(
    watch: &TransferWatch,
    (sent, (sender_done, receiver_done)): (u64, (bool, bool)),
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
