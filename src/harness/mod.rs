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

use anyhow::Result;

use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::error::{ContextT, fail_t};
use crate::input::InputFile;
use crate::loopback::{self, TransferWatch};
use crate::methods::{self, Method, Observer, Tally, Transfer};
use crate::text::run as t;

mod outcome;
mod receiver;

use outcome::outcome;
pub use outcome::{Expected, NoThroughput, RunOutcome, digest_file};
use receiver::{ReceiverReport, spawn_receiver};

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

enum Event {
    SenderReady(i32),
    ReceiverReady(i32),
    SenderDone(Result<Tally, methods::TransferError>, Result<CpuTime>),
    ReceiverDone(Result<ReceiverReport>),
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
    let (sender_sock, receiver_sock) = loopback::connected_pair(t::LOOPBACK_TRANSFER)?;
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
            .map_err(crate::error::copy)
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
        .context_t(t::REWIND, &[("path", &input.path.display())])?;
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
                Err(_) => return Err(fail_t(t::THREAD_ENDED_EARLY, &[])),
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

/// Says what stalled, once `watch` has called the run off.
fn stall_error(
    watch: &TransferWatch,
    (sent, (sender_done, receiver_done)): (u64, (bool, bool)),
    size: u64,
    method: Method,
) -> anyhow::Error {
    let received = watch.received();
    let secs = watch.limit().as_secs();
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("method", &method.name()),
        ("secs", &secs),
        ("sent", &sent),
        ("size", &size),
        ("received", &received),
    ];
    if !sender_done {
        fail_t(t::STALL_SENDER, &args)
    } else if !receiver_done {
        fail_t(t::STALL_RECEIVER, &args)
    } else {
        fail_t(t::STALL_NOTHING, &args)
    }
}
