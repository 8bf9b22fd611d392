//! `zclab sample` and the sample files zclab makes for itself: what was
//! written, and why a sample was refused.

use crate::texts;

texts! {
    WROTE_LINES {
        en: "wrote {size} ({bytes} bytes) of Kafka-like log records to {path}",
        zh: "已生成 {size}（{bytes} 字节）类 Kafka 日志记录：{path}",
    }
    TOO_LARGE {
        en: "a sample of {size} ({bytes} bytes) is too large: zclab makes samples of at most {max} ({max_bytes} bytes); choose a smaller --size",
        zh: "{size}（{bytes} 字节）的样本太大：zclab 生成的样本最多 {max}（{max_bytes} 字节）；请把 --size 改小",
    }
    NO_SPACE {
        en: "not enough free space in {dir} for a {size} sample ({bytes} bytes): it needs {needed} ({needed_bytes} bytes: the sample and a margin of {margin}) but only {free} ({free_bytes} bytes) is free; choose a smaller --size or another folder",
        zh: "{dir} 的剩余空间放不下 {size}（{bytes} 字节）的样本：需要 {needed}（{needed_bytes} 字节，即样本本身再加 {margin} 的余量），但只剩 {free}（{free_bytes} 字节）；请把 --size 改小，或换一个文件夹",
    }
    CANNOT_WRITE_DATA {
        en: "cannot write {size} of sample data to {path}",
        zh: "无法把 {size} 的样本数据写入 {path}",
    }
    CANNOT_SYNC { en: "cannot sync {path}", zh: "无法把 {path} 同步到磁盘" }
    CANNOT_PLACE {
        en: "cannot move the sample into place at {path}",
        zh: "无法把样本移到 {path}",
    }
    CACHE_CREATE {
        en: "cannot create the cache folder {path} for zclab's samples; set XDG_CACHE_HOME to a writable folder or pass a file",
        zh: "无法为 zclab 的样本创建缓存文件夹 {path}；请把 XDG_CACHE_HOME 设为可写的文件夹，或直接给出一个文件",
    }
    CACHE_INSPECT {
        en: "cannot inspect the cache folder {path}",
        zh: "无法检查缓存文件夹 {path}",
    }
    /// The cache folder refused: `{problem}` is one of the `CACHE_IS_*`.
    CACHE_REFUSED {
        en: "zclab will not use the cache folder {path}: it {problem}; remove it, or set XDG_CACHE_HOME to a folder of your own",
        zh: "zclab 不会使用缓存文件夹 {path}：它{problem}；请删除它，或把 XDG_CACHE_HOME 设为你自己的文件夹",
    }
    CACHE_NOT_FOLDER {
        en: "is not a folder (a symbolic link or a file)",
        zh: "不是文件夹（而是符号链接或文件）",
    }
    CACHE_OTHER_OWNER {
        en: "belongs to user {owner} (you are {uid})",
        zh: "属于用户 {owner}（你是 {uid}）",
    }
    CACHE_WRITABLE {
        en: "can be written by others (mode {mode})",
        zh: "允许其他用户写入（权限 {mode}）",
    }
    CACHE_SUBFOLDER {
        en: "cannot create {path} for zclab's samples; set XDG_CACHE_HOME to a writable folder or pass a file",
        zh: "无法为 zclab 的样本创建 {path}；请把 XDG_CACHE_HOME 设为可写的文件夹，或直接给出一个文件",
    }
}
