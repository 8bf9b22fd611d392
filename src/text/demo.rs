//! `zclab demo nginx`.

use crate::texts;

texts! {
    TITLE {
        en: "zclab demo nginx — {version} serves a {size} sample file, {n} requests per pass, master + 1 worker on 127.0.0.1",
        zh: "zclab demo nginx——{version} 提供一个 {size} 的样本文件，每轮 {n} 个请求，1 个 master 加 1 个 worker，监听 127.0.0.1",
    }
    CALLS_HEADING {
        en: "The worker's system calls while traced ({n} responses each) [measured: ptrace]:",
        zh: "跟踪期间 worker 的系统调用（各 {n} 个响应）［实测：ptrace］：",
    }
    HEAD_CALL { en: "system call", zh: "系统调用" }
    HEAD_ON { en: "sendfile on", zh: "sendfile on" }
    HEAD_OFF { en: "sendfile off", zh: "sendfile off" }
    CALLS_CELL { en: "{calls} ({per} per response)", zh: "{calls} 次（每个响应 {per} 次）" }
    TRACE_LINE {
        en: "sendfile {setting}: worker {worker} traced for {secs} s, {calls} calls",
        zh: "sendfile {setting}：跟踪 worker {worker} {secs} 秒，共 {calls} 次调用",
    }
    TABLE_HEADING {
        en: "The four rows for the worker:",
        zh: "worker 的四项对比：",
    }
    HEAD_ROW { en: "measure", zh: "指标" }
    HEAD_HOW { en: "how it is known", zh: "数据来源" }
    ROW_COPIES { en: "CPU copies through user space", zh: "经过用户空间的 CPU 拷贝" }
    ROW_SWITCHES { en: "Mode switches per response", zh: "每个响应的用户态/内核态切换" }
    ROW_CPU { en: "Worker CPU per response", zh: "每个响应的 worker CPU 时间" }
    ROW_THROUGHPUT { en: "Throughput (client)", zh: "吞吐量（客户端）" }
    COPIES_CELL {
        en: "{times} × the body ({into} in, {out} out)",
        zh: "正文的 {times} 倍（拷入 {into}，拷出 {out}）",
    }
    HOW_COPIES {
        en: "measured: ptrace, bytes the worker's read/write-family calls returned, ÷ body bytes served",
        zh: "实测：ptrace，worker 的 read/write 系列调用返回的字节数 ÷ 发出的正文字节数",
    }
    HOW_SWITCHES {
        en: "derived: 2 per system call, from the traced pass",
        zh: "推算：每次系统调用 2 次，取自跟踪的那一轮",
    }
    HOW_CPU {
        en: "measured: /proc/PID/schedstat sum_exec_runtime, untraced pass",
        zh: "实测：/proc/PID/schedstat 的 sum_exec_runtime，未跟踪的那一轮",
    }
    HOW_THROUGHPUT {
        en: "measured: body bytes ÷ the client's wall time from request to last byte, untraced pass",
        zh: "实测：正文字节数 ÷ 客户端从发出请求到收完最后一个字节的墙钟时间，未跟踪的那一轮",
    }
    UNKNOWN { en: "n/a (no schedstat)", zh: "无（内核没有 schedstat）" }
    VERIFIED {
        en: "All {n} responses verified: each body has the file's length and CRC-32.",
        zh: "全部 {n} 个响应都已核对：每个正文的长度和 CRC-32 都与文件一致。",
    }
    NOTE_ON {
        en: "With sendfile on, the worker answers each request with a writev of the headers and sendfile for the body: the file's bytes go from the page cache to the socket inside the kernel, as Kafka's do.",
        zh: "sendfile on 时，worker 用一次 writev 发出响应头，再用 sendfile 发送正文：文件的字节在内核里从页缓存直接到 Socket，与 Kafka 的做法相同。",
    }
    NOTE_OFF {
        en: "With sendfile off, nginx reads the file into its own buffers (output_buffers, 32 KiB by default) and writes them to the socket: every byte crosses into user space and back, the traditional path of the article.",
        zh: "sendfile off 时，nginx 把文件读进自己的缓冲区（output_buffers，默认 32 KiB），再写到 Socket：每个字节都进一次用户空间再出来，正是文章里的传统方式。",
    }
    NOTE_TRACED {
        en: "The traced pass is slower by the tracer's cost per call, which is why CPU and throughput come from the untraced pass. The machine is shared: repeat to see how much they vary.",
        zh: "跟踪的那一轮每次调用都多出跟踪器的开销，所以 CPU 和吞吐量取自未跟踪的那一轮。机器是共享的：多跑几次，看看数字的波动。",
    }
    STAGE { en: "zclab: {what}", zh: "zclab：{what}" }
    MISSING {
        en: "nginx is not installed: install it (Debian/Ubuntu: sudo apt-get install nginx-light, Fedora: sudo dnf install nginx), then run zclab demo nginx again; zclab starts its own copy and leaves the system's service alone",
        zh: "没有安装 nginx：请先安装（Debian/Ubuntu：`sudo apt-get install nginx-light`；Fedora：`sudo dnf install nginx`），再运行 `zclab demo nginx`；zclab 会启动自己的一份 nginx，不碰系统里的服务",
    }
    INTERRUPTED {
        en: "interrupted: nginx stopped, its temp folder removed",
        zh: "已中断：nginx 已停止，临时文件夹已删除",
    }
    FAILED { en: "demo nginx failed: {why}", zh: "demo nginx 失败：{why}" }
    STAGE_STARTING { en: "sendfile {setting}: starting nginx", zh: "sendfile {setting}：正在启动 nginx" }
    STAGE_UNTRACED {
        en: "sendfile {setting}: {n} requests untraced (CPU, throughput)",
        zh: "sendfile {setting}：不加跟踪发出 {n} 个请求（测 CPU 时间与吞吐量）",
    }
    STAGE_TRACED {
        en: "sendfile {setting}: attaching to worker {worker} and fetching {n} more times",
        zh: "sendfile {setting}：跟踪 worker {worker}，再请求 {n} 次",
    }
    STAGE_STOPPING { en: "sendfile {setting}: stopping nginx", zh: "sendfile {setting}：正在停止 nginx" }
    DOC_ROOT { en: "cannot create the document root", zh: "无法创建网站根目录" }
    READ_BACK { en: "cannot read the sample back", zh: "无法读回样本" }
    WRITE_SAMPLE { en: "cannot write the sample", zh: "无法写入样本" }
    NOT_ATTACHED { en: "the tracer did not attach", zh: "跟踪器没能附加到 worker 上" }
    CLIENT_PANICKED { en: "the HTTP client panicked", zh: "HTTP 客户端崩溃了（panic）" }
    TRACE_WORKER {
        en: "cannot trace nginx's worker: {reason}",
        zh: "无法跟踪 nginx 的 worker：{reason}",
    }
    CHMOD { en: "cannot chmod {path}", zh: "无法修改 {path} 的权限" }
    TEMP_FOLDER { en: "cannot create a temp folder in {dir}", zh: "无法在 {dir} 中创建临时文件夹" }
    FREE_PORT { en: "cannot find a free port", zh: "找不到空闲端口" }
    PORT_ADDRESS { en: "cannot read the port's address", zh: "无法读取端口的地址" }
    START { en: "cannot start {path}", zh: "无法启动 {path}" }
    EXITED {
        en: "nginx exited at start-up ({status}): {error}",
        zh: "nginx 一启动就退出了（{status}）：{error}",
    }
    NO_ANSWER {
        en: "nginx did not answer on {addr} within 10 s: {error}",
        zh: "nginx 在 10 秒内没有在 {addr} 上应答：{error}",
    }
    /// `{error}` above when nginx's logs hold no error line.
    SEE_ERROR_LOG { en: "see nginx's error log", zh: "详见 nginx 的错误日志" }
    CONNECT { en: "cannot connect to nginx on {addr}", zh: "无法连接 {addr} 上的 nginx" }
    READ_TIMEOUT {
        en: "cannot set the socket's read timeout",
        zh: "无法设置 Socket 的读超时",
    }
    SEND_REQUEST { en: "cannot send the request", zh: "无法发送请求" }
    RESPONSE { en: "response {n}", zh: "第 {n} 个响应" }
    LENGTH {
        en: "response {n}: Content-Length {len}, but the file has {expect} bytes",
        zh: "第 {n} 个响应：Content-Length 为 {len}，而文件有 {expect} 字节",
    }
    BODY_SHORT { en: "response {n}: body cut short", zh: "第 {n} 个响应：响应体不完整" }
    BODY_CRC {
        en: "response {n}: body CRC-32 {crc} differs from the file's {expect}",
        zh: "第 {n} 个响应：响应体的 CRC-32 为 {crc}，与文件的 {expect} 不同",
    }
    NO_STATUS { en: "no status line", zh: "没有状态行" }
    STATUS { en: "nginx answered {line}", zh: "nginx 的应答是 {line}" }
    HEADERS_SHORT { en: "headers cut short", zh: "响应头不完整" }
    CLOSED_IN_HEADERS { en: "connection closed in the headers", zh: "读响应头时连接被关闭了" }
    CHUNKED {
        en: "chunked response: not expected for a static file",
        zh: "收到分块响应：静态文件不该这样发送",
    }
    NO_LENGTH { en: "no Content-Length header", zh: "没有 Content-Length 响应头" }
}
