//! Why a measured run failed: the loopback connection, the transfer's
//! threads, the kernel calls of each road, the counters. `{reason}` is the
//! kernel's own error (e.g. `Broken pipe (os error 32)`), left as it is.

use crate::texts;

texts! {
    // The loopback connection (`loopback.rs`).
    /// Names the connection in the messages below (`{what}`).
    LOOPBACK_TRANSFER { en: "the loopback transfer", zh: "回环传输" }
    LISTEN { en: "cannot listen on 127.0.0.1", zh: "无法在 127.0.0.1 上监听" }
    OWN_CONNECTION_LATE {
        en: "{what}: zclab's own connection from {peer} did not arrive within {secs} s; try again (is the machine overloaded?)",
        zh: "{what}：zclab 自己从 {peer} 发起的连接在 {secs} 秒内没有到达；请再试一次（机器是否过载？）",
    }
    WAIT_CONNECTION {
        en: "{what}: cannot wait for a connection: {reason}",
        zh: "{what}：无法等待连接：{reason}",
    }
    ACCEPT { en: "{what}: cannot accept a connection", zh: "{what}：无法接受连接" }
    /// A warning: the run goes on.
    STRANGER {
        en: "{what}: closed a connection from {from}, which is not zclab's own ({peer}); another local process connected to zclab's port",
        zh: "{what}：已关闭来自 {from} 的连接：这不是 zclab 自己的连接（后者来自 {peer}），而是本机另一个进程连上了 zclab 的端口",
    }
    LISTENER_ADDRESS { en: "cannot read the listener's address", zh: "无法读取监听 Socket 的地址" }
    CONNECT { en: "{what}: cannot connect to {addr}", zh: "{what}：无法连接到 {addr}" }
    SENDER_ADDRESS {
        en: "cannot read the sending socket's address",
        zh: "无法读取发送端 Socket 的地址",
    }
    DUPLICATE_SOCKET { en: "cannot duplicate a socket", zh: "无法复制 Socket" }

    // The harness (`harness.rs`).
    CANNOT_READ { en: "cannot read {path}", zh: "无法读取 {path}" }
    NOT_STILL {
        en: "{path} does not stay still: its size says {size} bytes but reading it gave {got}; zclab measures files whose content matches their size (copy it to a regular file first)",
        zh: "{path} 的大小与内容对不上：文件大小显示 {size} 字节，读出来却是 {got} 字节；zclab 只测量内容与大小一致的文件（请先把它复制成一个普通文件）",
    }
    NOT_STILL_MORE {
        en: "{path} does not stay still: its size says {size} bytes but reading it gave {got} or more; zclab measures files whose content matches their size (copy it to a regular file first)",
        zh: "{path} 的大小与内容对不上：文件大小显示 {size} 字节，读出来却有 {got} 字节以上；zclab 只测量内容与大小一致的文件（请先把它复制成一个普通文件）",
    }
    REWIND {
        en: "cannot rewind {path}",
        zh: "无法把 {path} 的读取位置移回开头",
    }
    SENDER_NO_REPORT {
        en: "the sending thread ended without a report",
        zh: "发送线程结束了，却没有交回结果",
    }
    RECEIVER_NO_REPORT {
        en: "the receiving thread ended without a report",
        zh: "接收线程结束了，却没有交回结果",
    }
    SEND_FAILED {
        en: "{method} of {path} failed after {calls} calls, {received} of {size} bytes received (sending thread {tid})",
        zh: "用 {method} 发送 {path} 失败：已调用 {calls} 次，接收端收到 {received} / {size} 字节（发送线程 {tid}）",
    }
    RECEIVER_FAILED { en: "the receiving thread failed", zh: "接收线程出错" }
    SIZE_CHANGED {
        en: "{path} changed size during the run ({size} bytes when opened, {now} now); measure a file that nothing is writing to",
        zh: "{path} 在运行期间大小变了（打开时 {size} 字节，现在 {now} 字节）；请测量一个没有程序在写入的文件",
    }
    ABORTED_BEFORE {
        en: "the run was aborted before the transfer",
        zh: "传输还没开始，运行就被中止了",
    }
    CHECKER_PANICKED { en: "the checking thread panicked", zh: "校验线程崩溃了（panic）" }
    THREAD_ENDED_EARLY {
        en: "a transfer thread ended before it started",
        zh: "有一个传输线程还没开始就结束了",
    }
    RECEIVER_READ {
        en: "the receiver's read() failed: {reason}",
        zh: "接收端的 read() 失败：{reason}",
    }
    STALL_SENDER {
        en: "the transfer stalled: the sending thread's {method} made no progress for {secs} s after {sent} of {size} bytes; the receiving thread read {received} bytes and stopped reading",
        zh: "传输停滞：发送线程的 {method} 发出 {sent} / {size} 字节后，{secs} 秒没有进展；接收线程读了 {received} 字节后就不再读取",
    }
    STALL_RECEIVER {
        en: "the transfer stalled: the sender finished ({sent} of {size} bytes sent) but the receiving thread got nothing for {secs} s after {received} bytes",
        zh: "传输停滞：发送端已经结束（发出 {sent} / {size} 字节），但接收线程收到 {received} 字节后，{secs} 秒再没有收到数据",
    }
    STALL_NOTHING {
        en: "the transfer stalled: nothing moved for {secs} s",
        zh: "传输停滞：{secs} 秒内没有任何数据流动",
    }
    TRANSFER_PANICKED { en: "the transfer thread panicked", zh: "传输线程崩溃了（panic）" }

    // The roads (`methods/`): `{call}` is the system call, e.g. `write()`.
    CALL_FAILED { en: "{call} failed: {reason}", zh: "{call} 失败：{reason}" }
    SOCKET_ZERO {
        en: "{call} to the socket returned 0: the receiver stopped taking data",
        zh: "{call} 向 Socket 写入时返回 0：接收端不再接收数据",
    }
    SOCKET_FAILED {
        en: "{call} to the socket failed: {reason} (did the receiver close the connection?)",
        zh: "{call} 向 Socket 发送失败：{reason}（接收端是否关闭了连接？）",
    }
    FILE_SHRANK {
        en: "the file changed size during the run (it had {size} bytes when opened, {call} found the end at {offset}); measure a file that nothing is writing to",
        zh: "文件在运行期间大小变了（打开时 {size} 字节，{call} 读到 {offset} 字节处就到了文件末尾）；请测量一个没有程序在写入的文件",
    }
    FILE_GREW {
        en: "the file grew during the run (it had {size} bytes when opened, {call} has read {offset} so far); measure a file that nothing is writing to",
        zh: "文件在运行期间变大了（打开时 {size} 字节，{call} 已经读出 {offset} 字节）；请测量一个没有程序在写入的文件",
    }
    SO_ZEROCOPY {
        en: "setsockopt(SO_ZEROCOPY) failed: {reason} (this kernel may lack MSG_ZEROCOPY, added in Linux 4.14)",
        zh: "setsockopt(SO_ZEROCOPY) 失败：{reason}（这个内核可能不支持 MSG_ZEROCOPY，它从 Linux 4.14 起才有）",
    }
    ZC_NO_COMPLETION {
        en: "the kernel reported no zero-copy completion within {secs} s ({covered} of {sent} sends complete)",
        zh: "内核在 {secs} 秒内没有报告任何零拷贝发送完成（{sent} 次发送中完成了 {covered} 次）",
    }
    ERRQUEUE_POLL {
        en: "poll() on the socket's error queue failed: {reason}",
        zh: "对 Socket 错误队列调用 poll() 失败：{reason}",
    }
    ERRQUEUE_RECV {
        en: "recvmsg(MSG_ERRQUEUE) on the socket failed: {reason}",
        zh: "对 Socket 调用 recvmsg(MSG_ERRQUEUE) 失败：{reason}",
    }
    ZC_CLOSED {
        en: "the connection closed before the kernel reported every zero-copy send complete ({covered} of {sent})",
        zh: "内核还没报告全部零拷贝发送完成，连接就关闭了（{sent} 次中完成了 {covered} 次）",
    }
    URING_FULL { en: "the io_uring submission queue is full", zh: "io_uring 提交队列已满" }
    URING_NO_COMPLETION {
        en: "io_uring reported no completion within {secs} s ({covered} of {sent} sends complete)",
        zh: "io_uring 在 {secs} 秒内没有报告任何完成（{sent} 次发送中完成了 {covered} 次）",
    }
    MMAP_TRUNCATED {
        en: "the file was truncated during the run ({size} bytes when mapped, {now} now): write() from the mapping at offset {offset} failed with EFAULT, because the pages past the new end of file are gone (code that read them itself would be killed by SIGBUS); measure a file that nothing is writing to",
        zh: "文件在运行期间被截短了（映射时 {size} 字节，现在 {now} 字节）：从映射区偏移 {offset} 处调用 write() 失败，返回 EFAULT，因为新的文件末尾之后的页已经不存在了（自己去读这些页的代码会被 SIGBUS 杀死）；请测量一个没有程序在写入的文件",
    }
    /// Written by the SIGBUS handler, after the `zclab: ` prefix.
    SIGBUS {
        en: "SIGBUS while sending from the mapped file: the file was truncated during the run; measure a file that nothing is writing to",
        zh: "从映射的文件发送时收到 SIGBUS：文件在运行期间被截短了；请测量一个没有程序在写入的文件",
    }
    MMAP_EFAULT {
        en: "write() from the mapping at offset {offset} failed with EFAULT (bad address): did the file change during the run?",
        zh: "从映射区偏移 {offset} 处调用 write() 失败，返回 EFAULT（地址无效）：文件是否在运行期间被改动过？",
    }

    // The tracer's own steps (`tracer/`), after "tracer:" / "跟踪器：".
    TRACER_START_CHILD { en: "starting the traced child", zh: "启动被跟踪的子进程" }
    TRACER_WAIT_COMMAND { en: "waiting for the traced command", zh: "等待被跟踪的命令结束" }

    // The counters (`counters.rs`) and the page cache (`cache.rs`).
    PROC_SELF {
        en: "cannot open /proc/self: is /proc mounted?",
        zh: "无法打开 /proc/self：/proc 挂载了吗？",
    }
    PROC_OPEN { en: "cannot open {path}", zh: "无法打开 {path}" }
    PROC_READ { en: "cannot read {path}", zh: "无法读取 {path}" }
    PROC_IO {
        en: "cannot read {path} (the kernel needs CONFIG_TASK_IO_ACCOUNTING)",
        zh: "无法读取 {path}（内核需要开启 CONFIG_TASK_IO_ACCOUNTING）",
    }
    RUSAGE { en: "getrusage(RUSAGE_THREAD) failed", zh: "getrusage(RUSAGE_THREAD) 失败" }
    FADVISE {
        en: "posix_fadvise(DONTNEED) failed: cannot drop the file from the page cache",
        zh: "posix_fadvise(DONTNEED) 失败：无法把文件从页缓存中清掉",
    }
    STAT_FILE { en: "cannot stat the file", zh: "无法读取文件信息" }
    MAP_FOR_RESIDENCY {
        en: "cannot map the file to check its residency",
        zh: "无法映射文件来检查它有多少在页缓存里",
    }
    MINCORE { en: "mincore failed", zh: "mincore 失败" }
    CLEAR_NONBLOCK {
        en: "cannot clear O_NONBLOCK on {path}",
        zh: "无法清除 {path} 的 O_NONBLOCK 标志",
    }

    // The terminal (`terminal.rs`).
    TERMINAL_SETTINGS { en: "cannot read the terminal settings", zh: "无法读取终端设置" }
    TERMINAL_RAW {
        en: "cannot switch the terminal to key-by-key input",
        zh: "无法把终端切换为逐键输入",
    }
    TERMINAL_KEY { en: "cannot read a key from the terminal", zh: "无法从终端读取按键" }
    TERMINAL_WAIT { en: "cannot wait for a key", zh: "无法等待按键" }
}
