//! Kafka's record batch, format v2 ("magic 2"), as Kafka writes it in a log
//! segment and sends it in a Fetch response.
//!
//! The layout is `DefaultRecordBatch.java` of apache/kafka:
//!
//! ```text
//!  0 baseOffset int64            } outside the CRC: a broker rewrites
//!  8 batchLength int32           } baseOffset when it assigns offsets
//! 12 partitionLeaderEpoch int32  }
//! 16 magic int8 (= 2)
//! 17 crc uint32      CRC-32C of bytes 21..end
//! 21 attributes int16 (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control)
//! 23 lastOffsetDelta int32
//! 27 baseTimestamp int64
//! 35 maxTimestamp int64
//! 43 producerId int64
//! 51 producerEpoch int16
//! 53 baseSequence int32
//! 57 recordsCount int32
//! 61 records
//! ```
//!
//! A record (`DefaultRecord.java`) is a zig-zag varint length, then
//! attributes int8, timestampDelta varlong, offsetDelta varint, key
//! (varint length, -1 for null), value (likewise), and a varint count of
//! headers, each a varint-length key and a varint-length value.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

mod records;

pub use records::*;

use crate::error::Localized;
use crate::text::protocol as t;

/// Bytes before the first record.
pub const HEADER_BYTES: usize = 61;
/// baseOffset + batchLength: the part of the header `batchLength` leaves out.
pub const LOG_OVERHEAD: usize = 12;
/// Where the CRC starts (attributes) and where the CRC field is.
pub const CRC_START: usize = 21;
const CRC_AT: usize = 17;
const MAGIC_AT: usize = 16;
/// The only record-batch format zclab writes and serves.
pub const MAGIC_V2: i8 = 2;

/// Why bytes are not a valid v2 record batch: typed, with the numbers;
/// worded where it is shown ([`BatchError::localized`]), in the reader's
/// language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// Fewer bytes than the header or than `batchLength` says.
    Truncated { need: usize, have: usize },
    /// `batchLength` is smaller than a header can be.
    BadLength(i32),
    /// Not magic 2 (an older message format).
    Magic(i8),
    /// The stored CRC differs from the CRC-32C of the bytes.
    Crc { stored: u32, computed: u32 },
    /// The records inside do not parse.
    Records(RecordsError),
}

/// Why the records inside a batch do not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordsError {
    VarintPastEnd,
    VarintTooLong,
    VarintOverflow(i64),
    /// A key, value or header field longer than the record.
    FieldPastRecord {
        len: usize,
    },
    /// Compressed records (the codec's name); zclab reads none.
    Compressed(&'static str),
    RecordPastBatch {
        len: i32,
    },
    EmptyRecord,
    HeaderCount(i32),
    /// The record's length disagrees with its fields.
    RecordSize {
        said: usize,
        took: usize,
    },
    /// Bytes left over after the last record.
    Trailing {
        bytes: usize,
        records: i32,
    },
    NegativeDelta(i32),
}

impl BatchError {
    /// The reason in both languages, from the catalogue.
    pub fn localized(&self) -> Localized {
        match self {
            BatchError::Truncated { need, have } => {
                Localized::new(t::BATCH_TRUNCATED, &[("need", need), ("have", have)])
            }
            BatchError::BadLength(n) => Localized::new(t::BATCH_LENGTH, &[("n", n)]),
            BatchError::Magic(m) => Localized::new(t::BATCH_MAGIC, &[("magic", m)]),
            BatchError::Crc { stored, computed } => Localized::new(
                t::BATCH_CRC,
                &[
                    ("stored", &format!("{stored:#010x}")),
                    ("computed", &format!("{computed:#010x}")),
                ],
            ),
            BatchError::Records(why) => {
                Localized::around(t::BATCH_RECORDS, "why", &why.localized(), &[])
            }
        }
    }
}

impl RecordsError {
    /// The reason in both languages, from the catalogue.
    pub fn localized(&self) -> Localized {
        let new = Localized::new;
        match self {
            RecordsError::VarintPastEnd => new(t::VARINT_PAST_END, &[]),
            RecordsError::VarintTooLong => new(t::VARINT_TOO_LONG, &[]),
            RecordsError::VarintOverflow(v) => new(t::VARINT_OVERFLOW, &[("value", v)]),
            RecordsError::FieldPastRecord { len } => new(t::FIELD_PAST_RECORD, &[("len", len)]),
            RecordsError::Compressed(codec) => new(t::COMPRESSED, &[("codec", codec)]),
            RecordsError::RecordPastBatch { len } => new(t::RECORD_PAST_BATCH, &[("len", len)]),
            RecordsError::EmptyRecord => new(t::EMPTY_RECORD, &[]),
            RecordsError::HeaderCount(n) => new(t::HEADER_COUNT, &[("n", n)]),
            RecordsError::RecordSize { said, took } => {
                new(t::RECORD_SIZE, &[("said", said), ("took", took)])
            }
            RecordsError::Trailing { bytes, records } => {
                new(t::TRAILING_BYTES, &[("bytes", bytes), ("records", records)])
            }
            RecordsError::NegativeDelta(d) => new(t::NEGATIVE_DELTA, &[("delta", d)]),
        }
    }
}

/// The fixed-size header of one batch, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub records_count: i32,
}

fn be_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}
fn be_i32(b: &[u8], at: usize) -> i32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    i32::from_be_bytes(a)
}
fn be_i16(b: &[u8], at: usize) -> i16 {
    i16::from_be_bytes([b[at], b[at + 1]])
}

impl BatchHeader {
    /// Parses the first 61 bytes. Checks that the header is complete, the
    /// length possible and the magic 2; not the CRC (see [`check_crc`]).
    pub fn parse(b: &[u8]) -> Result<BatchHeader, BatchError> {
        if b.len() < HEADER_BYTES {
            // Magic is at 16: say "old format" rather than "truncated" when
            // we can see it.
            if b.len() > MAGIC_AT && b[MAGIC_AT] as i8 != MAGIC_V2 {
                return Err(BatchError::Magic(b[MAGIC_AT] as i8));
            }
            return Err(BatchError::Truncated {
                need: HEADER_BYTES,
                have: b.len(),
            });
        }
        let h = BatchHeader {
            base_offset: be_i64(b, 0),
            batch_length: be_i32(b, 8),
            partition_leader_epoch: be_i32(b, 12),
            magic: b[MAGIC_AT] as i8,
            crc: be_i32(b, CRC_AT) as u32,
            attributes: be_i16(b, 21),
            last_offset_delta: be_i32(b, 23),
            base_timestamp: be_i64(b, 27),
            max_timestamp: be_i64(b, 35),
            producer_id: be_i64(b, 43),
            producer_epoch: be_i16(b, 51),
            base_sequence: be_i32(b, 53),
            records_count: be_i32(b, 57),
        };
        if h.magic != MAGIC_V2 {
            return Err(BatchError::Magic(h.magic));
        }
        if (h.batch_length as i64) < (HEADER_BYTES - LOG_OVERHEAD) as i64 {
            return Err(BatchError::BadLength(h.batch_length));
        }
        Ok(h)
    }

    /// Bytes of the whole batch, header included.
    pub fn size(&self) -> u64 {
        self.batch_length as u64 + LOG_OVERHEAD as u64
    }

    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }

    /// The offset the next batch gets.
    pub fn next_offset(&self) -> i64 {
        self.last_offset() + 1
    }

    /// 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
    pub fn compression(&self) -> u8 {
        (self.attributes & 0x7) as u8
    }

    pub fn compression_name(&self) -> &'static str {
        match self.compression() {
            0 => "none",
            1 => "gzip",
            2 => "snappy",
            3 => "lz4",
            4 => "zstd",
            _ => "unknown",
        }
    }
}

/// The CRC-32C a batch should carry: over attributes..end.
pub fn compute_crc(batch: &[u8]) -> u32 {
    crc32c::crc32c(&batch[CRC_START.min(batch.len())..])
}

/// Checks the CRC of one whole batch.
pub fn check_crc(batch: &[u8]) -> Result<(), BatchError> {
    let h = BatchHeader::parse(batch)?;
    let computed = compute_crc(batch);
    if computed != h.crc {
        return Err(BatchError::Crc {
            stored: h.crc,
            computed,
        });
    }
    Ok(())
}

/// Splits `bytes` into whole v2 batches, checking each one's length, magic
/// and CRC. Used on produced records before they are appended.
pub fn split_batches(bytes: &[u8]) -> Result<Vec<(usize, BatchHeader)>, BatchError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let h = BatchHeader::parse(&bytes[pos..])?;
        let size = h.size() as usize;
        if bytes.len() - pos < size {
            return Err(BatchError::Truncated {
                need: size,
                have: bytes.len() - pos,
            });
        }
        check_crc(&bytes[pos..pos + size])?;
        if h.last_offset_delta < 0 {
            return Err(BatchError::Records(RecordsError::NegativeDelta(
                h.last_offset_delta,
            )));
        }
        out.push((pos, h));
        pos += size;
    }
    Ok(out)
}

/// Writes `base_offset` into a batch's first 8 bytes: what a broker does
/// when it assigns offsets (the CRC does not cover it).
pub fn set_base_offset(batch: &mut [u8], base_offset: i64) {
    batch[..8].copy_from_slice(&base_offset.to_be_bytes());
}

/// One batch found in a segment file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// Byte position of the batch in the file.
    pub position: u64,
    pub header: BatchHeader,
}

/// What a scan of a segment file found.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub batches: Vec<Found>,
    /// Bytes of whole, well-formed batches from the start of the file.
    pub valid_bytes: u64,
    /// Why the scan stopped before the end of the file, if it did.
    pub stopped: Option<(u64, BatchError)>,
}

/// Walks a segment file header by header (`pread` of 61 bytes, then a jump
/// over the records), as Kafka's `LogSegment.recover` does on start. With
/// `check_crc` every batch is read whole and its CRC checked.
pub fn scan_file(file: &File, file_len: u64, verify_crc: bool) -> io::Result<Scan> {
    let mut scan = Scan::default();
    let mut pos = 0u64;
    let mut head = [0u8; HEADER_BYTES];
    let mut whole = Vec::new();
    while pos < file_len {
        let left = file_len - pos;
        let want = (HEADER_BYTES as u64).min(left) as usize;
        file.read_exact_at(&mut head[..want], pos)?;
        let h = match BatchHeader::parse(&head[..want]) {
            Ok(h) => h,
            Err(e) => {
                scan.stopped = Some((pos, e));
                break;
            }
        };
        if h.size() > left {
            scan.stopped = Some((
                pos,
                BatchError::Truncated {
                    need: h.size() as usize,
                    have: left as usize,
                },
            ));
            break;
        }
        if verify_crc {
            whole.resize(h.size() as usize, 0);
            file.read_exact_at(&mut whole, pos)?;
            if let Err(e) = check_crc(&whole) {
                scan.stopped = Some((pos, e));
                break;
            }
        }
        scan.batches.push(Found {
            position: pos,
            header: h,
        });
        pos += h.size();
        scan.valid_bytes = pos;
    }
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::records::tests::rec;
    use super::*;

    /// The reasons are typed; their words come from the catalogue, the
    /// numbers the same in both languages.
    #[test]
    fn batch_errors_are_worded_in_both_languages() {
        let e = BatchError::Crc {
            stored: 1,
            computed: 0xab_cdef,
        };
        assert_eq!(
            e.localized().en,
            "CRC-32C mismatch: stored 0x00000001, computed 0x00abcdef"
        );
        assert_eq!(
            e.localized().zh,
            "CRC-32C 不符：批次中存的是 0x00000001，算出来的是 0x00abcdef"
        );
        let e = BatchError::Records(RecordsError::Trailing {
            bytes: 3,
            records: 2,
        });
        assert_eq!(
            e.localized().en,
            "bad records: 3 bytes after the last of 2 records"
        );
        assert_eq!(e.localized().zh, "记录有误：2 条记录之后还多出 3 字节");
    }

    #[test]
    fn split_refuses_bad_input() {
        let b = encode_batch(0, &[rec(1, b"a", b"b")]);
        let mut two = b.clone();
        two.extend_from_slice(&b);
        assert_eq!(split_batches(&two).expect("two").len(), 2);
        assert!(matches!(
            split_batches(&two[..two.len() - 1]),
            Err(BatchError::Truncated { .. })
        ));
        let mut old = b.clone();
        old[16] = 1;
        assert_eq!(split_batches(&old), Err(BatchError::Magic(1)));
        let mut short = b.clone();
        short[8..12].copy_from_slice(&3i32.to_be_bytes());
        assert_eq!(split_batches(&short), Err(BatchError::BadLength(3)));
        assert!(split_batches(&[]).expect("empty").is_empty());
    }
}
