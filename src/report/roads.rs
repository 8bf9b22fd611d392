//! The texts and the evidence section of the four other roads to zero copy
//! (mmap, splice, msg-zerocopy, io-uring), both languages side by side, so
//! that moving them into the text catalogue is mechanical. The article's two
//! methods keep their texts in `table.rs`.

use std::fmt::Write as _;

use crate::lang::Lang;
use crate::measure::{Comparison, MethodResult};
use crate::methods::Method;
use crate::methods::io_uring::Unavailable;
use crate::size::{format_bytes, group_digits};

/// The four rows of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Copies,
    ModeSwitches,
    Cpu,
    Throughput,
}

/// A column title.
pub fn title(m: Method, lang: Lang) -> &'static str {
    match m {
        Method::ReadWrite => lang.t("read() + write()", "传统方式（read + write）"),
        Method::Sendfile => lang.t("sendfile()", "Kafka（sendfile）"),
        Method::Mmap => lang.t("mmap() + write()", "mmap + write（RocketMQ）"),
        Method::Splice => lang.t("splice() via a pipe", "splice（经管道）"),
        Method::MsgZerocopy => lang.t("MSG_ZEROCOPY send", "MSG_ZEROCOPY 发送"),
        Method::IoUring => lang.t("io_uring SEND_ZC", "io_uring SEND_ZC"),
    }
}

/// What the model expects of a method the article does not cover, for one
/// row (the article's two methods quote the article instead).
pub fn expectation(m: Method, row: Row, lang: Lang) -> String {
    let text = match (m, row) {
        (Method::Mmap, Row::Copies) => lang.t(
            "3 (1 CPU)\npage cache→socket→net",
            "3 次（1 次 CPU）\n页缓存→Socket→网络",
        ),
        (Method::Splice, Row::Copies) => lang.t(
            "2 (0 CPU)\nlike sendfile",
            "2 次（0 次 CPU）\n与 sendfile 相同",
        ),
        (Method::MsgZerocopy | Method::IoUring, Row::Copies) => lang.t(
            "3 on a NIC (1 CPU)\nloopback: kernel copies",
            "网卡上 3 次（1 次 CPU）\n回环上内核照样拷贝",
        ),
        (Method::Mmap, Row::ModeSwitches) => lang.t(
            "2 per chunk\n+ 4 (map, unmap)",
            "每块 2 次\n另加映射/解除映射 4 次",
        ),
        (Method::Splice, Row::ModeSwitches) => {
            lang.t("4 per chunk (2 splices)", "每块 4 次（两次 splice）")
        }
        (Method::MsgZerocopy, Row::ModeSwitches) => {
            lang.t("4 per chunk\n+ completions", "每块 4 次\n另加读取完成通知")
        }
        (Method::IoUring, Row::ModeSwitches) => lang.t(
            "4 per chunk\n(read + io_uring_enter)",
            "每块 4 次\n（read + io_uring_enter）",
        ),
        (Method::Mmap, Row::Cpu) => lang.t(
            "lower than read-write\n(one copy fewer)",
            "低于 read-write\n（少一次拷贝）",
        ),
        (Method::Splice, Row::Cpu) => lang.t("low, like sendfile", "低，与 sendfile 相近"),
        (Method::MsgZerocopy | Method::IoUring, Row::Cpu) => lang.t(
            "loopback: no saving\n(the kernel copies)",
            "回环上不省\n（内核照样拷贝）",
        ),
        (Method::Mmap, Row::Throughput) => lang.t("between the two", "介于两者之间"),
        (Method::Splice, Row::Throughput) => lang.t("close to sendfile", "接近 sendfile"),
        (Method::MsgZerocopy | Method::IoUring, Row::Throughput) => {
            lang.t("loopback: like read-write", "回环上与 read-write 相近")
        }
        (Method::ReadWrite | Method::Sendfile, _) => "",
    };
    format!("{}{text}", lang.t("model: ", "模型："))
}

/// What `/proc`'s syscr and syscw must show for the method's own counts,
/// and a word on why.
pub fn proc_expectation(r: &MethodResult) -> (u64, u64) {
    let t = &r.median_run().tally;
    match r.method {
        Method::ReadWrite => (t.read, t.write),
        Method::Sendfile => (t.sendfile, t.sendfile),
        Method::Mmap => (0, t.write),
        // /proc's I/O accounting does not see splice at all.
        Method::Splice => (0, 0),
        // sendmsg and io_uring's sends are not write(2): only the reads show.
        Method::MsgZerocopy | Method::IoUring => (t.read, 0),
    }
}

/// The evidence each of the other roads leaves, one line or two per method
/// (empty when none of them ran).
pub fn evidence_section(c: &Comparison, lang: Lang) -> String {
    let mut out = String::new();
    for r in &c.methods {
        let m = r.median_run();
        let t = &m.tally;
        let line = match (r.method, lang) {
            (Method::Mmap, Lang::En) => format!(
                "mmap: one mapping of {} (whole file, {} mmap + {} munmap); {} written from it by {} write() calls [own count]; {} minor page faults on the sending thread [minflt, /proc stat]: the first touch of each mapped page-cache folio, no disk read",
                format_bytes(c.file_bytes),
                t.mmap,
                t.munmap,
                format_bytes(t.bytes_out_of_user),
                group_digits(t.write),
                group_digits(m.sender.minflt)
            ),
            (Method::Mmap, Lang::Zh) => format!(
                "mmap：整个文件映射一次（{}，mmap {} 次、munmap {} 次）；用 {} 次 write() 从映射写出 {}［自计数］；发送线程发生 {} 次次缺页［minflt，/proc stat］：每次是第一次访问映射中的一个页缓存 folio，没有读磁盘",
                format_bytes(c.file_bytes),
                t.mmap,
                t.munmap,
                group_digits(t.write),
                format_bytes(t.bytes_out_of_user),
                group_digits(m.sender.minflt)
            ),
            (Method::Splice, Lang::En) => format!(
                "splice: pipe of {} (F_SETPIPE_SZ); {} splice() calls, file → pipe → socket [own count]. Finding: /proc io saw rchar +{}, wchar +{}, syscr +{}, syscw +{}: the kernel's I/O accounting does not count splice at all, so here only zclab's own count is evidence",
                format_bytes(t.pipe_bytes),
                group_digits(t.splice),
                group_digits(m.sender.rchar),
                group_digits(m.sender.wchar),
                group_digits(m.sender.syscr),
                group_digits(m.sender.syscw)
            ),
            (Method::Splice, Lang::Zh) => format!(
                "splice：管道容量 {}（F_SETPIPE_SZ）；splice() 共 {} 次，文件 → 管道 → socket［自计数］。发现：/proc io 显示 rchar +{}、wchar +{}、syscr +{}、syscw +{}：内核的 I/O 统计根本不计 splice，所以这里只有 zclab 自计数可作证据",
                format_bytes(t.pipe_bytes),
                group_digits(t.splice),
                group_digits(m.sender.rchar),
                group_digits(m.sender.wchar),
                group_digits(m.sender.syscr),
                group_digits(m.sender.syscw)
            ),
            (Method::MsgZerocopy | Method::IoUring, _) => zerocopy_line(r, lang),
            _ => continue,
        };
        let _ = writeln!(
            out,
            "{}",
            super::wrap(&line, crate::style::table_width() as usize, "  ", 4)
        );
    }
    out
}

/// "the kernel says it copied N of N sends", with where that came from.
fn zerocopy_line(r: &MethodResult, lang: Lang) -> String {
    let z = &r.median_run().tally.zerocopy;
    let code = crate::model::zerocopy_code(r.method);
    let (how_en, how_zh) = match r.method {
        Method::IoUring => (
            "notification CQEs (IORING_CQE_F_NOTIF)",
            "通知 CQE（IORING_CQE_F_NOTIF）",
        ),
        _ => (
            "completions read with recvmsg(MSG_ERRQUEUE)",
            "用 recvmsg(MSG_ERRQUEUE) 读到的完成通知",
        ),
    };
    match lang {
        Lang::En => format!(
            "{}: the kernel says it copied {} of {} sends [{} {}, {} covering {} sends]{}{}",
            r.method.name(),
            group_digits(z.copied),
            group_digits(z.sent),
            group_digits(z.completions),
            how_en,
            code,
            group_digits(z.covered),
            if z.sent > 0 && z.copied == z.sent {
                ": on loopback the data must land in the receiver's socket as ordinary memory, so the kernel copies; a real NIC is needed to see a zero-copy send, and it pays off only for large sends (about 10 KB and up, says the kernel's documentation)"
            } else if z.sent > 0 && z.copied == 0 {
                ": no send was copied, the NIC read the user pages itself"
            } else {
                ""
            },
            if z.enobufs > 0 {
                format!("; {} sends refused with ENOBUFS and made again", z.enobufs)
            } else {
                String::new()
            }
        ),
        Lang::Zh => format!(
            "{}：内核报告 {} 次发送中拷贝了 {} 次［{} {} 个，{}，覆盖 {} 次发送］{}{}",
            r.method.name(),
            group_digits(z.sent),
            group_digits(z.copied),
            how_zh,
            group_digits(z.completions),
            code,
            group_digits(z.covered),
            if z.sent > 0 && z.copied == z.sent {
                "：在回环上，数据必须以普通内存的形式进入接收端的 socket，所以内核照样拷贝；要看到真正的零拷贝发送，需要真实的网卡，而且只有大块发送才划算（内核文档说约 10 KB 以上）"
            } else if z.sent > 0 && z.copied == 0 {
                "：没有一次发送被拷贝，网卡直接读取了用户页"
            } else {
                ""
            },
            if z.enobufs > 0 {
                format!("；有 {} 次发送因 ENOBUFS 被拒后重发", z.enobufs)
            } else {
                String::new()
            }
        ),
    }
}

/// Notes under the table for the other roads that ran.
pub fn notes(c: &Comparison, lang: Lang) -> Vec<String> {
    let mut v = Vec::new();
    let has = |m| c.method(m).is_some();
    if has(Method::Mmap) {
        v.push(lang.t(
            "mmap + write (RocketMQ's road for its commit log) skips the user buffer: write() copies straight from the mapped page cache into the socket buffer, one CPU copy instead of two. Its price shows in minflt (a fault per mapped folio) and in a pitfall: if the file is truncated while mapped, a program that reads the lost pages itself is killed by SIGBUS; write() gets EFAULT instead, and zclab stops with exit code 1. Kafka uses sendfile for its log but still maps its index files.",
            "mmap + write（RocketMQ 对 commit log 的做法）省掉了用户缓冲区：write() 直接从映射的页缓存拷贝到 Socket 缓冲区，CPU 拷贝从两次减为一次。代价体现在 minflt（每个映射的 folio 缺页一次）和一个陷阱上：若文件在映射期间被截断，程序自己读取丢失的页面会被 SIGBUS 杀死；write() 则得到 EFAULT，zclab 以退出码 1 停止。Kafka 的日志用 sendfile，索引文件却仍然用 mmap。",
        ).to_string());
    }
    if has(Method::Splice) {
        v.push(lang.t(
            "splice is the machinery under sendfile: inside the kernel, sendfile splices through a private pipe. With its own pipe zclab makes both halves visible: two splice() calls per chunk, no byte in user space, and nothing in /proc's rchar, wchar, syscr or syscw.",
            "splice 是 sendfile 底下的机制：在内核里，sendfile 就是经过一个私有管道做 splice。zclab 用自己的管道把两半都摆到明处：每块两次 splice()，没有一个字节进入用户空间，/proc 的 rchar、wchar、syscr、syscw 也都不变。",
        ).to_string());
    }
    if has(Method::MsgZerocopy) || has(Method::IoUring) {
        v.push(lang.t(
            "MSG_ZEROCOPY and io_uring's SEND_ZC still read the file into a user buffer (one CPU copy); what they remove is the copy out of it, by letting the NIC read the pinned user pages. The kernel reports afterwards whether it managed: over loopback it never does. The completion notifications are the evidence, so the table counts that hop as a measured CPU copy.",
            "MSG_ZEROCOPY 和 io_uring 的 SEND_ZC 仍要把文件读进用户缓冲区（一次 CPU 拷贝）；它们省掉的是从缓冲区拷出的那一次，办法是让网卡直接读取被钉住的用户页。内核事后会报告是否做到：走回环时从来做不到。完成通知就是证据，所以表中把这一跳记为实测的 CPU 拷贝。",
        ).to_string());
    }
    if has(Method::IoUring) {
        v.push(lang.t(
            "io_uring moves the work behind io_uring_enter: ptrace, strace and /proc's syscw see that one call, not the sends it carries (zclab count shows the same).",
            "io_uring 把工作藏在 io_uring_enter 后面：ptrace、strace 和 /proc 的 syscw 只看得到这一个调用，看不到它携带的发送（zclab count 也是如此）。",
        ).to_string());
    }
    v
}

/// The one line printed when a method cannot run here and is skipped.
pub fn skipped_line(m: Method, why: &Unavailable, lang: Lang) -> String {
    let why = match (why, lang) {
        (Unavailable::NoSys, Lang::En) => "this kernel has no io_uring (ENOSYS)".to_string(),
        (Unavailable::NoSys, Lang::Zh) => "本机内核没有 io_uring（ENOSYS）".to_string(),
        (Unavailable::Disabled(d), Lang::En) => format!(
            "io_uring is switched off here (/proc/sys/kernel/io_uring_disabled = {d}, EPERM)"
        ),
        (Unavailable::Disabled(d), Lang::Zh) => {
            format!("本机关闭了 io_uring（/proc/sys/kernel/io_uring_disabled = {d}，EPERM）")
        }
        (Unavailable::NotAllowed, Lang::En) => {
            "io_uring is not allowed here (EPERM: a seccomp filter or a container policy)"
                .to_string()
        }
        (Unavailable::NotAllowed, Lang::Zh) => {
            "此处不允许使用 io_uring（EPERM：seccomp 过滤器或容器策略）".to_string()
        }
        (Unavailable::NoSendZc, Lang::En) => {
            "this kernel's io_uring has no IORING_OP_SEND_ZC (needs Linux 6.0 or later)".to_string()
        }
        (Unavailable::NoSendZc, Lang::Zh) => {
            "本机内核的 io_uring 不支持 IORING_OP_SEND_ZC（需要 Linux 6.0 及以上）".to_string()
        }
        (Unavailable::Setup(e), Lang::En) => format!("io_uring_setup() failed: {e}"),
        (Unavailable::Setup(e), Lang::Zh) => format!("io_uring_setup() 失败：{e}"),
    };
    match lang {
        Lang::En => format!("zclab: skipping {}: {why}; the other methods run", m.name()),
        Lang::Zh => format!("zclab：跳过 {}：{why}；其余方式照常运行", m.name()),
    }
}
