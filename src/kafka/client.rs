//! zclab's built-in producer and consumer: the least of the Kafka protocol
//! a client needs, over a plain blocking socket. They exist so that
//! `zclab kafka` needs nothing installed; kcat and kafka-python talk to the
//! same broker in the tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Result;

use super::batch;
use super::wire::{self, Reader, Writer};
use crate::counters::CpuTime;
use crate::error::{ContextT, fail_t, wrap_t};
use crate::text::kafka as t;

pub struct Client {
    stream: TcpStream,
    correlation: i32,
    /// The last response to a request other than Fetch (fetches have
    /// their own buffers, see [`Client::consume_all`]).
    buf: Vec<u8>,
    /// Bytes the consumer read from the socket (response frames).
    pub received_bytes: u64,
}

/// What a consumer pass read and checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Consumed {
    pub fetches: u64,
    pub batches: u64,
    pub records: u64,
    pub record_bytes: u64,
    pub crc_failures: u64,
    /// Offsets did not follow each other (a gap or a repeat).
    pub offset_gaps: u64,
    /// CPU time of the consumer and its verifying thread (getrusage).
    pub consumer_cpu_us: u64,
}

impl Client {
    pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<Client> {
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .context_t(t::CONNECT_BROKER, &[("addr", &addr)])?;
        stream.set_read_timeout(Some(timeout)).ok();
        stream.set_write_timeout(Some(timeout)).ok();
        stream.set_nodelay(true).ok();
        Ok(Client {
            stream,
            correlation: 0,
            buf: Vec::new(),
            received_bytes: 0,
        })
    }

    fn request(&mut self, key: i16, version: i16, body: &[u8]) -> Result<i32> {
        self.correlation += 1;
        let mut w = Writer::default();
        w.i32(0)
            .i16(key)
            .i16(version)
            .i32(self.correlation)
            .string("zclab");
        w.buf.extend_from_slice(body);
        let len = (w.buf.len() - 4) as i32;
        w.buf[..4].copy_from_slice(&len.to_be_bytes());
        self.stream
            .write_all(&w.buf)
            .context_t(t::SEND_REQUEST, &[])?;
        Ok(self.correlation)
    }

    /// Reads the response to `corr` into `buf` (without the correlation
    /// id).
    fn response_into(&mut self, corr: i32, buf: &mut Vec<u8>) -> Result<()> {
        // Length and correlation id in one read.
        let mut head = [0u8; 8];
        self.stream
            .read_exact(&mut head)
            .context_t(t::NO_ANSWER, &[])?;
        let n = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        if !(4..=1 << 30).contains(&n) {
            return Err(fail_t(t::ANSWER_FRAME_SIZE, &[("n", &n)]));
        }
        let got = i32::from_be_bytes([head[4], head[5], head[6], head[7]]);
        if got != corr {
            return Err(fail_t(
                t::ANSWER_WRONG_REQUEST,
                &[("got", &got), ("corr", &corr)],
            ));
        }
        buf.resize(n as usize - 4, 0);
        self.stream
            .read_exact(buf)
            .context_t(t::ANSWER_CUT_SHORT, &[])?;
        self.received_bytes += 4 + n as u64;
        Ok(())
    }

    /// Reads the response to `corr` into `self.buf`.
    fn response(&mut self, corr: i32) -> Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        let r = self.response_into(corr, &mut buf);
        self.buf = buf;
        r
    }

    /// The local address of this client's connection (the broker names
    /// its clients by it).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.stream.local_addr().context_t(t::CLIENT_ADDRESS, &[])
    }

    /// ApiVersions v0: checks that the broker serves what we use.
    pub fn api_versions(&mut self) -> Result<()> {
        let c = self.request(wire::API_VERSIONS, 0, &[])?;
        self.response(c)?;
        let mut r = Reader::new(&self.buf);
        let err = r
            .i16("error")
            .map_err(|e| e.localized())
            .context_t(t::BAD_RESPONSE, &[("api", &"ApiVersions")])?;
        if err != wire::NONE {
            return Err(fail_t(t::API_VERSIONS_ERROR, &[("err", &err)]));
        }
        Ok(())
    }

    /// Produce v7, acks=1, one partition: returns the base offset.
    pub fn produce(&mut self, topic: &str, records: &[u8]) -> Result<i64> {
        let mut w = Writer::default();
        w.nullable_string(None).i16(1).i32(30_000);
        w.array_len(1).string(topic).array_len(1).i32(0);
        w.i32(records.len() as i32);
        w.buf.extend_from_slice(records);
        let c = self.request(wire::PRODUCE, 7, &w.buf)?;
        self.response(c)?;
        let mut r = Reader::new(&self.buf);
        let e =
            |e: wire::DecodeError| wrap_t(e.localized(), t::BAD_RESPONSE, &[("api", &"Produce")]);
        r.array_len("topics", 1).map_err(e)?;
        r.string("topic").map_err(e)?;
        r.array_len("partitions", 1).map_err(e)?;
        r.i32("partition").map_err(e)?;
        let err = r.i16("error").map_err(e)?;
        let base = r.i64("base_offset").map_err(e)?;
        if err != wire::NONE {
            return Err(fail_t(t::PRODUCE_REFUSED, &[("err", &err)]));
        }
        Ok(base)
    }

    /// Sends a Fetch v11 for partition 0 of `topic` from `offset`.
    fn fetch_request(&mut self, topic: &str, offset: i64, max_bytes: i32) -> Result<i32> {
        let mut w = Writer::default();
        w.i32(-1)
            .i32(500)
            .i32(1)
            .i32(max_bytes)
            .i8(0)
            .i32(0)
            .i32(-1);
        w.array_len(1).string(topic).array_len(1);
        w.i32(0).i32(-1).i64(offset).i64(-1).i32(max_bytes);
        w.array_len(0).string("");
        self.request(wire::FETCH, 11, &w.buf)
    }

    /// Fetches `topic` from offset 0 to its end with Fetch v11, checking
    /// every batch's CRC-32C and that offsets follow each other.
    ///
    /// As librdkafka does, the next fetch goes out as soon as a response
    /// is in and its batch headers say where the next one starts; the
    /// CRC-32C of every batch is checked on a verifying thread behind the
    /// consumer, so the check costs the fetch path no time while keeping
    /// every byte verified. Responses travel in a few reused buffers (no
    /// page faults after the first).
    pub fn consume_all(&mut self, topic: &str, max_bytes: i32) -> Result<Consumed> {
        let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
        for _ in 0..BUFFERS {
            let _ = free_tx.send(Vec::new());
        }
        let cpu0 = CpuTime::of_this_thread().unwrap_or_default();
        let (full_tx, full_rx) = mpsc::sync_channel::<Verify>(BUFFERS);
        std::thread::scope(|s| {
            let verifier = std::thread::Builder::new()
                .name("zclab-verify".into())
                .spawn_scoped(s, move || verify(full_rx, free_tx))
                .context_t(t::VERIFY_THREAD, &[])?;
            let consumed = self.fetch_all(topic, max_bytes, &free_rx, &mut |v: Verify| {
                full_tx
                    .send(v)
                    .map_err(|_| fail_t(t::VERIFIER_STOPPED, &[]))
            });
            drop(full_tx);
            let cpu = CpuTime::of_this_thread().unwrap_or_default().since(&cpu0);
            let (failures, verifier_cpu) = verifier
                .join()
                .map_err(|_| fail_t(t::VERIFIER_PANICKED, &[]))?;
            consumed.map(|c| Consumed {
                crc_failures: failures,
                consumer_cpu_us: cpu.total_us() + verifier_cpu.total_us(),
                ..c
            })
        })
    }

    /// The consumer's side of [`Client::consume_all`]: fetch, walk the
    /// batch headers, ask for the next, hand the buffer to the verifier.
    fn fetch_all(
        &mut self,
        topic: &str,
        max_bytes: i32,
        free: &mpsc::Receiver<Vec<u8>>,
        hand_over: &mut dyn FnMut(Verify) -> Result<()>,
    ) -> Result<Consumed> {
        let mut c = Consumed::default();
        let mut offset = 0i64;
        let mut corr = self.fetch_request(topic, offset, max_bytes)?;
        loop {
            let mut buf = free.recv().map_err(|_| fail_t(t::VERIFIER_STOPPED, &[]))?;
            self.response_into(corr, &mut buf)?;
            c.fetches += 1;
            let (err, hw, records) = parse_fetch_v11(&buf)
                .map_err(|e| e.localized())
                .context_t(t::BAD_RESPONSE, &[("api", &"Fetch")])?;
            if err != wire::NONE {
                return Err(fail_t(t::FETCH_ERROR, &[("err", &err)]));
            }
            let empty = records.is_empty();
            // Where the records sit in the buffer (a null or empty field
            // may not point into it at all).
            let range = if empty {
                0..0
            } else {
                let at = records.as_ptr() as usize - buf.as_ptr() as usize;
                at..at + records.len()
            };
            walk(records, &mut offset, &mut c);
            let done = offset >= hw;
            if !done {
                if empty {
                    return Err(fail_t(
                        t::FETCH_EMPTY_BELOW_HW,
                        &[("offset", &offset), ("hw", &hw)],
                    ));
                }
                // The next fetch goes out before this response is checked.
                corr = self.fetch_request(topic, offset, max_bytes)?;
            }
            hand_over(Verify { buf, range })?;
            if done {
                return Ok(c);
            }
        }
    }
}

/// How many response buffers the consumer and the verifier share.
const BUFFERS: usize = 4;

/// A response for the verifier: the buffer, and where its records are.
struct Verify {
    buf: Vec<u8>,
    range: std::ops::Range<usize>,
}

/// The whole batches at the start of `records`, as (position, header); a
/// partial batch at the end (cut by the fetch size) is left out: it is
/// fetched again.
fn whole_batches(records: &[u8]) -> impl Iterator<Item = (usize, batch::BatchHeader)> + '_ {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let h = batch::BatchHeader::parse(records.get(pos..)?).ok()?;
        let size = h.size() as usize;
        if records.len() - pos < size {
            return None;
        }
        let at = pos;
        pos += size;
        Some((at, h))
    })
}

/// Counts the batches from `offset` on and moves `offset` past them.
fn walk(records: &[u8], offset: &mut i64, c: &mut Consumed) {
    for (_, h) in whole_batches(records) {
        if h.last_offset() >= *offset {
            if h.base_offset != *offset {
                c.offset_gaps += 1;
            }
            c.batches += 1;
            c.records += h.records_count.max(0) as u64;
            c.record_bytes += h.size();
            *offset = h.next_offset();
        }
    }
}

/// The CRC-32C failures among the whole batches of one response.
fn check(v: &Verify) -> u64 {
    let records = &v.buf[v.range.clone()];
    whole_batches(records)
        .filter(|(at, h)| batch::check_crc(&records[*at..*at + h.size() as usize]).is_err())
        .count() as u64
}

/// The verifying thread: the CRC-32C of every whole batch of every
/// response; returns the buffers for reuse and, at the end, the failures
/// and its own CPU time.
fn verify(full: mpsc::Receiver<Verify>, free: mpsc::Sender<Vec<u8>>) -> (u64, CpuTime) {
    let cpu0 = CpuTime::of_this_thread().unwrap_or_default();
    let mut failures = 0;
    for v in full {
        failures += check(&v);
        let _ = free.send(v.buf);
    }
    (
        failures,
        CpuTime::of_this_thread().unwrap_or_default().since(&cpu0),
    )
}

/// Error code, high watermark and records of the first partition of a
/// Fetch v11 response body.
fn parse_fetch_v11(b: &[u8]) -> Result<(i16, i64, &[u8]), wire::DecodeError> {
    let mut r = Reader::new(b);
    r.i32("throttle")?;
    let top = r.i16("error")?;
    r.i32("session")?;
    r.array_len("topics", 1)?;
    r.string("topic")?;
    r.array_len("partitions", 1)?;
    r.i32("partition")?;
    let err = r.i16("partition_error")?;
    let hw = r.i64("high_watermark")?;
    r.i64("last_stable_offset")?;
    r.i64("log_start_offset")?;
    if let Some(n) = r.array_len("aborted", 16)? {
        for _ in 0..n {
            r.i64("producer")?;
            r.i64("first_offset")?;
        }
    }
    r.i32("preferred_replica")?;
    let records = r.nullable_bytes("records")?.unwrap_or(&[]);
    Ok((if top != 0 { top } else { err }, hw, records))
}
