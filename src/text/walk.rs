//! `zclab trace`: the step-by-step walk.

use crate::texts;

texts! {
    SUMMARY_HEADING { en: "zclab trace: the same run as a table", zh: "zclab trace：本次运行汇总" }
    PAUSES_NOTE {
        en: "Note: in a trace the CPU and throughput figures include the pauses between steps; use `zclab compare` to measure speed.",
        zh: "注意：trace 中的 CPU 与吞吐量数字包含了步骤之间的停顿；测速请用 `zclab compare`。",
    }
}
