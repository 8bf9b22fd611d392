//! `zclab trace`: the step-by-step walk.

use crate::texts;

texts! {
    SUMMARY_HEADING { en: "zclab trace: the same run as a table", zh: "zclab trace：本次运行汇总" }
    PAUSES_NOTE {
        en: "Note: in a trace the CPU and throughput figures include the pauses between steps; use `zclab compare` to measure speed.",
        zh: "注意：trace 中的 CPU 与吞吐量数字包含了步骤之间的停顿；测速请用 `zclab compare`。",
    }
    BAND_USER { en: "user space", zh: "用户空间" }
    BAND_KERNEL { en: "kernel space", zh: "内核空间" }
    NO_USER_BYTE { en: "(no byte of the file enters user space)", zh: "（文件数据一个字节也不进入用户空间）" }
    GATHER { en: "(gather)", zh: "（gather）" }
    PATH { en: "path", zh: "路径" }
    CPU_COPY { en: "CPU copy", zh: "CPU 拷贝" }
    DMA_COPY { en: "DMA copy", zh: "DMA 拷贝" }
    STEP_HEAD { en: "── step {n} (of about {of}) ", zh: "── 第 {n} 步（共约 {of} 步）" }
    LABEL_SWITCHES { en: "mode switches", zh: "用户态/内核态切换" }
    SWITCHES {
        en: "#{a} user → kernel, #{b} kernel → user [derived: 2 per call]",
        zh: "#{a} 用户态 → 内核态，#{b} 内核态 → 用户态［推算：每次调用 2 次］",
    }
    LABEL_COPIES { en: "copies", zh: "数据拷贝" }
    COPIES_EOF { en: "none: read() returned 0, the end of the file", zh: "无：read() 返回 0，文件已读完" }
    COPIES_FAILED { en: "none: the call failed", zh: "无：调用失败" }
    COPIES_NONE { en: "none", zh: "无" }
    COPY {
        en: "{kind} #{n}: {from} → {to}{bytes} {evidence}",
        zh: "{kind} #{n}：{from} → {to}{bytes}{evidence}",
    }
    COPY_BYTES { en: ", {bytes}", zh: "，{bytes}" }
    LABEL_PROC { en: "/proc (sender)", zh: "/proc（发送端）" }
    NOTHING_MOVED { en: "nothing moved", zh: "没有变化" }
    QUIT {
        en: "Stopped by you after {calls} calls; {got} of {total} bytes reached the consumer.",
        zh: "你在第 {calls} 次调用后停止；消费端收到 {got} / {total} 字节。",
    }
    CHUNKS_DONE {
        en: "Stopped after the chunks asked for (--chunks): {got} of {total} bytes sent, so the run is not verified.",
        zh: "已按 --chunks 在指定块数后停止：发送了 {got} / {total} 字节，因此本次运行不做校验。",
    }
    UNWATCHED {
        en: "Showed the first {shown} of {calls} calls; the rest ran unwatched and are counted in the totals. See more with --max-steps N, or stop early with --chunks N.",
        zh: "只展示了前 {shown} 次调用（共 {calls} 次）；其余调用照常执行并计入总数。用 --max-steps N 查看更多，或用 --chunks N 提前停止。",
    }
    TOTALS {
        en: "In all: {calls} → {switches} mode switches [derived], {cpu} CPU copies, {dma} DMA copies (modelled on loopback unless marked measured), {user} through user space.",
        zh: "合计：{calls} → {switches} 次用户态/内核态切换［推算］，{cpu} 次 CPU 拷贝，{dma} 次 DMA 拷贝（回环上除标为实测的以外都是模型），经过用户空间 {user}。",
    }
    PER_CHUNK_DONE {
        en: "That is {per} mode switches per chunk: {switches} over the {chunks} chunk(s) read.",
        zh: "也就是每块 {per} 次用户态/内核态切换：{switches} 次分摊到读入的 {chunks} 块。",
    }
    PER_CALL_DONE {
        en: "That is {per} mode switches per call: {switches} over {chunks} sendfile call(s).",
        zh: "也就是每次调用 {per} 次用户态/内核态切换：{switches} 次分摊到 {chunks} 次 sendfile 调用。",
    }
    NO_DISK {
        en: "No disk → page cache DMA appeared: the file was already in the page cache (read_bytes +0). The article, and the table below, count that hop once per chunk anyway, as part of the path.",
        zh: "没有出现磁盘 → 页缓存的 DMA 拷贝：文件已经在页缓存里（read_bytes +0）。文章和下表仍把这一跳算作每块数据路径中的一次拷贝。",
    }
    QUIT_SUMMARY {
        en: "The walk was cut short, so its time and speed say nothing: run `zclab compare` for the measured table.",
        zh: "这次逐步演示中途停止，耗时和速度没有意义：要看实测的对比表，请运行 `zclab compare`。",
    }
    INTRO {
        en: "zclab trace — {path} via {method}, {size} ({bytes} bytes), buffer {buffer}",
        zh: "zclab trace——{path}，方式 {method}，{size}（{bytes} 字节），缓冲区 {buffer}",
    }
    INTRO_HOW {
        en: "Each step is one real system call on the sending thread; /proc is read before and after it from another thread.",
        zh: "每一步都是发送线程真实发出的一次系统调用；/proc 在调用前后由另一个线程读取。",
    }
    INTRO_SAMPLE { en: "(the built-in 16 KiB sample, kept at {path})", zh: "（内置 16 KiB 样本，保存在 {path}）" }
    INTRO_LIMIT {
        en: "Note: this file takes about {calls} calls; only the first {max} are shown, the rest are sent unwatched. Use --chunks N to stop early or --max-steps N to see more.",
        zh: "注意：这个文件大约需要 {calls} 次调用，只展示前 {max} 次，其余照常发送但不展示。用 --chunks N 提前停止，或用 --max-steps N 查看更多。",
    }
    INTRO_BUF_SENDFILE {
        en: "(--buf does not matter to sendfile: it has no user buffer)",
        zh: "（--buf 对 sendfile 没有意义：它没有用户缓冲区）",
    }
    KEYS_AUTO { en: "autoplay · a: pause · q: quit", zh: "自动播放中 · a：暂停 · q：退出" }
    KEYS_MANUAL { en: "Enter/space: next step · a: autoplay · q: quit", zh: "回车/空格：下一步 · a：自动播放 · q：退出" }
    NOT_VERIFIED {
        en: "zclab: the run was NOT verified: the receiver did not get the file byte for byte",
        zh: "zclab：本次运行未通过校验：接收端收到的数据与文件不一致",
    }
}
