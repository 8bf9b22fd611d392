//! Fetch, served as Kafka serves it: wait (long poll) until `min_bytes`
//! are there or `max_wait_ms` passes, build the response header in memory,
//! then send each partition's records from the segment file, with
//! `sendfile(2)` or with `read(2)` + `write(2)`, every call counted.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::errno::Errno;

use super::connection::Connection;
use super::{Event, FetchCalls, FetchEvent, TICK};
use crate::counters::{CpuTime, Snapshot};
use crate::error::{ContextT, fail_t};
use crate::kafka::log::{Log, Slice};
use crate::kafka::wire::{self, Writer};
use crate::methods::{Call, Flow, Method, Observer};
use crate::text::kafka as t;

/// Counts the calls of one fetch's send, as the methods' observers do.
#[derive(Default)]
pub(super) struct Counting {
    pub(super) calls: FetchCalls,
    pub(super) in_header: bool,
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

/// A response part: bytes from memory, or records from a segment.
enum Part {
    Mem(Vec<u8>),
    Records(Slice),
}

/// A Fetch response ready to send, and what it holds.
struct Response {
    parts: Vec<Part>,
    record_bytes: u64,
    /// The first partition asked for: topic, partition, fetch offset, high
    /// watermark.
    first: (String, i32, i64, i64),
    partitions: usize,
}

/// What the send of one response did.
struct Sent {
    calls: FetchCalls,
    proc: Option<Snapshot>,
    cpu: CpuTime,
    time: Duration,
}

/// Bytes the fetch can return now over every partition asked for.
fn available(log: &Log, f: &wire::FetchRequest) -> u64 {
    f.topics
        .iter()
        .flat_map(|t| t.partitions.iter().map(move |p| (t, p)))
        .map(|(t, p)| {
            log.topics
                .get(&t.topic)
                .filter(|_| p.partition == 0)
                .map(|part| part.bytes_after(p.fetch_offset))
                .unwrap_or(0)
        })
        .sum()
}

/// Builds the response: header parts from memory, records as slices of
/// the segment (whole batches, at least one if any is there, as Kafka
/// does since KIP-74).
fn response(log: &Log, v: i16, corr: i32, f: &wire::FetchRequest) -> Response {
    let max_total = f.max_bytes.max(1) as u64;
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
            let budget =
                (p.partition_max_bytes.max(0) as u64).min(max_total.saturating_sub(total_records));
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
    Response {
        parts,
        record_bytes: total_records,
        first: first.unwrap_or_default(),
        partitions: count_partitions,
    }
}

impl Connection {
    pub(super) fn fetch(&mut self, v: i16, corr: i32, f: wire::FetchRequest) -> Result<()> {
        let start = Instant::now();
        let deadline = start + Duration::from_millis(f.max_wait_ms.clamp(0, 30_000) as u64);
        // Long poll: wait until min_bytes are there, max_wait_ms passes, or
        // the broker stops.
        let mut log = self.shared.lock();
        loop {
            let now = Instant::now();
            if available(&log, &f) >= f.min_bytes.max(0) as u64
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
        let response = response(&log, v, corr, &f);
        drop(log);
        let method = self.shared.method();
        let sent = self.send(&response.parts, method)?;
        let (topic, partition, offset, hw) = response.first;
        self.shared.emit(Event::Fetch(Box::new(FetchEvent {
            client: self.client(),
            client_id: self.client_id.clone(),
            method,
            topic,
            partition,
            offset,
            other_partitions: response.partitions.saturating_sub(1),
            record_bytes: response.record_bytes,
            high_watermark: hw,
            calls: sent.calls,
            proc: sent.proc,
            cpu: sent.cpu,
            waited,
            send_time: sent.time,
            tid: self.tid,
        })));
        Ok(())
    }

    /// Sends the parts with `method`, every call counted; `/proc` read
    /// around the send when the broker is asked to.
    fn send(&mut self, parts: &[Part], method: Method) -> Result<Sent> {
        let before = self.proc_snapshot();
        let cpu0 = CpuTime::of_this_thread().unwrap_or_default();
        let t0 = Instant::now();
        let mut obs = Counting::default();
        for part in parts {
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
        let time = t0.elapsed();
        let cpu = CpuTime::of_this_thread().unwrap_or_default().since(&cpu0);
        let after = self.proc_snapshot();
        let proc = match (before, after) {
            (Some(b), Some(a)) => Some(a.since(&b)),
            _ => None,
        };
        Ok(Sent {
            calls: obs.calls,
            proc,
            cpu,
            time,
        })
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
                    return Err(fail_t(
                        t::SEGMENT_SHRANK,
                        &[
                            ("path", &s.path.display()),
                            ("offset", &offset),
                            ("end", &end),
                        ],
                    ));
                }
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => {
                    return Err(fail_t(
                        t::CLIENT_CALL_FAILED,
                        &[("call", &"sendfile()"), ("reason", &e)],
                    ));
                }
            }
        }
        Ok(())
    }

    fn send_read_write(&mut self, s: &Slice, obs: &mut Counting) -> Result<()> {
        let buf_len = self.shared.config.buffer_bytes.max(1);
        if self.buf.len() != buf_len {
            self.buf = vec![0u8; buf_len];
        }
        let (file, pos) = match self.files.entry(s.path.clone()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let f = File::open(&s.path)
                    .context_t(t::CANNOT_OPEN, &[("path", &s.path.display())])?;
                v.insert((f, 0))
            }
        };
        if *pos != s.position {
            file.seek(SeekFrom::Start(s.position))
                .context_t(t::CANNOT_SEEK, &[("path", &s.path.display())])?;
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
                    return Err(fail_t(
                        t::SEGMENT_ENDED_EARLY,
                        &[("path", &s.path.display())],
                    ));
                }
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    return Err(fail_t(
                        t::SEGMENT_READ_FAILED,
                        &[("path", &s.path.display()), ("reason", &e)],
                    ));
                }
            };
            *pos += n as u64;
            left -= n as u64;
            super::connection::write_all_counted(&self.stream, &self.buf[..n], obs)?;
        }
        Ok(())
    }
}
