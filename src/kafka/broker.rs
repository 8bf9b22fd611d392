//! The broker: a TCP listener on 127.0.0.1, one thread per connection,
//! requests answered in order.
//!
//! A Fetch is served the way Kafka serves it (`FileRecords.writeTo` →
//! `FileChannel.transferTo` → `sendfile(2)`): the response header is built
//! in memory and written with `write(2)`, then each partition's record
//! batches go from the segment file to the socket with `sendfile(2)`, never
//! entering user space. With [`Method::ReadWrite`] the same bytes go the
//! traditional way, `read(2)` into a buffer and `write(2)` out. Every call
//! passes through an [`Observer`] that counts it, and the connection
//! thread's `/proc` counters are read around each fetch by another thread
//! (a thread reading its own `/proc` files would count those reads).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use nix::errno::Errno;
use serde::Serialize;

use super::log::{Log, Slice};
use super::wire::{self, Refusal, Request, Writer};
use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::methods::{Call, Flow, Method, Observer, Tally};

/// Kafka's `socket.request.max.bytes` default: a bigger frame is refused
/// and its connection closed.
pub const MAX_FRAME_BYTES: usize = 100 * 1024 * 1024;
/// How long a write to a client may block before the connection is
/// dropped (a client that stopped reading).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often blocked threads look at the stop flag.
const TICK: Duration = Duration::from_millis(100);

/// How the broker runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub log_dir: PathBuf,
    pub method: Method,
    /// read-write's user buffer.
    pub buffer_bytes: usize,
    pub max_frame_bytes: usize,
    /// Read the serving thread's `/proc` counters around each fetch.
    pub proc_counters: bool,
}

/// The system calls one fetch made, and what they moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FetchCalls {
    /// `write(2)` calls of the response header (and of any bytes between
    /// two partitions' records), from memory.
    pub header_writes: u64,
    pub header_bytes: u64,
    /// `lseek(2)` calls (read-write only, when the next fetch does not
    /// start where the last one ended).
    pub lseeks: u64,
    /// The record bytes' own calls: `sendfile`, or `read` + `write`.
    pub records: Tally,
}

impl FetchCalls {
    pub fn syscalls(&self) -> u64 {
        self.header_writes + self.lseeks + self.records.syscalls()
    }
}

/// One fetch, as the broker served it.
#[derive(Clone, Debug, Serialize)]
pub struct FetchEvent {
    pub client: String,
    pub client_id: String,
    pub method: Method,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// Partitions asked for besides the first.
    pub other_partitions: usize,
    pub record_bytes: u64,
    pub high_watermark: i64,
    pub calls: FetchCalls,
    /// `/proc` deltas of the serving thread across the send (not the wait).
    pub proc: Option<Snapshot>,
    pub cpu: CpuTime,
    /// Time the request waited for data (long poll).
    pub waited: Duration,
    /// Time of the send itself.
    pub send_time: Duration,
    pub tid: i32,
}

/// What the broker reports as it works.
#[derive(Clone, Debug)]
pub enum Event {
    Fetch(Box<FetchEvent>),
    Produce {
        client: String,
        topic: String,
        bytes: u64,
        base_offset: i64,
        records: u64,
    },
    /// A frame refused, and why; the connection was closed unless said.
    Refused {
        client: String,
        why: String,
        closed: bool,
    },
    Warning(String),
}

/// The log shared by the connections, and its "data arrived" signal.
struct Shared {
    log: Mutex<Log>,
    arrived: Condvar,
    stop: Arc<AtomicBool>,
    method: AtomicU8,
    config: Config,
    addr: SocketAddr,
    events: Sender<Event>,
    counters: Option<Sender<(i32, Sender<Result<Snapshot>>)>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Log> {
        // A connection thread that panicked must not stop the others.
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn method(&self) -> Method {
        if self.method.load(Ordering::Relaxed) == 1 {
            Method::ReadWrite
        } else {
            Method::Sendfile
        }
    }
    fn emit(&self, e: Event) {
        let _ = self.events.send(e);
    }
}

/// A running broker.
pub struct Broker {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    counters: Option<JoinHandle<()>>,
}

impl Broker {
    /// Opens the log, binds 127.0.0.1:port and starts serving. Events go
    /// to the returned receiver.
    pub fn start(config: Config, stop: Arc<AtomicBool>) -> Result<(Broker, Receiver<Event>)> {
        let (log, warnings) = Log::open(&config.log_dir)?;
        let listener = TcpListener::bind(("127.0.0.1", config.port)).map_err(|e| {
            if e.kind() == io::ErrorKind::AddrInUse {
                crate::error::input(format!(
                    "port {} on 127.0.0.1 is in use; choose another with --port",
                    config.port
                ))
            } else {
                anyhow::Error::new(e).context(format!("cannot listen on 127.0.0.1:{}", config.port))
            }
        })?;
        listener
            .set_nonblocking(true)
            .context("cannot make the listener non-blocking")?;
        let addr = listener
            .local_addr()
            .context("cannot read the listening address")?;
        let (events, rx) = mpsc::channel();
        for w in warnings {
            let _ = events.send(Event::Warning(w));
        }
        let (counters, counter_thread) = if config.proc_counters {
            let (tx, rx) = mpsc::channel::<(i32, Sender<Result<Snapshot>>)>();
            let h = std::thread::Builder::new()
                .name("zclab-counters".into())
                .spawn(move || {
                    let mut open: HashMap<i32, ThreadCounters> = HashMap::new();
                    while let Ok((tid, reply)) = rx.recv() {
                        let snap = match open.entry(tid) {
                            std::collections::hash_map::Entry::Occupied(e) => e.get().snapshot(),
                            std::collections::hash_map::Entry::Vacant(v) => {
                                ThreadCounters::open(tid).and_then(|c| v.insert(c).snapshot())
                            }
                        };
                        let _ = reply.send(snap);
                    }
                })
                .context("cannot start the counter thread")?;
            (Some(tx), Some(h))
        } else {
            (None, None)
        };
        let method = AtomicU8::new(if config.method == Method::ReadWrite {
            1
        } else {
            0
        });
        let shared = Arc::new(Shared {
            log: Mutex::new(log),
            arrived: Condvar::new(),
            stop,
            method,
            config,
            addr,
            events,
            counters,
        });
        let s = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("zclab-accept".into())
            .spawn(move || accept_loop(listener, s))
            .context("cannot start the accept thread")?;
        Ok((
            Broker {
                addr,
                shared,
                accept: Some(accept),
                counters: counter_thread,
            },
            rx,
        ))
    }

    /// Serves the next fetches with `method`.
    pub fn set_method(&self, method: Method) {
        let v = if method == Method::ReadWrite { 1 } else { 0 };
        self.shared.method.store(v, Ordering::Relaxed);
    }

    /// Path of a topic's segment, if the topic exists.
    pub fn segment_path(&self, topic: &str) -> Option<PathBuf> {
        self.shared.lock().topics.get(topic).map(|p| p.path.clone())
    }

    /// Stops accepting, lets every connection end, and waits for them.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.arrived.notify_all();
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        // The counter thread ends when the last sender is gone: the
        // connections hold clones through `shared`.
        let _ = self.counters.take();
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut conns: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, peer)) => {
                let s = Arc::clone(&shared);
                match std::thread::Builder::new()
                    .name(format!("zclab-conn-{peer}"))
                    .spawn(move || Connection::new(stream, peer, s).serve())
                {
                    Ok(h) => conns.push(h),
                    Err(e) => shared.emit(Event::Warning(format!(
                        "cannot start a thread for {peer}: {e}; connection dropped"
                    ))),
                }
                conns.retain(|h| !h.is_finished());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(TICK / 4),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                shared.emit(Event::Warning(format!("accept failed: {e}")));
                std::thread::sleep(TICK);
            }
        }
    }
    for h in conns {
        let _ = h.join();
    }
}

/// Counts the calls of one fetch's send, as the methods' observers do.
#[derive(Default)]
struct Counting {
    calls: FetchCalls,
    in_header: bool,
}

impl Observer for Counting {
    fn before(&mut self, _call: &Call) {}
    fn after(&mut self, call: &Call, result: Result<usize, Errno>) -> Flow {
        let n = result.unwrap_or(0) as u64;
        let t = &mut self.calls.records;
        match call {
            Call::Write { .. } if self.in_header => {
                self.calls.header_writes += 1;
                self.calls.header_bytes += n;
            }
            Call::Write { .. } => {
                t.write += 1;
                t.bytes_out_of_user += n;
                t.bytes_sent += n;
            }
            Call::Read { .. } => {
                t.read += 1;
                t.bytes_into_user += n;
            }
            Call::Sendfile { .. } => {
                t.sendfile += 1;
                t.bytes_sent += n;
            }
            // The broker serves with read-write or sendfile only.
            _ => {}
        }
        if result == Err(Errno::EINTR) {
            t.interrupted += 1;
        }
        Flow::Continue
    }
}

/// A produced partition: topic, partition, and where its records sit in
/// the frame (start, length).
type ProducedPart = (String, i32, Option<(usize, usize)>);

/// A response part: bytes from memory, or records from a segment.
enum Part {
    Mem(Vec<u8>),
    Records(Slice),
}

struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    client_id: String,
    /// read-write's own file handles, and where each one's position is.
    files: HashMap<PathBuf, (File, u64)>,
    buf: Vec<u8>,
    tid: i32,
}

impl Connection {
    fn new(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) -> Connection {
        Connection {
            stream,
            peer,
            shared,
            client_id: String::new(),
            files: HashMap::new(),
            buf: Vec::new(),
            tid: nix::unistd::gettid().as_raw(),
        }
    }

    fn client(&self) -> String {
        if self.client_id.is_empty() {
            self.peer.to_string()
        } else {
            format!("{} ({})", self.peer, self.client_id)
        }
    }

    fn refuse(&self, why: String, closed: bool) {
        self.shared.emit(Event::Refused {
            client: self.client(),
            why,
            closed,
        });
    }

    fn serve(mut self) {
        let _ = self.stream.set_nonblocking(false);
        let _ = self.stream.set_read_timeout(Some(TICK));
        let _ = self.stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = self.stream.set_nodelay(true);
        let mut frame = Vec::new();
        loop {
            let mut len = [0u8; 4];
            match self.read_full(&mut len, true) {
                Ok(true) => {}
                Ok(false) => return, // closed between requests, or stopping
                Err(e) => {
                    self.refuse(format!("connection error: {e}"), true);
                    return;
                }
            }
            let size = i32::from_be_bytes(len);
            if size < 0 || size as usize > self.shared.config.max_frame_bytes {
                self.refuse(
                    format!(
                        "frame of {size} bytes refused (limit {} bytes, like Kafka's socket.request.max.bytes)",
                        self.shared.config.max_frame_bytes
                    ),
                    true,
                );
                return;
            }
            // Grow as the bytes arrive, so a lying length costs no memory.
            frame.clear();
            let mut left = size as usize;
            while left > 0 {
                let chunk = left.min(1 << 20);
                let at = frame.len();
                frame.resize(at + chunk, 0);
                match self.read_full(&mut frame[at..], false) {
                    Ok(true) => left -= chunk,
                    Ok(false) => return,
                    Err(e) => {
                        self.refuse(
                            format!("truncated frame: {e} after {at} of {size} bytes"),
                            true,
                        );
                        return;
                    }
                }
            }
            match self.handle(&mut frame) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    self.refuse(format!("{e:#}"), true);
                    return;
                }
            }
        }
    }

    /// Fills `buf`. `Ok(false)`: the peer closed before the first byte (when
    /// `at_boundary`) or the broker is stopping.
    fn read_full(&mut self, buf: &mut [u8], at_boundary: bool) -> io::Result<bool> {
        let mut got = 0;
        while got < buf.len() {
            if self.shared.stop.load(Ordering::SeqCst) {
                return Ok(false);
            }
            match self.stream.read(&mut buf[got..]) {
                Ok(0) if got == 0 && at_boundary => return Ok(false),
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the client closed the connection mid-frame",
                    ));
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset && got == 0 && at_boundary => {
                    return Ok(false);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    fn write_all_mem(&mut self, bytes: &[u8], obs: &mut Counting) -> Result<()> {
        let mut done = 0;
        while done < bytes.len() {
            let call = Call::Write {
                fd: self.stream.as_raw_fd(),
                len: bytes.len() - done,
            };
            obs.before(&call);
            let r = nix::unistd::write(self.stream.as_fd(), &bytes[done..]);
            obs.after(&call, r);
            match r {
                Ok(0) => return Err(anyhow!("write() to the client returned 0")),
                Ok(n) => done += n,
                Err(Errno::EINTR) => {}
                Err(e) => return Err(anyhow!("write() to the client failed: {e}")),
            }
        }
        Ok(())
    }

    /// Serves one frame. `Ok(false)` closes the connection.
    fn handle(&mut self, frame: &mut [u8]) -> Result<bool> {
        let (header, request) = match wire::decode(frame) {
            Ok(x) => x,
            Err(Refusal::ApiVersionsFallback { correlation_id }) => {
                let body = wire::api_versions_response(0, wire::UNSUPPORTED_VERSION);
                let mut obs = Counting::default();
                self.write_all_mem(&wire::frame(correlation_id, &body), &mut obs)?;
                return Ok(true);
            }
            Err(Refusal::Close(why)) => {
                self.refuse(why, true);
                return Ok(false);
            }
        };
        if let Some(id) = &header.client_id
            && self.client_id.is_empty()
        {
            self.client_id = id.chars().take(64).collect();
        }
        let v = header.api_version;
        let corr = header.correlation_id;
        let body = match request {
            Request::ApiVersions => wire::api_versions_response(v, wire::NONE),
            Request::Metadata(m) => self.metadata(v, m)?,
            Request::InitProducerId => {
                let mut w = Writer::default();
                w.i32(0).i16(wire::NONE).i64(1).i16(0);
                w.buf
            }
            Request::ListOffsets(topics) => self.list_offsets(v, topics),
            Request::Produce(p) => {
                let acks = p.acks;
                // Where each partition's records sit in the frame, so the
                // offsets can be written in place once the borrow ends.
                let base = frame.as_ptr() as usize;
                let parts: Vec<ProducedPart> = p
                    .topics
                    .iter()
                    .flat_map(|t| {
                        t.partitions.iter().map(move |pp| {
                            (
                                t.name.clone(),
                                pp.index,
                                pp.records.map(|r| (r.as_ptr() as usize - base, r.len())),
                            )
                        })
                    })
                    .collect();
                let body = self.produce(v, frame, parts);
                if acks == 0 {
                    return Ok(true);
                }
                body
            }
            Request::Fetch(f) => {
                self.fetch(v, corr, f)?;
                return Ok(true);
            }
        };
        let mut obs = Counting::default();
        self.write_all_mem(&wire::frame(corr, &body), &mut obs)?;
        Ok(true)
    }

    fn metadata(&mut self, v: i16, m: wire::MetadataRequest) -> Result<Vec<u8>> {
        let mut log = self.shared.lock();
        let names: Vec<(String, i16)> = match m.topics {
            None => log.topics.keys().map(|k| (k.clone(), wire::NONE)).collect(),
            Some(list) => {
                let mut out = Vec::new();
                for name in list {
                    let err = if !super::log::valid_topic(&name) {
                        wire::INVALID_TOPIC_EXCEPTION
                    } else if log.topic(&name, m.allow_auto_topic_creation)?.is_some() {
                        wire::NONE
                    } else {
                        wire::UNKNOWN_TOPIC_OR_PARTITION
                    };
                    out.push((name, err));
                }
                out
            }
        };
        drop(log);
        let mut w = Writer::default();
        if v >= 3 {
            w.i32(0); // throttle_time_ms
        }
        w.array_len(1)
            .i32(0)
            .string("127.0.0.1")
            .i32(self.shared.addr.port() as i32);
        if v >= 1 {
            w.nullable_string(None); // rack
        }
        if v >= 2 {
            w.nullable_string(Some("zclab"));
        }
        if v >= 1 {
            w.i32(0); // controller_id
        }
        w.array_len(names.len());
        for (name, err) in &names {
            w.i16(*err).string(name);
            if v >= 1 {
                w.bool(false); // is_internal
            }
            if *err == wire::NONE {
                w.array_len(1).i16(wire::NONE).i32(0).i32(0);
                if v >= 7 {
                    w.i32(0); // leader_epoch
                }
                w.array_len(1).i32(0); // replicas
                w.array_len(1).i32(0); // isr
                if v >= 5 {
                    w.array_len(0); // offline replicas
                }
            } else {
                w.array_len(0);
            }
            if v >= 8 {
                w.i32(i32::MIN); // topic_authorized_operations
            }
        }
        if v >= 8 {
            w.i32(i32::MIN); // cluster_authorized_operations
        }
        Ok(w.buf)
    }

    fn list_offsets(&mut self, v: i16, topics: Vec<wire::ListOffsetsTopic>) -> Vec<u8> {
        let mut log = self.shared.lock();
        let mut w = Writer::default();
        if v >= 2 {
            w.i32(0);
        }
        w.array_len(topics.len());
        for t in &topics {
            w.string(&t.name).array_len(t.partitions.len());
            let part = log.topic(&t.name, false).ok().flatten();
            let answer = |p: &wire::ListOffsetsPartition| -> (i16, i64, i64) {
                match (&part, p.partition) {
                    (Some(part), 0) => match p.timestamp {
                        -2 => (wire::NONE, -1, 0),
                        -1 => (wire::NONE, -1, part.next_offset),
                        ts => match part.offset_for_time(ts) {
                            Some((off, t)) => (wire::NONE, t, off),
                            None => (wire::NONE, -1, -1),
                        },
                    },
                    _ => (wire::UNKNOWN_TOPIC_OR_PARTITION, -1, -1),
                }
            };
            for p in &t.partitions {
                let (err, ts, off) = answer(p);
                w.i32(p.partition).i16(err).i64(ts).i64(off);
                if v >= 4 {
                    w.i32(0); // leader_epoch
                }
            }
        }
        w.buf
    }

    fn produce(&mut self, v: i16, frame: &mut [u8], parts: Vec<ProducedPart>) -> Vec<u8> {
        let mut results: Vec<(String, i32, i16, i64)> = Vec::new();
        {
            let mut log = self.shared.lock();
            for (topic, index, range) in &parts {
                let (err, base) = match (log.topic(topic, true), index, range) {
                    (Ok(Some(p)), 0, Some((at, len))) => {
                        let bytes = &mut frame[*at..*at + *len];
                        match p.append(bytes) {
                            Ok(base) => {
                                let records = p.next_offset - base;
                                self.shared.emit(Event::Produce {
                                    client: self.client(),
                                    topic: topic.clone(),
                                    bytes: *len as u64,
                                    base_offset: base,
                                    records: records as u64,
                                });
                                (wire::NONE, base)
                            }
                            Err(e) => {
                                self.refuse(format!("produce to {topic}: {e}"), false);
                                (wire::CORRUPT_MESSAGE, -1)
                            }
                        }
                    }
                    (Ok(Some(_)), 0, None) => (wire::CORRUPT_MESSAGE, -1),
                    (Ok(None), _, _) => (wire::INVALID_TOPIC_EXCEPTION, -1),
                    _ => (wire::UNKNOWN_TOPIC_OR_PARTITION, -1),
                };
                results.push((topic.clone(), *index, err, base));
            }
        }
        self.shared.arrived.notify_all();
        // Group by topic, in request order.
        let mut order: Vec<String> = Vec::new();
        for (t, _, _, _) in &results {
            if !order.contains(t) {
                order.push(t.clone());
            }
        }
        let mut w = Writer::default();
        w.array_len(order.len());
        for t in &order {
            let ps: Vec<_> = results.iter().filter(|r| &r.0 == t).collect();
            w.string(t).array_len(ps.len());
            for (_, index, err, base) in ps {
                w.i32(*index).i16(*err).i64(*base).i64(-1);
                if v >= 5 {
                    w.i64(0); // log_start_offset
                }
                if v >= 8 {
                    w.array_len(0).nullable_string(None);
                }
            }
        }
        w.i32(0); // throttle_time_ms
        w.buf
    }

    fn fetch(&mut self, v: i16, corr: i32, f: wire::FetchRequest) -> Result<()> {
        let start = Instant::now();
        let deadline = start + Duration::from_millis(f.max_wait_ms.clamp(0, 30_000) as u64);
        let max_total = f.max_bytes.max(1) as u64;
        // Long poll: wait until min_bytes are there, max_wait_ms passes, or
        // the broker stops.
        let mut log = self.shared.lock();
        loop {
            let available: u64 = f
                .topics
                .iter()
                .flat_map(|t| t.partitions.iter().map(move |p| (t, p)))
                .map(|(t, p)| {
                    log.topics
                        .get(&t.topic)
                        .filter(|_| p.partition == 0)
                        .map(|part| part.bytes_after(p.fetch_offset))
                        .unwrap_or(0)
                })
                .sum();
            let now = Instant::now();
            if available >= f.min_bytes.max(0) as u64
                || now >= deadline
                || self.shared.stop.load(Ordering::SeqCst)
            {
                break;
            }
            let wait = (deadline - now).min(TICK);
            log = self
                .shared
                .arrived
                .wait_timeout(log, wait)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        let waited = start.elapsed();

        // Build the response: header parts from memory, records as slices.
        let mut parts: Vec<Part> = Vec::new();
        let mut w = Writer::default();
        w.i32(0); // frame length, set below
        w.i32(corr);
        w.i32(0); // throttle_time_ms
        if v >= 7 {
            w.i16(wire::NONE).i32(0); // error_code, session_id (no sessions)
        }
        w.array_len(f.topics.len());
        let mut total_records = 0u64;
        let mut first: Option<(String, i32, i64, i64)> = None;
        let mut count_partitions = 0usize;
        for t in &f.topics {
            w.string(&t.topic).array_len(t.partitions.len());
            for p in &t.partitions {
                count_partitions += 1;
                let part = log.topics.get(&t.topic).filter(|_| p.partition == 0);
                let budget = (p.partition_max_bytes.max(0) as u64)
                    .min(max_total.saturating_sub(total_records));
                let (err, hw, slice) = match part {
                    None => (wire::UNKNOWN_TOPIC_OR_PARTITION, -1, None),
                    Some(part) => {
                        let budget = if total_records == 0 {
                            budget.max(1)
                        } else {
                            budget
                        };
                        match part.slice(p.fetch_offset, budget) {
                            Ok(s) if budget > 0 || total_records == 0 => {
                                (wire::NONE, part.next_offset, s)
                            }
                            Ok(_) => (wire::NONE, part.next_offset, None),
                            Err(e) => (e, part.next_offset, None),
                        }
                    }
                };
                if first.is_none() {
                    first = Some((t.topic.clone(), p.partition, p.fetch_offset, hw));
                }
                let log_start = if hw >= 0 { 0 } else { -1 };
                w.i32(p.partition).i16(err).i64(hw);
                w.i64(hw); // last_stable_offset = high watermark
                if v >= 5 {
                    w.i64(log_start);
                }
                w.i32(-1); // aborted_transactions: null
                if v >= 11 {
                    w.i32(-1); // preferred_read_replica
                }
                let n = slice.as_ref().map(|s| s.bytes).unwrap_or(0);
                w.i32(n as i32);
                total_records += n;
                if let Some(s) = slice {
                    parts.push(Part::Mem(std::mem::take(&mut w.buf)));
                    parts.push(Part::Records(s));
                }
            }
        }
        drop(log);
        if !w.buf.is_empty() {
            parts.push(Part::Mem(w.buf));
        }
        let total: u64 = parts
            .iter()
            .map(|p| match p {
                Part::Mem(b) => b.len() as u64,
                Part::Records(s) => s.bytes,
            })
            .sum();
        if let Some(Part::Mem(head)) = parts.first_mut() {
            head[..4].copy_from_slice(&((total - 4) as i32).to_be_bytes());
        }

        // Send, counted.
        let method = self.shared.method();
        let before = self.proc_snapshot();
        let cpu0 = CpuTime::of_this_thread().unwrap_or_default();
        let t0 = Instant::now();
        let mut obs = Counting::default();
        for part in &parts {
            match part {
                Part::Mem(b) => {
                    obs.in_header = true;
                    self.write_all_mem(b, &mut obs)?;
                    obs.in_header = false;
                }
                Part::Records(s) => match method {
                    Method::Sendfile => self.send_sendfile(s, &mut obs)?,
                    // Only read-write reaches here besides sendfile
                    // (commands/kafka.rs refuses the other roads).
                    _ => self.send_read_write(s, &mut obs)?,
                },
            }
        }
        let send_time = t0.elapsed();
        let cpu = CpuTime::of_this_thread().unwrap_or_default().since(&cpu0);
        let after = self.proc_snapshot();
        let proc = match (before, after) {
            (Some(b), Some(a)) => Some(a.since(&b)),
            _ => None,
        };
        let (topic, partition, offset, hw) = first.unwrap_or_default();
        self.shared.emit(Event::Fetch(Box::new(FetchEvent {
            client: self.client(),
            client_id: self.client_id.clone(),
            method,
            topic,
            partition,
            offset,
            other_partitions: count_partitions.saturating_sub(1),
            record_bytes: total_records,
            high_watermark: hw,
            calls: obs.calls,
            proc,
            cpu,
            waited,
            send_time,
            tid: self.tid,
        })));
        Ok(())
    }

    fn proc_snapshot(&self) -> Option<Snapshot> {
        let tx = self.shared.counters.as_ref()?;
        let (reply, rx) = mpsc::channel();
        tx.send((self.tid, reply)).ok()?;
        rx.recv().ok()?.ok()
    }

    fn send_sendfile(&mut self, s: &Slice, obs: &mut Counting) -> Result<()> {
        let mut offset = s.position as nix::libc::off_t;
        let end = s.position + s.bytes;
        while (offset as u64) < end {
            let count = (end - offset as u64).min(crate::methods::sendfile::MAX_PER_CALL) as usize;
            let call = Call::Sendfile {
                out_fd: self.stream.as_raw_fd(),
                in_fd: s.file.as_raw_fd(),
                offset: offset as u64,
                count,
            };
            obs.before(&call);
            let r = nix::sys::sendfile::sendfile(
                self.stream.as_fd(),
                s.file.as_fd(),
                Some(&mut offset),
                count,
            );
            obs.after(&call, r);
            match r {
                Ok(0) => {
                    return Err(anyhow!(
                        "{} ended at byte {offset} while the index says {end}: was it changed by another program?",
                        s.path.display()
                    ));
                }
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(anyhow!("sendfile() to the client failed: {e}")),
            }
        }
        Ok(())
    }

    fn send_read_write(&mut self, s: &Slice, obs: &mut Counting) -> Result<()> {
        let buf_len = self.shared.config.buffer_bytes.max(1);
        if self.buf.len() != buf_len {
            self.buf = vec![0u8; buf_len];
        }
        if !self.files.contains_key(&s.path) {
            let f =
                File::open(&s.path).with_context(|| format!("cannot open {}", s.path.display()))?;
            self.files.insert(s.path.clone(), (f, 0));
        }
        let Some((file, pos)) = self.files.get_mut(&s.path) else {
            return Err(anyhow!("file handle vanished"));
        };
        if *pos != s.position {
            file.seek(SeekFrom::Start(s.position))
                .with_context(|| format!("cannot seek in {}", s.path.display()))?;
            obs.calls.lseeks += 1;
            *pos = s.position;
        }
        let mut left = s.bytes;
        while left > 0 {
            let want = (left as usize).min(self.buf.len());
            let call = Call::Read {
                fd: file.as_raw_fd(),
                len: want,
            };
            obs.before(&call);
            let r = nix::unistd::read(&*file, &mut self.buf[..want]);
            obs.after(&call, r);
            let n = match r {
                Ok(0) => {
                    return Err(anyhow!(
                        "{} ended early: was it changed by another program?",
                        s.path.display()
                    ));
                }
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(anyhow!("read() from {} failed: {e}", s.path.display())),
            };
            *pos += n as u64;
            left -= n as u64;
            let mut done = 0;
            while done < n {
                let call = Call::Write {
                    fd: self.stream.as_raw_fd(),
                    len: n - done,
                };
                obs.before(&call);
                let r = nix::unistd::write(self.stream.as_fd(), &self.buf[done..n]);
                obs.after(&call, r);
                match r {
                    Ok(0) => return Err(anyhow!("write() to the client returned 0")),
                    Ok(w) => done += w,
                    Err(Errno::EINTR) => {}
                    Err(e) => return Err(anyhow!("write() to the client failed: {e}")),
                }
            }
        }
        Ok(())
    }
}
