//! Records inside a v2 batch (`DefaultRecord.java`): zig-zag varints,
//! decoding a batch's records, and encoding new records into a batch.

use super::{
    BatchError, BatchHeader, CRC_AT, HEADER_BYTES, LOG_OVERHEAD, MAGIC_V2, RecordsError,
    compute_crc,
};

// ---- varints (zig-zag, as protobuf and Kafka's ByteUtils) ----

pub fn put_varlong(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

pub fn varlong_len(v: i64) -> usize {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 1;
    while z >= 0x80 {
        z >>= 7;
        n += 1;
    }
    n
}

/// Reads a zig-zag varlong at `*pos`, at most 10 bytes.
pub fn get_varlong(b: &[u8], pos: &mut usize) -> Result<i64, BatchError> {
    let mut z: u64 = 0;
    for i in 0..10 {
        let byte = *b
            .get(*pos)
            .ok_or(BatchError::Records(RecordsError::VarintPastEnd))?;
        *pos += 1;
        z |= ((byte & 0x7f) as u64) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(((z >> 1) as i64) ^ -((z & 1) as i64));
        }
    }
    Err(BatchError::Records(RecordsError::VarintTooLong))
}

fn get_varint(b: &[u8], pos: &mut usize) -> Result<i32, BatchError> {
    let v = get_varlong(b, pos)?;
    i32::try_from(v).map_err(|_| BatchError::Records(RecordsError::VarintOverflow(v)))
}

/// One record, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub timestamp_delta: i64,
    pub offset_delta: i32,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

fn get_bytes(b: &[u8], pos: &mut usize) -> Result<Option<Vec<u8>>, BatchError> {
    let len = get_varint(b, pos)?;
    if len < 0 {
        return Ok(None);
    }
    let len = len as usize;
    if b.len() - *pos < len {
        return Err(BatchError::Records(RecordsError::FieldPastRecord { len }));
    }
    let v = b[*pos..*pos + len].to_vec();
    *pos += len;
    Ok(Some(v))
}

/// Decodes the records of one uncompressed batch (the whole batch given).
pub fn decode_records(batch: &[u8]) -> Result<Vec<Record>, BatchError> {
    let h = BatchHeader::parse(batch)?;
    if h.compression() != 0 {
        return Err(BatchError::Records(RecordsError::Compressed(
            h.compression_name(),
        )));
    }
    let end = (h.size() as usize).min(batch.len());
    let body = &batch[HEADER_BYTES..end];
    let mut pos = 0usize;
    let mut out = Vec::new();
    for _ in 0..h.records_count.max(0) {
        let len = get_varint(body, &mut pos)?;
        if len < 0 || body.len() - pos < len as usize {
            return Err(BatchError::Records(RecordsError::RecordPastBatch { len }));
        }
        let rec = &body[pos..pos + len as usize];
        pos += len as usize;
        let mut p = 1usize; // attributes (unused, must exist)
        if rec.is_empty() {
            return Err(BatchError::Records(RecordsError::EmptyRecord));
        }
        let timestamp_delta = get_varlong(rec, &mut p)?;
        let offset_delta = get_varint(rec, &mut p)?;
        let key = get_bytes(rec, &mut p)?;
        let value = get_bytes(rec, &mut p)?;
        let n_headers = get_varint(rec, &mut p)?;
        if n_headers < 0 || n_headers as usize > rec.len() {
            return Err(BatchError::Records(RecordsError::HeaderCount(n_headers)));
        }
        let mut headers = Vec::new();
        for _ in 0..n_headers {
            let k = get_bytes(rec, &mut p)?.unwrap_or_default();
            let v = get_bytes(rec, &mut p)?;
            headers.push((k, v));
        }
        if p != rec.len() {
            return Err(BatchError::Records(RecordsError::RecordSize {
                said: rec.len(),
                took: p,
            }));
        }
        out.push(Record {
            timestamp_delta,
            offset_delta,
            key,
            value,
            headers,
        });
    }
    if pos != body.len() {
        return Err(BatchError::Records(RecordsError::Trailing {
            bytes: body.len() - pos,
            records: h.records_count,
        }));
    }
    Ok(out)
}

/// A record to encode: key, value, one header list.
pub struct NewRecord<'a> {
    pub timestamp: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [(&'a [u8], &'a [u8])],
}

fn put_bytes(out: &mut Vec<u8>, b: Option<&[u8]>) {
    match b {
        None => put_varlong(out, -1),
        Some(b) => {
            put_varlong(out, b.len() as i64);
            out.extend_from_slice(b);
        }
    }
}

/// The body of one record (without its leading length).
fn record_body(r: &NewRecord<'_>, base_ts: i64, offset_delta: i32) -> Vec<u8> {
    let mut body = Vec::with_capacity(64);
    body.push(0); // attributes
    put_varlong(&mut body, r.timestamp - base_ts);
    put_varlong(&mut body, offset_delta as i64);
    put_bytes(&mut body, r.key);
    put_bytes(&mut body, r.value);
    put_varlong(&mut body, r.headers.len() as i64);
    for (k, v) in r.headers {
        put_bytes(&mut body, Some(k));
        put_bytes(&mut body, Some(v));
    }
    body
}

/// Bytes one record takes in a batch, length prefix included.
pub fn record_size(r: &NewRecord<'_>, base_ts: i64, offset_delta: i32) -> usize {
    let bytes = |b: Option<&[u8]>| match b {
        None => 1,
        Some(b) => varlong_len(b.len() as i64) + b.len(),
    };
    let n = 1
        + varlong_len(r.timestamp - base_ts)
        + varlong_len(offset_delta as i64)
        + bytes(r.key)
        + bytes(r.value)
        + varlong_len(r.headers.len() as i64)
        + r.headers
            .iter()
            .map(|(k, v)| bytes(Some(k)) + bytes(Some(v)))
            .sum::<usize>();
    varlong_len(n as i64) + n
}

/// Encodes one uncompressed v2 batch, CRC included, as a producer without
/// idempotence does (producerId -1, epoch -1, sequence -1).
pub fn encode_batch(base_offset: i64, records: &[NewRecord<'_>]) -> Vec<u8> {
    let base_ts = records.first().map(|r| r.timestamp).unwrap_or(0);
    let max_ts = records.iter().map(|r| r.timestamp).max().unwrap_or(-1);
    let mut b = Vec::with_capacity(HEADER_BYTES + records.len() * 96);
    b.extend_from_slice(&base_offset.to_be_bytes());
    b.extend_from_slice(&0i32.to_be_bytes()); // batchLength, set below
    b.extend_from_slice(&0i32.to_be_bytes()); // partitionLeaderEpoch
    b.push(MAGIC_V2 as u8);
    b.extend_from_slice(&0u32.to_be_bytes()); // crc, set below
    b.extend_from_slice(&0i16.to_be_bytes()); // attributes: none, CreateTime
    b.extend_from_slice(&(records.len() as i32 - 1).max(0).to_be_bytes());
    b.extend_from_slice(&base_ts.to_be_bytes());
    b.extend_from_slice(&max_ts.to_be_bytes());
    b.extend_from_slice(&(-1i64).to_be_bytes()); // producerId
    b.extend_from_slice(&(-1i16).to_be_bytes()); // producerEpoch
    b.extend_from_slice(&(-1i32).to_be_bytes()); // baseSequence
    b.extend_from_slice(&(records.len() as i32).to_be_bytes());
    debug_assert_eq!(b.len(), HEADER_BYTES);
    for (i, r) in records.iter().enumerate() {
        let body = record_body(r, base_ts, i as i32);
        put_varlong(&mut b, body.len() as i64);
        b.extend_from_slice(&body);
    }
    let len = (b.len() - LOG_OVERHEAD) as i32;
    b[8..12].copy_from_slice(&len.to_be_bytes());
    let crc = compute_crc(&b);
    b[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_be_bytes());
    b
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::kafka::batch::*;

    /// A record with a key and a value, no headers.
    pub(in crate::kafka::batch) fn rec<'a>(ts: i64, k: &'a [u8], v: &'a [u8]) -> NewRecord<'a> {
        NewRecord {
            timestamp: ts,
            key: Some(k),
            value: Some(v),
            headers: &[],
        }
    }

    #[test]
    fn varints_round_trip_and_match_kafka() {
        // Kafka's ByteUtils: 0 → 00, -1 → 01, 1 → 02, 63 → 7e, 64 → 80 01.
        for (v, bytes) in [
            (0i64, vec![0u8]),
            (-1, vec![1]),
            (1, vec![2]),
            (63, vec![0x7e]),
            (64, vec![0x80, 0x01]),
            (-65, vec![0x81, 0x01]),
        ] {
            let mut out = Vec::new();
            put_varlong(&mut out, v);
            assert_eq!(out, bytes, "{v}");
            assert_eq!(varlong_len(v), bytes.len());
            let mut p = 0;
            assert_eq!(get_varlong(&out, &mut p), Ok(v));
        }
        for v in [i64::MIN, i64::MAX, 1 << 40, -(1 << 33)] {
            let mut out = Vec::new();
            put_varlong(&mut out, v);
            let mut p = 0;
            assert_eq!(get_varlong(&out, &mut p), Ok(v));
        }
    }

    #[test]
    fn batch_layout_crc_and_records() {
        let hdrs: [(&[u8], &[u8]); 1] = [(b"app", b"shop")];
        let recs = [
            rec(1000, b"k1", b"v1"),
            NewRecord {
                timestamp: 1005,
                key: None,
                value: Some(b"second"),
                headers: &hdrs,
            },
        ];
        let b = encode_batch(7, &recs);
        let h = BatchHeader::parse(&b).expect("header");
        assert_eq!(h.base_offset, 7);
        assert_eq!(h.size() as usize, b.len());
        assert_eq!(h.records_count, 2);
        assert_eq!(h.last_offset_delta, 1);
        assert_eq!(h.next_offset(), 9);
        assert_eq!(h.max_timestamp, 1005);
        assert!(check_crc(&b).is_ok());
        // The CRC is CRC-32C (Castagnoli), not CRC-32: known check value.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
        let r = decode_records(&b).expect("records");
        assert_eq!(r[0].key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(r[1].key, None);
        assert_eq!(r[1].timestamp_delta, 5);
        assert_eq!(r[1].offset_delta, 1);
        assert_eq!(r[1].headers[0].0, b"app".to_vec());
        // baseOffset is outside the CRC; attributes are inside.
        let mut moved = b.clone();
        set_base_offset(&mut moved, 1 << 40);
        assert!(check_crc(&moved).is_ok());
        let mut bad = b.clone();
        bad[22] ^= 1;
        assert!(matches!(check_crc(&bad), Err(BatchError::Crc { .. })));
    }
}
