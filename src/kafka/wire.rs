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

use std::fmt;

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

/// Why a request could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

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

    fn take(&mut self, n: usize, what: &str) -> R<&'a [u8]> {
        if self.remaining() < n {
            return Err(DecodeError(format!(
                "{what}: needs {n} bytes at byte {}, {} left",
                self.pos,
                self.remaining()
            )));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn i8(&mut self, what: &str) -> R<i8> {
        Ok(self.take(1, what)?[0] as i8)
    }
    pub fn i16(&mut self, what: &str) -> R<i16> {
        let b = self.take(2, what)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }
    pub fn i32(&mut self, what: &str) -> R<i32> {
        let b = self.take(4, what)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn i64(&mut self, what: &str) -> R<i64> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }
    pub fn bool(&mut self, what: &str) -> R<bool> {
        Ok(self.i8(what)? != 0)
    }

    /// `string`/nullable `string`: int16 length (-1 null), UTF-8 bytes.
    pub fn nullable_string(&mut self, what: &str) -> R<Option<String>> {
        let len = self.i16(what)?;
        if len < 0 {
            return Ok(None);
        }
        let b = self.take(len as usize, what)?;
        String::from_utf8(b.to_vec())
            .map(Some)
            .map_err(|_| DecodeError(format!("{what}: not UTF-8")))
    }

    pub fn string(&mut self, what: &str) -> R<String> {
        self.nullable_string(what)?
            .ok_or_else(|| DecodeError(format!("{what}: null where a string is required")))
    }

    /// `records`/`bytes`: int32 length (-1 null), raw bytes.
    pub fn nullable_bytes(&mut self, what: &str) -> R<Option<&'a [u8]>> {
        let len = self.i32(what)?;
        if len < 0 {
            return Ok(None);
        }
        Ok(Some(self.take(len as usize, what)?))
    }

    /// An array's int32 count (-1 null), checked against the bytes left:
    /// each element takes at least `min_item` bytes.
    pub fn array_len(&mut self, what: &str, min_item: usize) -> R<Option<usize>> {
        let n = self.i32(what)?;
        if n < 0 {
            return Ok(None);
        }
        let n = n as usize;
        if n.saturating_mul(min_item.max(1)) > self.remaining() {
            return Err(DecodeError(format!(
                "{what}: {n} elements cannot fit in {} bytes",
                self.remaining()
            )));
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

/// The request header, v1 (non-flexible) or v2 (flexible: tagged fields
/// follow the client id). `ClientId` is a nullable int16 string in both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHeader {
    pub api_key: i16,
    pub api_version: i16,
    pub correlation_id: i32,
    pub client_id: Option<String>,
}

/// Reads the header. The body follows; for versions zclab serves it is
/// never flexible, so no tagged fields need skipping.
pub fn request_header<'a>(frame: &'a [u8]) -> R<(RequestHeader, Reader<'a>)> {
    let mut r = Reader::new(frame);
    let api_key = r.i16("request api key")?;
    let api_version = r.i16("request api version")?;
    let correlation_id = r.i32("correlation id")?;
    // Header v0 (controlled shutdown v0 only) has no client id; every API
    // zclab serves uses v1+.
    let client_id = if r.remaining() >= 2 {
        r.nullable_string("client id").unwrap_or(None)
    } else {
        None
    };
    Ok((
        RequestHeader {
            api_key,
            api_version,
            correlation_id,
            client_id,
        },
        r,
    ))
}

/// Reads only the correlation id of a frame too broken for a header, so
/// that a log line can name it.
pub fn peek_correlation(frame: &[u8]) -> Option<i32> {
    frame
        .get(4..8)
        .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

// ---- requests ----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataRequest {
    /// `None`: all topics.
    pub topics: Option<Vec<String>>,
    pub allow_auto_topic_creation: bool,
}

pub fn metadata_request(r: &mut Reader<'_>, v: i16) -> R<MetadataRequest> {
    let n = r.array_len("metadata topics", 2)?;
    let topics = match n {
        None => None,
        // v0: an empty array meant "all topics".
        Some(0) if v == 0 => None,
        Some(n) => {
            let mut t = Vec::with_capacity(n);
            for _ in 0..n {
                t.push(r.string("metadata topic name")?);
            }
            Some(t)
        }
    };
    let allow_auto_topic_creation = if v >= 4 {
        r.bool("allow_auto_topic_creation")?
    } else {
        true
    };
    if v >= 8 {
        r.bool("include_cluster_authorized_operations")?;
        r.bool("include_topic_authorized_operations")?;
    }
    Ok(MetadataRequest {
        topics,
        allow_auto_topic_creation,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducePartition<'a> {
    pub index: i32,
    pub records: Option<&'a [u8]>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceTopic<'a> {
    pub name: String,
    pub partitions: Vec<ProducePartition<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceRequest<'a> {
    pub acks: i16,
    pub timeout_ms: i32,
    pub topics: Vec<ProduceTopic<'a>>,
}

pub fn produce_request<'a>(r: &mut Reader<'a>, _v: i16) -> R<ProduceRequest<'a>> {
    let _transactional_id = r.nullable_string("transactional_id")?;
    let acks = r.i16("acks")?;
    let timeout_ms = r.i32("timeout_ms")?;
    let n = r.array_len("produce topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("produce topic name")?;
        let np = r.array_len("produce partitions", 8)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let index = r.i32("produce partition index")?;
            let records = r.nullable_bytes("produce records")?;
            partitions.push(ProducePartition { index, records });
        }
        topics.push(ProduceTopic { name, partitions });
    }
    Ok(ProduceRequest {
        acks,
        timeout_ms,
        topics,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchPartition {
    pub partition: i32,
    pub fetch_offset: i64,
    pub partition_max_bytes: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchTopic {
    pub topic: String,
    pub partitions: Vec<FetchPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRequest {
    pub max_wait_ms: i32,
    pub min_bytes: i32,
    pub max_bytes: i32,
    pub isolation_level: i8,
    pub session_id: i32,
    pub session_epoch: i32,
    pub topics: Vec<FetchTopic>,
}

pub fn fetch_request(r: &mut Reader<'_>, v: i16) -> R<FetchRequest> {
    let _replica_id = r.i32("replica_id")?;
    let max_wait_ms = r.i32("max_wait_ms")?;
    let min_bytes = r.i32("min_bytes")?;
    let max_bytes = if v >= 3 {
        r.i32("max_bytes")?
    } else {
        i32::MAX
    };
    let isolation_level = if v >= 4 { r.i8("isolation_level")? } else { 0 };
    let (session_id, session_epoch) = if v >= 7 {
        (r.i32("session_id")?, r.i32("session_epoch")?)
    } else {
        (0, -1)
    };
    let n = r.array_len("fetch topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let topic = r.string("fetch topic")?;
        let np = r.array_len("fetch partitions", 16)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let partition = r.i32("fetch partition")?;
            if v >= 9 {
                r.i32("current_leader_epoch")?;
            }
            let fetch_offset = r.i64("fetch_offset")?;
            if v >= 5 {
                r.i64("log_start_offset")?;
            }
            let partition_max_bytes = r.i32("partition_max_bytes")?;
            partitions.push(FetchPartition {
                partition,
                fetch_offset,
                partition_max_bytes,
            });
        }
        topics.push(FetchTopic { topic, partitions });
    }
    if v >= 7 {
        let nf = r.array_len("forgotten topics", 6)?.unwrap_or(0);
        for _ in 0..nf {
            r.string("forgotten topic")?;
            let np = r.array_len("forgotten partitions", 4)?.unwrap_or(0);
            for _ in 0..np {
                r.i32("forgotten partition")?;
            }
        }
    }
    if v >= 11 {
        r.string("rack_id")?;
    }
    Ok(FetchRequest {
        max_wait_ms,
        min_bytes,
        max_bytes,
        isolation_level,
        session_id,
        session_epoch,
        topics,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListOffsetsPartition {
    pub partition: i32,
    /// -2 earliest, -1 latest, else a timestamp in ms.
    pub timestamp: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListOffsetsTopic {
    pub name: String,
    pub partitions: Vec<ListOffsetsPartition>,
}

pub fn list_offsets_request(r: &mut Reader<'_>, v: i16) -> R<Vec<ListOffsetsTopic>> {
    let _replica_id = r.i32("replica_id")?;
    if v >= 2 {
        r.i8("isolation_level")?;
    }
    let n = r.array_len("list offsets topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("list offsets topic")?;
        let np = r.array_len("list offsets partitions", 12)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let partition = r.i32("list offsets partition")?;
            if v >= 4 {
                r.i32("current_leader_epoch")?;
            }
            let timestamp = r.i64("timestamp")?;
            partitions.push(ListOffsetsPartition {
                partition,
                timestamp,
            });
        }
        topics.push(ListOffsetsTopic { name, partitions });
    }
    Ok(topics)
}

/// A request decoded far enough to be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    ApiVersions,
    Metadata(MetadataRequest),
    Produce(ProduceRequest<'a>),
    Fetch(FetchRequest),
    ListOffsets(Vec<ListOffsetsTopic>),
    InitProducerId,
}

/// What the broker must do with a frame it cannot serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// ApiVersions at a version zclab does not serve: answer
    /// UNSUPPORTED_VERSION in the v0 layout (the documented fallback).
    ApiVersionsFallback { correlation_id: i32 },
    /// Anything else Kafka cannot parse: log it and close the connection,
    /// as Kafka's `SocketServer` does.
    Close(String),
}

/// Decodes one frame (without its length prefix) into a request, or says
/// how to refuse it. Never panics, whatever the bytes.
pub fn decode(frame: &[u8]) -> Result<(RequestHeader, Request<'_>), Refusal> {
    let (h, mut r) = request_header(frame).map_err(|e| Refusal::Close(e.0))?;
    let Some((lo, hi)) = supported(h.api_key) else {
        return Err(Refusal::Close(format!(
            "unknown API key {} (version {})",
            h.api_key, h.api_version
        )));
    };
    if h.api_version < lo || h.api_version > hi {
        if h.api_key == API_VERSIONS {
            return Err(Refusal::ApiVersionsFallback {
                correlation_id: h.correlation_id,
            });
        }
        return Err(Refusal::Close(format!(
            "{} version {} is not served (zclab serves {lo}-{hi})",
            api_name(h.api_key),
            h.api_version
        )));
    }
    let v = h.api_version;
    let req = match h.api_key {
        API_VERSIONS => Request::ApiVersions,
        METADATA => Request::Metadata(metadata_request(&mut r, v).map_err(close)?),
        PRODUCE => Request::Produce(produce_request(&mut r, v).map_err(close)?),
        FETCH => Request::Fetch(fetch_request(&mut r, v).map_err(close)?),
        LIST_OFFSETS => Request::ListOffsets(list_offsets_request(&mut r, v).map_err(close)?),
        INIT_PRODUCER_ID => {
            r.nullable_string("transactional_id").map_err(close)?;
            r.i32("transaction_timeout_ms").map_err(close)?;
            Request::InitProducerId
        }
        _ => return Err(Refusal::Close(format!("unknown API key {}", h.api_key))),
    };
    Ok((h, req))
}

fn close(e: DecodeError) -> Refusal {
    Refusal::Close(e.0)
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

    fn header(key: i16, v: i16, corr: i32) -> Writer {
        let mut w = Writer::default();
        w.i16(key).i16(v).i32(corr).string("test");
        w
    }

    #[test]
    fn fetch_v11_decodes_every_field_in_order() {
        let mut w = header(FETCH, 11, 9);
        w.i32(-1)
            .i32(500)
            .i32(1)
            .i32(52_428_800)
            .i8(0)
            .i32(0)
            .i32(-1);
        w.array_len(1).string("demo").array_len(1);
        w.i32(0).i32(-1).i64(42).i64(-1).i32(1_048_576);
        w.array_len(0).string("");
        let (h, req) = decode(&w.buf).expect("decodes");
        assert_eq!(h.correlation_id, 9);
        assert_eq!(h.client_id.as_deref(), Some("test"));
        let Request::Fetch(f) = req else {
            panic!("not a fetch")
        };
        assert_eq!(f.max_wait_ms, 500);
        assert_eq!(f.min_bytes, 1);
        assert_eq!(f.topics[0].topic, "demo");
        assert_eq!(f.topics[0].partitions[0].fetch_offset, 42);
        assert_eq!(f.topics[0].partitions[0].partition_max_bytes, 1_048_576);
    }

    #[test]
    fn refusals() {
        // kcat's first request: ApiVersions v3 → the v0 fallback.
        let w = header(API_VERSIONS, 3, 1);
        assert_eq!(
            decode(&w.buf),
            Err(Refusal::ApiVersionsFallback { correlation_id: 1 })
        );
        assert!(matches!(
            decode(&header(99, 0, 1).buf),
            Err(Refusal::Close(_))
        ));
        assert!(matches!(
            decode(&header(FETCH, 3, 1).buf),
            Err(Refusal::Close(_))
        ));
        // Truncated in the middle of a field.
        let mut w = header(METADATA, 1, 1);
        w.array_len(1).i16(10);
        assert!(matches!(decode(&w.buf), Err(Refusal::Close(_))));
        // An array count far larger than the frame.
        let mut w = header(PRODUCE, 3, 1);
        w.i16(-1).i16(1).i32(100).i32(i32::MAX);
        assert!(matches!(decode(&w.buf), Err(Refusal::Close(_))));
        assert!(decode(&[]).is_err());
    }

    #[test]
    fn api_versions_fallback_is_v0_layout() {
        let b = api_versions_response(0, UNSUPPORTED_VERSION);
        assert_eq!(&b[..2], &35i16.to_be_bytes());
        assert_eq!(b.len(), 2 + 4 + 6 * SUPPORTED.len());
        assert_eq!(api_versions_response(1, NONE).len(), b.len() + 4);
    }
}
