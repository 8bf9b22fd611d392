//! `zclab compare --html FILE`: one comparison as a page for the projector:
//! the four rows as a table, and one bar chart per row (one bar per
//! method), drawn by plotters' SVG backend. Same page rules as the sweep's:
//! no script, no URL, system fonts, large type, a print style.

use anyhow::Result;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::html::{CSS, FONT, esc, figure, inline, machine_table, method_color, plot_err};
use super::{duration, sig3, size};
use crate::ctx::Ctx;
use crate::sweep::machine::Machine;
use crate::sweep::text::fill;
use crate::text::sweep as st;
use crate::view::compare::{CompareView, MethodView, PageCache, Unit};

/// One bar per method: `values` in method order, all ≥ 0.
pub fn bars_svg(labels: &[&str], values: &[f64], y_desc: &str) -> Result<String> {
    let n = labels.len().max(1) as i32;
    let ymax = values.iter().copied().fold(0.0, f64::max) * 1.15;
    let ymax = if ymax > 0.0 { ymax } else { 1.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(120)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..ymax)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(y_desc)
            .x_labels(labels.len())
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels
                    .get(*i as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .y_label_formatter(&|y| sig3(*y))
            .label_style((FONT, 24))
            .axis_desc_style((FONT, 24))
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let i = i as i32;
                let c = method_color(labels.get(i as usize).copied().unwrap_or(""));
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), v),
                    ],
                    c.filled(),
                );
                r.set_margin(0, 0, 30, 30);
                r
            }))
            .map_err(plot_err)?;
        root.present().map_err(plot_err)?;
    }
    Ok(inline(svg))
}

fn tag(text: &str) -> String {
    format!("<span class=\"note\">{}</span>", esc(text))
}

fn cells(m: &MethodView, v: &CompareView, ctx: &Ctx) -> [String; 4] {
    let l = ctx.lang;
    let per = match m.unit {
        Unit::Chunk => st::CMP_PER_CHUNK.get(l),
        Unit::Call => st::CMP_PER_CALL.get(l),
    };
    let copies = format!(
        "{}<br>{} {}",
        esc(&fill(
            st::CMP_COPIES.get(l),
            &[
                &m.copy_counts.cpu.to_string(),
                &m.copy_counts.dma.to_string(),
                per
            ]
        )),
        esc(&fill(
            st::CMP_USER_SPACE.get(l),
            &[&size(m.user_copy_bytes)]
        )),
        tag(st::CMP_MEASURED_OWN.get(l))
    );
    let switches = format!(
        "{} {}<br>{}",
        crate::size::group_digits(m.mode_switches),
        tag(st::CMP_DERIVED.get(l)),
        esc(&fill(
            st::CMP_SWITCHES.get(l),
            &[&crate::size::group_digits(m.syscalls_total)]
        ))
    );
    let cpu = format!(
        "{} {}<br>{}",
        esc(&duration(m.cpu_ns as f64)),
        tag("[schedstat]"),
        esc(&fill(
            st::CMP_CORE.get(l),
            &[&format!("{:.0}", m.cpu_core_percent)]
        ))
    );
    let throughput = match m.throughput_mib_s {
        Some(t) => format!(
            "{} MiB/s {}<br>{}",
            sig3(t),
            tag(&fill(st::CMP_MEDIAN_OF.get(l), &[&v.runs.to_string()])),
            esc(&fill(
                st::CMP_RANGE.get(l),
                &[
                    &m.throughput_mib_s_min.map(sig3).unwrap_or_default(),
                    &m.throughput_mib_s_max.map(sig3).unwrap_or_default()
                ]
            ))
        ),
        None => "–".to_string(),
    };
    [copies, switches, cpu, throughput]
}

pub fn render(v: &CompareView, json: &str, machine: &Machine, ctx: &Ctx) -> Result<String> {
    let l = ctx.lang;
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"zclab {}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>zclab compare</title>\n<style>{CSS} .grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }} .grid figcaption {{ font-size: 22px; }}</style>\n</head>\n<body>\n<h1>zclab compare</h1>\n",
        st::HTML_LANG.get(l),
        esc(v.zclab_version),
    ));
    let cache = match v.page_cache {
        PageCache::Cold => st::COLD.get(l),
        PageCache::Warm => st::WARM.get(l),
    };
    out.push_str(&format!(
        "<p class=\"lead\">{}</p>\n",
        esc(&fill(
            st::CMP_LEAD.get(l),
            &[
                &v.file.path,
                &size(v.file.bytes),
                &size(v.buffer_bytes as u64),
                &v.runs.to_string(),
                cache
            ]
        ))
    ));
    if !v.verified {
        out.push_str(&format!(
            "<p class=\"warn\">{}</p>\n",
            esc(st::NOT_VERIFIED.get(l))
        ));
    }
    // The four rows.
    out.push_str(&format!(
        "<h2>{}</h2>\n<table id=\"four-rows\">\n<tr><th class=\"l\"></th>",
        esc(st::CMP_TABLE.get(l))
    ));
    for m in &v.methods {
        out.push_str(&format!("<th class=\"l\">{}</th>", esc(m.method.name())));
    }
    out.push_str("</tr>\n");
    let rows = [
        st::CMP_ROW_COPIES.get(l),
        st::CMP_ROW_SWITCHES.get(l),
        st::CMP_ROW_CPU.get(l),
        st::CMP_ROW_THROUGHPUT.get(l),
    ];
    let all: Vec<[String; 4]> = v.methods.iter().map(|m| cells(m, v, ctx)).collect();
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&format!("<tr><th class=\"l\">{}</th>", esc(row)));
        for c in &all {
            out.push_str(&format!("<td class=\"l\">{}</td>", c[i]));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    // One chart per row.
    let names: Vec<&str> = v.methods.iter().map(|m| m.method.name()).collect();
    let series: [(&str, &str, Vec<f64>); 4] = [
        (
            "chart-copies",
            st::CMP_AXIS_COPIES.get(l),
            v.methods.iter().map(|m| m.copy_counts.cpu as f64).collect(),
        ),
        (
            "chart-switches",
            st::CMP_AXIS_SWITCHES.get(l),
            v.methods.iter().map(|m| m.mode_switches as f64).collect(),
        ),
        (
            "chart-cpu",
            st::CMP_AXIS_CPU.get(l),
            v.methods.iter().map(|m| m.cpu_ms).collect(),
        ),
        (
            "chart-throughput",
            st::HTML_AXIS_THROUGHPUT.get(l),
            v.methods
                .iter()
                .map(|m| m.throughput_mib_s.unwrap_or(0.0))
                .collect(),
        ),
    ];
    out.push_str(&format!(
        "<h2>{}</h2>\n<div class=\"grid\">\n",
        esc(st::CMP_CHARTS.get(l))
    ));
    for ((id, axis, values), title) in series.iter().zip(rows) {
        let svg = bars_svg(&names, values, axis)?;
        figure(&mut out, id, title, &svg, &[]);
    }
    out.push_str("</div>\n");
    out.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(st::CMP_NOTE.get(l))
    ));
    machine_table(machine, v.zclab_version, ctx, &mut out);
    out.push_str(&format!(
        "<h2>{}</h2>\n<details><summary>JSON</summary><pre>{}</pre></details>\n<script type=\"application/json\" id=\"zclab-data\">{}</script>\n</body>\n</html>\n",
        esc(st::HTML_RAW.get(l)),
        esc(json),
        json.replace("</", "<\\/")
    ));
    Ok(out)
}
