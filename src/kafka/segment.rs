//! Genuine Kafka log segments: the generator behind `zclab sample --kafka`
//! (and the default samples), and the reader behind `zclab sample --dump`.
//!
//! A segment is record batches back to back, nothing else — the same bytes
//! Kafka keeps in `<topic>-<partition>/00000000000000000000.log`. The
//! generator writes batches of 16 KiB (the Java producer's default
//! `batch.size`) of keyed JSON events, offsets from 0, and pads the last
//! record of each batch so that every batch, and the file, have exactly the
//! size asked. The content is a pure function of the size.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;

use super::batch::{self, BatchError, BatchHeader, NewRecord};
use crate::error::{ContextT, Localized};
use crate::sample::{EVENTS, PAGES, XorShift};
use crate::text::errors::CANNOT_STAT;
use crate::text::kafka;
use crate::text::run::CANNOT_READ;

/// Bytes per batch, as the Java producer's default `batch.size`.
pub const BATCH_BYTES: usize = 16 * 1024;
/// The smallest segment the generator makes (besides an empty one).
pub const MIN_SEGMENT_BYTES: u64 = 256;
/// Room left in each batch for the padded last record(s).
const RESERVE: usize = 256;
/// Every record carries this header, as a producer that tags its source.
const HEADER: (&[u8], &[u8]) = (b"source", b"web");
/// Base timestamp (ms) of the first record: 2023-11-14.
pub const BASE_TIMESTAMP: i64 = 1_700_000_000_000;

/// One generated record's key, value and timestamp.
struct Event {
    ts: i64,
    key: String,
    value: String,
}

fn event(rng: &mut XorShift, offset: i64, pad: Option<usize>) -> Event {
    let r = rng.next();
    let mut value = format!(
        "{{\"event\":\"{}\",\"page\":\"{}\",\"ms\":{}",
        EVENTS[((r >> 32) % EVENTS.len() as u64) as usize],
        PAGES[((r >> 40) % PAGES.len() as u64) as usize],
        (r >> 48) % 900 + 3
    );
    if let Some(n) = pad {
        value.push_str(",\"pad\":\"");
        value.extend(std::iter::repeat_n(' ', n));
        value.push('"');
    }
    value.push('}');
    Event {
        ts: BASE_TIMESTAMP + offset * 3 + (r & 0x3) as i64,
        key: format!("user-{:05}", (r >> 16) % 50_000),
        value,
    }
}

fn as_record(e: &Event) -> NewRecord<'_> {
    NewRecord {
        timestamp: e.ts,
        key: Some(e.key.as_bytes()),
        value: Some(e.value.as_bytes()),
        headers: std::slice::from_ref(&HEADER),
    }
}

/// The generator's state between batches.
pub struct Generator {
    rng: XorShift,
    offset: i64,
}

impl Default for Generator {
    fn default() -> Self {
        Generator::new()
    }
}

impl Generator {
    pub fn new() -> Generator {
        Generator {
            rng: XorShift(0x9E37_79B9_7F4A_7C15),
            offset: 0,
        }
    }

    /// The next batch, exactly `target` bytes (at least 256), with offsets
    /// following the previous batch's.
    pub fn batch(&mut self, target: usize) -> Vec<u8> {
        let base_offset = self.offset;
        let mut events: Vec<Event> = Vec::new();
        let mut size = batch::HEADER_BYTES;
        let mut base_ts = None;
        loop {
            let mut probe = XorShift(self.rng.0);
            let e = event(&mut probe, self.offset + events.len() as i64, None);
            let bts = *base_ts.get_or_insert(e.ts);
            let s = batch::record_size(&as_record(&e), bts, events.len() as i32);
            if size + s + RESERVE > target {
                break;
            }
            self.rng = probe;
            size += s;
            events.push(e);
        }
        // Pad with one record whose "pad" field fills the gap exactly; a
        // varint length can jump by two bytes, then two records share it.
        let gap = target - size;
        let fill = self
            .filler(&events, base_ts, &[gap])
            .or_else(|| {
                (gap / 2..gap / 2 + 4).find_map(|a| self.filler(&events, base_ts, &[a, gap - a]))
            })
            .unwrap_or_default();
        for n in fill {
            let delta = events.len() as i32;
            let off = self.offset + delta as i64;
            match fit(&self.rng, off, n, base_ts, delta) {
                Some((e, rng)) => {
                    self.rng = rng;
                    base_ts.get_or_insert(e.ts);
                    events.push(e);
                }
                None => break,
            }
        }
        let records: Vec<NewRecord<'_>> = events.iter().map(as_record).collect();
        let out = batch::encode_batch(base_offset, &records);
        self.offset += events.len() as i64;
        out
    }

    /// Whether records of the given sizes can pad this batch.
    fn filler(
        &self,
        events: &[Event],
        base_ts: Option<i64>,
        sizes: &[usize],
    ) -> Option<Vec<usize>> {
        let mut rng = XorShift(self.rng.0);
        let mut bts = base_ts;
        for (i, &bytes) in sizes.iter().enumerate() {
            let delta = (events.len() + i) as i32;
            let (e, next) = fit(&rng, self.offset + delta as i64, bytes, bts, delta)?;
            rng = next;
            bts.get_or_insert(e.ts);
        }
        Some(sizes.to_vec())
    }
}

/// The padded event whose record takes exactly `bytes` bytes, with the
/// generator state after it; `None` when a varint length skips that size.
fn fit(
    rng: &XorShift,
    offset: i64,
    bytes: usize,
    base_ts: Option<i64>,
    delta: i32,
) -> Option<(Event, XorShift)> {
    let size_with = |pad: usize| {
        let mut probe = XorShift(rng.0);
        let e = event(&mut probe, offset, Some(pad));
        let s = batch::record_size(&as_record(&e), base_ts.unwrap_or(e.ts), delta);
        (e, probe, s)
    };
    let (_, _, s0) = size_with(0);
    let guess = bytes.checked_sub(s0)?;
    (guess.saturating_sub(3)..=guess)
        .map(size_with)
        .find(|(_, _, s)| *s == bytes)
        .map(|(e, probe, _)| (e, probe))
}

/// The size of each batch of a segment of `size` bytes: 16 KiB each, the
/// last ones adjusted so that none is smaller than 256 bytes.
pub fn next_batch_size(remaining: u64) -> usize {
    let b = BATCH_BYTES as u64;
    if remaining <= b {
        remaining as usize
    } else if remaining - b < MIN_SEGMENT_BYTES {
        (remaining - MIN_SEGMENT_BYTES) as usize
    } else {
        BATCH_BYTES
    }
}

/// Writes a genuine segment of exactly `size` bytes (0, or at least 256).
pub fn write_segment(
    out: &mut dyn Write,
    size: u64,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    if size != 0 && size < MIN_SEGMENT_BYTES {
        // Worded from the catalogue inside the I/O error, so that
        // `error::message` finds it in the user's language.
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            Localized::new(
                crate::text::protocol::SEGMENT_TOO_SMALL,
                &[("size", &size), ("min", &MIN_SEGMENT_BYTES)],
            )
            .usage(),
        ));
    }
    let mut g = Generator::new();
    let mut written = 0u64;
    let mut last_report = 0u64;
    while written < size {
        let b = g.batch(next_batch_size(size - written));
        out.write_all(&b)?;
        written += b.len() as u64;
        if written - last_report >= 1 << 20 || written == size {
            progress(written);
            last_report = written;
        }
    }
    Ok(())
}

/// One batch as `sample --dump` shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DumpBatch {
    pub position: u64,
    pub base_offset: i64,
    pub last_offset: i64,
    pub records: i32,
    pub bytes: u64,
    pub compression: &'static str,
    pub crc: u32,
    pub crc_valid: bool,
    pub max_timestamp: i64,
}

/// One record as `sample --dump` shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DumpRecord {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: usize,
}

/// What is inside a segment, as plain values.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dump {
    pub file_bytes: u64,
    pub batches: Vec<DumpBatch>,
    pub records_total: u64,
    pub crc_failures: u64,
    pub first_records: Vec<DumpRecord>,
    /// Where and why reading stopped before the end of the file (in JSON
    /// the reason is its English words, a stable string).
    pub stopped_at: Option<u64>,
    #[serde(serialize_with = "english")]
    pub stopped_why: Option<BatchError>,
}

fn english<S: serde::Serializer>(why: &Option<BatchError>, s: S) -> Result<S::Ok, S::Error> {
    match why {
        Some(e) => s.serialize_some(&e.localized().en),
        None => s.serialize_none(),
    }
}

fn text(b: &Option<Vec<u8>>) -> Option<String> {
    b.as_ref().map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Reads every batch of the segment at `path`, checking each CRC, and
/// decodes the first `show_records` records.
pub fn dump(path: &Path, show_records: usize) -> Result<Dump> {
    use std::os::unix::fs::FileExt;
    let file = File::open(path).context_t(kafka::CANNOT_OPEN, &[("path", &path.display())])?;
    let len = file
        .metadata()
        .context_t(CANNOT_STAT, &[("path", &path.display())])?
        .len();
    let scan =
        batch::scan_file(&file, len, false).context_t(CANNOT_READ, &[("path", &path.display())])?;
    let mut out = Dump {
        file_bytes: len,
        batches: Vec::new(),
        records_total: 0,
        crc_failures: 0,
        first_records: Vec::new(),
        stopped_at: scan.stopped.as_ref().map(|(p, _)| *p),
        stopped_why: scan.stopped.as_ref().map(|(_, e)| e.clone()),
    };
    let mut buf = Vec::new();
    for f in &scan.batches {
        let h: BatchHeader = f.header;
        buf.resize(h.size() as usize, 0);
        file.read_exact_at(&mut buf, f.position)
            .context_t(CANNOT_READ, &[("path", &path.display())])?;
        let crc_valid = batch::check_crc(&buf).is_ok();
        if !crc_valid {
            out.crc_failures += 1;
        }
        if out.first_records.len() < show_records
            && let Ok(recs) = batch::decode_records(&buf)
        {
            for r in recs {
                if out.first_records.len() >= show_records {
                    break;
                }
                out.first_records.push(DumpRecord {
                    offset: h.base_offset + r.offset_delta as i64,
                    timestamp: h.base_timestamp + r.timestamp_delta,
                    key: text(&r.key),
                    value: text(&r.value),
                    headers: r.headers.len(),
                });
            }
        }
        out.records_total += h.records_count.max(0) as u64;
        out.batches.push(DumpBatch {
            position: f.position,
            base_offset: h.base_offset,
            last_offset: h.last_offset(),
            records: h.records_count,
            bytes: h.size(),
            compression: h.compression_name(),
            crc: h.crc,
            crc_valid,
            max_timestamp: h.max_timestamp,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(size: u64) -> Vec<u8> {
        let mut v = Vec::new();
        write_segment(&mut v, size, &mut |_| {}).expect("writing to a Vec cannot fail");
        v
    }

    #[test]
    fn exact_sizes_valid_batches_consecutive_offsets() {
        for size in [
            0u64,
            256,
            257,
            300,
            4096,
            16 * 1024,
            16 * 1024 + 1,
            16 * 1024 + 255,
            16 * 1024 + 256,
            100_000,
            (1 << 20) + 13,
        ] {
            let seg = segment(size);
            assert_eq!(seg.len() as u64, size, "size {size}");
            let batches = batch::split_batches(&seg).expect("every batch valid, CRC included");
            let mut next = 0i64;
            for (pos, h) in batches {
                assert_eq!(h.base_offset, next, "size {size} at {pos}");
                let recs = batch::decode_records(&seg[pos..pos + h.size() as usize])
                    .expect("records decode");
                assert_eq!(recs.len() as i32, h.records_count);
                assert!(
                    h.size() >= MIN_SEGMENT_BYTES,
                    "size {size}: batch {}",
                    h.size()
                );
                next = h.next_offset();
            }
        }
        assert_eq!(segment(100_000), segment(100_000));
        assert!(write_segment(&mut Vec::new(), 100, &mut |_| {}).is_err());
    }

    #[test]
    fn records_look_like_events() {
        let seg = segment(16 * 1024);
        let recs = batch::decode_records(&seg).expect("one batch");
        let first = &recs[0];
        let key = String::from_utf8(first.key.clone().unwrap_or_default()).expect("utf8");
        assert!(key.starts_with("user-"), "{key}");
        let value = String::from_utf8(first.value.clone().unwrap_or_default()).expect("utf8");
        assert!(value.starts_with("{\"event\":"), "{value}");
        assert_eq!(first.headers.len(), 1);
    }
}
