//! `--help` in Chinese: each subcommand's summary and each flag's help.
//! The English column repeats `cli.rs`'s doc comments (what clap shows in
//! English); a test holds the two equal, so a changed flag cannot leave a
//! stale translation behind. clap's own words (Usage, Options) stay English.

use crate::texts;

texts! {
    ABOUT { en: "Measure why Kafka's zero copy (sendfile) beats read() + write(), on this machine", zh: "在本机实测：Kafka 的零拷贝（sendfile）为什么比 read() + write() 快" }
    LANG { en: "Language of labels and notes: en or zh [default: from LC_ALL/LC_MESSAGES/LANG]", zh: "输出的语言：en 或 zh［默认：取自 LC_ALL/LC_MESSAGES/LANG］" }
    COLOR { en: "When to colour the output", zh: "何时给输出着色" }

    COMPARE { en: "Run read()+write() and sendfile() side by side and print the four-optimizations table", zh: "并排运行 read()+write() 和 sendfile()，打印四项优化对比表" }
    COMPARE_FILE { en: "The file to send [default: a 256 MiB sample in your cache folder]", zh: "要发送的文件［默认：缓存文件夹里的 256 MiB 样本］" }
    COMPARE_BUF { en: "Size of read()'s user buffer, e.g. 4096, 4KiB, 128KiB", zh: "read() 用户缓冲区的大小，例如 4096、4KiB、128KiB" }
    COMPARE_RUNS { en: "Runs per method; the table shows the median run", zh: "每种方式运行的次数；表中给出中位数那次" }
    COMPARE_METHOD { en: "Method to run (repeat for several; all: every method) [default: read-write and sendfile]", zh: "要运行的方式（可重复给出多个；all 表示全部方式）［默认：read-write 和 sendfile］" }
    COMPARE_JSON { en: "Print one JSON document on stdout instead of the table", zh: "在标准输出打印一个 JSON 文档，而不是表格" }
    COMPARE_COLD { en: "Drop the file from the page cache before every run, so the disk read is measured too", zh: "每次运行前把文件清出页缓存，连磁盘读取一起实测" }
    COMPARE_VERIFY { en: "Re-run each method under zclab's ptrace tracer and show both counts side by side", zh: "在 zclab 的 ptrace 跟踪器下把每种方式再跑一次，并列给出两路计数" }
    COMPARE_DETAILS { en: "Show everything under the table: system calls, /proc counters, data path, notes", zh: "在表格下给出全部内容：系统调用、/proc 计数器、数据路径、说明" }
    COMPARE_HTML { en: "Also write the comparison as a self-contained web page (table, bar charts, machine, raw data) to FILE", zh: "同时把这次对比写成一个独立的网页文件 FILE（表格、柱状图、机器信息、原始数据）" }

    TRACE { en: "Walk the data through each copy and mode switch, one system call at a time", zh: "一次一个系统调用，逐步演示每次拷贝和每次用户态/内核态切换" }
    TRACE_FILE { en: "The file to send [default: a 16 KiB sample in your cache folder]", zh: "要发送的文件［默认：缓存文件夹里的 16 KiB 样本］" }
    TRACE_METHOD { en: "Method to walk through", zh: "要演示的方式" }
    TRACE_BUF { en: "Size of read()'s user buffer, e.g. 4096, 4KiB", zh: "read() 用户缓冲区的大小，例如 4096、4KiB" }
    TRACE_CHUNKS { en: "Stop after N chunks (read-write) or N calls (sendfile)", zh: "N 块（read-write）或 N 次调用（sendfile）之后停止" }
    TRACE_AUTO { en: "Step by itself every DURATION (e.g. 800ms, 2s) instead of waiting for a key", zh: "每隔 DURATION（如 800ms、2s）自动前进一步，不等按键" }
    TRACE_MAX_STEPS { en: "Show at most N steps; the rest of the file is sent unwatched", zh: "最多展示 N 步；文件其余部分照常发送但不展示" }
    TRACE_JSON { en: "Print the steps as one JSON document instead", zh: "改为把各步打印成一个 JSON 文档" }

    SAMPLE { en: "Make a sample file of Kafka-like log records", zh: "生成类 Kafka 日志记录的样本文件" }
    SAMPLE_SIZE { en: "Size of the file, e.g. 4KiB, 64MiB, 1GiB", zh: "文件大小，例如 4KiB、64MiB、1GiB" }
    SAMPLE_OUTPUT { en: "Where to write it", zh: "写到哪里" }
    SAMPLE_KAFKA { en: "Write a genuine Kafka log segment (v2 record batches, CRC-32C) instead of text lines", zh: "写成真正的 Kafka 日志段（v2 记录批次，CRC-32C），而不是文本行" }
    SAMPLE_DUMP { en: "Print what is inside a Kafka segment (batches, offsets, CRC check, first records)", zh: "打印 Kafka 日志段的内容（批次、偏移量、CRC 校验、开头几条记录）" }
    SAMPLE_RECORDS { en: "With --dump: how many records to print", zh: "配合 --dump：打印多少条记录" }
    SAMPLE_JSON { en: "With --dump: print one JSON document", zh: "配合 --dump：打印一个 JSON 文档" }
    SAMPLE_FORCE { en: "Replace the file if it exists", zh: "文件已存在时替换它" }

    LESSON { en: "Interactive lessons on zero copy, measured on this machine (English and Chinese)", zh: "零拷贝互动课程，在本机实测（中英文）" }
    LESSON_TARGET { en: "A lesson number, next, prev or reset [default: list, then continue where you left off]", zh: "课程编号、next、prev 或 reset［默认：列出课程，再从上次停下的地方继续］" }
    LESSON_RESET { en: "With reset: the lesson to reset [default: all]", zh: "配合 reset：要重置的课程［默认：全部］" }
    LESSON_NO_PAUSE { en: "Print the whole lesson and run its demos without waiting (handouts, scripts)", zh: "不等待，打印整课并运行其中的演示（用于讲义、脚本）" }
    LESSON_SAVE { en: "Record progress in a handout or a piped session too (on a terminal it always is)", zh: "打印讲义或管道输出时也记录进度（在终端上总会记录）" }
    LESSON_CHECK { en: "Validate every lesson file and exit", zh: "校验每个课程文件后退出" }

    COUNT { en: "Count the system calls of any command with zclab's own ptrace tracer (like strace -c)", zh: "用 zclab 自己的 ptrace 跟踪器统计任意命令的系统调用（类似 strace -c）" }
    COUNT_JSON { en: "Print one JSON document on stdout (the command's own output then goes to stderr)", zh: "在标准输出打印一个 JSON 文档（命令自己的输出改到标准错误）" }
    COUNT_HIDE { en: "Send the command's standard output to /dev/null (its write calls still happen and count)", zh: "把命令的标准输出丢到 /dev/null（它的 write 调用照常发生并计数）" }
    COUNT_PID { en: "Attach to running processes instead (comma-separated PIDs); Ctrl-C detaches", zh: "改为附加到正在运行的进程（用逗号分隔多个 PID）；按 Ctrl-C 解除附加" }
    COUNT_FOR { en: "With --pid: detach after DURATION (e.g. 10s, 500ms, 2m)", zh: "配合 --pid：DURATION（如 10s、500ms、2m）后解除附加" }
    COUNT_COMMAND { en: "The command to trace and its arguments, after `--`", zh: "要跟踪的命令及其参数，写在 `--` 之后" }

    KAFKA { en: "Kafka for real: a small broker that serves fetches with sendfile, and a demo of its workflow", zh: "真实的 Kafka：一个用 sendfile 响应拉取请求的小型 broker，以及它的工作流程演示" }
    KAFKA_SIZE { en: "Bytes to produce and fetch, e.g. 64MiB", zh: "生产并拉取的字节数，例如 64MiB" }
    KAFKA_RUNS { en: "Fetch passes per method, alternating; the table shows the median", zh: "每种方式拉取的轮数，交替进行；表中给出中位数" }
    KAFKA_BUF { en: "Size of the broker's read() buffer in read-write mode, e.g. 4096, 64KiB", zh: "read-write 模式下 broker 的 read() 缓冲区大小，例如 4096、64KiB" }
    KAFKA_JSON { en: "Print one JSON document instead of the table", zh: "打印一个 JSON 文档，而不是表格" }
    SERVE { en: "Run the broker on 127.0.0.1 for real Kafka clients; one line per fetch", zh: "在 127.0.0.1 上为真实的 Kafka 客户端运行 broker；每次拉取打印一行" }
    SERVE_PORT { en: "TCP port on 127.0.0.1 (0: any free port, printed on stderr)", zh: "127.0.0.1 上的 TCP 端口（0：任一空闲端口，打印在标准错误上）" }
    SERVE_DIR { en: "Where the topics' segments live [default: kafka-logs in zclab's cache folder]", zh: "主题日志段存放的位置［默认：zclab 缓存文件夹里的 kafka-logs］" }
    SERVE_METHOD { en: "How fetches send the records", zh: "拉取时用什么方式发送记录" }
    SERVE_BUF { en: "Size of the read() buffer in read-write mode, e.g. 4096, 64KiB", zh: "read-write 模式下 read() 缓冲区的大小，例如 4096、64KiB" }
    SERVE_JSON { en: "Print each fetch as one JSON line on stdout", zh: "把每次拉取作为一行 JSON 打印到标准输出" }
    SWEEP { en: "Measure a grid of methods × file sizes × buffers, fit the cost per call and per byte, re-run IBM's 2008 table", zh: "测量“方式 × 文件大小 × 缓冲区”的网格，拟合每次调用和每字节的开销，重跑 IBM 2008 年的那张表" }
    SWEEP_SIZE { en: "File sizes, comma-separated [default: 256KiB,1MiB,16MiB,64MiB]", zh: "文件大小，用逗号分隔［默认：256KiB,1MiB,16MiB,64MiB］" }
    SWEEP_BUF { en: "Buffer sizes of the read()/write() loop, comma-separated [default: 512,4KiB,64KiB,1MiB]", zh: "read()/write() 循环的缓冲区大小，用逗号分隔［默认：512,4KiB,64KiB,1MiB］" }
    SWEEP_METHOD { en: "Methods, comma-separated or repeated [default: read-write,sendfile]", zh: "方式，用逗号分隔或重复给出［默认：read-write,sendfile］" }
    SWEEP_RUNS { en: "Runs per method at each point; the tables show the median", zh: "每个测量点上每种方式运行的次数；表中给出中位数" }
    SWEEP_COLD { en: "Drop each file from the page cache before every run", zh: "每次运行前把文件清出页缓存" }
    SWEEP_IBM { en: "Re-run IBM developerWorks' 2008 Table 1 (7MB to 1GB, 4 KiB buffer) beside the paper's numbers", zh: "重跑 IBM developerWorks 2008 年文章的表 1（7MB 到 1GB，4 KiB 缓冲区），与论文数字并列" }
    SWEEP_HTML { en: "Also write a self-contained web page (charts, tables, machine, raw data) to FILE", zh: "另外把一个自包含的网页（图表、表格、机器信息、原始数据）写到 FILE" }
    SWEEP_JSON { en: "Print one JSON document on stdout instead of the tables", zh: "在标准输出打印一个 JSON 文档，而不是表格" }
    SWEEP_CSV { en: "Print CSV (one row per point and method) instead of the tables", zh: "打印 CSV（每个测量点和方式一行），而不是表格" }
    SWEEP_MD { en: "Print the tables as Markdown", zh: "把表格打印成 Markdown" }
    DEMO { en: "Watch a real server use zero copy: nginx with sendfile on and off, its worker traced", zh: "看真实的服务器如何使用零拷贝：nginx 分别开启、关闭 sendfile，跟踪它的 worker 进程" }
    DEMO_SERVER { en: "The server to watch", zh: "要观察的服务器" }
    DEMO_REQUESTS { en: "Requests per pass (one untraced and one traced pass per setting)", zh: "每轮的请求数（每种设置各一轮不跟踪、一轮跟踪）" }
    DEMO_SIZE { en: "Size of the file nginx serves, e.g. 1MiB, 4MiB", zh: "nginx 提供的文件大小，例如 1MiB、4MiB" }
    DEMO_JSON { en: "Print one JSON document on stdout instead of the tables", zh: "在标准输出打印一个 JSON 文档，而不是表格" }
    EXAMPLES { en: "Examples:", zh: "示例：" }

    // What each value of a flag means (the long `--help` lists them). The
    // English column repeats cli.rs's doc comments on the value enums.
    /// Above the list of values and what each means.
    VALUES_HEAD { en: "Possible values:", zh: "各个取值的含义：" }
    /// One value and its meaning under VALUES_HEAD.
    VALUE_LINE { en: "- {name}: {meaning}", zh: "- {name}：{meaning}" }
    VALUE_READ_WRITE {
        en: "read(2) into a user buffer, then write(2) to the socket",
        zh: "先用 read(2) 读进用户缓冲区，再用 write(2) 写到 Socket",
    }
    VALUE_SENDFILE {
        en: "sendfile(2) from the file straight to the socket",
        zh: "用 sendfile(2) 把文件直接送到 Socket",
    }
    VALUE_MMAP {
        en: "mmap(2) the file, write(2) from the mapping to the socket",
        zh: "用 mmap(2) 映射文件，再从映射区 write(2) 到 Socket",
    }
    VALUE_SPLICE {
        en: "splice(2) file → pipe → socket",
        zh: "用 splice(2) 经管道转送（文件 → 管道 → Socket）",
    }
    VALUE_MSG_ZEROCOPY {
        en: "read(2) into user buffers, sendmsg(2) with MSG_ZEROCOPY",
        zh: "先用 read(2) 读进用户缓冲区，再用带 MSG_ZEROCOPY 的 sendmsg(2) 发送",
    }
    VALUE_IO_URING {
        en: "read(2) into user buffers, io_uring's IORING_OP_SEND_ZC",
        zh: "先用 read(2) 读进用户缓冲区，再用 io_uring 的 IORING_OP_SEND_ZC 发送",
    }
    VALUE_ALL { en: "All six methods (compare only)", zh: "全部六种方式（仅限 compare）" }
    VALUE_NGINX {
        en: "nginx, with `sendfile on;` and `sendfile off;`",
        zh: "nginx，分别设为 `sendfile on;` 和 `sendfile off;`",
    }
    VALUE_AUTO {
        en: "Colour when standard output is a terminal, TERM is not dumb and NO_COLOR is unset",
        zh: "标准输出是终端、TERM 不是 dumb 且未设置 NO_COLOR 时着色",
    }
    VALUE_ALWAYS { en: "Always colour, even into a pipe or a file", zh: "总是着色，输出到管道或文件也一样" }
    VALUE_NEVER { en: "Never colour", zh: "从不着色" }
    VALUE_EN { en: "English", zh: "英文" }
    VALUE_ZH { en: "Chinese", zh: "中文" }
}

/// (value name, what it means), for every value of a value enum in cli.rs
/// that has a doc comment.
pub const VALUES: &[(&str, crate::text::Text)] = &[
    ("read-write", VALUE_READ_WRITE),
    ("sendfile", VALUE_SENDFILE),
    ("mmap", VALUE_MMAP),
    ("splice", VALUE_SPLICE),
    ("msg-zerocopy", VALUE_MSG_ZEROCOPY),
    ("io-uring", VALUE_IO_URING),
    ("all", VALUE_ALL),
    ("nginx", VALUE_NGINX),
    ("auto", VALUE_AUTO),
    ("always", VALUE_ALWAYS),
    ("never", VALUE_NEVER),
    ("en", VALUE_EN),
    ("zh", VALUE_ZH),
];

/// (subcommand path, argument id or "" for the command itself, text).
pub const PLACES: &[(&[&str], &str, crate::text::Text)] = &[
    (&[], "", ABOUT),
    (&[], "lang", LANG),
    (&[], "color", COLOR),
    (&["compare"], "", COMPARE),
    (&["compare"], "file", COMPARE_FILE),
    (&["compare"], "buf", COMPARE_BUF),
    (&["compare"], "runs", COMPARE_RUNS),
    (&["compare"], "method", COMPARE_METHOD),
    (&["compare"], "json", COMPARE_JSON),
    (&["compare"], "cold", COMPARE_COLD),
    (&["compare"], "verify", COMPARE_VERIFY),
    (&["compare"], "details", COMPARE_DETAILS),
    (&["compare"], "html", COMPARE_HTML),
    (&["trace"], "", TRACE),
    (&["trace"], "file", TRACE_FILE),
    (&["trace"], "method", TRACE_METHOD),
    (&["trace"], "buf", TRACE_BUF),
    (&["trace"], "chunks", TRACE_CHUNKS),
    (&["trace"], "auto", TRACE_AUTO),
    (&["trace"], "max_steps", TRACE_MAX_STEPS),
    (&["trace"], "json", TRACE_JSON),
    (&["sample"], "", SAMPLE),
    (&["sample"], "size", SAMPLE_SIZE),
    (&["sample"], "output", SAMPLE_OUTPUT),
    (&["sample"], "kafka", SAMPLE_KAFKA),
    (&["sample"], "dump", SAMPLE_DUMP),
    (&["sample"], "records", SAMPLE_RECORDS),
    (&["sample"], "json", SAMPLE_JSON),
    (&["sample"], "force", SAMPLE_FORCE),
    (&["lesson"], "", LESSON),
    (&["lesson"], "target", LESSON_TARGET),
    (&["lesson"], "reset_lesson", LESSON_RESET),
    (&["lesson"], "no_pause", LESSON_NO_PAUSE),
    (&["lesson"], "save", LESSON_SAVE),
    (&["lesson"], "check", LESSON_CHECK),
    (&["count"], "", COUNT),
    (&["count"], "json", COUNT_JSON),
    (&["count"], "hide_output", COUNT_HIDE),
    (&["count"], "pid", COUNT_PID),
    (&["count"], "for_duration", COUNT_FOR),
    (&["count"], "command", COUNT_COMMAND),
    (&["sweep"], "", SWEEP),
    (&["sweep"], "size", SWEEP_SIZE),
    (&["sweep"], "buf", SWEEP_BUF),
    (&["sweep"], "method", SWEEP_METHOD),
    (&["sweep"], "runs", SWEEP_RUNS),
    (&["sweep"], "cold", SWEEP_COLD),
    (&["sweep"], "ibm", SWEEP_IBM),
    (&["sweep"], "html", SWEEP_HTML),
    (&["sweep"], "json", SWEEP_JSON),
    (&["sweep"], "csv", SWEEP_CSV),
    (&["sweep"], "md", SWEEP_MD),
    (&["demo"], "", DEMO),
    (&["demo"], "server", DEMO_SERVER),
    (&["demo"], "requests", DEMO_REQUESTS),
    (&["demo"], "size", DEMO_SIZE),
    (&["demo"], "json", DEMO_JSON),
    (&["kafka"], "", KAFKA),
    (&["kafka"], "size", KAFKA_SIZE),
    (&["kafka"], "runs", KAFKA_RUNS),
    (&["kafka"], "buf", KAFKA_BUF),
    (&["kafka"], "json", KAFKA_JSON),
    (&["kafka", "serve"], "", SERVE),
    (&["kafka", "serve"], "port", SERVE_PORT),
    (&["kafka", "serve"], "log_dir", SERVE_DIR),
    (&["kafka", "serve"], "method", SERVE_METHOD),
    (&["kafka", "serve"], "buf", SERVE_BUF),
    (&["kafka", "serve"], "json", SERVE_JSON),
];
