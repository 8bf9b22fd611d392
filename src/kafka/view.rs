//! What `zclab kafka`, `zclab kafka serve` and `zclab sample --dump` show:
//! plain measured values → a language-free view value → a pure render
//! function taking the language. Strings of both languages sit side by
//! side here, ready for the text catalogue.

use std::fmt::Write as _;

use crate::report::layout::Cell;
use serde::Serialize;

use super::broker::FetchEvent;
use super::demo::{DemoResult, Pass};
use super::segment::Dump;
use crate::ctx::Ctx;
use crate::methods::Method;
use crate::model::{self, HopFacts};
use crate::size::{format_bytes, group_digits};
use crate::text::kafka as t;

// ---- serve: one line per fetch ----

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

// ---- sample --dump ----

#[derive(Clone, Debug, PartialEq)]
pub struct DumpView {
    pub path: String,
    pub file_bytes: u64,
    pub batch_count: usize,
    /// (position, base offset, last offset, records, bytes, crc valid, compression)
    pub rows: Vec<(u64, i64, i64, i32, u64, bool, &'static str)>,
    pub hidden_rows: usize,
    pub records_total: u64,
    pub crc_failures: u64,
    pub first_records: Vec<(i64, i64, String, String)>,
    pub stopped: Option<(u64, String)>,
}

const DUMP_ROWS: usize = 8;

pub fn dump_view(d: &Dump, path: &str) -> DumpView {
    let mut rows: Vec<_> = d
        .batches
        .iter()
        .map(|b| {
            (
                b.position,
                b.base_offset,
                b.last_offset,
                b.records,
                b.bytes,
                b.crc_valid,
                b.compression,
            )
        })
        .collect();
    let hidden = rows.len().saturating_sub(DUMP_ROWS);
    if hidden > 0 {
        // The first rows, then the last one.
        let last = rows[rows.len() - 1];
        rows.truncate(DUMP_ROWS - 1);
        rows.push(last);
    }
    DumpView {
        path: path.to_string(),
        file_bytes: d.file_bytes,
        batch_count: d.batches.len(),
        rows,
        hidden_rows: hidden,
        records_total: d.records_total,
        crc_failures: d.crc_failures,
        first_records: d
            .first_records
            .iter()
            .map(|r| {
                (
                    r.offset,
                    r.timestamp,
                    r.key.clone().unwrap_or_else(|| "null".into()),
                    r.value.clone().unwrap_or_else(|| "null".into()),
                )
            })
            .collect(),
        stopped: d.stopped_at.zip(d.stopped_why.clone()),
    }
}

pub fn render_dump(v: &DumpView, ctx: &Ctx) -> String {
    let mut out = String::new();
    let crc = if v.crc_failures == 0 {
        ctx.t(t::DUMP_CRC_OK).to_string()
    } else {
        ctx.f(t::DUMP_CRC_BAD, &[("n", &v.crc_failures)])
    };
    let title = ctx.f(
        t::DUMP_TITLE,
        &[
            ("path", &v.path),
            ("size", &format_bytes(v.file_bytes)),
            ("batches", &group_digits(v.batch_count as u64)),
            ("records", &group_digits(v.records_total)),
            ("crc", &crc),
        ],
    );
    let _ = writeln!(out, "{}", ctx.wrap(&title, "", 0));
    let head = [
        ctx.t(t::DUMP_HEAD_POSITION),
        "baseOffset",
        "lastOffset",
        ctx.t(t::DUMP_HEAD_RECORDS),
        ctx.t(t::DUMP_HEAD_BYTES),
        "CRC",
        ctx.t(t::DUMP_HEAD_COMPRESSION),
    ];
    let mut table =
        crate::report::layout::condensed_table(ctx, head.iter().map(Cell::new).collect());
    for (i, r) in v.rows.iter().enumerate() {
        if v.hidden_rows > 0 && i == v.rows.len() - 1 {
            table.add_row(vec![Cell::new(
                ctx.f(t::DUMP_MORE, &[("n", &v.hidden_rows)]),
            )]);
        }
        table.add_row(vec![
            Cell::new(group_digits(r.0)),
            Cell::new(r.1),
            Cell::new(r.2),
            Cell::new(r.3),
            Cell::new(group_digits(r.4)),
            Cell::new(ctx.t(if r.5 { t::DUMP_VALID } else { t::DUMP_WRONG })),
            Cell::new(r.6),
        ]);
    }
    let _ = writeln!(out, "{table}");
    if let Some((pos, why)) = &v.stopped {
        let _ = writeln!(
            out,
            "{}",
            ctx.f(t::DUMP_STOPPED, &[("pos", pos), ("why", why)])
        );
    }
    if !v.first_records.is_empty() {
        let _ = writeln!(out, "{}", ctx.t(t::DUMP_FIRST));
        for (off, ts, k, val) in &v.first_records {
            let line = format!("offset={off} timestamp={ts} key={k} value={val}");
            let _ = writeln!(out, "{}", ctx.wrap(&line, "  ", 4));
        }
    }
    out
}

// ---- zclab kafka: the demo ----

/// One column of the four-row table: a method's median pass, per fetch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoColumn {
    pub method: Method,
    pub passes: usize,
    pub fetches: u64,
    pub record_bytes: u64,
    pub cpu_copies: u32,
    pub dma_copies: u32,
    pub user_space_bytes: u64,
    pub syscalls: u64,
    pub header_writes: u64,
    pub header_bytes: u64,
    pub sendfile_calls: u64,
    pub read_calls: u64,
    pub write_calls: u64,
    pub proc_syscalls: u64,
    pub proc_rchar: u64,
    pub proc_wchar: u64,
    pub cpu_us: u64,
    pub mib_s: f64,
    /// `sendfile` calls per fetch (own count): 1 while a fetch is under
    /// 2 GiB and no signal cuts a call short.
    pub sendfile_calls_per_fetch: f64,
    pub syscalls_per_fetch: f64,
    pub verified: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoView {
    pub segment: String,
    pub produced_bytes: u64,
    pub produced_records: u64,
    pub produced_batches: u64,
    pub produce_requests: u64,
    pub produce_ms: u64,
    pub resident: Option<u64>,
    pub buffer_bytes: usize,
    pub columns: Vec<DemoColumn>,
    pub verified: bool,
}

fn column(p: &Pass, passes: usize, r: &DemoResult) -> DemoColumn {
    let facts = HopFacts {
        bytes_into_user: p.calls.records.bytes_into_user,
        bytes_out_of_user: p.calls.records.bytes_out_of_user,
        read_bytes: p.proc.read_bytes,
        file_bytes: p.record_bytes,
        ..HopFacts::default()
    };
    let hops = model::evaluate(p.method, &facts);
    let (cpu, dma) = model::count_kinds(&hops);
    let t = &p.calls.records;
    DemoColumn {
        method: p.method,
        passes,
        fetches: p.fetches,
        record_bytes: p.record_bytes,
        cpu_copies: cpu,
        dma_copies: dma,
        user_space_bytes: t.user_copy_bytes(),
        syscalls: p.calls.syscalls(),
        header_writes: p.calls.header_writes,
        header_bytes: p.calls.header_bytes,
        sendfile_calls: t.sendfile,
        read_calls: t.read,
        write_calls: t.write,
        proc_syscalls: p.proc.syscr + p.proc.syscw,
        proc_rchar: p.proc.rchar,
        proc_wchar: p.proc.wchar,
        cpu_us: p.cpu_us(),
        mib_s: p.mib_s(),
        sendfile_calls_per_fetch: per(t.sendfile, p.fetches),
        syscalls_per_fetch: per(p.calls.syscalls(), p.fetches),
        verified: p.verified(&r.produced),
    }
}

pub fn demo_view(r: &DemoResult) -> DemoView {
    let columns = [Method::ReadWrite, Method::Sendfile]
        .into_iter()
        .filter_map(|m| {
            let n = r.passes.iter().filter(|p| p.method == m).count();
            r.median(m).map(|p| column(p, n, r))
        })
        .collect();
    DemoView {
        segment: r.segment.display().to_string(),
        produced_bytes: r.produced.bytes,
        produced_records: r.produced.records,
        produced_batches: r.produced.batches,
        produce_requests: r.produced.requests,
        produce_ms: r.produced.elapsed.as_millis() as u64,
        resident: r.resident,
        buffer_bytes: r.buffer_bytes,
        columns,
        verified: r.verified(),
    }
}

fn per(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

pub fn render_demo(v: &DemoView, ctx: &Ctx) -> String {
    let mut out = String::new();
    let resident = match v.resident {
        Some(r) => ctx.f(
            t::DEMO_RESIDENT,
            &[
                ("resident", &format_bytes(r)),
                ("size", &format_bytes(v.produced_bytes)),
            ],
        ),
        None => ctx.t(t::DEMO_RESIDENT_UNKNOWN).to_string(),
    };
    let produced = ctx.f(
        t::DEMO_PRODUCED,
        &[
            ("records", &group_digits(v.produced_records)),
            ("batches", &group_digits(v.produced_batches)),
            ("size", &format_bytes(v.produced_bytes)),
            ("requests", &v.produce_requests),
            ("ms", &v.produce_ms),
            ("path", &v.segment),
        ],
    );
    let _ = writeln!(out, "{}", ctx.wrap(&produced, "", 3));
    let _ = writeln!(out, "{}", ctx.wrap(&resident, "   ", 3));
    let passes = v.columns.first().map(|c| c.passes).unwrap_or(0);
    let verdict = ctx.t(if v.verified {
        t::DEMO_ALL_CORRECT
    } else {
        t::DEMO_MISMATCH
    });
    let fetched = ctx.f(
        t::DEMO_FETCHED,
        &[("passes", &passes), ("verdict", &verdict)],
    );
    let _ = writeln!(out, "{}\n", ctx.wrap(&fetched, "", 3));

    let mut header = vec![Cell::new(ctx.t(t::DEMO_HEAD))];
    header.extend(v.columns.iter().map(|c| {
        Cell::new(ctx.t(match c.method {
            Method::Sendfile => t::DEMO_COL_SF,
            // The demo runs read-write and sendfile only.
            _ => t::DEMO_COL_RW,
        }))
    }));
    let mut table = crate::report::layout::new_table(ctx, header);
    let row = |name: &str, f: &dyn Fn(&DemoColumn) -> String| {
        let mut r = vec![Cell::new(name)];
        r.extend(v.columns.iter().map(|c| Cell::new(f(c))));
        r
    };
    table.add_row(row(ctx.t(crate::text::compare::ROW_COPIES), &|c| {
        let claim = match c.method {
            Method::Sendfile => "2",
            _ => "4",
        };
        ctx.f(
            t::DEMO_COPIES,
            &[
                ("cpu", &c.cpu_copies),
                ("dma", &c.dma_copies),
                ("total", &(c.cpu_copies + c.dma_copies)),
                ("user", &format_bytes(c.user_space_bytes)),
                ("claim", &claim),
            ],
        )
    }));
    table.add_row(row(ctx.t(crate::text::compare::ROW_MODE_SWITCHES), &|c| {
        ctx.f(
            t::DEMO_SWITCHES,
            &[
                ("switches", &group_digits(2 * c.syscalls)),
                (
                    "per_fetch",
                    &format!("{:.1}", per(2 * c.syscalls, c.fetches)),
                ),
                ("calls", &column_calls(c)),
                ("proc", &group_digits(c.proc_syscalls)),
            ],
        )
    }));
    table.add_row(row(ctx.t(crate::text::compare::ROW_CPU), &|c| {
        let ms = c.cpu_us as f64 / 1000.0;
        let per_mib = ms / (c.record_bytes as f64 / (1 << 20) as f64).max(1e-9);
        ctx.f(
            t::DEMO_CPU,
            &[
                ("ms", &format!("{ms:.1}")),
                ("per_mib", &format!("{per_mib:.3}")),
            ],
        )
    }));
    table.add_row(row(ctx.t(crate::text::compare::ROW_THROUGHPUT), &|c| {
        ctx.f(t::DEMO_THROUGHPUT, &[("mib_s", &format!("{:.0}", c.mib_s))])
    }));
    let _ = writeln!(out, "{table}");

    let _ = writeln!(out, "{}", ctx.t(t::DEMO_PER_FETCH));
    for c in &v.columns {
        let f = c.fetches.max(1);
        let per_call = |n: u64| format!("{:.1}", per(n, f));
        let calls = if c.sendfile_calls > 0 || c.read_calls == 0 {
            format!(
                "write {} + sendfile {}",
                per_call(c.header_writes),
                per_call(c.sendfile_calls)
            )
        } else {
            format!(
                "write {} + read {} + write {}",
                per_call(c.header_writes),
                per_call(c.read_calls),
                per_call(c.write_calls)
            )
        };
        let line = ctx.f(
            t::DEMO_PER_FETCH_LINE,
            &[
                ("method", &c.method.name()),
                ("bytes", &format_bytes(c.record_bytes / f)),
                ("calls", &calls),
                ("user", &format_bytes(c.user_space_bytes / f)),
                ("ms", &format!("{:.3}", c.cpu_us as f64 / 1000.0 / f as f64)),
            ],
        );
        let _ = writeln!(out, "{}", ctx.wrap(&line, "  ", 4));
    }
    let _ = writeln!(out);
    let rw = v.columns.iter().find(|c| c.method == Method::ReadWrite);
    let sf = v.columns.iter().find(|c| c.method == Method::Sendfile);
    if let (Some(rw), Some(sf)) = (rw, sf) {
        let ratio = if rw.mib_s > 0.0 {
            sf.mib_s / rw.mib_s
        } else {
            0.0
        };
        let text = ctx.f(
            t::DEMO_WHAT,
            &[
                (
                    "header",
                    &format!("{:.0}", per(sf.header_bytes, sf.fetches)),
                ),
                (
                    "sf_calls",
                    &format!("{:.1}", per(sf.sendfile_calls, sf.fetches)),
                ),
                ("buf", &format_bytes(v.buffer_bytes as u64)),
                (
                    "rw_calls",
                    &format!("{:.0}", per(rw.read_calls + rw.write_calls, rw.fetches)),
                ),
                ("user", &format_bytes(rw.user_space_bytes / 2)),
                ("ratio", &format!("{ratio:.1}")),
                ("cpu_ratio", &format!("{:.1}", cpu_ratio(rw, sf))),
            ],
        );
        let _ = writeln!(out, "{}", ctx.wrap(&text, "", 0));
    }
    out
}

/// The calls of a column, as `write 64 + sendfile 64`.
fn column_calls(c: &DemoColumn) -> String {
    if c.sendfile_calls > 0 || c.read_calls == 0 {
        format!("write {} + sendfile {}", c.header_writes, c.sendfile_calls)
    } else {
        format!(
            "write {} + read {} + write {}",
            c.header_writes, c.read_calls, c.write_calls
        )
    }
}

fn cpu_ratio(rw: &DemoColumn, sf: &DemoColumn) -> f64 {
    let a = per(rw.cpu_us, rw.record_bytes.max(1));
    let b = per(sf.cpu_us, sf.record_bytes.max(1));
    if b > 0.0 { a / b } else { 0.0 }
}
