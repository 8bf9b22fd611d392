//! `zclab kafka serve`: one line per fetch, as text or JSON.

use serde::Serialize;

use crate::ctx::Ctx;
use crate::kafka::broker::FetchEvent;
use crate::methods::Method;
use crate::size::format_bytes;
use crate::text::kafka as t;

/// One fetch line, language-free.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FetchLine {
    pub client: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub other_partitions: usize,
    pub record_bytes: u64,
    pub method: Method,
    pub header_writes: u64,
    pub header_bytes: u64,
    pub sendfile_calls: u64,
    pub read_calls: u64,
    pub write_calls: u64,
    pub lseek_calls: u64,
    /// Record bytes that passed through the broker's user space (own
    /// count): in by read(), out by write().
    pub user_space_record_bytes: u64,
    /// Of those: record bytes read() put into the user buffer.
    pub bytes_into_user: u64,
    /// Of those: record bytes write() took from the user buffer.
    pub bytes_out_of_user: u64,
    /// 2 per system call (derived from the own count).
    pub mode_switches: u64,
    /// `syscr`/`syscw` of the serving thread's `/proc/.../io` across the send.
    pub proc_syscr: Option<u64>,
    pub proc_syscw: Option<u64>,
    pub proc_rchar: Option<u64>,
    pub proc_wchar: Option<u64>,
    pub cpu_us: u64,
    pub send_us: u64,
    pub waited_ms: u64,
    pub high_watermark: i64,
    pub tid: i32,
}

pub fn fetch_line(e: &FetchEvent) -> FetchLine {
    let r = &e.calls.records;
    FetchLine {
        client: e.client.clone(),
        topic: e.topic.clone(),
        partition: e.partition,
        offset: e.offset,
        other_partitions: e.other_partitions,
        record_bytes: e.record_bytes,
        method: e.method,
        header_writes: e.calls.header_writes,
        header_bytes: e.calls.header_bytes,
        sendfile_calls: r.sendfile,
        read_calls: r.read,
        write_calls: r.write,
        lseek_calls: e.calls.lseeks,
        user_space_record_bytes: r.user_copy_bytes(),
        bytes_into_user: r.bytes_into_user,
        bytes_out_of_user: r.bytes_out_of_user,
        mode_switches: 2 * e.calls.syscalls(),
        proc_syscr: e.proc.map(|p| p.syscr),
        proc_syscw: e.proc.map(|p| p.syscw),
        proc_rchar: e.proc.map(|p| p.rchar),
        proc_wchar: e.proc.map(|p| p.wchar),
        // schedstat's exact on-CPU time when /proc was read; getrusage
        // (tick-sampled) otherwise.
        cpu_us: e
            .proc
            .map(|p| p.sum_exec_runtime / 1000)
            .filter(|&us| us > 0)
            .unwrap_or_else(|| e.cpu.total_us()),
        send_us: e.send_time.as_micros() as u64,
        waited_ms: e.waited.as_millis() as u64,
        high_watermark: e.high_watermark,
        tid: e.tid,
    }
}

/// The calls of a fetch, as `write ×1 + sendfile ×1`.
fn calls_text(l: &FetchLine) -> String {
    let mut parts = vec![format!("write ×{} ({} B)", l.header_writes, l.header_bytes)];
    if l.lseek_calls > 0 {
        parts.push(format!("lseek ×{}", l.lseek_calls));
    }
    if l.sendfile_calls > 0 {
        parts.push(format!("sendfile ×{}", l.sendfile_calls));
    }
    if l.read_calls > 0 {
        parts.push(format!("read ×{}", l.read_calls));
    }
    if l.write_calls > 0 {
        parts.push(format!("write ×{}", l.write_calls));
    }
    parts.join(" + ")
}

pub fn render_fetch_line(l: &FetchLine, ctx: &Ctx) -> String {
    let more = if l.other_partitions > 0 {
        format!(" (+{})", l.other_partitions)
    } else {
        String::new()
    };
    let proc = match (l.proc_syscr, l.proc_syscw) {
        (Some(r), Some(w)) => ctx.f(t::FETCH_PROC, &[("syscr", &r), ("syscw", &w)]),
        _ => String::new(),
    };
    ctx.f(
        t::FETCH_LINE,
        &[
            ("partition", &format!("{}-{}{more}", l.topic, l.partition)),
            ("offset", &l.offset),
            ("bytes", &format_bytes(l.record_bytes)),
            ("client", &l.client),
            ("calls", &calls_text(l)),
            ("user", &format_bytes(l.user_space_record_bytes)),
            ("switches", &l.mode_switches),
            ("proc", &proc),
            ("ms", &format!("{:.2}", l.send_us as f64 / 1000.0)),
        ],
    )
}
