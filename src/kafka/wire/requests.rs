//! Requests: the header, and the bodies of the APIs zclab serves, each
//! field as the JSON schema gives it for the version asked; `decode` turns
//! a frame into a request or says how to refuse it.

use super::{
    API_VERSIONS, DecodeError, FETCH, INIT_PRODUCER_ID, LIST_OFFSETS, METADATA, PRODUCE, R, Reader,
    api_name, supported,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::wire::*;

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
}
