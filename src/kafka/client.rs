//! zclab's built-in producer and consumer: the least of the Kafka protocol
//! a client needs, over a plain blocking socket. They exist so that
//! `zclab kafka` needs nothing installed; kcat and kafka-python talk to the
//! same broker in the tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use super::batch;
use super::wire::{self, Reader, Writer};

pub struct Client {
    stream: TcpStream,
    correlation: i32,
    /// The last response, reused: a fresh 1 MiB buffer per fetch would
    /// cost the consumer 256 page faults each time.
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
}

impl Client {
    pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<Client> {
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .with_context(|| format!("cannot connect to the broker at {addr}"))?;
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
            .context("cannot send a request to the broker")?;
        Ok(self.correlation)
    }

    /// Reads the response to `corr` into `self.buf` (without the
    /// correlation id).
    fn response(&mut self, corr: i32) -> Result<()> {
        let mut len = [0u8; 4];
        self.stream
            .read_exact(&mut len)
            .context("the broker did not answer")?;
        let n = i32::from_be_bytes(len);
        if !(4..=1 << 30).contains(&n) {
            bail!("the broker sent a frame of {n} bytes");
        }
        let mut head = [0u8; 4];
        self.stream
            .read_exact(&mut head)
            .context("the broker's answer was cut short")?;
        let got = i32::from_be_bytes(head);
        if got != corr {
            bail!("the broker answered request {got}, expected {corr}");
        }
        self.buf.resize(n as usize - 4, 0);
        self.stream
            .read_exact(&mut self.buf)
            .context("the broker's answer was cut short")?;
        self.received_bytes += 4 + n as u64;
        Ok(())
    }

    /// ApiVersions v0: checks that the broker serves what we use.
    pub fn api_versions(&mut self) -> Result<()> {
        let c = self.request(wire::API_VERSIONS, 0, &[])?;
        self.response(c)?;
        let mut r = Reader::new(&self.buf);
        let err = r.i16("error").map_err(|e| anyhow!("{e}"))?;
        if err != wire::NONE {
            bail!("ApiVersions error {err}");
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
        let e = |e: wire::DecodeError| anyhow!("bad Produce response: {e}");
        r.array_len("topics", 1).map_err(e)?;
        r.string("topic").map_err(e)?;
        r.array_len("partitions", 1).map_err(e)?;
        r.i32("partition").map_err(e)?;
        let err = r.i16("error").map_err(e)?;
        let base = r.i64("base offset").map_err(e)?;
        if err != wire::NONE {
            bail!("the broker refused the produced batch (error {err})");
        }
        Ok(base)
    }

    /// Fetches `topic` from offset 0 to its end with Fetch v11, checking
    /// every batch's CRC-32C and that offsets follow each other.
    pub fn consume_all(&mut self, topic: &str, max_bytes: i32) -> Result<Consumed> {
        let mut c = Consumed::default();
        let mut offset = 0i64;
        loop {
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
            let corr = self.request(wire::FETCH, 11, &w.buf)?;
            self.response(corr)?;
            c.fetches += 1;
            let (err, hw, records) =
                parse_fetch_v11(&self.buf).map_err(|e| anyhow!("bad Fetch response: {e}"))?;
            if err != wire::NONE {
                bail!("the broker answered the fetch with error {err}");
            }
            let mut pos = 0usize;
            while pos < records.len() {
                let h = match batch::BatchHeader::parse(&records[pos..]) {
                    Ok(h) => h,
                    Err(_) => break, // a partial batch at the end: fetch it again
                };
                let size = h.size() as usize;
                if records.len() - pos < size {
                    break;
                }
                let whole = &records[pos..pos + size];
                if batch::check_crc(whole).is_err() {
                    c.crc_failures += 1;
                }
                if h.last_offset() >= offset {
                    if h.base_offset != offset {
                        c.offset_gaps += 1;
                    }
                    c.batches += 1;
                    c.records += h.records_count.max(0) as u64;
                    c.record_bytes += size as u64;
                    offset = h.next_offset();
                }
                pos += size;
            }
            if offset >= hw {
                return Ok(c);
            }
            if records.is_empty() {
                bail!(
                    "the broker sent no records at offset {offset} below the high watermark {hw}"
                );
            }
        }
    }
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
    let err = r.i16("partition error")?;
    let hw = r.i64("high watermark")?;
    r.i64("last stable offset")?;
    r.i64("log start offset")?;
    if let Some(n) = r.array_len("aborted", 16)? {
        for _ in 0..n {
            r.i64("producer")?;
            r.i64("first offset")?;
        }
    }
    r.i32("preferred replica")?;
    let records = r.nullable_bytes("records")?.unwrap_or(&[]);
    Ok((if top != 0 { top } else { err }, hw, records))
}
