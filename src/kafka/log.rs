//! The broker's log: one partition (0) per topic, one segment per
//! partition, laid out as Kafka lays it out:
//! `<log dir>/<topic>-0/00000000000000000000.log`.
//!
//! On start every segment is scanned header by header (as Kafka's recovery
//! does) to rebuild the in-memory index, offset → file position; a torn
//! last batch (a crash mid-append) is cut off. Appends assign offsets by
//! rewriting each batch's `baseOffset` (outside the CRC) and go into the
//! page cache with `write(2)`.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use super::batch::{self, BatchError};
use super::wire;
use crate::error::{ContextT, Localized};
use crate::text::errors::{CANNOT_CREATE, CANNOT_STAT};
use crate::text::kafka as t;
use crate::text::run::CANNOT_READ;

/// Kafka's name of the first segment of a partition.
pub const FIRST_SEGMENT: &str = "00000000000000000000.log";

/// One batch in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub base_offset: i64,
    pub next_offset: i64,
    pub position: u64,
    pub size: u64,
    pub max_timestamp: i64,
}

/// Why produced records were not appended.
#[derive(Debug)]
pub enum AppendError {
    /// The records are not valid v2 batches.
    Invalid(BatchError),
    /// `write(2)` to the segment failed.
    Write(std::io::Error),
}

impl AppendError {
    /// The reason in both languages, from the catalogue (the kernel's own
    /// words for a failed write).
    pub fn localized(&self) -> Localized {
        match self {
            AppendError::Invalid(e) => e.localized(),
            AppendError::Write(e) => {
                Localized::new(crate::text::protocol::APPEND_FAILED, &[("reason", e)])
            }
        }
    }
}

/// Partition 0 of a topic.
pub struct Partition {
    pub path: PathBuf,
    pub file: Arc<File>,
    pub index: Vec<Entry>,
    pub end: u64,
    pub next_offset: i64,
}

/// The bytes a fetch sends from one partition.
#[derive(Clone, Debug)]
pub struct Slice {
    pub file: Arc<File>,
    pub path: PathBuf,
    pub position: u64,
    pub bytes: u64,
    /// Offset of the first batch sent (≤ the offset asked for).
    pub first_offset: i64,
}

/// Kafka's rule for topic names: 1–249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
pub fn valid_topic(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

impl Partition {
    fn open(dir: &Path) -> Result<(Partition, Option<Localized>)> {
        fs::create_dir_all(dir).context_t(CANNOT_CREATE, &[("path", &dir.display())])?;
        let path = dir.join(FIRST_SEGMENT);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .context_t(t::CANNOT_OPEN, &[("path", &path.display())])?;
        let len = file
            .metadata()
            .context_t(CANNOT_STAT, &[("path", &path.display())])?
            .len();
        let scan = batch::scan_file(&file, len, false)
            .context_t(CANNOT_READ, &[("path", &path.display())])?;
        let mut warning = None;
        if let Some((pos, why)) = &scan.stopped {
            file.set_len(scan.valid_bytes)
                .context_t(t::CANNOT_CUT_TAIL, &[("path", &path.display())])?;
            warning = Some(Localized::around(
                t::TAIL_CUT,
                "why",
                &why.localized(),
                &[
                    ("path", &path.display()),
                    ("bytes", &(len - scan.valid_bytes)),
                    ("pos", pos),
                ],
            ));
        }
        let mut p = Partition {
            path,
            file: Arc::new(file),
            index: Vec::with_capacity(scan.batches.len()),
            end: 0,
            next_offset: 0,
        };
        for f in scan.batches {
            // A segment written elsewhere may not start at 0; offsets must
            // only grow.
            let h = f.header;
            let base = h.base_offset.max(p.next_offset);
            p.index.push(Entry {
                base_offset: base,
                next_offset: base + h.last_offset_delta as i64 + 1,
                position: f.position,
                size: h.size(),
                max_timestamp: h.max_timestamp,
            });
            p.next_offset = base + h.last_offset_delta as i64 + 1;
            p.end = f.position + h.size();
        }
        Ok((p, warning))
    }

    /// Appends produced batches; returns the offset of the first one.
    pub fn append(&mut self, records: &mut [u8]) -> Result<i64, AppendError> {
        let batches = batch::split_batches(records).map_err(AppendError::Invalid)?;
        let first = self.next_offset;
        let mut next = first;
        let mut entries = Vec::with_capacity(batches.len());
        let mut position = self.end;
        for (pos, h) in &batches {
            batch::set_base_offset(&mut records[*pos..], next);
            entries.push(Entry {
                base_offset: next,
                next_offset: next + h.last_offset_delta as i64 + 1,
                position,
                size: h.size(),
                max_timestamp: h.max_timestamp,
            });
            position += h.size();
            next += h.last_offset_delta as i64 + 1;
        }
        // One write(2) (more if the kernel takes less): user buffer → page
        // cache, a CPU copy.
        (&*self.file)
            .write_all(records)
            .map_err(AppendError::Write)?;
        self.index.extend(entries);
        self.end = position;
        self.next_offset = next;
        Ok(first)
    }

    /// The batches from the one holding `offset`, whole, up to `max_bytes`
    /// (at least one batch, as Kafka does since KIP-74).
    pub fn slice(&self, offset: i64, max_bytes: u64) -> Result<Option<Slice>, i16> {
        if offset < 0 || offset > self.next_offset {
            return Err(wire::OFFSET_OUT_OF_RANGE);
        }
        if offset == self.next_offset {
            return Ok(None);
        }
        let i = self.index.partition_point(|e| e.next_offset <= offset);
        let Some(first) = self.index.get(i) else {
            return Ok(None);
        };
        let mut bytes = first.size;
        for e in &self.index[i + 1..] {
            if bytes + e.size > max_bytes {
                break;
            }
            bytes += e.size;
        }
        Ok(Some(Slice {
            file: Arc::clone(&self.file),
            path: self.path.clone(),
            position: first.position,
            bytes,
            first_offset: first.base_offset,
        }))
    }

    /// Bytes available from `offset` to the end of the log.
    pub fn bytes_after(&self, offset: i64) -> u64 {
        let i = self.index.partition_point(|e| e.next_offset <= offset);
        self.index
            .get(i)
            .map(|e| self.end - e.position)
            .unwrap_or(0)
    }

    /// ListOffsets for a timestamp: the first batch whose records reach it.
    pub fn offset_for_time(&self, ts: i64) -> Option<(i64, i64)> {
        self.index
            .iter()
            .find(|e| e.max_timestamp >= ts)
            .map(|e| (e.base_offset, e.max_timestamp))
    }
}

/// All topics of a log directory.
pub struct Log {
    pub dir: PathBuf,
    pub topics: BTreeMap<String, Partition>,
}

impl Log {
    /// Opens (and creates) `dir`, rebuilding every `<topic>-0` it holds.
    /// Returns warnings about segments that needed recovery.
    pub fn open(dir: &Path) -> Result<(Log, Vec<Localized>)> {
        fs::create_dir_all(dir).context_t(t::LOG_DIR_CREATE, &[("path", &dir.display())])?;
        let mut log = Log {
            dir: dir.to_path_buf(),
            topics: BTreeMap::new(),
        };
        let mut warnings = Vec::new();
        let entries = fs::read_dir(dir).context_t(t::CANNOT_LIST, &[("path", &dir.display())])?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(topic) = name.strip_suffix("-0") else {
                continue;
            };
            if !valid_topic(topic) || !entry.path().is_dir() {
                continue;
            }
            let (p, w) = Partition::open(&entry.path())?;
            warnings.extend(w);
            log.topics.insert(topic.to_string(), p);
        }
        Ok((log, warnings))
    }

    /// The topic's partition, created when `create` is set and the name is
    /// valid.
    pub fn topic(&mut self, name: &str, create: bool) -> Result<Option<&mut Partition>> {
        if !self.topics.contains_key(name) {
            if !create || !valid_topic(name) {
                return Ok(None);
            }
            let (p, _) = Partition::open(&self.dir.join(format!("{name}-0")))?;
            self.topics.insert(name.to_string(), p);
        }
        Ok(self.topics.get_mut(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::batch::{NewRecord, encode_batch};

    #[test]
    fn topic_names() {
        assert!(valid_topic("demo"));
        assert!(valid_topic("a.b_c-1"));
        for bad in ["", ".", "..", "a/b", "sp ace", &"x".repeat(250)] {
            assert!(!valid_topic(bad), "{bad}");
        }
    }

    #[test]
    fn append_assigns_offsets_and_survives_restart() {
        let dir = std::env::temp_dir().join(format!("zclab-log-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let rec = |v: &'static [u8]| NewRecord {
            timestamp: 10,
            key: None,
            value: Some(v),
            headers: &[],
        };
        {
            let (mut log, w) = Log::open(&dir).expect("open");
            assert!(w.is_empty());
            let p = log.topic("t", true).expect("io").expect("created");
            // Producers send baseOffset 0; the broker rewrites it.
            let mut b = encode_batch(0, &[rec(b"a"), rec(b"b")]);
            assert!(matches!(p.append(&mut b), Ok(0)));
            let mut b = encode_batch(0, &[rec(b"c")]);
            assert!(matches!(p.append(&mut b), Ok(2)));
            assert_eq!(p.next_offset, 3);
            let s = p.slice(2, 1).expect("in range").expect("data");
            assert_eq!(s.first_offset, 2);
            assert!(p.slice(3, 100).expect("end").is_none());
            assert_eq!(p.slice(4, 100).err(), Some(wire::OFFSET_OUT_OF_RANGE));
            // A torn tail, as after a crash.
            (&*p.file).write_all(&[0u8; 20]).expect("write");
        }
        let (mut log, w) = Log::open(&dir).expect("reopen");
        assert_eq!(w.len(), 1, "{w:?}");
        let p = log.topic("t", false).expect("io").expect("exists");
        assert_eq!(p.next_offset, 3);
        assert_eq!(p.index[1].base_offset, 2);
        let _ = fs::remove_dir_all(&dir);
    }
}
