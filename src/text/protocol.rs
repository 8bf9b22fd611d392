//! The Kafka protocol's details, as the broker logs them and `sample
//! --dump` shows them: why a request did not decode, why bytes are not a
//! v2 record batch. The errors are typed values (`wire::DecodeError`,
//! `wire::Refused`, `batch::BatchError`, `batch::RecordsError`); these are
//! their words. Field and API names (`batchLength`, `correlation_id`,
//! `Fetch`) are the protocol's and stay as Kafka spells them.

use crate::texts;

texts! {
    // ---- a request that does not decode (the broker closes the connection) ----
    DECODE_SHORT {
        en: "{field}: needs {need} bytes at byte {at}, {left} left",
        zh: "{field}：第 {at} 字节处需要 {need} 字节，只剩 {left} 字节",
    }
    DECODE_NOT_UTF8 { en: "{field}: not UTF-8", zh: "{field}：不是有效的 UTF-8" }
    DECODE_NULL {
        en: "{field}: null where a string is required",
        zh: "{field}：这里要求字符串，收到的却是 null",
    }
    DECODE_TOO_MANY {
        en: "{field}: {count} elements cannot fit in {left} bytes",
        zh: "{field}：剩下的 {left} 字节放不下 {count} 个元素",
    }
    UNKNOWN_API {
        en: "unknown API key {key} (version {version})",
        zh: "未知的 API key {key}（版本 {version}）",
    }
    VERSION_NOT_SERVED {
        en: "{api} version {version} is not served (zclab serves {lo}-{hi})",
        zh: "不支持 {api} 的版本 {version}（zclab 支持 {lo}-{hi}）",
    }

    // ---- bytes that are not a v2 record batch ----
    BATCH_TRUNCATED {
        en: "truncated batch: needs {need} bytes, {have} left",
        zh: "批次不完整：需要 {need} 字节，只剩 {have} 字节",
    }
    BATCH_LENGTH { en: "impossible batchLength {n}", zh: "batchLength 为 {n}，不可能成立" }
    BATCH_MAGIC {
        en: "magic {magic}, not 2 (an old message format)",
        zh: "magic 为 {magic}，不是 2（旧的消息格式）",
    }
    BATCH_CRC {
        en: "CRC-32C mismatch: stored {stored}, computed {computed}",
        zh: "CRC-32C 不符：批次中存的是 {stored}，算出来的是 {computed}",
    }
    BATCH_RECORDS { en: "bad records: {why}", zh: "记录有误：{why}" }
    VARINT_PAST_END { en: "varint runs past the end", zh: "varint 超出了末尾" }
    VARINT_TOO_LONG { en: "varint longer than 10 bytes", zh: "varint 超过 10 字节" }
    VARINT_OVERFLOW { en: "varint {value} overflows int32", zh: "varint {value} 超出了 int32 的范围" }
    FIELD_PAST_RECORD {
        en: "a field of {len} bytes runs past the record",
        zh: "一个 {len} 字节的字段超出了记录末尾",
    }
    COMPRESSED {
        en: "records are compressed ({codec}); zclab reads uncompressed batches only",
        zh: "记录经过压缩（{codec}）；zclab 只读未压缩的批次",
    }
    RECORD_PAST_BATCH {
        en: "record length {len} runs past the batch",
        zh: "记录长度 {len} 超出了批次末尾",
    }
    EMPTY_RECORD { en: "empty record", zh: "空记录" }
    HEADER_COUNT { en: "impossible header count {n}", zh: "header 个数 {n} 不可能成立" }
    RECORD_SIZE {
        en: "record says {said} bytes but its fields take {took}",
        zh: "记录声明有 {said} 字节，它的字段却占了 {took} 字节",
    }
    TRAILING_BYTES {
        en: "{bytes} bytes after the last of {records} records",
        zh: "{records} 条记录之后还多出 {bytes} 字节",
    }
    NEGATIVE_DELTA { en: "negative lastOffsetDelta {delta}", zh: "lastOffsetDelta 为负数：{delta}" }

    // ---- the broker's log and the generator ----
    APPEND_FAILED {
        en: "cannot append to the segment: {reason}",
        zh: "无法追加到日志段：{reason}",
    }
    SEGMENT_TOO_SMALL {
        en: "a Kafka segment of {size} bytes cannot hold a record batch; ask for 0 or at least {min} bytes",
        zh: "{size} 字节的 Kafka 日志段放不下一个记录批次；请指定 0 或至少 {min} 字节",
    }
}
