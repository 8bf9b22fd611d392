//! `zclab kafka`: the demo's four-row table of the broker's fetch path,
//! the per-fetch averages, and what just happened.

use std::fmt::Write as _;

use crate::report::layout::Cell;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::kafka::demo::{DemoResult, Pass};
use crate::methods::Method;
use crate::model::{self, HopFacts};
use crate::size::{format_bytes, group_digits};
use crate::text::kafka as t;

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
    let _ = writeln!(out, "{}", four_rows(v, ctx));
    out.push_str(&per_fetch(v, ctx));
    out.push_str(&what_happened(v, ctx));
    out
}

/// The four rows of the broker's fetch path, one column per method.
fn four_rows(v: &DemoView, ctx: &Ctx) -> crate::report::layout::Grid {
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
    table
}

/// Per-fetch averages of each method.
fn per_fetch(v: &DemoView, ctx: &Ctx) -> String {
    let mut out = String::new();
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
    out
}

/// "What just happened", in the article's terms, with this run's figures.
fn what_happened(v: &DemoView, ctx: &Ctx) -> String {
    let mut out = String::new();
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
