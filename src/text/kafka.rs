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

    // ---- the broker's and the built-in client's failures ----
    LISTEN_PORT {
        en: "cannot listen on 127.0.0.1:{port}",
        zh: "无法在 127.0.0.1:{port} 上监听",
    }
    LISTENER_NONBLOCKING {
        en: "cannot make the listener non-blocking",
        zh: "无法把监听 Socket 设为非阻塞",
    }
    COUNTER_THREAD {
        en: "cannot start the counter thread",
        zh: "无法启动读取计数器的线程",
    }
    ACCEPT_THREAD {
        en: "cannot start the accept thread",
        zh: "无法启动接受连接的线程",
    }
    CONNECTION_THREAD {
        en: "cannot start a thread for {peer}: {reason}; connection dropped",
        zh: "无法为 {peer} 启动线程：{reason}；已断开这个连接",
    }
    ACCEPT_FAILED { en: "accept failed: {reason}", zh: "accept() 失败：{reason}" }
    CONNECTION_ERROR { en: "connection error: {reason}", zh: "连接出错：{reason}" }
    CLOSED_MID_FRAME {
        en: "the client closed the connection mid-frame",
        zh: "客户端在一帧传到一半时关闭了连接",
    }
    FRAME_TOO_LARGE {
        en: "frame of {size} bytes refused (limit {limit} bytes, like Kafka's socket.request.max.bytes)",
        zh: "拒收 {size} 字节的帧（上限 {limit} 字节，相当于 Kafka 的 socket.request.max.bytes）",
    }
    FRAME_TRUNCATED {
        en: "truncated frame: {reason} after {at} of {size} bytes",
        zh: "帧不完整：共 {size} 字节，收到 {at} 字节后出错：{reason}",
    }
    BAD_REQUEST { en: "{why}", zh: "请求无法处理：{why}" }
    PRODUCE_FAILED {
        en: "produce to {topic}: {reason}",
        zh: "向 {topic} 生产失败：{reason}",
    }
    CLIENT_WRITE_ZERO {
        en: "write() to the client returned 0",
        zh: "向客户端调用 write() 返回了 0",
    }
    CLIENT_CALL_FAILED {
        en: "{call} to the client failed: {reason}",
        zh: "向客户端调用 {call} 失败：{reason}",
    }
    SEGMENT_SHRANK {
        en: "{path} ended at byte {offset} while the index says {end}: was it changed by another program?",
        zh: "{path} 在第 {offset} 字节就结束了，索引记下的结尾却是 {end}：它是不是被别的程序改动过？",
    }
    SEGMENT_ENDED_EARLY {
        en: "{path} ended early: was it changed by another program?",
        zh: "{path} 提前结束了：它是不是被别的程序改动过？",
    }
    SEGMENT_READ_FAILED {
        en: "read() from {path} failed: {reason}",
        zh: "调用 read() 读取 {path} 失败：{reason}",
    }
    CANNOT_OPEN { en: "cannot open {path}", zh: "无法打开 {path}" }
    CANNOT_SEEK { en: "cannot seek in {path}", zh: "无法在 {path} 中移动读写位置" }
    CANNOT_LIST { en: "cannot list {path}", zh: "无法列出 {path} 中的内容" }
    CANNOT_CUT_TAIL {
        en: "cannot cut the torn tail of {path}",
        zh: "无法截掉 {path} 末尾不完整的批次",
    }
    TAIL_CUT {
        en: "{path}: cut {bytes} bytes after the last whole batch at byte {pos} ({why}), as Kafka's recovery does",
        zh: "{path}：最后一个完整批次之后、从第 {pos} 字节起的 {bytes} 字节已截掉（{why}），Kafka 恢复日志时也是这样做的",
    }
    LOG_DIR_CREATE {
        en: "cannot create the log folder {path}; choose another with --log-dir",
        zh: "无法创建日志目录 {path}；请用 --log-dir 另选一个",
    }
    CONNECT_BROKER {
        en: "cannot connect to the broker at {addr}",
        zh: "无法连接 {addr} 上的 Broker",
    }
    SEND_REQUEST {
        en: "cannot send a request to the broker",
        zh: "无法向 Broker 发送请求",
    }
    NO_ANSWER { en: "the broker did not answer", zh: "Broker 没有应答" }
    ANSWER_FRAME_SIZE {
        en: "the broker sent a frame of {n} bytes",
        zh: "Broker 发来了一个 {n} 字节的帧",
    }
    ANSWER_WRONG_REQUEST {
        en: "the broker answered request {got}, expected {corr}",
        zh: "Broker 应答的是请求 {got}，等待的却是请求 {corr}",
    }
    ANSWER_CUT_SHORT {
        en: "the broker's answer was cut short",
        zh: "Broker 的应答不完整",
    }
    CLIENT_ADDRESS {
        en: "cannot read the client's own address",
        zh: "无法读取客户端自己的地址",
    }
    BAD_RESPONSE { en: "bad {api} response", zh: "{api} 响应的格式不对" }
    API_VERSIONS_ERROR {
        en: "ApiVersions error {err}",
        zh: "ApiVersions 返回错误码 {err}",
    }
    PRODUCE_REFUSED {
        en: "the broker refused the produced batch (error {err})",
        zh: "Broker 拒收了生产的批次（错误码 {err}）",
    }
    FETCH_ERROR {
        en: "the broker answered the fetch with error {err}",
        zh: "Broker 对 Fetch 返回了错误码 {err}",
    }
    FETCH_EMPTY_BELOW_HW {
        en: "the broker sent no records at offset {offset} below the high watermark {hw}",
        zh: "偏移量 {offset} 低于高水位 {hw}，Broker 却没有发来任何记录",
    }
    VERIFY_THREAD {
        en: "cannot start the verifying thread",
        zh: "无法启动校验线程",
    }
    VERIFIER_STOPPED {
        en: "the verifying thread stopped",
        zh: "校验线程已经停止",
    }
    VERIFIER_PANICKED {
        en: "the verifying thread panicked",
        zh: "校验线程崩溃了（panic）",
    }
}
