//! The broker: a TCP listener on 127.0.0.1, one thread per connection,
//! requests answered in order.
//!
//! A Fetch is served the way Kafka serves it (`FileRecords.writeTo` →
//! `FileChannel.transferTo` → `sendfile(2)`): the response header is built
//! in memory and written with `write(2)`, then each partition's record
//! batches go from the segment file to the socket with `sendfile(2)`, never
//! entering user space. With [`Method::ReadWrite`] the same bytes go the
//! traditional way, `read(2)` into a buffer and `write(2)` out. Every call
//! passes through an [`Observer`](crate::methods::Observer) that counts it,
//! and the connection thread's `/proc` counters are read around each fetch
//! by another thread (a thread reading its own `/proc` files would count
//! those reads).
//!
//! Split by idea: this file starts and stops the broker and accepts
//! connections; `connection` reads frames and dispatches them; `answers`
//! serves Metadata, ListOffsets and Produce; `fetch` serves Fetch: the long
//! poll, the response, and its send, counted.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use super::log::Log;
use crate::counters::{CpuTime, Snapshot, ThreadCounters};
use crate::error::{ContextT, Localized, wrap_t};
use crate::methods::{Method, Tally};
use crate::text::kafka as t;

mod answers;
mod connection;
mod fetch;

use connection::Connection;

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
    /// A client connected; `tid` is the thread that serves it.
    Connected {
        client: String,
        tid: i32,
    },
    Fetch(Box<FetchEvent>),
    Produce {
        client: String,
        topic: String,
        bytes: u64,
        base_offset: i64,
        records: u64,
    },
    /// A frame refused, and why (in both languages); the connection was
    /// closed unless said.
    Refused {
        client: String,
        why: Localized,
        closed: bool,
    },
    Warning(Localized),
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
                crate::error::input_t(crate::text::kafka::PORT_IN_USE, &[("port", &config.port)])
            } else {
                wrap_t(e, t::LISTEN_PORT, &[("port", &config.port)])
            }
        })?;
        listener
            .set_nonblocking(true)
            .context_t(t::LISTENER_NONBLOCKING, &[])?;
        let addr = listener
            .local_addr()
            .context_t(crate::text::run::LISTENER_ADDRESS, &[])?;
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
                .context_t(t::COUNTER_THREAD, &[])?;
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
            .context_t(t::ACCEPT_THREAD, &[])?;
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
                    Err(e) => shared.emit(Event::Warning(Localized::new(
                        t::CONNECTION_THREAD,
                        &[("peer", &peer), ("reason", &e)],
                    ))),
                }
                conns.retain(|h| !h.is_finished());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(TICK / 4),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                shared.emit(Event::Warning(Localized::new(
                    t::ACCEPT_FAILED,
                    &[("reason", &e)],
                )));
                std::thread::sleep(TICK);
            }
        }
    }
    for h in conns {
        let _ = h.join();
    }
}
