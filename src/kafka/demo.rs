//! `zclab kafka`: the article's workflow on this machine, as plain values.
//!
//! Produce → page cache → fetch, both ways: the broker runs in this
//! process, the built-in producer appends genuine batches, `mincore(2)`
//! says how much of the segment is resident, and the built-in consumer
//! fetches everything once per method per run (alternating), checking
//! every batch. The broker's per-fetch events are the measurement.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::broker::{Broker, Config, Event, FetchCalls, MAX_FRAME_BYTES};
use super::client::Client;
use super::segment::Generator;
use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::error::{ContextT, fail_t};
use crate::methods::Method;
use crate::text::kafka as t;

/// The topic the demo produces to.
pub const TOPIC: &str = "demo";
/// The consumer's max bytes per fetch: Kafka's `max.partition.fetch.bytes`
/// default (1 MiB).
pub const FETCH_BYTES: i32 = 1 << 20;
/// Bytes per Produce request: 64 batches of 16 KiB.
const PRODUCE_BYTES: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub size: u64,
    pub runs: u32,
    pub buffer_bytes: usize,
    pub log_dir: PathBuf,
}

/// What the producer did.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Produced {
    pub bytes: u64,
    pub batches: u64,
    pub records: u64,
    pub requests: u64,
    pub elapsed: Duration,
}

/// One fetch pass: everything from offset 0 to the end, one method.
#[derive(Clone, Debug, Serialize)]
pub struct Pass {
    pub method: Method,
    pub fetches: u64,
    pub record_bytes: u64,
    pub records: u64,
    pub crc_failures: u64,
    pub offset_gaps: u64,
    /// The consumer's wall time for the whole pass.
    pub elapsed: Duration,
    /// Sums over the pass's fetches, as the broker counted them.
    pub calls: FetchCalls,
    /// The serving thread's `/proc` deltas across the whole pass (its
    /// requests included: they are read with `recvfrom`, which `/proc/…/io`
    /// does not count).
    pub proc: Snapshot,
    /// The serving thread's CPU time during the sends, summed over the
    /// fetches (getrusage RUSAGE_THREAD, tick-sampled).
    pub cpu: CpuTime,
    pub send_time: Duration,
    /// The built-in consumer's CPU time, its verifying thread's included
    /// (getrusage RUSAGE_THREAD), in µs.
    pub consumer_cpu_us: u64,
}

impl Pass {
    pub fn verified(&self, produced: &Produced) -> bool {
        self.crc_failures == 0
            && self.offset_gaps == 0
            && self.records == produced.records
            && self.record_bytes == produced.bytes
    }
    /// The serving thread's time on a CPU over the pass, in µs: schedstat's
    /// `sum_exec_runtime` (ns, exact), else `getrusage` during the sends
    /// (tick-sampled, often 0 for a send of a millisecond).
    pub fn cpu_us(&self) -> u64 {
        if self.proc.sum_exec_runtime > 0 {
            self.proc.sum_exec_runtime / 1000
        } else {
            self.cpu.total_us()
        }
    }
    pub fn mib_s(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s <= 0.0 {
            0.0
        } else {
            self.record_bytes as f64 / (1 << 20) as f64 / s
        }
    }
}

/// Everything the demo measured.
#[derive(Clone, Debug, Serialize)]
pub struct DemoResult {
    pub segment: PathBuf,
    pub produced: Produced,
    /// Bytes of the segment in the page cache after producing (mincore),
    /// `None` when the kernel would not say.
    pub resident: Option<u64>,
    pub passes: Vec<Pass>,
    pub buffer_bytes: usize,
}

impl DemoResult {
    /// The median pass of `method` by throughput.
    pub fn median(&self, method: Method) -> Option<&Pass> {
        let mut v: Vec<&Pass> = self.passes.iter().filter(|p| p.method == method).collect();
        v.sort_by(|a, b| a.mib_s().total_cmp(&b.mib_s()));
        v.get(v.len() / 2).copied()
    }
    pub fn verified(&self) -> bool {
        !self.passes.is_empty() && self.passes.iter().all(|p| p.verified(&self.produced))
    }
}

/// Progress of the demo, for a bar or a line on stderr.
pub trait Progress {
    fn producing(&mut self, done: u64, total: u64);
    fn fetching(&mut self, method: Method, run: u32);
}

/// The broker with the demo's topic produced and in the page cache, ready
/// for fetch passes (the demo runs them; so does `benches/kafka.rs`).
pub struct Session {
    broker: Broker,
    events: Receiver<Event>,
    pub produced: Produced,
    pub segment: PathBuf,
    /// Bytes of the segment in the page cache after producing (mincore).
    pub resident: Option<u64>,
    timeout: Duration,
}

impl Session {
    /// Starts the broker on a free port and produces `opts.size` bytes to
    /// [`TOPIC`] with the built-in producer.
    /// `stop` (Ctrl-C) stops the producer and the broker.
    pub fn start(
        opts: &DemoOptions,
        stop: &Arc<AtomicBool>,
        progress: &mut dyn Progress,
    ) -> Result<Session> {
        let config = Config {
            port: 0,
            log_dir: opts.log_dir.clone(),
            method: Method::Sendfile,
            buffer_bytes: opts.buffer_bytes,
            max_frame_bytes: MAX_FRAME_BYTES,
            // Each pass reads the serving thread's /proc counters once
            // before and once after (see `pass`): reading them around every
            // fetch would put two round trips to the counter thread on the
            // path of every fetch.
            proc_counters: false,
        };
        let (broker, events) = Broker::start(config, Arc::clone(stop))?;
        let timeout = Duration::from_secs(30);
        let produced = produce(&broker, opts.size, stop, progress, timeout)?;
        drain(&events);
        let segment = broker
            .segment_path(TOPIC)
            .ok_or_else(|| fail_t(t::DEMO_NO_SEGMENT, &[]))?;
        let resident = resident(&segment);
        Ok(Session {
            broker,
            events,
            produced,
            segment,
            resident,
            timeout,
        })
    }

    /// Where the broker listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.broker.addr
    }

    /// Serves the next fetches (of any client) with `method`.
    pub fn set_method(&self, method: Method) {
        self.broker.set_method(method);
    }

    /// Fetches the whole topic once with the built-in consumer, served
    /// with `method`, and sums what the broker counted.
    pub fn pass(&self, method: Method) -> Result<Pass> {
        self.broker.set_method(method);
        pass(&self.broker, &self.events, method, self.timeout)
    }

    /// Stops the broker.
    pub fn finish(self) {
        self.broker.shutdown();
    }
}

/// Runs the whole demo. `stop` ends it early (Ctrl-C).
pub fn run(
    opts: &DemoOptions,
    stop: Arc<AtomicBool>,
    progress: &mut dyn Progress,
) -> Result<DemoResult> {
    let session = Session::start(opts, &stop, progress)?;
    let mut passes = Vec::new();
    for run in 0..opts.runs {
        // Alternate which method goes first, so neither always runs on a
        // cache the other warmed.
        let order = if run % 2 == 0 {
            [Method::Sendfile, Method::ReadWrite]
        } else {
            [Method::ReadWrite, Method::Sendfile]
        };
        for method in order {
            if stop.load(Ordering::SeqCst) {
                return Err(fail_t(t::DEMO_STOPPED, &[]));
            }
            progress.fetching(method, run);
            passes.push(session.pass(method)?);
        }
    }
    let (segment, produced, resident) =
        (session.segment.clone(), session.produced, session.resident);
    session.finish();
    Ok(DemoResult {
        segment,
        produced,
        resident,
        passes,
        buffer_bytes: opts.buffer_bytes,
    })
}

/// Produces `size` bytes of generated batches to [`TOPIC`], 1 MiB per
/// Produce request.
fn produce(
    broker: &Broker,
    size: u64,
    stop: &AtomicBool,
    progress: &mut dyn Progress,
    timeout: Duration,
) -> Result<Produced> {
    let mut producer = Client::connect(broker.addr, timeout)?;
    producer.api_versions()?;
    let mut g = Generator::new();
    let mut produced = Produced::default();
    let t0 = Instant::now();
    let mut request = Vec::with_capacity(PRODUCE_BYTES);
    while produced.bytes < size {
        if stop.load(Ordering::SeqCst) {
            return Err(fail_t(t::DEMO_STOPPED, &[]));
        }
        request.clear();
        while request.len() < PRODUCE_BYTES && produced.bytes + (request.len() as u64) < size {
            let left = size - produced.bytes - request.len() as u64;
            let b = g.batch(super::segment::next_batch_size(left));
            let h = super::batch::BatchHeader::parse(&b)
                .map_err(|e| e.localized())
                .context_t(t::DEMO_BAD_BATCH, &[])?;
            produced.batches += 1;
            produced.records += h.records_count as u64;
            request.extend_from_slice(&b);
        }
        producer.produce(TOPIC, &request)?;
        produced.requests += 1;
        produced.bytes += request.len() as u64;
        progress.producing(produced.bytes, size);
    }
    produced.elapsed = t0.elapsed();
    Ok(produced)
}

fn drain(events: &Receiver<Event>) {
    while events.try_recv().is_ok() {}
}

fn resident(path: &Path) -> Option<u64> {
    let f = std::fs::File::open(path).ok()?;
    let size = f.metadata().ok()?.len();
    crate::cache::resident_bytes(&f, size).ok().flatten()
}

/// The thread serving the client at `addr`, once the broker reports it.
fn serving_thread(events: &Receiver<Event>, addr: &str, timeout: Duration) -> Result<i32> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Connected { client, tid }) if client == addr => return Ok(tid),
            Ok(_) => {}
            Err(_) => return Err(fail_t(t::DEMO_NO_CONNECTION, &[])),
        }
    }
}

/// One pass. The serving thread's `/proc` counters are read (by this
/// thread, while the serving thread waits for a request) before the first
/// fetch and after the last: the pass's syscr/syscw, rchar/wchar and CPU
/// time are the whole connection's, requests included.
fn pass(
    broker: &Broker,
    events: &Receiver<Event>,
    method: Method,
    timeout: Duration,
) -> Result<Pass> {
    drain(events);
    let mut consumer = Client::connect(broker.addr, timeout)?;
    let tid = serving_thread(events, &consumer.local_addr()?.to_string(), timeout)?;
    let counters = ThreadCounters::open(tid)?;
    let before = counters.snapshot()?;
    let t0 = Instant::now();
    let c = consumer.consume_all(TOPIC, FETCH_BYTES)?;
    let elapsed = t0.elapsed();
    let mut p = Pass {
        method,
        fetches: c.fetches,
        record_bytes: c.record_bytes,
        records: c.records,
        crc_failures: c.crc_failures,
        offset_gaps: c.offset_gaps,
        elapsed,
        calls: FetchCalls::default(),
        proc: Snapshot::default(),
        cpu: CpuTime::default(),
        send_time: Duration::ZERO,
        consumer_cpu_us: c.consumer_cpu_us,
    };
    // The broker reports each fetch right after sending it; wait for all.
    let mut seen = 0;
    while seen < c.fetches {
        match events.recv_timeout(timeout) {
            Ok(Event::Fetch(f)) => {
                seen += 1;
                if f.method != method {
                    return Err(fail_t(
                        t::DEMO_WRONG_METHOD,
                        &[("served", &f.method.name()), ("method", &method.name())],
                    ));
                }
                add_calls(&mut p.calls, &f.calls);
                p.cpu.user_us += f.cpu.user_us;
                p.cpu.sys_us += f.cpu.sys_us;
                p.send_time += f.send_time;
            }
            Ok(_) => {}
            Err(_) => {
                return Err(fail_t(
                    t::DEMO_FETCHES_MISSING,
                    &[("n", &(c.fetches - seen))],
                ));
            }
        }
    }
    // The serving thread is back waiting for a request (snapshot waits
    // until it is off the CPU).
    p.proc = counters.snapshot()?.since(&before);
    Ok(p)
}

fn add_calls(a: &mut FetchCalls, b: &FetchCalls) {
    a.header_writes += b.header_writes;
    a.header_bytes += b.header_bytes;
    a.lseeks += b.lseeks;
    let (x, y) = (&mut a.records, &b.records);
    x.read += y.read;
    x.write += y.write;
    x.sendfile += y.sendfile;
    x.short_writes += y.short_writes;
    x.interrupted += y.interrupted;
    x.bytes_into_user += y.bytes_into_user;
    x.bytes_out_of_user += y.bytes_out_of_user;
    x.bytes_sent += y.bytes_sent;
}
