//! Error messages, one line each: what went wrong and what to do.

use crate::texts;

texts! {
    PREFIX { en: "zclab: ", zh: "zclab：" }
    /// Between an error and its cause, outermost first.
    CHAIN { en: ": ", zh: "：" }
    /// After [`PREFIX`], before a warning (the run goes on).
    WARNING { en: "warning: ", zh: "警告：" }
    STDOUT_WRITE { en: "cannot write to standard output", zh: "无法写入标准输出" }
    CANNOT_WRITE { en: "cannot write {path}", zh: "无法写入 {path}" }
    CANNOT_MOVE { en: "cannot move {path} into place", zh: "无法把 {path} 移到位" }
    CANNOT_CREATE { en: "cannot create {path}", zh: "无法创建 {path}" }
    CANNOT_STAT { en: "cannot stat {path}", zh: "无法读取 {path} 的文件信息" }
    CTRL_C_HANDLER { en: "cannot install the Ctrl-C handler", zh: "无法安装 Ctrl-C 处理程序" }
    JSON_ENCODE { en: "cannot encode the JSON report", zh: "无法编码 JSON 报告" }
    DEV_NULL { en: "cannot open /dev/null", zh: "无法打开 /dev/null" }
    NOT_A_PID {
        en: "--pid {text}: \"{part}\" is not a process id; write e.g. --pid 1234 or --pid 1234,1240",
        zh: "--pid {text}：“{part}”不是进程号；请写成 --pid 1234 或 --pid 1234,1240 这样的形式",
    }
    FOR_DURATION {
        en: "--for {text}: not a duration; write e.g. 500ms, 10s or 2m (more than 0, at most a day)",
        zh: "--for {text}：不是一个时长；请写成 500ms、10s 或 2m 这样的形式（大于 0，最多一天）",
    }
    TRACE_ONE_METHOD {
        en: "--method all: trace walks one method at a time; name one (read-write, sendfile, mmap, splice, msg-zerocopy or io-uring)",
        zh: "--method all：trace 一次只能逐步演示一种方式；请指定一种（read-write、sendfile、mmap、splice、msg-zerocopy 或 io-uring）",
    }
    EMPTY_ITEM {
        en: "{flag} {text}: an empty item; write sizes separated by commas, e.g. 512,4KiB,64KiB",
        zh: "{flag} {text}：其中有一项是空的；请用逗号分隔各个大小，例如 512,4KiB,64KiB",
    }
    SWEEP_SIZE {
        en: "--size {text}: a sweep's samples are Kafka log segments; give a size between {min} bytes and 64 GiB",
        zh: "--size {text}：扫描用的样本是 Kafka 日志段；请给出 {min} 字节到 64 GiB 之间的大小",
    }
    TOO_MANY_POINTS {
        en: "the grid has {points} points (methods × sizes × buffers); zclab sweeps at most {max}: give fewer --size or --buf values",
        zh: "网格共有 {points} 个点（方式 × 大小 × 缓冲区）；zclab 最多扫描 {max} 个点：请减少 --size 或 --buf 的取值",
    }
    HTML_IS_FOLDER {
        en: "--html {path} is a folder: give a file name, e.g. {path}/sweep.html",
        zh: "--html {path} 是一个文件夹：请给出文件名，例如 {path}/sweep.html",
    }
    HTML_NOT_OURS {
        en: "--html {path} already exists and is not a zclab report: zclab will not overwrite it; choose another name",
        zh: "--html {path} 已经存在，而且不是 zclab 生成的报告：zclab 不会覆盖它；请换一个名字",
    }
    HTML_NO_FOLDER {
        en: "--html {path}: the folder {dir} does not exist; create it first",
        zh: "--html {path}：文件夹 {dir} 不存在；请先创建它",
    }
    SWEEP_FREE_SPACE {
        en: "cannot see the free space in {path}: {reason}",
        zh: "无法查看 {path} 的剩余空间：{reason}",
    }
    SWEEP_NO_SPACE {
        en: "not enough free space for the sweep's sample files in {dir}: they need {need} (plus {spare} to spare), {free} is free; free some space, point XDG_CACHE_HOME at a roomier folder, or sweep smaller --size values",
        zh: "{dir} 的剩余空间放不下扫描用的样本文件：它们需要 {need}（另留 {spare} 余量），现在只剩 {free}；请腾出空间，把 XDG_CACHE_HOME 指向空间更大的文件夹，或扫描更小的 --size 取值",
    }
    SWEEP_ENCODE { en: "cannot serialise the sweep", zh: "无法序列化扫描结果" }
    DEMO_SIZE {
        en: "--size {text}: give a size from 1 byte to 1 GiB, e.g. 4MiB",
        zh: "--size {text}：请给出 1 字节到 1 GiB 之间的大小，例如 4MiB",
    }
    DEMO_REQUESTS {
        en: "--requests {n}: give 1 to 100000",
        zh: "--requests {n}：请给出 1 到 100000 之间的数",
    }
    CHART { en: "cannot draw the chart: {reason}", zh: "无法绘制图表：{reason}" }
    TRACE_JSON { en: "cannot encode the JSON trace", zh: "无法编码 JSON 跟踪结果" }
    EMPTY_COMMAND {
        en: "no command to trace: give one after `--`, e.g. `zclab count -- cat FILE`",
        zh: "没有要跟踪的命令：请写在 `--` 之后，例如 `zclab count -- cat 文件`",
    }
    NUL_IN_ARGUMENT {
        en: "argument {arg} contains a NUL byte, which a program cannot receive: remove it",
        zh: "参数 {arg} 含有 NUL 字节，程序无法接收：请去掉它",
    }
    COMMAND_NOT_FOUND {
        en: "command not found: {program}: check the spelling, or give its full path",
        zh: "找不到命令：{program}：请检查拼写，或给出完整路径",
    }
    CANNOT_EXECUTE {
        en: "cannot execute {program}: {reason}: check that it is an executable file (chmod +x)",
        zh: "无法执行 {program}：{reason}：请确认它是可执行文件（chmod +x）",
    }
    PTRACE_REFUSED {
        en: "the kernel refused to let zclab trace the command (ptrace: {reason}): a seccomp profile, a container without CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=3 blocks it; run outside the container, or with --cap-add=SYS_PTRACE / --security-opt seccomp=unconfined, or lower ptrace_scope",
        zh: "内核拒绝 zclab 跟踪该命令（ptrace：{reason}）：seccomp 配置、没有 CAP_SYS_PTRACE 的容器或 kernel.yama.ptrace_scope=3 都会阻止跟踪；请在容器外运行，或加上 --cap-add=SYS_PTRACE / --security-opt seccomp=unconfined，或调低 ptrace_scope",
    }
    ALREADY_TRACED {
        en: "zclab is itself being traced by {tracer} (pid {pid}), which also took the command: a process can have only one tracer; run zclab count outside {tracer}, or trace zclab without following forks (strace without -f)",
        zh: "zclab 本身正被 {tracer}（pid {pid}）跟踪，它也接管了要跟踪的命令：一个进程只能有一个跟踪者；请在 {tracer} 之外运行 zclab count，或跟踪 zclab 时不跟随子进程（strace 不加 -f）",
    }
    TRACER_OS { en: "tracer: {what} failed: {reason}", zh: "跟踪器：{what} 失败：{reason}" }
    /// [`TRACER_OS`] for a step worded in the catalogue rather than a
    /// system call's name.
    TRACER_STEP { en: "tracer: {what} failed: {reason}", zh: "跟踪器：{what}时出错：{reason}" }
    FLAG { en: "{flag}: {reason}", zh: "{flag}：{reason}" }
    BUF_RANGE {
        en: "--buf {text}: the buffer must be between 1 byte and 64 MiB (the article uses 4096)",
        zh: "--buf {text}：缓冲区大小须在 1 字节到 64 MiB 之间（文章用的是 4096）",
    }
    NOT_A_SIZE {
        en: "'{text}' is not a size: write a whole number with an optional unit, e.g. 4096, 4KiB, 64MiB, 1GiB",
        zh: "“{text}”不是一个大小：请写一个整数，可带单位，例如 4096、4KiB、64MiB、1GiB",
    }
    SIZE_TOO_LARGE { en: "'{text}' is too large a size", zh: "“{text}”太大了" }
    UNKNOWN_UNIT {
        en: "'{text}' has an unknown unit '{unit}': use B, KiB, MiB, GiB or TiB (KB, MB, GB for powers of 1000)",
        zh: "“{text}”的单位“{unit}”无法识别：请用 B、KiB、MiB、GiB 或 TiB（按 1000 进位用 KB、MB、GB）",
    }
    NO_SUCH_FILE {
        en: "cannot open {path}: no such file; check the path, or make a sample with `zclab sample --size 64MiB -o {path}`",
        zh: "无法打开 {path}：文件不存在；请检查路径，或用 `zclab sample --size 64MiB -o {path}` 生成一个样本",
    }
    PERMISSION_DENIED {
        en: "cannot open {path}: permission denied; zclab only needs to read it: check its mode (ls -l) or copy it somewhere readable",
        zh: "无法打开 {path}：没有权限；zclab 只需要读它：请检查它的权限（ls -l），或把它复制到可读的位置",
    }
    CANNOT_OPEN { en: "cannot open {path}: {reason}", zh: "无法打开 {path}：{reason}" }
    KIND_DIRECTORY { en: "a directory", zh: "一个目录" }
    KIND_FIFO { en: "a FIFO (named pipe)", zh: "一个 FIFO（命名管道）" }
    KIND_CHAR_DEVICE { en: "a character device", zh: "一个字符设备" }
    KIND_BLOCK_DEVICE { en: "a block device", zh: "一个块设备" }
    KIND_SOCKET { en: "a socket", zh: "一个 Socket" }
    KIND_OTHER { en: "not a regular file", zh: "不是普通文件" }
    NOT_REGULAR {
        en: "{path} is {what}: zclab sends regular files; give a file, or make one with `zclab sample --size 64MiB -o sample.log`",
        zh: "{path} 是{what}：zclab 只发送普通文件；请给出一个文件，或用 `zclab sample --size 64MiB -o sample.log` 生成一个",
    }
    DUMP_IS_DIR {
        en: "{path} is a directory: give a segment file, e.g. {path}/00000000000000000000.log",
        zh: "{path} 是一个目录：请给出一个日志段文件，例如 {path}/00000000000000000000.log",
    }
    DUMP_MISSING {
        en: "{path} does not exist: give a Kafka segment (.log), e.g. one made by zclab sample --kafka",
        zh: "{path} 不存在：请给出一个 Kafka 日志段（.log），例如用 zclab sample --kafka 生成的",
    }
    SAMPLE_ARGS {
        en: "give --size and -o PATH to make a sample, or --dump FILE to read one",
        zh: "生成样本请给出 --size 和 -o 路径，读取样本请用 --dump 文件",
    }
    SEGMENT_TOO_SMALL {
        en: "--size {size}: a Kafka segment that small cannot hold a record batch; ask for 0 or at least {min} bytes",
        zh: "--size {size}：这么小的 Kafka 日志段放不下一个记录批次；请指定 0 或至少 {min} 字节",
    }
    OUT_IS_DIR {
        en: "{path} is a directory: give a file name for the sample, e.g. {path}/sample.log",
        zh: "{path} 是一个目录：请给样本一个文件名，例如 {path}/sample.log",
    }
    OUT_EXISTS {
        en: "{path} already exists: zclab will not overwrite it; choose another name or add --force",
        zh: "{path} 已经存在：zclab 不会覆盖它；请换一个名字，或加上 --force",
    }
    NO_FOLDER {
        en: "cannot create {path}: the folder {dir} does not exist; create it first (mkdir -p {dir})",
        zh: "无法创建 {path}：文件夹 {dir} 不存在；请先创建它（mkdir -p {dir}）",
    }
    OUT_PERMISSION {
        en: "cannot create {path}: permission denied in {dir}; choose a folder you can write",
        zh: "无法创建 {path}：没有 {dir} 的写权限；请选一个你能写入的文件夹",
    }
    APPEARED {
        en: "{path} appeared while the sample was being written: zclab will not overwrite it; add --force",
        zh: "生成样本期间出现了 {path}：zclab 不会覆盖它；请加上 --force",
    }
    AUTO_DURATION {
        en: "--auto {text}: not a duration; write e.g. 800ms, 2s or 1.5s (at most an hour)",
        zh: "--auto {text}：不是一个时长；请写成 800ms、2s 或 1.5s 这样的形式（最多一小时）",
    }
}
