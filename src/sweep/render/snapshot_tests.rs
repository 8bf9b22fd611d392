//! The renderers, from hand-built values: snapshots of the terminal and
//! Markdown layouts in both languages at 80 columns, and CSV/Markdown that
//! parse back to the view's numbers.

use crate::ctx::Ctx;
use crate::harness::Faults;
use crate::lang::Lang;
use crate::methods::Method;
use crate::sweep::grid::{Point, SweepOptions, SweepResult};
use crate::sweep::machine::Machine;
use crate::sweep::view::{SweepView, ViewInput};

/// read-write: 1 µs per call + 0.5 ns per byte; sendfile: 40 µs + 0.4 ns
/// per byte; a fixed spread of ±5% between runs.
fn point(method: Method, size: u64, buf: usize) -> Point {
    let calls = match method {
        Method::ReadWrite => 2 * size.div_ceil(buf as u64) + 1,
        _ => 1,
    };
    let ns = match method {
        Method::ReadWrite => calls * 1000 + size / 2,
        _ => 40_000 + size * 2 / 5,
    };
    Point {
        method,
        file_bytes: size,
        buffer_bytes: buf,
        elapsed_ns: vec![ns * 95 / 100, ns, ns * 105 / 100],
        median_ns: ns,
        min_ns: ns * 95 / 100,
        max_ns: ns * 105 / 100,
        calls,
        sender_cpu_ns: ns / 2,
        verified: true,
    }
}

fn result(sizes: &[u64], buffers: &[usize], stopped_after: Option<usize>) -> SweepResult {
    let methods = vec![Method::ReadWrite, Method::Sendfile];
    let mut points = Vec::new();
    for &s in sizes {
        for &b in buffers {
            for &m in &methods {
                points.push(point(m, s, b));
            }
        }
    }
    if let Some(n) = stopped_after {
        points.truncate(n);
    }
    SweepResult {
        options: SweepOptions {
            methods,
            sizes: sizes.to_vec(),
            buffers: buffers.to_vec(),
            runs: 3,
            cold: false,
            faults: Faults::default(),
        },
        points,
        stopped: stopped_after.is_some(),
        cold_refused: false,
    }
}

fn machine() -> Machine {
    Machine {
        cpu_model: Some("Test CPU @ 2.0GHz".into()),
        cores: Some(2),
        kernel: Some("Linux 6.18.0".into()),
        filesystem: Some("ext4".into()),
        date: "2026-11-28T12:00:00Z".into(),
    }
}

fn grid_view() -> SweepView {
    SweepView::build(ViewInput {
        result: &result(&[1 << 20, 64 << 20], &[512, 4096, 65536], None),
        machine: machine(),
        samples_dir: "/cache/zclab".into(),
        ibm: None,
    })
}

fn ibm_view() -> SweepView {
    let sizes: Vec<u64> = crate::sweep::ibm::rows(1)
        .iter()
        .map(|r| r.file_bytes)
        .collect();
    SweepView::build(ViewInput {
        result: &result(&sizes, &[4096], None),
        machine: machine(),
        samples_dir: "/cache/zclab".into(),
        ibm: Some(1),
    })
}

fn fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= width,
            "wider than {width}: {line:?}"
        );
    }
    crate::report::assert_typeset(text, width);
}

#[test]
fn terminal_grid_en() {
    let text = super::term::render(&grid_view(), &Ctx::plain(Lang::En, 80));
    fits(&text, 80);
    insta::assert_snapshot!(text);
}

#[test]
fn terminal_grid_zh() {
    let text = super::term::render(&grid_view(), &Ctx::plain(Lang::Zh, 80));
    fits(&text, 80);
    insta::assert_snapshot!(text);
}

#[test]
fn terminal_ibm_en() {
    let text = super::term::render(&ibm_view(), &Ctx::plain(Lang::En, 80));
    fits(&text, 80);
    insta::assert_snapshot!(text);
}

#[test]
fn terminal_ibm_zh() {
    let text = super::term::render(&ibm_view(), &Ctx::plain(Lang::Zh, 80));
    fits(&text, 80);
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_ibm_en() {
    insta::assert_snapshot!(super::md::render(&ibm_view(), &Ctx::plain(Lang::En, 80)));
}

#[test]
fn stopped_sweep_says_so() {
    let v = SweepView::build(ViewInput {
        result: &result(&[1 << 20, 64 << 20], &[512, 4096], Some(5)),
        machine: machine(),
        samples_dir: "/c".into(),
        ibm: None,
    });
    assert!(v.stopped_by_user && !v.complete);
    assert_eq!((v.points_measured, v.points_planned), (5, 8));
    let en = super::term::render(&v, &Ctx::plain(Lang::En, 80));
    assert!(en.contains("Stopped by Ctrl-C after 5 of 8 points"), "{en}");
    let zh = super::term::render(&v, &Ctx::plain(Lang::Zh, 80));
    assert!(zh.contains("完成了 5 个"), "{zh}");
}

#[test]
fn the_model_recovers_the_hand_built_costs() {
    let v = grid_view();
    let rw = v
        .model
        .fits
        .iter()
        .find(|f| f.method == "read-write")
        .expect("fit");
    assert!((rw.fit.per_call_ns - 1000.0).abs() < 1.0, "{rw:?}");
    assert!((rw.fit.per_byte_ns - 0.5).abs() < 1e-3, "{rw:?}");
    assert_eq!(rw.calls_per_chunk, Some(2.0));
    // 2 calls × 1000 ns = 0.5 ns × 4000 bytes.
    let x = rw.crossover_buffer_bytes.expect("crossover");
    assert!((x - 4000.0).abs() < 10.0, "{x}");
    let sf = v
        .model
        .fits
        .iter()
        .find(|f| f.method == "sendfile")
        .expect("fit");
    assert!((sf.fit.per_call_ns - 40_000.0).abs() < 50.0, "{sf:?}");
    assert!(sf.crossover_buffer_bytes.is_none());
}

#[test]
fn csv_parses_back_to_the_views_numbers() {
    let v = grid_view();
    let csv = super::csv::render(&v);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(super::csv::HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), v.points.len());
    for (r, p) in rows.iter().zip(&v.points) {
        assert_eq!(r[0].parse::<u64>().ok(), Some(p.file_bytes));
        assert_eq!(r[1].parse::<usize>().ok(), Some(p.buffer_bytes));
        assert_eq!(r[2], p.method);
        assert_eq!(r[4].parse::<u64>().ok(), Some(p.median_ns));
        assert_eq!(r[5].parse::<u64>().ok(), Some(p.min_ns));
        assert_eq!(r[6].parse::<u64>().ok(), Some(p.max_ns));
        assert_eq!(r[7].parse::<f64>().ok(), Some(p.throughput_mib_s));
        assert_eq!(r[8].parse::<u64>().ok(), Some(p.calls));
        assert_eq!(r[11], "true");
    }
}

#[test]
fn ibm_rows_render_the_papers_numbers() {
    let v = ibm_view();
    let ibm = v.ibm.as_ref().expect("ibm");
    assert_eq!(ibm.rows.len(), 8);
    let en = super::term::render(&v, &Ctx::plain(Lang::En, 80));
    for r in &ibm.rows {
        let line = en
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", r.paper.label)))
            .unwrap_or_else(|| panic!("no row {}", r.paper.label));
        assert!(line.contains(&r.paper.traditional_ms.to_string()), "{line}");
        assert!(line.contains(&r.paper.transfer_to_ms.to_string()), "{line}");
        assert!(r.verdict.is_some());
    }
}
