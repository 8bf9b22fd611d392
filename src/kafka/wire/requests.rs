//! Requests: the header, and the bodies of the APIs zclab serves, each
//! field as the JSON schema gives it for the version asked; `decode` turns
//! a frame into a request or says how to refuse it.

use crate::error::Localized;
use crate::text::protocol as t;

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
    let api_key = r.i16("request_api_key")?;
    let api_version = r.i16("request_api_version")?;
    let correlation_id = r.i32("correlation_id")?;
    // Header v0 (controlled shutdown v0 only) has no client id; every API
    // zclab serves uses v1+.
    let client_id = if r.remaining() >= 2 {
        r.nullable_string("client_id").unwrap_or(None)
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
    let n = r.array_len("metadata_topics", 2)?;
    let topics = match n {
        None => None,
        // v0: an empty array meant "all topics".
        Some(0) if v == 0 => None,
        Some(n) => {
            let mut t = Vec::with_capacity(n);
            for _ in 0..n {
                t.push(r.string("metadata_topic_name")?);
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
    let n = r.array_len("produce_topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("produce_topic_name")?;
        let np = r.array_len("produce_partitions", 8)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let index = r.i32("produce_partition_index")?;
            let records = r.nullable_bytes("produce_records")?;
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
    let n = r.array_len("fetch_topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let topic = r.string("fetch_topic")?;
        let np = r.array_len("fetch_partitions", 16)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let partition = r.i32("fetch_partition")?;
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
        let nf = r.array_len("forgotten_topics", 6)?.unwrap_or(0);
        for _ in 0..nf {
            r.string("forgotten_topic")?;
            let np = r.array_len("forgotten_partitions", 4)?.unwrap_or(0);
            for _ in 0..np {
                r.i32("forgotten_partition")?;
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
    let n = r.array_len("list_offsets_topics", 6)?.unwrap_or(0);
    let mut topics = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("list_offsets_topic")?;
        let np = r.array_len("list_offsets_partitions", 12)?.unwrap_or(0);
        let mut partitions = Vec::with_capacity(np);
        for _ in 0..np {
            let partition = r.i32("list_offsets_partition")?;
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
    Close(Refused),
}

/// Why a frame is refused, as typed values; worded where the broker logs
/// it ([`Refused::localized`]), in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The header or the body did not decode.
    Decode(DecodeError),
    /// An API key zclab does not know.
    UnknownApi { key: i16, version: i16 },
    /// A known API at a version outside the range zclab serves.
    Version {
        api: &'static str,
        version: i16,
        lo: i16,
        hi: i16,
    },
}

impl Refused {
    /// The reason in both languages, from the catalogue.
    pub fn localized(&self) -> Localized {
        match self {
            Refused::Decode(e) => e.localized(),
            Refused::UnknownApi { key, version } => {
                Localized::new(t::UNKNOWN_API, &[("key", key), ("version", version)])
            }
            Refused::Version {
                api,
                version,
                lo,
                hi,
            } => Localized::new(
                t::VERSION_NOT_SERVED,
                &[("api", api), ("version", version), ("lo", lo), ("hi", hi)],
            ),
        }
    }
}

/// Decodes one frame (without its length prefix) into a request, or says
/// how to refuse it. Never panics, whatever the bytes.
pub fn decode(frame: &[u8]) -> Result<(RequestHeader, Request<'_>), Refusal> {
    let (h, mut r) = request_header(frame).map_err(close)?;
    let unknown = Refusal::Close(Refused::UnknownApi {
        key: h.api_key,
        version: h.api_version,
    });
    let Some((lo, hi)) = supported(h.api_key) else {
        return Err(unknown);
    };
    if h.api_version < lo || h.api_version > hi {
        if h.api_key == API_VERSIONS {
            return Err(Refusal::ApiVersionsFallback {
                correlation_id: h.correlation_id,
            });
        }
        return Err(Refusal::Close(Refused::Version {
            api: api_name(h.api_key),
            version: h.api_version,
            lo,
            hi,
        }));
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
        _ => return Err(unknown),
    };
    Ok((h, req))
}

fn close(e: DecodeError) -> Refusal {
    Refusal::Close(Refused::Decode(e))
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

    /// A refusal is typed: the numbers travel, the words come from the
    /// catalogue in the reader's language.
    #[test]
    fn refusals_are_worded_in_both_languages_with_their_numbers() {
        let Err(Refusal::Close(why)) = decode(&header(99, 4, 1).buf) else {
            panic!("not refused")
        };
        assert_eq!(
            why,
            Refused::UnknownApi {
                key: 99,
                version: 4
            }
        );
        assert_eq!(why.localized().en, "unknown API key 99 (version 4)");
        assert_eq!(why.localized().zh, "未知的 API key 99（版本 4）");
        let Err(Refusal::Close(why)) = decode(&header(FETCH, 3, 1).buf) else {
            panic!("not refused")
        };
        assert_eq!(
            why.localized().en,
            "Fetch version 3 is not served (zclab serves 4-11)"
        );
        assert_eq!(
            why.localized().zh,
            "不支持 Fetch 的版本 3（zclab 支持 4-11）"
        );
        let Err(Refusal::Close(why)) = decode(&[0, 1, 0]) else {
            panic!("not refused")
        };
        assert_eq!(
            why,
            Refused::Decode(DecodeError::Short {
                field: "request_api_version",
                need: 2,
                at: 2,
                left: 1
            })
        );
        assert_eq!(
            why.localized().en,
            "request_api_version: needs 2 bytes at byte 2, 1 left"
        );
        assert_eq!(
            why.localized().zh,
            "request_api_version：第 2 字节处需要 2 字节，只剩 1 字节"
        );
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
