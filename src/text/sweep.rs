//! `zclab sweep`: the grid's tables, charts, cost model and IBM's table,
//! as text, web page and Markdown. Placeholders are positional: `{0}`, `{1}`, …

use crate::texts;

texts! {
    TITLE {
        en: "zclab sweep",
        zh: "zclab sweep 扫描实验",
    }
    HEADER {
        en: "{0} method(s) × {1} file size(s) × {2} buffer size(s), {3} run(s) each, loopback TCP, page cache {4}",
        zh: "{0} 种方式 × {1} 种文件大小 × {2} 种缓冲区大小，每点各运行 {3} 次，本机回环 TCP，{4}",
    }
    WARM {
        en: "warm",
        zh: "热缓存",
    }
    COLD {
        en: "cold",
        zh: "冷缓存",
    }
    MACHINE_LINE {
        en: "{0} · {1} cores · {2} · samples on {3} · {4}",
        zh: "{0} · {1} 核 · {2} · 样本所在文件系统 {3} · {4}",
    }
    UNKNOWN {
        en: "unknown",
        zh: "未知",
    }
    STOPPED {
        en: "Stopped by Ctrl-C after {0} of {1} points: below is what was measured so far.",
        zh: "已按 Ctrl-C 停止：{1} 个测量点中完成了 {0} 个，下面是已测得的结果。",
    }
    COLD_REFUSED {
        en: "--cold was asked, but the sample files could not be dropped from the page cache here (a file system kept in memory, or pages the kernel kept): every run was warm.",
        zh: "虽然指定了 --cold，但这里无法把样本文件清出页缓存（文件系统位于内存中，或内核保留了这些页面）：所有运行都是热缓存。",
    }
    NOTHING_MEASURED {
        en: "Nothing was measured.",
        zh: "还没有测得任何数据。",
    }
    NOT_VERIFIED {
        en: "NOT VERIFIED: a run did not deliver the file byte for byte (see the table).",
        zh: "未通过校验：有一次运行接收端收到的数据与文件不一致（见表格）。",
    }
    TIMES_TITLE {
        en: "Median time per transfer [measured: wall clock to the last byte, median of {0}; range in brackets]",
        zh: "每次传输的耗时中位数［实测：从开始到最后一个字节到达的墙钟时间，{0} 次取中位数；括号内为范围］",
    }
    COL_FILE {
        en: "file",
        zh: "文件",
    }
    COL_BUFFER {
        en: "buffer",
        zh: "缓冲区",
    }
    COL_METHOD {
        en: "method",
        zh: "方式",
    }
    COL_SAVING {
        en: "saving",
        zh: "节省",
    }
    COL_MEDIAN {
        en: "median",
        zh: "中位数",
    }
    COL_RANGE {
        en: "range",
        zh: "范围",
    }
    COL_THROUGHPUT {
        en: "MiB/s",
        zh: "MiB/s",
    }
    COL_CALLS {
        en: "calls",
        zh: "系统调用",
    }
    COL_VERIFIED {
        en: "verified",
        zh: "校验",
    }
    YES {
        en: "yes",
        zh: "通过",
    }
    NO {
        en: "NO",
        zh: "未通过",
    }
    SAVING_NOTE {
        en: "saving = the share of read-write's time that sendfile saved",
        zh: "节省 = sendfile 比 read-write 少用的时间占 read-write 耗时的比例",
    }
    CHART_THROUGHPUT {
        en: "Throughput by buffer size, file {0} [measured, median]",
        zh: "不同缓冲区大小下的吞吐量，文件 {0}［实测，中位数］",
    }
    CHART_SAVING {
        en: "sendfile's saving by file size, buffer {0} [measured, median]",
        zh: "不同文件大小下 sendfile 节省的时间，缓冲区 {0}［实测，中位数］",
    }
    CHART_THROUGHPUT_BY_SIZE {
        en: "Throughput by file size, buffer {0} [measured, median]",
        zh: "不同文件大小下的吞吐量，缓冲区 {0}［实测，中位数］",
    }
    HTML_AXIS_FILE_LOG {
        en: "file size (log scale)",
        zh: "文件大小（对数刻度）",
    }
    LIST_SEP {
        en: "; ",
        zh: "；",
    }
    SLOWER {
        en: "sendfile slower",
        zh: "sendfile 更慢",
    }
    MODEL_TITLE {
        en: "Where the time goes [derived: least-squares fit to the measured points]",
        zh: "时间花在哪里［推算：对实测点做最小二乘拟合］",
    }
    MODEL_FORMULA {
        en: "time ≈ system calls × cost per call + bytes × cost per byte",
        zh: "耗时 ≈ 系统调用次数 × 每次调用的开销 + 字节数 × 每字节的开销",
    }
    MODEL_LINE {
        en: "≈ {0} per call, ≈ {1} per byte",
        zh: "每次调用 ≈ {0}，每字节 ≈ {1}",
    }
    MODEL_FIT {
        en: "reproduces the {0} points within ±{1} (rms {2})",
        zh: "还原 {0} 个实测点的误差在 ±{1} 以内（均方根 {2}）",
    }
    MODEL_CLAMPED {
        en: "(one cost came out below 0 and was set to 0)",
        zh: "（有一项开销拟合为负数，已置为 0）",
    }
    MODEL_CROSSOVER {
        en: "{0}: below a buffer of about {1}, the calls cost more than the bytes; above it, the bytes cost more.",
        zh: "{0}：缓冲区小于约 {1} 时，系统调用的开销超过搬运字节的开销；大于它时，字节的开销更大。",
    }
    MODEL_ONE_CALL {
        en: "{0}: its calls do not grow with the buffer (one call can carry the whole file), so nearly all of its time is per byte.",
        zh: "{0}：调用次数不随缓冲区变化（一次调用就能发完整个文件），所以它的耗时几乎都按字节计。",
    }
    MODEL_NONE {
        en: "Not enough points to fit the model (it needs two or more per method).",
        zh: "测量点太少，无法拟合（每种方式至少需要两个点）。",
    }
    MODEL_BASIS {
        en: "These costs are derived from the measured times above, not measured one by one; on loopback the per-byte cost includes the receiver's copy.",
        zh: "这些开销由上面的实测耗时推算而来，并非逐项实测；在本机回环上，每字节的开销也包含接收端的那次拷贝。",
    }
    IBM_TITLE {
        en: "IBM developerWorks 2008, Table 1, re-run here with {0} buffers [paper: cited; here: measured, median of {1}]",
        zh: "IBM developerWorks 2008 年表 1，在本机用 {0} 缓冲区重跑［论文：引用；本机：实测，{1} 次取中位数］",
    }
    IBM_COL_SIZE {
        en: "size",
        zh: "大小",
    }
    IBM_COL_PAPER {
        en: "paper, ms",
        zh: "论文，毫秒",
    }
    IBM_COL_HERE {
        en: "here, ms",
        zh: "本机，毫秒",
    }
    IBM_COL_TRAD {
        en: "trad.",
        zh: "传统",
    }
    IBM_COL_ZC {
        en: "transferTo",
        zh: "transferTo",
    }
    IBM_COL_RW {
        en: "read-write",
        zh: "read-write",
    }
    IBM_COL_SF {
        en: "sendfile",
        zh: "sendfile",
    }
    IBM_COL_VERDICT {
        en: "verdict",
        zh: "结论",
    }
    IBM_UNIT {
        en: "Sizes: the paper writes MB and GB without saying which; zclab reads them as MiB and GiB (2^20 and 2^30 bytes), so its 1GB is 1 GiB here.",
        zh: "大小：论文只写 MB、GB，没有说明是哪种单位；zclab 按 MiB、GiB（2^20、2^30 字节）理解，论文的 1GB 在这里是 1 GiB。",
    }
    IBM_SCALED {
        en: "Test run: every size divided by {0}.",
        zh: "测试运行：所有大小均除以 {0}。",
    }
    IBM_CAVEAT {
        en: "Not the same experiment: the paper ran Java (FileChannel.transferTo against a read/write loop) on 2008 hardware, and does not describe the network between its client and server; here Rust makes the system calls directly, on this machine, over loopback, where no network card and no wire limit the speed. Compare the savings, not the milliseconds.",
        zh: "这不是同一个实验：论文用 Java（FileChannel.transferTo 对比 read/write 循环）在 2008 年的硬件上测量，也没有交代客户端与服务端之间的网络；这里由 Rust 直接发起系统调用，在本机回环上运行，没有网卡和线路来限制速度。请比较节省的比例，而不是毫秒数。",
    }
    IBM_SOURCE {
        en: "Source: {0}",
        zh: "出处：{0}",
    }
    IBM_TOTAL {
        en: "Over all rows: the paper saved {0}, this machine {1}.",
        zh: "按所有行合计：论文节省了 {0}，本机节省了 {1}。",
    }
    VERDICT_HOLDS {
        en: "holds",
        zh: "依然成立",
    }
    VERDICT_HOLDS_LARGER {
        en: "holds, larger",
        zh: "成立，更明显",
    }
    VERDICT_HOLDS_SMALLER {
        en: "holds, smaller",
        zh: "成立，但变小",
    }
    VERDICT_NO_CLEAR {
        en: "no clear gap",
        zh: "差别不明显",
    }
    VERDICT_REVERSED {
        en: "reversed",
        zh: "结论相反",
    }
    VERDICT_SENTENCE_HOLDS {
        en: "The saving still holds: {0} then, {1} now.",
        zh: "节省依然成立：当年 {0}，如今 {1}。",
    }
    VERDICT_SENTENCE_LARGER {
        en: "The saving holds and is larger here: {0} then, {1} now.",
        zh: "节省依然成立，而且更明显：当年 {0}，如今 {1}。",
    }
    VERDICT_SENTENCE_SMALLER {
        en: "The saving holds but is smaller here: {0} then, {1} now.",
        zh: "节省依然成立，但变小了：当年 {0}，如今 {1}。",
    }
    VERDICT_SENTENCE_NO_CLEAR {
        en: "No clear saving here: {0} then, {1} now.",
        zh: "本机上看不出明显的节省：当年 {0}，如今 {1}。",
    }
    VERDICT_SENTENCE_REVERSED {
        en: "Reversed here: sendfile took longer ({0} saved then, {1} now).",
        zh: "本机上结论相反：sendfile 反而更慢（当年节省 {0}，如今 {1}）。",
    }
    NOT_MEASURED {
        en: "not measured",
        zh: "未测",
    }
    HTML_LANG {
        en: "en",
        zh: "zh-CN",
    }
    HTML_MACHINE {
        en: "Machine",
        zh: "机器",
    }
    HTML_CPU {
        en: "CPU",
        zh: "CPU",
    }
    HTML_CORES {
        en: "Cores",
        zh: "核数",
    }
    HTML_KERNEL {
        en: "Kernel",
        zh: "内核",
    }
    HTML_FS {
        en: "Filesystem of the samples",
        zh: "样本所在文件系统",
    }
    HTML_DATE {
        en: "Date",
        zh: "日期",
    }
    HTML_VERSION {
        en: "zclab version",
        zh: "zclab 版本",
    }
    HTML_SETTINGS {
        en: "Settings",
        zh: "设置",
    }
    HTML_RAW {
        en: "Raw data (the --json document)",
        zh: "原始数据（即 --json 输出）",
    }
    HTML_TIMES {
        en: "Measured times",
        zh: "实测耗时",
    }
    HTML_AXIS_BUFFER {
        en: "buffer size (log scale)",
        zh: "缓冲区大小（对数刻度）",
    }
    HTML_AXIS_THROUGHPUT {
        en: "throughput, MiB/s",
        zh: "吞吐量（MiB/s）",
    }
    HTML_AXIS_FILE {
        en: "file size",
        zh: "文件大小",
    }
    HTML_AXIS_SAVING {
        en: "time saved by sendfile, %",
        zh: "sendfile 节省的时间（%）",
    }
    HTML_AXIS_IBM_ROW {
        en: "file size (paper's label)",
        zh: "文件大小（论文标注）",
    }
    HTML_LEGEND_PAPER {
        en: "paper, 2008",
        zh: "论文（2008）",
    }
    HTML_LEGEND_HERE {
        en: "this machine",
        zh: "本机",
    }
    HTML_IBM_CHART {
        en: "Time saved by zero copy: the paper against this machine",
        zh: "零拷贝节省的时间：论文与本机对比",
    }
    HTML_INTRO {
        en: "Each point below is a real transfer of a file over loopback TCP on this machine, checked byte for byte; the cost model and the verdicts are derived from those points.",
        zh: "下面每个点都是本机上经回环 TCP 真实发送一个文件的结果，并逐字节校验；开销模型和结论都由这些点推算而来。",
    }
    SAVING_COL_RW {
        en: "read-write",
        zh: "read-write",
    }
    SAVING_COL_SF {
        en: "sendfile",
        zh: "sendfile",
    }
    SAVING_COL_SPEEDUP {
        en: "ratio",
        zh: "倍数",
    }
    SAVINGS_TITLE {
        en: "read-write against sendfile [measured, median]",
        zh: "read-write 与 sendfile 对比［实测，中位数］",
    }
    PER_CALL {
        en: "per call",
        zh: "每次调用",
    }
    PER_BYTE {
        en: "per byte",
        zh: "每字节",
    }
    FIT_QUALITY {
        en: "fit (max / rms error)",
        zh: "拟合误差（最大 / 均方根）",
    }
    CROSSOVER {
        en: "crossover buffer",
        zh: "交叉点缓冲区",
    }

    // ---- messages on stderr ----
    MADE_SAMPLE {
        en: "zclab: made the sample {0} ({1}); later sweeps reuse it",
        zh: "zclab：已生成样本 {0}（{1}），之后的扫描会复用它",
    }
    WROTE_PAGE {
        en: "zclab: wrote {0}",
        zh: "zclab：已写入 {0}",
    }
    RUN_NOT_VERIFIED {
        en: "zclab: a run was NOT verified: the receiver did not get the file byte for byte",
        zh: "zclab：有一次运行未通过校验：接收端收到的数据与文件不一致",
    }
    BAR_CHECKING {
        en: "checking the sample",
        zh: "检查样本",
    }
    BAR_POINT {
        en: "{0}/{1} {2} file, {3} buffer",
        zh: "{0}/{1} 文件 {2}，缓冲区 {3}",
    }

    // ---- compare --html ----
    CMP_LEAD {
        en: "{0} ({1}), buffer {2}, {3} run(s) per method, loopback TCP, page cache {4}",
        zh: "{0}（{1}），缓冲区 {2}，每种方式 {3} 次，本机回环 TCP，{4}",
    }
    CMP_TABLE { en: "The four rows, measured on this machine", zh: "四项对比，本机实测" }
    CMP_CHARTS { en: "The four rows as bars", zh: "四项对比柱状图" }
    CMP_ROW_COPIES { en: "CPU copies", zh: "CPU 拷贝次数" }
    CMP_ROW_SWITCHES { en: "Mode switches (user ↔ kernel)", zh: "用户态/内核态切换" }
    CMP_ROW_CPU { en: "CPU time of the sending thread", zh: "发送线程的 CPU 时间" }
    CMP_ROW_THROUGHPUT { en: "Throughput", zh: "吞吐量" }
    CMP_PER_CHUNK { en: "per chunk", zh: "每块" }
    CMP_PER_CALL { en: "per call", zh: "每次调用" }
    CMP_COPIES { en: "{0} CPU + {1} DMA {2}", zh: "CPU {0} 次 + DMA {1} 次，{2}" }
    CMP_USER_SPACE { en: "through user space: {0}", zh: "经过用户空间：{0}" }
    CMP_MEASURED_OWN { en: "[own count]", zh: "［自计数］" }
    CMP_DERIVED { en: "[derived]", zh: "［推算］" }
    CMP_SWITCHES { en: "= 2 × {0} system calls", zh: "= 2 × {0} 次系统调用" }
    CMP_CORE { en: "{0}% of a core", zh: "占单核 {0}%" }
    CMP_MEDIAN_OF { en: "[median of {0}]", zh: "［{0} 次的中位数］" }
    CMP_RANGE { en: "range {0}–{1} MiB/s", zh: "范围 {0}–{1} MiB/s" }
    CMP_AXIS_COPIES { en: "CPU copies", zh: "CPU 拷贝次数" }
    CMP_AXIS_SWITCHES { en: "mode switches", zh: "用户态/内核态切换次数" }
    CMP_AXIS_CPU { en: "sender CPU, ms", zh: "发送端 CPU（毫秒）" }
    CMP_NOTE {
        en: "CPU copies through user space are counted by zclab itself; the DMA hops (disk, network card) are modelled on a warm loopback run; mode switches are derived as 2 per system call; CPU time is the sending thread's sum_exec_runtime (schedstat); throughput is file bytes over the time to the consumer's last byte, every byte checked.",
        zh: "经过用户空间的 CPU 拷贝由 zclab 自己计数；在热缓存的回环运行中，DMA 这几跳（磁盘、网卡）是模型；用户态/内核态切换按每次系统调用 2 次推算；CPU 时间取发送线程的 sum_exec_runtime（schedstat）；吞吐量是文件字节数除以消费端收到最后一个字节的时间，每个字节都经过校验。",
    }
    MODEL_ONE_BUFFER {
        en: "Only one buffer size was measured, so read-write's calls grow in step with its bytes and the two costs cannot be told apart: for the model, sweep several --buf values.",
        zh: "只测了一种缓冲区大小，read-write 的调用次数与字节数同步增长，两项开销无法区分；要得到开销模型，请用 --buf 给出几种缓冲区大小。",
    }
}
