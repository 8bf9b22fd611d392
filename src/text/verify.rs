//! `compare --verify`: why the traced re-run could not confirm the counts.

use crate::texts;

texts! {
    OWN_EXE {
        en: "cannot find zclab's own executable to re-run it",
        zh: "找不到 zclab 自己的可执行文件，无法再运行一次",
    }
    SOMETHING_ELSE {
        en: "--verify: the traced re-run of {method} measured something else ({diffs}), so its counts cannot confirm these; nothing was verified",
        zh: "--verify：在跟踪下重跑的 {method} 测的不是同一回事（{diffs}），它的计数无法印证这里的结果，因此这次没有做任何核对",
    }
    /// Between the differences listed in [`SOMETHING_ELSE`].
    DIFF_SEPARATOR { en: ", ", zh: "；" }
    DIFF_FILE { en: "file {got} instead of {want}", zh: "文件是 {got}，而不是 {want}" }
    DIFF_BYTES { en: "{got} bytes instead of {want}", zh: "{got} 字节，而不是 {want} 字节" }
    DIFF_CRC { en: "CRC-32 {got} instead of {want}", zh: "CRC-32 是 {got}，而不是 {want}" }
    DIFF_DEFAULT_SAMPLE {
        en: "the default sample instead of the file",
        zh: "用的是默认样本，而不是这个文件",
    }
    DIFF_BUFFER { en: "buffer {got} instead of {want}", zh: "缓冲区是 {got}，而不是 {want}" }
    DIFF_RUNS { en: "{got} runs instead of {want}", zh: "运行了 {got} 次，而不是 {want} 次" }
    DIFF_CACHE {
        en: "page cache {got} instead of \"{want}\"",
        zh: "页缓存是 {got}，而不是 {want}",
    }
    DIFF_METHODS { en: "methods {got} instead of {want}", zh: "方式是 {got}，而不是 {want}" }
    RERUN {
        en: "cannot re-run {method} under the tracer for --verify",
        zh: "无法为 --verify 在跟踪器下重跑 {method}",
    }
    RERUN_FAILED {
        en: "the traced re-run of `compare --method {method}` failed (exit code {code}): {error}",
        zh: "在跟踪下重跑 `compare --method {method}` 失败（退出码 {code}）：{error}",
    }
    NO_JSON {
        en: "the traced re-run of {method} printed no JSON",
        zh: "在跟踪下重跑的 {method} 没有输出 JSON",
    }
    NO_NUMBER {
        en: "the traced re-run's JSON has no number at {what}",
        zh: "重跑输出的 JSON 在 {what} 处没有数字",
    }
    UNSEEN_THREAD {
        en: "the tracer never saw thread {tid}, which the re-run of {method} named as its sender",
        zh: "重跑的 {method} 说线程 {tid} 是它的发送线程，但跟踪器从没见过这个线程",
    }
    MEMFD {
        en: "cannot create a memory file ({name}) for the traced re-run",
        zh: "无法为重跑创建内存文件（{name}）",
    }
    REWIND_OUTPUT {
        en: "cannot rewind the traced re-run's output",
        zh: "无法把重跑输出的读取位置移回开头",
    }
    READ_OUTPUT { en: "cannot read the traced re-run's output", zh: "无法读取重跑的输出" }
}
