//! The Kafka wire protocol, for the versions zclab's broker advertises.
//!
//! Every field's width and the versions it exists in come from the JSON
//! message schemas of apache/kafka
//! (`clients/src/main/resources/common/message/*.json`). The broker
//! advertises only non-flexible versions (no compact strings, no tagged
//! fields): ApiVersions 0–2, Metadata 0–8, Produce 3–8, Fetch 4–11,
//! ListOffsets 1–5, InitProducerId 0–1. Clients that open with a newer
//! ApiVersions (kcat v3, kafka-python v4) get the documented fallback: an
//! UNSUPPORTED_VERSION answer in the v0 layout listing these ranges, and
//! retry within them. Produce ≥ 3 and Fetch ≥ 4 are what make librdkafka
//! use record-batch v2.
//!
//! Decoding never panics: every read is bounds-checked and every count is
//! checked against the bytes left, so a hostile frame costs an error, not
//! memory.

use crate::error::Localized;
use crate::text::protocol as t;

mod requests;

pub use requests::*;

/// API keys zclab knows.
pub const PRODUCE: i16 = 0;
pub const FETCH: i16 = 1;
pub const LIST_OFFSETS: i16 = 2;
pub const METADATA: i16 = 3;
pub const API_VERSIONS: i16 = 18;
pub const INIT_PRODUCER_ID: i16 = 22;

/// (api key, min version, max version) the broker serves.
pub const SUPPORTED: [(i16, i16, i16); 6] = [
    (PRODUCE, 3, 8),
    (FETCH, 4, 11),
    (LIST_OFFSETS, 1, 5),
    (METADATA, 0, 8),
    (API_VERSIONS, 0, 2),
    (INIT_PRODUCER_ID, 0, 1),
];

/// Error codes (Kafka's `Errors.java`).
pub const NONE: i16 = 0;
pub const OFFSET_OUT_OF_RANGE: i16 = 1;
pub const CORRUPT_MESSAGE: i16 = 2;
pub const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
pub const INVALID_TOPIC_EXCEPTION: i16 = 17;
pub const UNSUPPORTED_VERSION: i16 = 35;

pub fn api_name(key: i16) -> &'static str {
    match key {
        PRODUCE => "Produce",
        FETCH => "Fetch",
        LIST_OFFSETS => "ListOffsets",
        METADATA => "Metadata",
        API_VERSIONS => "ApiVersions",
        INIT_PRODUCER_ID => "InitProducerId",
        _ => "unknown",
    }
}

/// The version range zclab serves for `key`, if any.
pub fn supported(key: i16) -> Option<(i16, i16)> {
    SUPPORTED
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, lo, hi)| (*lo, *hi))
}

/// Why a request (or a response) could not be decoded: the field, and the
/// numbers. It has no English of its own: [`DecodeError::localized`] words
/// it from the catalogue where it is shown, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// `field` needs `need` bytes at byte `at`; only `left` remain.
    Short {
        field: &'static str,
        need: usize,
        at: usize,
        left: usize,
    },
    /// A string field that is not UTF-8.
    NotUtf8 { field: &'static str },
    /// A null where the schema requires a string.
    NullString { field: &'static str },
    /// An array count that cannot fit in the bytes left.
    TooMany {
        field: &'static str,
        count: usize,
        left: usize,
    },
}

impl DecodeError {
    /// The reason in both languages, from the catalogue.
    pub fn localized(&self) -> Localized {
        match *self {
            DecodeError::Short {
                field,
                need,
                at,
                left,
            } => Localized::new(
                t::DECODE_SHORT,
                &[
                    ("field", &field),
                    ("need", &need),
                    ("at", &at),
                    ("left", &left),
                ],
            ),
            DecodeError::NotUtf8 { field } => {
                Localized::new(t::DECODE_NOT_UTF8, &[("field", &field)])
            }
            DecodeError::NullString { field } => {
                Localized::new(t::DECODE_NULL, &[("field", &field)])
            }
            DecodeError::TooMany { field, count, left } => Localized::new(
                t::DECODE_TOO_MANY,
                &[("field", &field), ("count", &count), ("left", &left)],
            ),
        }
    }
}

type R<T> = Result<T, DecodeError>;

/// A bounds-checked reader over one request body.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &'static str) -> R<&'a [u8]> {
        if self.remaining() < n {
            return Err(DecodeError::Short {
                field: what,
                need: n,
                at: self.pos,
                left: self.remaining(),
            });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn i8(&mut self, what: &'static str) -> R<i8> {
        Ok(self.take(1, what)?[0] as i8)
    }
    pub fn i16(&mut self, what: &'static str) -> R<i16> {
        let b = self.take(2, what)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }
    pub fn i32(&mut self, what: &'static str) -> R<i32> {
        let b = self.take(4, what)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn i64(&mut self, what: &'static str) -> R<i64> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }
    pub fn bool(&mut self, what: &'static str) -> R<bool> {
        Ok(self.i8(what)? != 0)
    }

    /// `string`/nullable `string`: int16 length (-1 null), UTF-8 bytes.
    pub fn nullable_string(&mut self, what: &'static str) -> R<Option<String>> {
        let len = self.i16(what)?;
        if len < 0 {
            return Ok(None);
        }
        let b = self.take(len as usize, what)?;
        String::from_utf8(b.to_vec())
            .map(Some)
            .map_err(|_| DecodeError::NotUtf8 { field: what })
    }

    pub fn string(&mut self, what: &'static str) -> R<String> {
        self.nullable_string(what)?
            .ok_or(DecodeError::NullString { field: what })
    }

    /// `records`/`bytes`: int32 length (-1 null), raw bytes.
    pub fn nullable_bytes(&mut self, what: &'static str) -> R<Option<&'a [u8]>> {
        let len = self.i32(what)?;
        if len < 0 {
            return Ok(None);
        }
        Ok(Some(self.take(len as usize, what)?))
    }

    /// An array's int32 count (-1 null), checked against the bytes left:
    /// each element takes at least `min_item` bytes.
    pub fn array_len(&mut self, what: &'static str, min_item: usize) -> R<Option<usize>> {
        let n = self.i32(what)?;
        if n < 0 {
            return Ok(None);
        }
        let n = n as usize;
        if n.saturating_mul(min_item.max(1)) > self.remaining() {
            return Err(DecodeError::TooMany {
                field: what,
                count: n,
                left: self.remaining(),
            });
        }
        Ok(Some(n))
    }
}

/// A big-endian writer for responses.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn i8(&mut self, v: i8) -> &mut Self {
        self.buf.push(v as u8);
        self
    }
    pub fn i16(&mut self, v: i16) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.i8(v as i8)
    }
    pub fn string(&mut self, s: &str) -> &mut Self {
        let b = s.as_bytes();
        let n = b.len().min(i16::MAX as usize);
        self.i16(n as i16);
        self.buf.extend_from_slice(&b[..n]);
        self
    }
    pub fn nullable_string(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.string(s),
            None => self.i16(-1),
        }
    }
    pub fn array_len(&mut self, n: usize) -> &mut Self {
        self.i32(n as i32)
    }
}

// ---- responses (bodies; the framing adds length and correlation id) ----

/// ApiVersions response body, v0–v2 layout. With `error` set it is the
/// UNSUPPORTED_VERSION fallback, always in the v0 layout.
pub fn api_versions_response(v: i16, error: i16) -> Vec<u8> {
    let mut w = Writer::default();
    w.i16(error).array_len(SUPPORTED.len());
    for (k, lo, hi) in SUPPORTED {
        w.i16(k).i16(lo).i16(hi);
    }
    if v >= 1 && error == NONE {
        w.i32(0); // throttle_time_ms
    }
    w.buf
}

/// Wraps a body as a response frame: int32 length, correlation id
/// (response header v0: every version zclab serves is non-flexible).
pub fn frame(correlation_id: i32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + body.len());
    out.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
    out.extend_from_slice(&correlation_id.to_be_bytes());
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_fallback_is_v0_layout() {
        let b = api_versions_response(0, UNSUPPORTED_VERSION);
        assert_eq!(&b[..2], &35i16.to_be_bytes());
        assert_eq!(b.len(), 2 + 4 + 6 * SUPPORTED.len());
        assert_eq!(api_versions_response(1, NONE).len(), b.len() + 4);
    }
}
