//! `zclab demo nginx`, rendered: the worker's calls for both settings side
//! by side, the four-row table, and the JSON document. Pure functions of a
//! [`DemoOutcome`] and the [`Ctx`]; the texts are in `text::demo`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::Result;

use crate::error::ContextT;
use crate::report::layout::{Cell, CellAlignment, Grid};
use colored::Colorize;
use serde::Serialize;

use super::{DemoOutcome, SettingRun};
use crate::ctx::Ctx;
use crate::report::count::counts_doc;
use crate::report::layout::condensed_table as table;
use crate::size::{format_bytes, group_digits};
use crate::text::Text;
use crate::text::demo as t;
use crate::tracer::group_of;
use crate::view::count::{CountsView as CountsDoc, byte_flows};

fn setting(r: &SettingRun) -> &'static str {
    if r.sendfile { "on" } else { "off" }
}

fn total_calls(r: &SettingRun) -> u64 {
    r.trace.totals.values().map(|s| s.calls).sum()
}

fn per(x: f64, n: u64) -> String {
    let v = if n == 0 { 0.0 } else { x / n as f64 };
    if v >= 10.0 || v == v.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The system calls shown: every data-moving call of either run, then the
/// others by calls (at most eight).
fn rows(o: &DemoOutcome) -> Vec<String> {
    let mut data: BTreeSet<(crate::tracer::SyscallGroup, String)> = BTreeSet::new();
    let mut other: std::collections::BTreeMap<String, u64> = Default::default();
    for r in &o.runs {
        for (name, s) in &r.trace.totals {
            let g = group_of(name);
            if g.moves_data() {
                data.insert((g, name.clone()));
            } else {
                *other.entry(name.clone()).or_default() += s.calls;
            }
        }
    }
    let mut other: Vec<(String, u64)> = other.into_iter().collect();
    other.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    data.into_iter()
        .map(|(_, n)| n)
        .chain(other.into_iter().take(8).map(|(n, _)| n))
        .collect()
}

/// The text report.
pub fn demo_text(o: &DemoOutcome, ctx: &Ctx) -> String {
    let mut out = String::new();
    let title = ctx.f(
        t::TITLE,
        &[
            ("version", &o.nginx_version),
            ("size", &format_bytes(o.file_size)),
            ("n", &o.requests),
        ],
    );
    let _ = writeln!(out, "{}", ctx.wrap(&title, "", 2).bold());
    for r in &o.runs {
        let line = ctx.f(
            t::TRACE_LINE,
            &[
                ("setting", &setting(r)),
                ("worker", &r.worker),
                ("secs", &format!("{:.2}", r.trace.window.as_secs_f64())),
                ("calls", &group_digits(total_calls(r))),
            ],
        );
        let _ = writeln!(out, "{}", ctx.wrap(&line, "  ", 4));
    }

    let _ = writeln!(
        out,
        "\n{}",
        ctx.f(t::CALLS_HEADING, &[("n", &o.requests)]).bold()
    );
    let _ = writeln!(out, "{}", calls_table(o, ctx));

    let _ = writeln!(out, "\n{}", ctx.t(t::TABLE_HEADING).bold());
    let _ = writeln!(out, "{}", four_table(o, ctx));

    let verified: u64 = o
        .runs
        .iter()
        .map(|r| r.plain.responses + r.traced.responses)
        .sum();
    let mut notes = vec![ctx.f(t::VERIFIED, &[("n", &verified)])];
    notes.push(ctx.t(t::NOTE_ON).to_string());
    notes.push(ctx.t(t::NOTE_OFF).to_string());
    notes.push(ctx.t(t::NOTE_TRACED).to_string());
    let _ = writeln!(out);
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(out, "{}", ctx.wrap(n, &format!("  {}. ", i + 1), 5));
    }
    out
}

/// A header: `first`, one column per setting (sendfile on or off), and
/// `last` if given.
fn setting_header(o: &DemoOutcome, ctx: &Ctx, first: Text, last: Option<Text>) -> Vec<Cell> {
    let mut header = vec![ctx.t(first).to_string()];
    for r in &o.runs {
        header.push(if r.sendfile {
            ctx.t(t::HEAD_ON).to_string()
        } else {
            ctx.t(t::HEAD_OFF).to_string()
        });
    }
    header.extend(last.map(|l| ctx.t(l).to_string()));
    header.iter().map(Cell::new).collect()
}

/// The system calls of each setting, per response.
fn calls_table(o: &DemoOutcome, ctx: &Ctx) -> Grid {
    let header = setting_header(o, ctx, t::HEAD_CALL, None);
    let mut calls = table(ctx, header);
    for name in rows(o) {
        let mut row = vec![Cell::new(&name)];
        for r in &o.runs {
            let s = r.trace.totals.get(&name).copied().unwrap_or_default();
            let mut text = ctx.f(
                t::CALLS_CELL,
                &[
                    ("calls", &group_digits(s.calls)),
                    ("per", &per(s.calls as f64, r.traced.responses)),
                ],
            );
            if s.bytes > 0 && group_of(&name).moves_data() {
                text.push_str(&format!(", {}", format_bytes(s.bytes)));
            }
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        calls.add_row(row);
    }
    calls
}

/// The article's four figures for each setting, and how each is known.
fn four_table(o: &DemoOutcome, ctx: &Ctx) -> Grid {
    let header = setting_header(o, ctx, t::HEAD_ROW, Some(t::HEAD_HOW));
    let mut four = table(ctx, header);
    let m = four_rows(o);
    let labels = [
        (t::ROW_COPIES, t::HOW_COPIES),
        (t::ROW_SWITCHES, t::HOW_SWITCHES),
        (t::ROW_CPU, t::HOW_CPU),
        (t::ROW_THROUGHPUT, t::HOW_THROUGHPUT),
    ];
    for (i, (label, how)) in labels.iter().enumerate() {
        let mut row = vec![Cell::new(ctx.t(*label))];
        for (j, r) in m.iter().enumerate() {
            let text = match i {
                0 => ctx.f(
                    t::COPIES_CELL,
                    &[
                        ("times", &format!("{:.2}", r.copies_per_body_byte)),
                        ("into", &format_bytes(r.into_user)),
                        ("out", &format_bytes(r.out_of_user)),
                    ],
                ),
                1 => per(r.mode_switches as f64, o.runs[j].traced.responses),
                2 => match r.cpu_per_response_us {
                    Some(us) => format!("{us:.0} µs"),
                    None => ctx.t(t::UNKNOWN).to_string(),
                },
                _ => format!("{:.0} MiB/s", r.throughput_mib_s),
            };
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        row.push(Cell::new(ctx.t(*how)));
        four.add_row(row);
    }
    four
}

/// The four rows for one setting, as numbers.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FourRows {
    /// Bytes into user space (read family) in the traced pass.
    pub into_user: u64,
    /// Bytes out of user space (write family) in the traced pass.
    pub out_of_user: u64,
    /// (into + out) ÷ body bytes served in the traced pass.
    pub copies_per_body_byte: f64,
    /// 2 × the worker's calls in the traced pass.
    pub mode_switches: u64,
    /// Worker CPU (schedstat) ÷ responses, untraced pass.
    pub cpu_per_response_us: Option<f64>,
    /// Body bytes ÷ client wall time, untraced pass.
    pub throughput_mib_s: f64,
}

pub fn four_rows(o: &DemoOutcome) -> Vec<FourRows> {
    o.runs
        .iter()
        .map(|r| {
            let f = byte_flows(&r.trace.totals);
            let body = r.traced.body_bytes.max(1) as f64;
            FourRows {
                into_user: f.into_user,
                out_of_user: f.out_of_user,
                copies_per_body_byte: (f.into_user + f.out_of_user) as f64 / body,
                mode_switches: 2 * total_calls(r),
                cpu_per_response_us: r
                    .worker_cpu
                    .map(|d| d.as_secs_f64() * 1e6 / r.plain.responses.max(1) as f64),
                throughput_mib_s: r.plain.body_bytes as f64
                    / (1024.0 * 1024.0)
                    / r.plain.elapsed.as_secs_f64().max(1e-9),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct DemoDoc<'a> {
    zclab_version: &'static str,
    nginx_version: &'a str,
    file_size: u64,
    requests: u64,
    runs: Vec<RunDoc>,
}

#[derive(Serialize)]
struct RunDoc {
    sendfile: bool,
    master_pid: i32,
    worker_pid: i32,
    verified_responses: u64,
    untraced_elapsed_s: f64,
    traced_elapsed_s: f64,
    worker_cpu_s: Option<f64>,
    four_rows: FourRows,
    window_s: f64,
    worker: CountsDoc,
}

/// The `--json` document (with a final newline).
pub fn demo_json(o: &DemoOutcome) -> Result<String> {
    let rows = four_rows(o);
    let doc = DemoDoc {
        zclab_version: env!("CARGO_PKG_VERSION"),
        nginx_version: &o.nginx_version,
        file_size: o.file_size,
        requests: o.requests,
        runs: o
            .runs
            .iter()
            .zip(rows)
            .map(|(r, four)| RunDoc {
                sendfile: r.sendfile,
                master_pid: r.master,
                worker_pid: r.worker,
                verified_responses: r.plain.responses + r.traced.responses,
                untraced_elapsed_s: r.plain.elapsed.as_secs_f64(),
                traced_elapsed_s: r.traced.elapsed.as_secs_f64(),
                worker_cpu_s: r.worker_cpu.map(|d| d.as_secs_f64()),
                four_rows: four,
                window_s: r.trace.window.as_secs_f64(),
                worker: counts_doc(&r.trace.threads, &r.trace.totals),
            })
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).context_t(crate::text::errors::JSON_ENCODE, &[])?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::http::Fetched;
    use crate::lang::Lang;
    use crate::tracer::{AttachEnd, AttachOutcome, AttachedTarget, SyscallStats, ThreadCounts};
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn run(sendfile: bool) -> SettingRun {
        let mut totals = BTreeMap::new();
        let s = |calls, bytes| SyscallStats {
            calls,
            errors: 0,
            bytes,
            nanos: calls * 10_000,
        };
        if sendfile {
            totals.insert("sendfile".into(), s(20, 80 << 20));
            totals.insert("writev".into(), s(20, 5_000));
        } else {
            totals.insert("pread64".into(), s(2_560, 80 << 20));
            totals.insert("writev".into(), s(2_580, (80 << 20) + 5_000));
        }
        totals.insert("epoll_wait".into(), s(40, 0));
        let fetched = Fetched {
            responses: 20,
            body_bytes: 80 << 20,
            elapsed: Duration::from_millis(100),
        };
        SettingRun {
            sendfile,
            master: 10,
            worker: 11,
            plain: fetched,
            worker_cpu: Some(Duration::from_millis(20)),
            traced: fetched,
            trace: AttachOutcome {
                targets: vec![AttachedTarget {
                    pid: 11,
                    comm: "nginx".into(),
                    threads_at_attach: 1,
                    exited: None,
                }],
                end: AttachEnd::Stopped,
                window: Duration::from_millis(300),
                threads: vec![ThreadCounts {
                    tid: 11,
                    tgid: 11,
                    comm: "nginx".into(),
                    syscalls: totals.clone(),
                }],
                totals,
            },
        }
    }

    fn outcome() -> DemoOutcome {
        DemoOutcome {
            nginx_version: "nginx/1.22.1".into(),
            file_size: 4 << 20,
            requests: 20,
            runs: vec![run(true), run(false)],
        }
    }

    #[test]
    fn four_rows_from_plain_values() {
        let m = four_rows(&outcome());
        assert!(m[0].copies_per_body_byte < 0.001);
        assert!((m[1].copies_per_body_byte - 2.0).abs() < 0.001);
        assert_eq!(m[0].mode_switches, 2 * 80);
        assert_eq!(m[0].cpu_per_response_us, Some(1000.0));
        assert!((m[0].throughput_mib_s - 800.0).abs() < 0.01);
    }

    #[test]
    fn text_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            let text = demo_text(&outcome(), &Ctx::plain(lang, 100));
            assert!(text.contains("sendfile"), "{text}");
            assert!(text.contains("pread64"), "{text}");
            assert!(text.contains("800 MiB/s"), "{text}");
            for line in text.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= 100,
                    "too wide: {line}"
                );
            }
        }
        let en = demo_text(&outcome(), &Ctx::plain(Lang::En, 100));
        assert!(en.contains("20 (1 per response), 80.0 MiB"), "{en}");
        assert!(en.contains("verified"), "{en}");
    }

    #[test]
    fn json_has_both_runs() {
        let v: serde_json::Value =
            serde_json::from_str(&demo_json(&outcome()).expect("json")).expect("parse");
        assert_eq!(v["runs"][0]["sendfile"], true);
        assert_eq!(v["runs"][1]["sendfile"], false);
        assert_eq!(v["runs"][1]["verified_responses"], 40);
    }
}
