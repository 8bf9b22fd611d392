//! `zclab kafka` (the demo), `zclab kafka serve` and `zclab sample
//! --kafka/--dump`.

use crate::texts;

texts! {
    // ---- serve ----
    LISTENING {
        en: "zclab broker listening on {addr} (fetches served with {method}), log folder {dir}; Ctrl-C stops it",
        zh: "zclab Broker 正在监听 {addr}（Fetch 用 {method} 发送），日志目录 {dir}；按 Ctrl-C 停止",
    }
    STOPPED {
        en: "broker stopped after {fetches} fetches",
        zh: "Broker 已停止，共服务 {fetches} 次 Fetch",
    }
    FETCH_LINE {
        en: "fetch {partition} @{offset} → {bytes} to {client}: {calls}; user space {user}; {switches} mode switches{proc}; {ms} ms",
        zh: "拉取 {partition} 偏移量 {offset} → {bytes} 发往 {client}：{calls}；经过用户空间 {user}；用户态/内核态切换 {switches} 次{proc}；{ms} ms",
    }
    FETCH_PROC {
        en: "; /proc syscr +{syscr} syscw +{syscw}",
        zh: "；/proc syscr +{syscr} syscw +{syscw}",
    }
    PRODUCE_LINE {
        en: "produce {partition} ← {bytes} ({records} records) from {client}: offsets {first}..{last}, written to the page cache with write()",
        zh: "生产 {partition} ← {bytes}（{records} 条记录）来自 {client}：偏移量 {first}..{last}，用 write() 写入页缓存",
    }
    REFUSED_CLOSED {
        en: "refused {client}: {why}; connection closed",
        zh: "拒绝 {client}：{why}；已关闭连接",
    }
    REFUSED {
        en: "refused {client}: {why}",
        zh: "拒绝 {client}：{why}",
    }
    WARNING { en: "warning: {what}", zh: "警告：{what}" }

    // ---- the demo's failures (exit 1) ----
    CTRL_C_HANDLER {
        en: "cannot install the Ctrl-C handler",
        zh: "无法安装 Ctrl-C 处理程序",
    }
    DEMO_NOT_INTACT {
        en: "the consumer did not get every record intact",
        zh: "Consumer 没有完整无误地收到每一条记录",
    }
    DEMO_NO_SEGMENT {
        en: "the broker has no segment for the demo topic",
        zh: "Broker 没有演示主题的日志段",
    }
    DEMO_STOPPED { en: "interrupted", zh: "已中断" }
    DEMO_BAD_BATCH {
        en: "the generator made a batch zclab cannot read",
        zh: "生成器产生了一个 zclab 读不了的批次",
    }
    DEMO_NO_CONNECTION {
        en: "the broker did not report the consumer's connection",
        zh: "Broker 没有报告 Consumer 的连接",
    }
    DEMO_WRONG_METHOD {
        en: "a fetch was served with {served} during the {method} pass",
        zh: "在 {method} 这一遍中，有一次 Fetch 是用 {served} 发送的",
    }
    DEMO_FETCHES_MISSING {
        en: "the broker did not report {n} of its fetches",
        zh: "Broker 有 {n} 次 Fetch 没有报告",
    }

    // ---- bad input (exit 2) ----
    PORT_IN_USE {
        en: "port {port} on 127.0.0.1 is in use: choose another with --port (0 takes any free port)",
        zh: "127.0.0.1 的端口 {port} 已被占用：请用 --port 换一个（0 表示任选一个空闲端口）",
    }
    LOG_DIR_NOT_FOLDER {
        en: "--log-dir {path}: not a folder: give a folder for the topics' segments",
        zh: "--log-dir {path}：不是目录：请给出存放各主题日志段的目录",
    }
    METHOD_NOT_SERVED {
        en: "--method {method}: the broker serves fetches with read-write or sendfile (Kafka's two roads)",
        zh: "--method {method}：Broker 只用 read-write 或 sendfile 发送 Fetch 响应（Kafka 的两条路）",
    }
    SIZE_RANGE {
        en: "--size {text}: give between 256 B and 16 GiB",
        zh: "--size {text}：请给出 256 B 到 16 GiB 之间的大小",
    }

    // ---- sample ----
    WROTE_SEGMENT {
        en: "wrote a Kafka log segment of {size} ({bytes} bytes, v2 record batches with CRC-32C) to {path}",
        zh: "已生成 Kafka 日志段 {size}（{bytes} 字节，v2 记录批次，带 CRC-32C 校验）：{path}",
    }
    DUMP_TITLE {
        en: "{path}: {size} in {batches} record batches (v2), {records} records; CRC-32C {crc}",
        zh: "{path}：{size}，共 {batches} 个记录批次（v2），{records} 条记录；CRC-32C {crc}",
    }
    DUMP_CRC_OK { en: "valid in every batch", zh: "每个批次都正确" }
    DUMP_CRC_BAD { en: "WRONG in {n} batch(es)", zh: "有 {n} 个批次不符" }
    DUMP_HEAD_POSITION { en: "position", zh: "文件位置" }
    DUMP_HEAD_RECORDS { en: "records", zh: "记录数" }
    DUMP_HEAD_BYTES { en: "bytes", zh: "字节" }
    DUMP_HEAD_COMPRESSION { en: "compression", zh: "压缩" }
    DUMP_MORE { en: "… {n} more", zh: "……另有 {n} 个" }
    DUMP_VALID { en: "valid", zh: "正确" }
    DUMP_WRONG { en: "WRONG", zh: "不符" }
    DUMP_STOPPED {
        en: "stopped at byte {pos}: {why}",
        zh: "读到第 {pos} 字节停止：{why}",
    }
    DUMP_FIRST { en: "first records:", zh: "前几条记录：" }

    // ---- the demo ----
    DEMO_PRODUCED {
        en: "1. The built-in producer sent {records} records in {batches} batches ({size}) with {requests} Produce requests ({ms} ms). The broker appended them to {path}.",
        zh: "1. 内置 Producer 用 {requests} 个 Produce 请求发送了 {records} 条记录、{batches} 个批次（{size}，耗时 {ms} ms），Broker 把它们追加到 {path}。",
    }
    DEMO_RESIDENT {
        en: "{resident} of {size} resident in the page cache (mincore).",
        zh: "其中 {resident} / {size} 驻留在页缓存中（mincore 实测）。",
    }
    DEMO_RESIDENT_UNKNOWN {
        en: "Page-cache residency unknown (mincore refused).",
        zh: "无法得知页缓存驻留情况（mincore 失败）。",
    }
    DEMO_FETCHED {
        en: "2. The built-in consumer fetched everything {passes}× per method (1 MiB per fetch), alternating; every batch's CRC-32C, the offsets and the record count checked: {verdict}.",
        zh: "2. 内置 Consumer 按两种方式各拉取全部数据 {passes} 遍（每次 Fetch 1 MiB），交替进行；逐批校验 CRC-32C、偏移量和记录数：{verdict}。",
    }
    DEMO_ALL_CORRECT { en: "all correct", zh: "全部正确" }
    DEMO_MISMATCH { en: "MISMATCH", zh: "不一致" }
    DEMO_HEAD { en: "Broker fetch path\n(median pass)", zh: "Broker 的 Fetch 路径（中位数）" }
    DEMO_COL_RW { en: "broker: read() + write()", zh: "Broker：传统方式（read + write）" }
    DEMO_COL_SF { en: "broker: sendfile()", zh: "Broker：Kafka 的方式（sendfile）" }
    DEMO_COPIES {
        en: "{cpu} CPU + {dma} DMA = {total} per byte\nrecords through user space: {user} [own count]\narticle: {claim}",
        zh: "CPU {cpu} + DMA {dma} = 每字节 {total} 次\n记录经过用户空间：{user}［自计数］\n文章：{claim}",
    }
    DEMO_SWITCHES {
        en: "{switches} ({per_fetch} per fetch) [derived: 2 per call]\ncalls: {calls} [own count]\n/proc syscr+syscw: {proc}",
        zh: "{switches} 次（每次 Fetch {per_fetch}）［推算：每次调用 2 次］\n调用：{calls}［自计数］\n/proc syscr+syscw：{proc}",
    }
    DEMO_CPU {
        en: "{ms} ms, {per_mib} ms per MiB\n[sum_exec_runtime of the serving thread over the pass, /proc schedstat]",
        zh: "{ms} ms，每 MiB {per_mib} ms\n［服务线程整遍拉取在 /proc schedstat 中的 sum_exec_runtime］",
    }
    DEMO_THROUGHPUT {
        en: "{mib_s} MiB/s\n[consumer: bytes / wall time]",
        zh: "{mib_s} MiB/s\n［Consumer：字节数 / 墙钟时间］",
    }
    DEMO_PER_FETCH { en: "Per fetch (averages):", zh: "每次 Fetch（平均）：" }
    DEMO_PER_FETCH_LINE {
        en: "{method}: {bytes} of records; calls {calls}; {user} through user space; {ms} ms CPU",
        zh: "{method}：记录 {bytes}；调用 {calls}；经过用户空间 {user}；CPU {ms} ms",
    }
    DEMO_WHAT {
        en: "What just happened: the producer's batches went from its user buffer into the broker's page cache with write() (a CPU copy) and stayed there: mincore showed them resident, so no fetch needed the disk. For each fetch the broker wrote the response header from memory ({header} bytes on average), then handed the records to the socket. With sendfile() that took {sf_calls} call per fetch and not one record byte entered user space: the page-cache pages went to the socket inside the kernel, as Kafka's FileRecords.transferTo does. With read() + write() and a {buf} buffer the same bytes took {rw_calls} calls per fetch and passed through user space twice ({user} in, {user} out). Here sendfile's throughput was {ratio}× the traditional way's, and the broker thread spent {cpu_ratio}× less CPU time per MiB. Loopback has no NIC, so the last DMA copy of each path is modelled, not measured.",
        zh: "刚才发生了什么：Producer 的批次用 write() 从它的用户缓冲区写进 Broker 的页缓存（一次 CPU 拷贝），并留在那里。mincore 显示它们都驻留在内存中，所以没有一次 Fetch 需要读磁盘。每次 Fetch，Broker 先从内存写出响应头（平均 {header} 字节），再把记录交给 Socket。用 sendfile() 时每次 Fetch 只需 {sf_calls} 次调用，没有一个记录字节进入用户空间：页缓存里的数据在内核中直接交给 Socket，正如 Kafka 的 FileRecords.transferTo 所做。用 read() + write() 和 {buf} 的缓冲区时，同样的字节每次 Fetch 需要 {rw_calls} 次调用，并两次经过用户空间（读入 {user}，写出 {user}）。本机上 sendfile 的吞吐量是传统方式的 {ratio} 倍，Broker 线程每 MiB 的 CPU 时间只有传统方式的 1/{cpu_ratio}。回环接口没有网卡，所以两条路径最后一次 DMA 拷贝是模型，不是实测。",
    }
    DEMO_INTERRUPTED {
        en: "interrupted; the demo's log folder was removed",
        zh: "已中断；演示用的日志目录已删除",
    }
    DEMO_PRODUCING { en: "producing", zh: "生产中" }
    DEMO_FETCHING { en: "fetching with {method}, run {run}", zh: "拉取：{method}，第 {run} 遍" }
}
