//! The four-row table: data copies, mode switches, CPU, throughput; one
//! column per method and, when both ran, sendfile against read-write.

use crate::report::layout::{Cell, Color};

use super::roads::{self, Row};
use crate::ctx::Ctx;
use crate::harness::NoThroughput;
use crate::methods::Method;
use crate::report::layout::{head, method_title, new_table};
use crate::size::{format_bytes, format_cpu_ns, format_rate, format_secs, group_digits};
use crate::text::{Text, common, compare as t};
use crate::view::compare::{CompareView, CpuVerdict, MethodView, SpeedVerdict, Unit, Versus};

/// One table, or (more methods than fit side by side) one table per group
/// of methods, each with the row names.
pub fn render(v: &CompareView, ctx: &Ctx) -> String {
    let rows = [
        t::ROW_COPIES,
        t::ROW_MODE_SWITCHES,
        t::ROW_CPU,
        t::ROW_THROUGHPUT,
    ];
    // The versus column has room only beside the article's two methods.
    let versus = v
        .versus
        .as_ref()
        .filter(|_| v.methods.len() == 2)
        .map(|vs| versus_cells(vs, ctx));
    let mut out = String::new();
    for group in roads::groups(v.methods.len(), ctx.width) {
        let methods = &v.methods[group];
        let mut header = vec![head(ctx.t(t::HEAD_OPTIMIZATION))];
        header.extend(methods.iter().map(|m| head(method_title(m.method, ctx))));
        if versus.is_some() {
            header.push(head(ctx.t(t::HEAD_VERSUS)));
        }
        let mut table = new_table(ctx, header);
        for (i, name) in rows.iter().enumerate() {
            let mut row = vec![head(ctx.t(*name))];
            for m in methods {
                row.push(Cell::new(match i {
                    0 => copies(m, ctx),
                    1 => switches(m, ctx),
                    2 => cpu(m, ctx),
                    _ => throughput(m, v.runs, ctx),
                }));
            }
            if let Some(cells) = &versus {
                row.push(Cell::new(&cells[i]).fg(Color::Cyan));
            }
            table.add_row(row);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{table}"));
    }
    out
}

fn unit(m: &MethodView, ctx: &Ctx) -> &'static str {
    ctx.t(match m.unit {
        Unit::Chunk => common::PER_CHUNK,
        Unit::Call => common::PER_CALL,
    })
}

/// The article's claim for a row, by method; for the methods the article
/// does not cover, what the copy model expects.
fn article(ctx: &Ctx, method: Method, row: Row, read_write: Text, sendfile: Text) -> String {
    if let Some(expected) = roads::expectation(method, row, ctx) {
        return expected;
    }
    let claim = ctx.t(match method {
        Method::Sendfile => sendfile,
        _ => read_write,
    });
    ctx.f(t::ARTICLE, &[("claim", &claim)])
}

fn copies(m: &MethodView, ctx: &Ctx) -> String {
    let c = &m.copy_counts;
    if m.copies.is_empty() {
        return ctx.t(t::COPIES_NOTHING).to_string();
    }
    let evidence = if c.usual() && c.cpu > 0 {
        ctx.t(t::COPIES_USUAL).to_string()
    } else if c.usual() {
        ctx.t(t::COPIES_ONLY_DMA).to_string()
    } else {
        ctx.f(
            t::COPIES_SPLIT,
            &[
                ("cpu_m", &c.cpu_measured),
                ("dma_m", &c.dma_measured),
                ("cpu_o", &c.cpu_modelled),
                ("dma_o", &c.dma_modelled),
            ],
        )
    };
    [
        ctx.f(
            t::COPIES_SUM,
            &[
                ("cpu", &c.cpu),
                ("dma", &c.dma),
                ("total", &c.total()),
                ("unit", &unit(m, ctx)),
            ],
        ),
        evidence,
        ctx.f(
            t::COPIES_USER_BYTES,
            &[("bytes", &format_bytes(m.user_copy_bytes))],
        ),
        article(
            ctx,
            m.method,
            Row::Copies,
            t::CLAIM_COPIES_READ_WRITE,
            t::CLAIM_COPIES_SENDFILE,
        ),
    ]
    .join("\n")
}

fn switches(m: &MethodView, ctx: &Ctx) -> String {
    let per = m
        .mode_switches_per_unit
        .map(|p| format!("{p:.2}"))
        .unwrap_or_else(|| "–".into());
    [
        ctx.f(
            t::SWITCHES_DERIVED,
            &[("switches", &group_digits(m.mode_switches))],
        ),
        ctx.f(
            if m.syscalls_total == 1 {
                t::SWITCHES_BASIS_ONE
            } else {
                t::SWITCHES_BASIS
            },
            &[
                ("calls", &group_digits(m.syscalls_total)),
                ("per", &per),
                ("unit", &unit(m, ctx)),
            ],
        ),
        article(
            ctx,
            m.method,
            Row::ModeSwitches,
            t::CLAIM_SWITCHES_READ_WRITE,
            t::CLAIM_SWITCHES_SENDFILE,
        ),
    ]
    .join("\n")
}

fn cpu(m: &MethodView, ctx: &Ctx) -> String {
    let split = if m.cpu_split_meaningful {
        ctx.f(
            t::CPU_SPLIT,
            &[
                ("user", &format!("{:.1}", m.cpu_user_us as f64 / 1000.0)),
                ("sys", &format!("{:.1}", m.cpu_sys_us as f64 / 1000.0)),
            ],
        )
    } else {
        ctx.t(t::CPU_NO_SPLIT).to_string()
    };
    [
        ctx.f(t::CPU_TIME, &[("ms", &format_cpu_ns(m.cpu_ns))]),
        ctx.f(
            t::CPU_CONSUMER,
            &[
                ("ms", &format_cpu_ns(m.consumer.cpu_ns)),
                ("both", &format_cpu_ns(m.cpu_ns_with_consumer)),
            ],
        ),
        split,
        ctx.f(
            t::CPU_SHARE,
            &[("share", &format!("{:.0}", m.cpu_core_percent))],
        ),
        article(
            ctx,
            m.method,
            Row::Cpu,
            t::CLAIM_CPU_READ_WRITE,
            t::CLAIM_CPU_SENDFILE,
        ),
    ]
    .join("\n")
}

fn throughput(m: &MethodView, runs: u32, ctx: &Ctx) -> String {
    let claim = article(
        ctx,
        m.method,
        Row::Throughput,
        t::CLAIM_THROUGHPUT_READ_WRITE,
        t::CLAIM_THROUGHPUT_SENDFILE,
    );
    let (Some(rate), Some(lo), Some(hi)) = (
        m.throughput_mib_s,
        m.throughput_mib_s_min,
        m.throughput_mib_s_max,
    ) else {
        let why = match m.throughput_missing {
            Some(NoThroughput::NothingSent) => t::THROUGHPUT_NOTHING,
            _ => t::THROUGHPUT_STOPPED,
        };
        return [ctx.t(why).to_string(), claim].join("\n");
    };
    [
        ctx.f(
            t::THROUGHPUT_MEDIAN,
            &[("rate", &format_rate(rate)), ("runs", &runs)],
        ),
        ctx.f(
            t::THROUGHPUT_RANGE,
            &[
                ("lo", &format_rate(lo)),
                ("hi", &format_rate(hi)),
                ("time", &format_secs(m.elapsed_s)),
            ],
        ),
        article(
            ctx,
            m.method,
            Row::Throughput,
            t::CLAIM_THROUGHPUT_READ_WRITE,
            t::CLAIM_THROUGHPUT_SENDFILE,
        ),
    ]
    .join("\n")
}

fn versus_cells(vs: &Versus, ctx: &Ctx) -> [String; 4] {
    let copies = ctx.f(
        t::VS_COPIES,
        &[
            ("a", &vs.cpu_copies[0]),
            ("b", &vs.cpu_copies[1]),
            ("ua", &format_bytes(vs.user_copy_bytes[0])),
            ("ub", &format_bytes(vs.user_copy_bytes[1])),
        ],
    );
    let (a, b) = (
        group_digits(vs.mode_switches[0]),
        group_digits(vs.mode_switches[1]),
    );
    let switches = match vs.mode_switches_ratio {
        Some(x) => ctx.f(
            t::VS_SWITCHES,
            &[("a", &a), ("b", &b), ("x", &group_digits(x.round() as u64))],
        ),
        None => ctx.f(t::VS_SWITCHES_PLAIN, &[("a", &a), ("b", &b)]),
    };
    let verdict = |v: CpuVerdict| match v {
        CpuVerdict::Less { percent, factor } => ctx.f(
            t::VS_CPU_LESS,
            &[
                ("pct", &format!("{percent:.0}")),
                ("x", &format!("{factor:.1}")),
            ],
        ),
        CpuVerdict::More { factor } => ctx.f(t::VS_CPU_MORE, &[("x", &format!("{factor:.1}"))]),
        CpuVerdict::TooShort => ctx.t(t::CPU_TOO_SHORT).to_string(),
    };
    let cpu = [
        ctx.f(t::VS_CPU_SENDER, &[("verdict", &verdict(vs.cpu))]),
        ctx.f(
            t::VS_CPU_BOTH,
            &[("verdict", &verdict(vs.cpu_with_consumer))],
        ),
    ]
    .join("\n");
    let speed = match vs.throughput {
        SpeedVerdict::Faster { factor } => ctx.f(t::VS_FASTER, &[("x", &format!("{factor:.2}"))]),
        SpeedVerdict::Slower { factor } => ctx.f(t::VS_SLOWER, &[("x", &format!("{factor:.2}"))]),
        SpeedVerdict::TooShort => ctx.f(t::SPEED_TOO_SHORT, &[("ms", &speed_min_ms())]),
        SpeedVerdict::NoFigure => ctx.t(t::VS_NO_FIGURE).to_string(),
    };
    [copies, switches, cpu, speed]
}

/// The shortest run whose speed is compared, in ms, as the verdicts
/// print it.
pub(super) fn speed_min_ms() -> String {
    format!("{}", crate::measure::SPEED_COMPARE_MIN_NS as f64 / 1e6)
}
