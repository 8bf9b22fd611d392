//! The other roads to zero copy: mmap, splice, msg-zerocopy and io-uring,
//! wherever they appear (compare's table, evidence and notes; trace's
//! diagram; the skip line).

use crate::texts;

texts! {
    TITLE_MMAP { en: "mmap() + write()", zh: "mmap + write（RocketMQ）" }
    TITLE_SPLICE { en: "splice() via a pipe", zh: "splice（经管道）" }
    TITLE_MSG_ZEROCOPY { en: "MSG_ZEROCOPY send", zh: "MSG_ZEROCOPY 发送" }
    TITLE_IO_URING { en: "io_uring SEND_ZC", zh: "io_uring SEND_ZC" }

    /// The expectation of a method the article does not cover.
    MODEL { en: "model: {claim}", zh: "模型：{claim}" }
    CLAIM_COPIES_MMAP { en: "3, 1 by the CPU (page cache → socket → net)", zh: "3 次，其中 CPU 1 次（页缓存 → Socket → 网络）" }
    CLAIM_COPIES_SPLICE { en: "2, none by the CPU (like sendfile)", zh: "2 次，没有 CPU 拷贝（与 sendfile 相同）" }
    CLAIM_COPIES_ZEROCOPY { en: "3 on a NIC, 1 by the CPU; on loopback the kernel copies", zh: "网卡上 3 次，其中 CPU 1 次；回环上内核照样拷贝" }
    CLAIM_SWITCHES_MMAP { en: "2 per chunk, + 4 to map and unmap", zh: "每块 2 次，映射和解除映射另加 4 次" }
    CLAIM_SWITCHES_SPLICE { en: "4 per chunk (two splices)", zh: "每块 4 次（两次 splice）" }
    CLAIM_SWITCHES_MSG_ZEROCOPY { en: "4 per chunk, + reading completions", zh: "每块 4 次，读取完成通知另计" }
    CLAIM_SWITCHES_IO_URING { en: "4 per chunk (read + io_uring_enter)", zh: "每块 4 次（read + io_uring_enter）" }
    CLAIM_CPU_MMAP { en: "below read-write (one copy fewer)", zh: "低于 read-write（少一次拷贝）" }
    CLAIM_CPU_SPLICE { en: "low, like sendfile", zh: "低，与 sendfile 相近" }
    CLAIM_CPU_ZEROCOPY { en: "no saving on loopback (the kernel copies)", zh: "回环上省不了（内核照样拷贝）" }
    CLAIM_THROUGHPUT_MMAP { en: "between read-write and sendfile", zh: "介于 read-write 和 sendfile 之间" }
    CLAIM_THROUGHPUT_SPLICE { en: "close to sendfile", zh: "接近 sendfile" }
    CLAIM_THROUGHPUT_ZEROCOPY { en: "like read-write on loopback", zh: "回环上与 read-write 相近" }

    EVIDENCE_TITLE {
        en: "What the kernel itself reports for the other roads:",
        zh: "其他几条路上内核自己给出的证据：",
    }
    EVIDENCE_MMAP {
        en: "mmap: one mapping of the whole file ({size}: {mmap} mmap, {munmap} munmap); {bytes} written from it by {writes} write() calls [own count]; {minflt} minor page faults on the sending thread [minflt, /proc stat]: the first touch of each mapped page-cache folio, no disk read",
        zh: "mmap：整个文件只映射一次（{size}：mmap {mmap} 次，munmap {munmap} 次）；用 {writes} 次 write() 从映射中写出 {bytes}［自计数］；发送线程发生 {minflt} 次次缺页［minflt，/proc stat］，每次都是第一次访问映射中的一个页缓存 folio，没有读磁盘",
    }
    EVIDENCE_SPLICE {
        en: "splice: a pipe of {pipe} (F_SETPIPE_SZ); {calls} splice() calls, file → pipe → socket [own count]. Finding: /proc io shows rchar +{rchar}, wchar +{wchar}, syscr +{syscr}, syscw +{syscw}: the kernel's I/O accounting does not count splice at all, so only zclab's own count is evidence here",
        zh: "splice：管道容量 {pipe}（F_SETPIPE_SZ）；splice() 共 {calls} 次，文件 → 管道 → Socket［自计数］。发现：/proc io 显示 rchar +{rchar}、wchar +{wchar}、syscr +{syscr}、syscw +{syscw}，内核的 I/O 统计根本不计 splice，所以这里只有 zclab 自计数能作证据",
    }
    EVIDENCE_ZEROCOPY {
        en: "{method}: the kernel says it copied {copied} of {sent} sends [{completions} {how}, {code}, covering {covered} sends]{why}{retries}",
        zh: "{method}：内核报告 {sent} 次发送中拷贝了 {copied} 次［共 {completions} 个{how}，{code}，覆盖 {covered} 次发送］{why}{retries}",
    }
    HOW_ERRQUEUE { en: "completions read with recvmsg(MSG_ERRQUEUE)", zh: "用 recvmsg(MSG_ERRQUEUE) 读到的完成通知" }
    HOW_NOTIF { en: "notification CQEs (IORING_CQE_F_NOTIF)", zh: "通知 CQE（IORING_CQE_F_NOTIF）" }
    WHY_ALL_COPIED {
        en: ": on loopback the data must land in the receiver's socket as ordinary memory, so the kernel copies; a real NIC is needed to see a zero-copy send, and it pays off only for large sends (about 10 KB and up, says the kernel's documentation)",
        zh: "：走回环时，数据必须以普通内存的形式进入接收端的 Socket，所以内核照样拷贝；要看到真正的零拷贝发送，需要真实的网卡，而且只有大块发送才划算（内核文档说约 10 KB 以上）",
    }
    WHY_NONE_COPIED {
        en: ": no send was copied, the NIC read the user pages itself",
        zh: "：没有一次发送被拷贝，网卡直接读取了用户页",
    }
    ENOBUFS_RETRIES { en: "; {n} sends refused with ENOBUFS and made again", zh: "；有 {n} 次发送因 ENOBUFS 被拒后重发" }

    NOTE_MMAP {
        en: "mmap + write (RocketMQ's road for its commit log) skips the user buffer: write() copies straight from the mapped page cache into the socket buffer, one CPU copy instead of two. Its price shows in minflt (a fault per mapped folio) and in a pitfall: if the file is truncated while mapped, a program that reads the lost pages itself is killed by SIGBUS; write() gets EFAULT instead, and zclab stops with exit code 1. Kafka sends its log with sendfile but still maps its index files.",
        zh: "mmap + write（RocketMQ 对 commit log 的做法）省掉了用户缓冲区：write() 直接从映射的页缓存拷贝到 Socket 缓冲区，CPU 拷贝从两次减为一次。代价体现在 minflt 上（每个映射的 folio 缺页一次），还有一个陷阱：文件在映射期间被截断时，程序自己读取丢失的页面会被 SIGBUS 杀死；write() 则得到 EFAULT，zclab 以退出码 1 停止。Kafka 发送日志用 sendfile，索引文件却仍然用 mmap。",
    }
    NOTE_SPLICE {
        en: "splice is the machinery under sendfile: inside the kernel, sendfile splices through a private pipe. With a pipe of its own zclab shows both halves: two splice() calls per chunk, no byte in user space, and nothing in /proc's rchar, wchar, syscr or syscw.",
        zh: "splice 是 sendfile 底下的机制：在内核里，sendfile 就是经过一个私有管道做 splice。zclab 用自己的管道把两半都摆到明处：每块两次 splice()，没有一个字节进入用户空间，/proc 的 rchar、wchar、syscr、syscw 也都不变。",
    }
    NOTE_ZEROCOPY {
        en: "MSG_ZEROCOPY and io_uring's SEND_ZC still read the file into a user buffer (one CPU copy); what they remove is the copy out of it, by letting the NIC read the pinned user pages. The kernel reports afterwards whether it managed: over loopback it never does. The completion notifications are the evidence, so the table counts that hop as a measured CPU copy.",
        zh: "MSG_ZEROCOPY 和 io_uring 的 SEND_ZC 仍要把文件读进用户缓冲区（一次 CPU 拷贝）；它们省掉的是从缓冲区拷出的那一次，办法是让网卡直接读取被钉住的用户页。内核事后会报告是否做到：走回环时从来做不到。完成通知就是证据，所以表中把这一跳记为实测的 CPU 拷贝。",
    }
    NOTE_IO_URING {
        en: "io_uring moves the work behind io_uring_enter: ptrace, strace and /proc's syscw see that one call, not the sends it carries (zclab count shows the same).",
        zh: "io_uring 把工作藏在 io_uring_enter 后面：ptrace、strace 和 /proc 的 syscw 只看得到这一个调用，看不到它带着的发送（zclab count 也是如此）。",
    }

    SKIPPED {
        en: "zclab: skipping {method}: {why}; the other methods run",
        zh: "zclab：跳过 {method}：{why}；其余方式照常运行",
    }
    NO_METHOD_LEFT {
        en: "no method left to run (see the line above)",
        zh: "没有可以运行的方式了（见上一行）",
    }
    WHY_NOSYS { en: "this kernel has no io_uring (ENOSYS)", zh: "本机内核没有 io_uring（ENOSYS）" }
    WHY_DISABLED {
        en: "io_uring is switched off here (/proc/sys/kernel/io_uring_disabled = {value}, EPERM)",
        zh: "本机关闭了 io_uring（/proc/sys/kernel/io_uring_disabled = {value}，EPERM）",
    }
    WHY_NOT_ALLOWED {
        en: "io_uring is not allowed here (EPERM: a seccomp filter or a container policy)",
        zh: "此处不允许使用 io_uring（EPERM：seccomp 过滤器或容器策略）",
    }
    WHY_NO_SEND_ZC {
        en: "this kernel's io_uring has no IORING_OP_SEND_ZC (it needs Linux 6.0 or later)",
        zh: "本机内核的 io_uring 不支持 IORING_OP_SEND_ZC（需要 Linux 6.0 及以上）",
    }
    WHY_SETUP { en: "io_uring_setup() failed: {error}", zh: "io_uring_setup() 失败：{error}" }

    DIAGRAM_MAPPED { en: "(mapped here: the page cache itself)", zh: "（映射到此处：就是页缓存本身）" }
    DIAGRAM_PIPE_NOTE { en: "(no byte here: page references pass a pipe)", zh: "（数据不进用户空间：页面引用经过管道）" }
    DIAGRAM_PIPE { en: "pipe ", zh: "管道 " }
    DIAGRAM_ZERO_COPY { en: "(zero copy)", zh: "（零拷贝）" }
}
