//! Words several reports share: methods, places, evidence marks, units.

use crate::texts;

texts! {
    TITLE_READ_WRITE { en: "read() + write()", zh: "传统方式（read + write）" }
    TITLE_SENDFILE { en: "sendfile()", zh: "Kafka（sendfile）" }
    PER_CHUNK { en: "per chunk", zh: "每块" }
    PER_CALL { en: "per call", zh: "每次调用" }
    MEASURED { en: "[measured]", zh: "［实测］" }
    MODELLED { en: "[modelled]", zh: "［模型］" }
    DERIVED { en: "[derived]", zh: "［推算］" }
    AGREES { en: "agrees", zh: "一致" }
    DIFFERS { en: "DIFFERS", zh: "不一致" }
    PLACE_DISK { en: "disk", zh: "磁盘" }
    PLACE_PAGE_CACHE { en: "page cache", zh: "页缓存" }
    PLACE_USER_BUFFER { en: "user buffer", zh: "用户缓冲区" }
    PLACE_SOCKET_BUFFER { en: "socket buffer", zh: "Socket 缓冲区" }
    PLACE_NIC { en: "NIC", zh: "网卡" }
    HOW_TO_READ { en: "How to read this:", zh: "怎么读这张表：" }
    LIST_SEPARATOR { en: ", ", zh: "、" }
    /// A name with a note in parentheses: `1234 (nginx)`, `1234（nginx）`.
    WITH_PAREN { en: "{text} ({note})", zh: "{text}（{note}）" }
    /// A sentence followed by a note that carries its own parentheses: a
    /// space in English, none before a full-width （.
    WITH_NOTE { en: "{text} {note}", zh: "{text}{note}" }
}
