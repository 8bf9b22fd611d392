//! `zclab compare` (and the summary table of `zclab trace`).

use crate::texts;

texts! {
    HEADING { en: "zclab compare", zh: "zclab compare" }
    TITLE {
        en: "{heading} — {path} ({size}), buffer {buffer}, {runs} run(s) per method, loopback TCP, {cache}",
        zh: "{heading}——{path}（{size}），缓冲区 {buffer}，每种方式 {runs} 次，本机回环 TCP，{cache}",
    }
    CACHE_WARM { en: "page cache warm", zh: "热缓存" }
    CACHE_WARM_REFUSED {
        en: "page cache WARM: --cold cannot evict this file ({why})",
        zh: "热缓存：--cold 无法把此文件清出页缓存（{why}）",
    }
    REFUSED_MEMORY_FS {
        en: "it is on {fs}, which keeps files in memory: there is no disk to read from",
        zh: "它在 {fs} 上，文件本身就在内存里，没有可读的磁盘",
    }
    REFUSED_RESIDENT {
        en: "the kernel kept all {bytes} in the page cache through 2 s of retries",
        zh: "重试 2 秒后，内核仍把全部 {bytes} 留在页缓存中",
    }
    WARN_COLD_REFUSED {
        en: "zclab: --cold: {path}: {why}; the runs were warm",
        zh: "zclab：--cold：{path}：{why}；本次运行用的是热缓存",
    }
    CACHE_COLD {
        en: "page cache cold (file dropped before each run)",
        zh: "冷缓存（每次运行前把文件清出页缓存）",
    }
    HEAD_OPTIMIZATION { en: "Optimization", zh: "优化点" }
    HEAD_VERSUS { en: "read-write vs sendfile", zh: "对比" }
    ROW_COPIES { en: "Data copies", zh: "数据拷贝次数" }
    ROW_MODE_SWITCHES { en: "Mode switches\n(user ↔ kernel)", zh: "用户态/内核态切换" }
    ROW_CPU { en: "CPU usage", zh: "CPU 占用" }
    ROW_THROUGHPUT { en: "Throughput", zh: "吞吐量" }
    ARTICLE { en: "article: {claim}", zh: "文章：{claim}" }

    COPIES_SUM { en: "{cpu} CPU + {dma} DMA = {total} {unit}", zh: "CPU {cpu} + DMA {dma} = {unit} {total} 次" }
    COPIES_USUAL { en: "CPU [measured], DMA [modelled]", zh: "CPU［实测］，DMA［模型］" }
    COPIES_ONLY_DMA { en: "DMA [modelled]", zh: "DMA［模型］" }
    COPIES_SPLIT {
        en: "[measured] {cpu_m} CPU, {dma_m} DMA; [modelled] {cpu_o} CPU, {dma_o} DMA",
        zh: "［实测］CPU {cpu_m}、DMA {dma_m}；［模型］CPU {cpu_o}、DMA {dma_o}",
    }
    COPIES_NOTHING { en: "0: no data was sent\n(the file is empty)", zh: "0 次：没有发送任何数据\n（文件为空）" }
    COPIES_USER_BYTES { en: "user space: {bytes} [own count]", zh: "经过用户空间：{bytes}［自计数］" }
    CLAIM_COPIES_READ_WRITE { en: "4 (disk → kernel → user → net)", zh: "4 次（磁盘 → 内核 → 用户 → 网络）" }
    CLAIM_COPIES_SENDFILE { en: "2 (disk → kernel → net)", zh: "2 次（磁盘 → 内核 → 网络）" }

    SWITCHES_DERIVED { en: "{switches} [derived]", zh: "{switches}［推算］" }
    SWITCHES_BASIS { en: "= 2 × {calls} calls, ≈ {per} {unit}", zh: "= 2 × {calls} 次系统调用，约{unit} {per} 次" }
    SWITCHES_BASIS_ONE { en: "= 2 × 1 call, ≈ {per} {unit}", zh: "= 2 × 1 次系统调用，约{unit} {per} 次" }
    CLAIM_SWITCHES_READ_WRITE { en: "4 per chunk (costly)", zh: "每块 4 次（开销大）" }
    CLAIM_SWITCHES_SENDFILE { en: "2 (light)", zh: "2 次（开销小）" }

    CPU_TIME { en: "{ms} sender [schedstat]", zh: "发送端 {ms}［schedstat］" }
    CPU_CONSUMER { en: "+ {ms} consumer\n= {both} both", zh: "+ 消费端 {ms}\n= 合计 {both}" }
    CPU_SPLIT { en: "user {user} + system {sys} ms [ticks]", zh: "用户态 {user} + 内核态 {sys} ms［按时钟节拍］" }
    CPU_NO_SPLIT { en: "user/system: too short to split", zh: "用户态/内核态：时间太短，不拆分" }
    CPU_SHARE { en: "{share}% of a core, sender", zh: "发送端占单核 {share}%" }
    CLAIM_CPU_READ_WRITE { en: "high (many copies)", zh: "高（数据多次拷贝）" }
    CLAIM_CPU_SENDFILE { en: "low (from page cache)", zh: "低（直接从页缓存发送）" }

    THROUGHPUT_MEDIAN { en: "{rate} [median of {runs}]", zh: "{rate}［{runs} 次的中位数］" }
    THROUGHPUT_STOPPED { en: "none: the run was stopped\nbefore the end of the file", zh: "无：运行在文件结束前\n被停止" }
    THROUGHPUT_NOTHING { en: "none: nothing was sent", zh: "无：没有发送任何数据" }
    THROUGHPUT_RANGE { en: "range {lo}–{hi}, {secs} s", zh: "范围 {lo}–{hi}，用时 {secs} s" }
    CLAIM_THROUGHPUT_READ_WRITE { en: "low (CPU-bound)", zh: "低（受 CPU 限制）" }
    CLAIM_THROUGHPUT_SENDFILE { en: "high", zh: "高" }

    VS_COPIES { en: "CPU copies {a} → {b}\nuser-space bytes {ua} → {ub}", zh: "CPU 拷贝 {a} → {b} 次\n用户空间字节 {ua} → {ub}" }
    VS_SWITCHES { en: "{a} → {b}\n{x}× as many with read-write", zh: "{a} → {b}\nread-write 是 sendfile 的 {x} 倍" }
    VS_SWITCHES_PLAIN { en: "{a} → {b}", zh: "{a} → {b}" }
    VS_CPU_LESS { en: "sendfile uses {pct}% less\n({x}× less)", zh: "sendfile 少用 {pct}%\n（相差 {x} 倍）" }
    VS_CPU_MORE { en: "sendfile used MORE here\n({x}× as much)", zh: "本次 sendfile 反而更多\n（{x} 倍）" }
    VS_FASTER { en: "sendfile {x}× the throughput", zh: "sendfile 的吞吐量\n是前者的 {x} 倍" }
    VS_SLOWER { en: "sendfile SLOWER here\n({x}× the throughput)", zh: "本次 sendfile 反而更慢\n（吞吐量是前者的 {x} 倍）" }
    TOO_SHORT { en: "too short to compare", zh: "时间太短，无法比较" }
    VS_CPU_SENDER { en: "sender: {verdict}", zh: "发送端：{verdict}" }
    VS_CPU_BOTH { en: "sender + consumer:\n{verdict}", zh: "发送端 + 消费端：\n{verdict}" }
    CPU_TOO_SHORT { en: "too short to compare (< 1 ms)", zh: "时间太短，无法比较（< 1 ms）" }
    VS_NO_FIGURE { en: "no ratio: a run has\nno throughput", zh: "无比值：有一方\n没有吞吐量" }

    VERDICT {
        en: "In short: sendfile moved the file with {switches}, {cpu} and {speed}.",
        zh: "一句话：sendfile 发送同一个文件，{switches}，{cpu}，{speed}。",
    }
    VERDICT_SWITCHES { en: "{x}× fewer mode switches", zh: "用户态/内核态切换少到前者的 1/{x}" }
    VERDICT_SWITCHES_COUNTS { en: "{a} → {b} mode switches", zh: "用户态/内核态切换从 {a} 次变为 {b} 次" }
    VERDICT_EMPTY {
        en: "In short: the file is empty, so nothing was sent and there is nothing to compare; read() + write() still made {a} mode switches to find the end of the file, sendfile {b}.",
        zh: "一句话：文件是空的，什么也没有发送，无从比较；传统方式为了读到文件末尾仍有 {a} 次用户态/内核态切换，sendfile 为 {b} 次。",
    }
    VERDICT_CPU_LESS { en: "{pct}% less CPU", zh: "CPU 时间少 {pct}%" }
    VERDICT_CPU_MORE { en: "MORE CPU ({x}×)", zh: "CPU 时间反而多（{x} 倍）" }
    VERDICT_CPU_SHORT { en: "CPU times too short to compare", zh: "CPU 时间太短无法比较" }
    VERDICT_FASTER { en: "{x}× the throughput of read() + write()", zh: "吞吐量是传统方式的 {x} 倍" }
    VERDICT_SLOWER { en: "LESS throughput ({x}×) this time", zh: "本次吞吐量反而更低（{x} 倍）" }
    VERDICT_SPEED_SHORT { en: "runs too short to compare speeds", zh: "运行时间太短无法比较速度" }
    VERDICT_SPEED_NONE { en: "no throughput to compare", zh: "没有可比较的吞吐量" }
    VERIFIED_ALL { en: "All {n} runs verified: the consumer got every byte (CRC-32 {crc}).", zh: "全部 {n} 次运行通过校验：消费端收到了每一个字节（CRC-32 {crc}）。" }
    MORE_DETAILS {
        en: "More: --details (system calls, /proc counters, data path, notes), --json (everything, for tools).",
        zh: "更多：--details（系统调用、/proc 计数器、数据路径、说明），--json（全部数据，供程序读取）。",
    }

    SYSCALLS_TITLE {
        en: "System calls of the sending thread (zclab's own count, median run) and the /proc cross-check:",
        zh: "发送线程的系统调用（zclab 自计数，中位数那次）与 /proc 交叉核对：",
    }
    SYSCALLS_PROCFS { en: "/proc: syscr +{syscr} syscw +{syscw} ({mark})", zh: "/proc：syscr +{syscr} syscw +{syscw}（{mark}）" }
    SYSCALLS_SHORT { en: "[{short} short writes, {eintr} EINTR]", zh: "［{short} 次短写，{eintr} 次 EINTR］" }
    COUNTERS_TITLE {
        en: "/proc counters, deltas over the median run (sender = the \"broker\" thread, consumer = the receiving thread):",
        zh: "/proc 计数器在中位数那次运行中的增量（发送端即“broker”线程，消费端即接收线程）：",
    }
    COUNTER { en: "counter", zh: "计数器" }
    SENDER { en: "{method} sender", zh: "{method} 发送端" }
    CONSUMER { en: "{method} consumer", zh: "{method} 消费端" }
    PATH_TITLE {
        en: "Data path of each method (the copy model; [measured] hops have a counter behind them):",
        zh: "每种方式的数据路径（拷贝模型；标［实测］的一跳有计数器为证）：",
    }
    PATH_NOTHING {
        en: "no data was sent: no copy happened, no hop to measure",
        zh: "没有发送任何数据：没有发生拷贝，也就没有可测的一跳",
    }
    SYSCALLS_NONE { en: "no calls", zh: "没有调用" }
    STOPPED_EARLY {
        en: "{method}: stopped early as asked, {sent} of {total} bytes sent: nothing to verify",
        zh: "{method}：按要求提前停止，已发送 {sent} / {total} 字节，不做校验",
    }
    RUNS_VERIFIED {
        en: "{method}: {ok}/{runs} runs verified — the consumer received {bytes} bytes with CRC-32 {crc} (file: {file_bytes} bytes, {file_crc})",
        zh: "{method}：{ok}/{runs} 次运行通过校验——消费端收到 {bytes} 字节，CRC-32 {crc}（文件：{file_bytes} 字节，{file_crc}）",
    }

    NOTE_MODE_SWITCHES {
        en: "Mode switches are derived, not read from a counter: Linux keeps no count of user/kernel switches, so zclab counts its own system calls and multiplies by 2 (enter + leave). The article's \"4 vs 2\" is per chunk (read + write) against per sendfile call; over a whole file the loop pays 4 for every chunk, sendfile 2 for every call.",
        zh: "用户态/内核态切换是推算出来的，不是读计数器：Linux 没有这种切换的计数器，zclab 统计自己的系统调用次数再乘以 2（进入一次、返回一次）。文章说的“4 次对 2 次”是每块数据（read + write）对每次 sendfile 调用；整个文件下来，循环每块都要切换 4 次，sendfile 每次调用切换 2 次。",
    }
    NOTE_CONTEXT_SWITCHES {
        en: "Context switches (voluntary_ctxt_switches, nonvoluntary_ctxt_switches) are the scheduler taking a thread off the CPU: a different thing from mode switches. A voluntary one is a thread that waits: the consumer on an empty socket, or the sender on a full one.",
        zh: "上下文切换（voluntary_ctxt_switches、nonvoluntary_ctxt_switches）是调度器把线程从 CPU 上换下来，和用户态/内核态切换是两回事。自愿切换说明线程在等待：消费端在等空的 Socket 来数据，或发送端在等满的 Socket 腾出空间。",
    }
    NOTE_SENDFILE_PROCFS {
        en: "For sendfile, /proc adds the file size to both rchar and wchar (and 1 to syscr and syscw per call), although not one byte entered user space: those counters count bytes handed to read-like and write-like calls, not copies. zclab's own count of user-space bytes is the copy evidence.",
        zh: "对 sendfile，/proc 把文件大小同时计入 rchar 和 wchar（每次调用 syscr、syscw 各加 1），可数据一个字节也没有进入用户空间：这两个计数器统计的是交给读、写类调用的字节数，而不是拷贝次数。拷贝的证据是 zclab 自己统计的用户空间字节数。",
    }
    NOTE_CONSUMER_COPY {
        en: "The consumer pays one more CPU copy in every method (socket buffer → its own buffer, see its rchar): the article's table, and this one, count the sender's side only.",
        zh: "无论哪种方式，消费端都还要做一次 CPU 拷贝（Socket 缓冲区 → 自己的缓冲区，见消费端的 rchar）：文章的表和本表都只算发送端。",
    }
    NOTE_LOOPBACK {
        en: "This runs over loopback, which has no NIC: the last hop (to the NIC, by DMA) is modelled. With a NIC that lacks scatter-gather DMA, sendfile needs one CPU copy (page cache → socket buffer): 3 copies, still none through user space.",
        zh: "本测试走本机回环，没有网卡：最后一跳（DMA 到网卡）是模型。如果网卡不支持 scatter-gather DMA，sendfile 还要一次 CPU 拷贝（页缓存 → Socket 缓冲区）：共 3 次，但仍然不经过用户空间。",
    }
    NOTE_WARM_CACHE {
        en: "The file was already in the page cache (read_bytes +0), so the disk → page cache DMA did not happen during these runs; it is modelled. Kafka's consumers that keep up with producers are served the same way, straight from the page cache.",
        zh: "文件已经在页缓存里（read_bytes +0），所以这几次运行中没有发生磁盘 → 页缓存的 DMA 拷贝，这一跳是模型。跟得上生产者的 Kafka 消费者也是这样，直接从页缓存取数据。",
    }
    NOTE_COLD {
        en: "Cold run, {method}: before it zclab asked the kernel to drop the file from the page cache (posix_fadvise DONTNEED) and checked with mincore{resident}; then read_bytes shows {read} of {size} coming from the disk by DMA: {hop}{short}",
        zh: "冷缓存运行（{method}）：运行前 zclab 请内核把文件清出页缓存（posix_fadvise DONTNEED），并用 mincore 检查{resident}；随后 read_bytes 显示 {read} / {size} 由磁盘经 DMA 读入：{hop}{short}",
    }
    NOTE_COLD_MEASURED { en: "that hop is measured.", zh: "这一跳是实测。" }
    NOTE_COLD_MODELLED {
        en: "the counter did not move, so that hop is modelled.",
        zh: "计数器没有变化，所以这一跳是模型。",
    }
    NOTE_COLD_UNKNOWN {
        en: " (which cannot tell for a file you neither own nor may write)",
        zh: "（对既不属于你、你也不能写的文件，mincore 无法判断）",
    }
    NOTE_COLD_RESIDENT { en: " ({bytes} still resident)", zh: "（仍有 {bytes} 留在缓存中）" }
    NOTE_COLD_SHORT {
        en: " Part of the file stayed cached through 2 s of evictions, so less came from disk than the file's size.",
        zh: "重试清出 2 秒后仍有部分文件留在缓存中，所以从磁盘读入的比文件小。",
    }
    NOTE_CPU_SOURCE {
        en: "CPU usage is each thread's exact time on a CPU: the sum_exec_runtime delta in /proc/<pid>/task/<tid>/schedstat, read from another thread while the measured one was parked. The user/system split comes from getrusage, which apportions that time by 10 ms clock ticks, so it is shown only from 100 ms on. A verdict compares the exact figures, and says \"too short\" under 1 ms, where fixed costs are all there is. On loopback the receive side's TCP work runs on whichever thread the kernel picks (the sender right after it transmits, or the consumer in its read), so the split between the two threads moves from run to run while their sum holds: compare the sums too. Throughput is file bytes over the time until the consumer received the last byte.",
        zh: "CPU 占用是各线程在 CPU 上的准确时间：/proc/<pid>/task/<tid>/schedstat 中 sum_exec_runtime 的增量，由另一个线程在被测线程停住时读取。用户态/内核态的拆分来自 getrusage，它按 10 ms 的时钟节拍分摊这段时间，所以只在 100 ms 以上才显示。结论比较的是准确数字；不到 1 ms 时只说“时间太短”，因为这时全是固定开销。在本机回环上，接收侧的 TCP 处理落在内核选中的线程上（发送端发送后顺手处理，或消费端在 read 里处理），所以两个线程之间的分配每次都不同，而两者之和是稳定的：也请比较合计。吞吐量 = 文件字节数 ÷ 消费端收到最后一个字节所用的时间。",
    }
    NOTE_CONSUMER_CHECK {
        en: "The consumer's CPU time includes zclab's own check of every byte it received (CRC-32 of each read, right after it): about {ms} ms here at most, {share}% of that consumer's time. That figure is the bytes times the check's cost per byte, measured on the consumer thread's CPU clock just before the run. The check costs every method the same per byte and is not in the sender's figures, yet it can move them: on loopback, with 128 KiB buffers, the read-write sender ran 10–20% faster against a consumer that checks than against one that only drains (see the README's benchmark section). Kafka's consumers check too: by default they verify the CRC-32C of every record batch.",
        zh: "消费端的 CPU 时间里包含 zclab 自己对收到的每个字节所做的校验（每次 read 之后立即计算 CRC-32）：本次最多约 {ms} ms，占该消费端时间的 {share}%。这个数是字节数乘以每字节的校验开销，后者在运行前用消费端线程的 CPU 时钟测得。每种方式按字节付出的校验开销相同，发送端的数字也不含这部分；但校验仍会间接影响发送端：在回环连接上、缓冲区为 128 KiB 时，消费端边读边校验，read-write 的发送端比消费端只读不校验时快 10%–20%（见 README 的基准测试一节）。Kafka 的消费者默认也做校验，核对每个记录批次的 CRC-32C。",
    }
    NOTE_NO_THROUGHPUT {
        en: "A run that was stopped early, or that sent nothing, has no throughput: its time is not the time of a transfer. Per-chunk and per-call figures divide by the chunks and calls that really happened.",
        zh: "提前停止的运行、没有发送数据的运行都没有吞吐量：它的耗时不是一次传输的耗时。每块、每次调用的数字除以的是实际发生的块数和调用次数。",
    }

    PROGRESS_MAKING_SAMPLE { en: "making the default sample", zh: "生成默认样本" }
    PROGRESS_WRITING_SAMPLE { en: "writing sample", zh: "生成样本" }
    PROGRESS_SENDING { en: "sending", zh: "发送中" }
    PROGRESS_RUN { en: "{method} run {n}", zh: "{method} 第 {n} 次" }
    MADE_SAMPLE {
        en: "zclab: made the default sample (a 256 MiB Kafka log segment) at {path}; later runs reuse it",
        zh: "zclab：已生成默认样本（256 MiB 的 Kafka 日志段）：{path}，之后的运行会复用它",
    }
    USING_SAMPLE { en: "zclab: using the default sample {path}", zh: "zclab：使用默认样本 {path}" }
    WARN_PINNED {
        en: "zclab: warning: part of the file stayed in the page cache through 2 s of evictions in {n} run(s) ({runs}); only the rest was read from disk (see read_bytes)",
        zh: "zclab：警告：有 {n} 次运行在重试清出 2 秒后仍有部分文件留在页缓存中（{runs}），只有其余部分从磁盘读入（见 read_bytes）",
    }
    VERIFYING {
        en: "zclab: re-running each method under the ptrace tracer (--verify)…",
        zh: "zclab：在 ptrace 跟踪器下把每种方式再跑一次（--verify）……",
    }
    VERIFY_DIFFERS {
        en: "zclab: --verify: the tracer's counts DIFFER from zclab's own (see the table)",
        zh: "zclab：--verify：跟踪器的计数与 zclab 自计数不一致（见上表）",
    }
    NOT_VERIFIED {
        en: "zclab: a run was NOT verified: the receiver did not get the file byte for byte (see the table)",
        zh: "zclab：有一次运行未通过校验：接收端收到的数据与文件不一致（见上表）",
    }
}
