//! `--html FILE`: one self-contained page for a projector and for print.
//! Charts are SVG drawn by the `plotters` crate's SVG backend and inlined;
//! no script runs, nothing is fetched (no URL at all: the SVG namespace
//! attribute, optional inside HTML, is dropped), fonts are the system's.
//! The `--json` document is embedded as inert data.

use anyhow::{Result, anyhow};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::{duration, pct, sig3, size, verdict_sentence, verdict_word};
use crate::ctx::Ctx;
use crate::sweep::text::fill;
use crate::sweep::view::{IbmView, SweepView};
use crate::text::sweep as st;

/// Colours of the methods and of the paper's figures (also the test's way
/// to tell marks apart: each data series has its own fill).
pub const PAPER_COLOR: RGBColor = RGBColor(0x7A, 0x7A, 0x7A);
pub const SAVING_COLOR: RGBColor = RGBColor(0x1B, 0x7F, 0x3B);

pub fn method_color(method: &str) -> RGBColor {
    match method {
        "read-write" => RGBColor(0xC7, 0x6A, 0x00),
        "sendfile" => RGBColor(0x1B, 0x7F, 0x3B),
        "mmap" => RGBColor(0x1F, 0x5F, 0xBF),
        "splice" => RGBColor(0x8E, 0x24, 0xAA),
        _ => RGBColor(0x00, 0x83, 0x8F),
    }
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub const FONT: &str = "sans-serif";
const W: u32 = 960;
const H: u32 = 470;

pub fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("cannot draw the chart: {e:?}")
}

/// Drops the namespace URL (HTML parsers put inline `<svg>` in the SVG
/// namespace by themselves) so the page holds no URL at all.
pub fn inline(svg: String) -> String {
    svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replacen("<svg ", "<svg role=\"img\" ", 1)
}

/// Throughput (y) against a size on a log scale (x): one line and one
/// circle per method and point. `series` holds, per method, its (x bytes,
/// MiB/s) points.
pub fn throughput_svg(
    series: &[(&str, Vec<(u64, f64)>)],
    x_desc: &str,
    y_desc: &str,
) -> Result<String> {
    let mut xs: Vec<u64> = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|p| p.0))
        .collect();
    xs.sort_unstable();
    xs.dedup();
    let xmin = xs.first().copied().unwrap_or(1).max(1) as f64;
    let xmax = xs.last().copied().unwrap_or(1).max(1) as f64;
    let (xlo, xhi) = if xmax > xmin {
        (xmin / 1.6, xmax * 1.6)
    } else {
        (xmin / 2.0, xmin * 2.0)
    };
    let ymax = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        * 1.12;
    let ymax = if ymax > 0.0 { ymax } else { 1.0 };
    // Tick labels at the measured sizes, leaving out any that would sit too
    // close to its neighbour on the log axis (the last one always stays).
    let mut keys: Vec<f64> = Vec::new();
    for &x in xs.iter().rev() {
        let x = x as f64;
        if keys.last().is_none_or(|&k| k / x >= 1.7) {
            keys.push(x);
        }
    }
    keys.reverse();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(24)
            .x_label_area_size(90)
            .y_label_area_size(120)
            .build_cartesian_2d((xlo..xhi).log_scale().with_key_points(keys), 0f64..ymax)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&|x| size(x.round() as u64))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 26))
            .axis_desc_style((FONT, 28))
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_err)?;
        for (m, points) in series {
            let mut pts: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x as f64, y)).collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let c = method_color(m);
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(5)))
                .map_err(plot_err)?;
            chart
                .draw_series(pts.iter().map(|&xy| Circle::new(xy, 9, c.filled())))
                .map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(inline(svg))
}

/// A bar chart over labelled groups: for each group, one bar per series
/// (value in %, `None`: no bar).
fn bars_svg(
    labels: &[String],
    series: &[(RGBColor, Vec<Option<f64>>)],
    x_desc: &str,
    y_desc: &str,
) -> Result<String> {
    let n = labels.len().max(1) as i32;
    // A segmented range a..b has b − a + 1 segments.
    let last = n - 1;
    let lo = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |a, &b| a.min(b));
    let ylo = if lo < 0.0 {
        (lo / 10.0).floor() * 10.0
    } else {
        0.0
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(24)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d((0..last).into_segmented(), ylo..100f64)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(labels.len())
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    labels.get(*i as usize).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .y_label_formatter(&|y| format!("{y:.0}%"))
            .label_style((FONT, 26))
            .axis_desc_style((FONT, 28))
            .light_line_style(WHITE)
            .draw()
            .map_err(plot_err)?;
        let k = series.len().max(1) as u32;
        // Each group is one segment; its series share it side by side.
        let seg_px = (W - 110 - 48) / n as u32;
        let bar_px = seg_px * 8 / 10 / k;
        let pad_px = seg_px / 10;
        for (si, (color, values)) in series.iter().enumerate() {
            let si = si as u32;
            chart
                .draw_series(values.iter().enumerate().filter_map(|(i, v)| {
                    let v = (*v)?;
                    let i = i as i32;
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), 0.0),
                            (SegmentValue::Exact(i + 1), v),
                        ],
                        color.filled(),
                    );
                    let left = pad_px + si * bar_px;
                    let right = seg_px.saturating_sub(left + bar_px);
                    r.set_margin(0, 0, left, right);
                    Some(r)
                }))
                .map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(inline(svg))
}

pub fn figure(out: &mut String, id: &str, title: &str, svg: &str, legend: &[(String, RGBColor)]) {
    out.push_str(&format!(
        "<figure class=\"chart\" id=\"{id}\">\n<figcaption>{}</figcaption>\n",
        esc(title)
    ));
    if !legend.is_empty() {
        out.push_str("<p class=\"legend\">");
        for (label, c) in legend {
            out.push_str(&format!(
                "<span><i style=\"background:{}\"></i>{}</span> ",
                hex(*c),
                esc(label)
            ));
        }
        out.push_str("</p>\n");
    }
    out.push_str(svg);
    out.push_str("\n</figure>\n");
}

pub const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 22px; line-height: 1.45; color: #111; background: #fff; margin: 0 auto; max-width: 1100px; padding: 24px 32px; }
h1 { font-size: 44px; margin: 0 0 8px; }
h2 { font-size: 32px; margin: 40px 0 12px; border-bottom: 3px solid #ddd; padding-bottom: 4px; }
p.lead { font-size: 24px; }
.note { color: #444; font-size: 20px; }
.warn { color: #B00020; font-weight: bold; font-size: 26px; }
.verdict { font-size: 28px; font-weight: bold; }
table { border-collapse: collapse; margin: 12px 0; font-size: 21px; }
th, td { border: 1px solid #bbb; padding: 6px 12px; text-align: right; }
th { background: #f0f0f0; }
td.l, th.l { text-align: left; }
figure { margin: 16px 0; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-size: 26px; font-weight: bold; margin-bottom: 6px; }
svg { width: 100%; height: auto; max-width: 960px; }
.legend span { margin-right: 24px; white-space: nowrap; }
.legend i { display: inline-block; width: 22px; height: 22px; margin-right: 8px; vertical-align: -3px; }
pre { font-size: 14px; white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 12px; }
@media print {
  body { font-size: 12pt; max-width: none; padding: 0; }
  h1 { font-size: 22pt; } h2 { font-size: 16pt; }
  table { font-size: 10pt; } .verdict { font-size: 13pt; }
  figcaption { font-size: 13pt; } details { display: none; }
  h2, table, figure { page-break-inside: avoid; break-inside: avoid; }
}
"#;

pub fn render(v: &SweepView, json: &str, ctx: &Ctx) -> Result<String> {
    let l = ctx.lang;
    let mut out = String::new();
    let o = &v.options;
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"zclab {}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        st::HTML_LANG.get(l),
        esc(v.zclab_version),
        esc(st::TITLE.get(l))
    ));
    out.push_str(&format!("<h1>{}</h1>\n", esc(st::TITLE.get(l))));
    let cache = if o.page_cache == "cold" {
        st::COLD.get(l)
    } else {
        st::WARM.get(l)
    };
    out.push_str(&format!(
        "<p class=\"lead\">{}</p>\n<p>{}</p>\n",
        esc(&fill(
            st::HEADER.get(l),
            &[
                &o.methods.len().to_string(),
                &o.sizes_bytes.len().to_string(),
                &o.buffers_bytes.len().to_string(),
                &o.runs.to_string(),
                cache,
            ],
        )),
        esc(st::HTML_INTRO.get(l))
    ));
    if v.stopped_by_user {
        out.push_str(&format!(
            "<p class=\"warn\">{}</p>\n",
            esc(&fill(
                st::STOPPED.get(l),
                &[
                    &v.points_measured.to_string(),
                    &v.points_planned.to_string()
                ]
            ))
        ));
    }
    if !v.verified {
        out.push_str(&format!(
            "<p class=\"warn\">{}</p>\n",
            esc(st::NOT_VERIFIED.get(l))
        ));
    }
    machine(v, ctx, &mut out);
    if v.points.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", esc(st::NOTHING_MEASURED.get(l))));
    } else {
        charts(v, ctx, &mut out)?;
        tables(v, ctx, &mut out);
        model(v, ctx, &mut out);
        if let Some(ibm) = &v.ibm {
            ibm_section(ibm, o.runs, ctx, &mut out)?;
        }
    }
    out.push_str(&format!(
        "<h2>{}</h2>\n<details><summary>JSON</summary><pre>{}</pre></details>\n",
        esc(st::HTML_RAW.get(l)),
        esc(json)
    ));
    // Inert data, not a script: the JSON, with `</` escaped so it cannot
    // close the element.
    out.push_str(&format!(
        "<script type=\"application/json\" id=\"zclab-data\">{}</script>\n</body>\n</html>\n",
        json.replace("</", "<\\/")
    ));
    Ok(out)
}

fn machine(v: &SweepView, ctx: &Ctx, out: &mut String) {
    machine_table(&v.machine, v.zclab_version, ctx, out);
}

/// The machine a page's figures come from, as a two-column table.
pub fn machine_table(
    m: &crate::sweep::machine::Machine,
    version: &str,
    ctx: &Ctx,
    out: &mut String,
) {
    let l = ctx.lang;
    let unknown = st::UNKNOWN.get(l);
    let cores = m.cores.map(|c| c.to_string());
    out.push_str(&format!(
        "<h2>{}</h2>\n<table>\n",
        esc(st::HTML_MACHINE.get(l))
    ));
    for (k, val) in [
        (
            st::HTML_CPU.get(l),
            m.cpu_model.as_deref().unwrap_or(unknown),
        ),
        (st::HTML_CORES.get(l), cores.as_deref().unwrap_or(unknown)),
        (
            st::HTML_KERNEL.get(l),
            m.kernel.as_deref().unwrap_or(unknown),
        ),
        (
            st::HTML_FS.get(l),
            m.filesystem.as_deref().unwrap_or(unknown),
        ),
        (st::HTML_DATE.get(l), m.date.as_str()),
        (st::HTML_VERSION.get(l), version),
    ] {
        out.push_str(&format!(
            "<tr><th class=\"l\">{}</th><td class=\"l\">{}</td></tr>\n",
            esc(k),
            esc(val)
        ));
    }
    out.push_str("</table>\n");
}

fn charts(v: &SweepView, ctx: &Ctx, out: &mut String) -> Result<()> {
    let l = ctx.lang;
    let legend: Vec<(String, RGBColor)> = v
        .options
        .methods
        .iter()
        .map(|m| (m.to_string(), method_color(m)))
        .collect();
    let per_method = |keep: &dyn Fn(&crate::sweep::view::PointView) -> Option<(u64, f64)>| {
        v.options
            .methods
            .iter()
            .map(|m| {
                let pts: Vec<(u64, f64)> = v
                    .points
                    .iter()
                    .filter(|p| p.method == *m)
                    .filter_map(keep)
                    .collect();
                (*m, pts)
            })
            .collect::<Vec<_>>()
    };
    if v.buffers().len() >= 2 {
        // The curve a teacher wants: how the buffer moves each method.
        for (i, s) in v.sizes().into_iter().enumerate() {
            let series = per_method(&|p| {
                (p.file_bytes == s).then_some((p.buffer_bytes as u64, p.throughput_mib_s))
            });
            let svg = throughput_svg(
                &series,
                st::HTML_AXIS_BUFFER.get(l),
                st::HTML_AXIS_THROUGHPUT.get(l),
            )?;
            figure(
                out,
                &format!("throughput-{i}"),
                &fill(st::CHART_THROUGHPUT.get(l), &[&size(s)]),
                &svg,
                &legend,
            );
        }
    } else if let Some(&b) = v.buffers().first() {
        // One buffer (e.g. --ibm): throughput against file size instead.
        let series = per_method(&|p| Some((p.file_bytes, p.throughput_mib_s)));
        let svg = throughput_svg(
            &series,
            st::HTML_AXIS_FILE_LOG.get(l),
            st::HTML_AXIS_THROUGHPUT.get(l),
        )?;
        figure(
            out,
            "throughput-0",
            &fill(st::CHART_THROUGHPUT_BY_SIZE.get(l), &[&size(b as u64)]),
            &svg,
            &legend,
        );
    }
    if let Some(buf) = v.charts.saving_buffer_bytes {
        let rows: Vec<_> = v.savings.iter().filter(|s| s.buffer_bytes == buf).collect();
        let labels: Vec<String> = rows.iter().map(|s| size(s.file_bytes)).collect();
        let values: Vec<Option<f64>> = rows.iter().map(|s| Some(s.saving_pct)).collect();
        let svg = bars_svg(
            &labels,
            &[(SAVING_COLOR, values)],
            st::HTML_AXIS_FILE.get(l),
            st::HTML_AXIS_SAVING.get(l),
        )?;
        figure(
            out,
            "saving",
            &fill(st::CHART_SAVING.get(l), &[&size(buf as u64)]),
            &svg,
            &[],
        );
    }
    Ok(())
}

fn tables(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push_str(&format!(
        "<h2>{}</h2>\n<p class=\"note\">{}</p>\n<table>\n<tr><th class=\"l\">{}</th><th class=\"l\">{}</th><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(st::HTML_TIMES.get(l)),
        esc(&fill(st::TIMES_TITLE.get(l), &[&v.options.runs.to_string()])),
        esc(st::COL_FILE.get(l)),
        esc(st::COL_BUFFER.get(l)),
        esc(st::COL_METHOD.get(l)),
        esc(st::COL_MEDIAN.get(l)),
        esc(st::COL_RANGE.get(l)),
        esc(st::COL_THROUGHPUT.get(l)),
        esc(st::COL_CALLS.get(l)),
        esc(st::COL_VERIFIED.get(l)),
    ));
    for p in &v.points {
        out.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{} – {}</td><td>{:.0}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&size(p.file_bytes)),
            esc(&size(p.buffer_bytes as u64)),
            esc(p.method),
            esc(&duration(p.median_ns as f64)),
            esc(&duration(p.min_ns as f64)),
            esc(&duration(p.max_ns as f64)),
            p.throughput_mib_s,
            crate::size::group_digits(p.calls),
            esc(if p.verified { st::YES.get(l) } else { st::NO.get(l) }),
        ));
    }
    out.push_str("</table>\n");
    if !v.savings.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            esc(st::SAVINGS_TITLE.get(l)),
            esc(st::COL_FILE.get(l)),
            esc(st::COL_BUFFER.get(l)),
            esc(st::SAVING_COL_RW.get(l)),
            esc(st::SAVING_COL_SF.get(l)),
            esc(st::COL_SAVING.get(l)),
            esc(st::SAVING_COL_SPEEDUP.get(l)),
        ));
        for s in &v.savings {
            out.push_str(&format!(
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}×</td></tr>\n",
                esc(&size(s.file_bytes)),
                esc(&size(s.buffer_bytes as u64)),
                esc(&duration(s.read_write_ns as f64)),
                esc(&duration(s.sendfile_ns as f64)),
                pct(s.saving_pct),
                sig3(s.speedup),
            ));
        }
        out.push_str(&format!(
            "</table>\n<p class=\"note\">{}</p>\n",
            esc(st::SAVING_NOTE.get(l))
        ));
    }
}

fn model(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push_str(&format!(
        "<h2>{}</h2>\n<p><b>{}</b></p>\n",
        esc(st::MODEL_TITLE.get(l)),
        esc(st::MODEL_FORMULA.get(l))
    ));
    if v.model.fits.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", esc(st::MODEL_NONE.get(l))));
        return;
    }
    out.push_str(&format!(
        "<table>\n<tr><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(st::COL_METHOD.get(l)),
        esc(st::PER_CALL.get(l)),
        esc(st::PER_BYTE.get(l)),
        esc(st::FIT_QUALITY.get(l)),
        esc(st::CROSSOVER.get(l)),
    ));
    for f in &v.model.fits {
        out.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>±{:.0}% / {:.0}%</td><td>{}</td></tr>\n",
            esc(f.method),
            esc(&duration(f.fit.per_call_ns)),
            esc(&duration(f.fit.per_byte_ns)),
            f.fit.max_error_pct.ceil(),
            f.fit.rms_error_pct.ceil(),
            f.crossover_buffer_bytes
                .map(|x| esc(&size(x.round() as u64)))
                .unwrap_or_else(|| "–".into()),
        ));
    }
    out.push_str("</table>\n");
    for f in &v.model.fits {
        let line = match f.crossover_buffer_bytes {
            Some(x) => fill(
                st::MODEL_CROSSOVER.get(l),
                &[f.method, &size(x.round() as u64)],
            ),
            None if f.calls_per_chunk.is_none() => fill(st::MODEL_ONE_CALL.get(l), &[f.method]),
            None => continue,
        };
        out.push_str(&format!("<p>{}</p>\n", esc(&line)));
        if f.fit.clamped {
            out.push_str(&format!(
                "<p class=\"note\">{} {}</p>\n",
                esc(f.method),
                esc(st::MODEL_CLAMPED.get(l))
            ));
        }
    }
    if v.model.one_buffer {
        out.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            esc(st::MODEL_ONE_BUFFER.get(l))
        ));
    }
    out.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(st::MODEL_BASIS.get(l))
    ));
}

fn ibm_section(ibm: &IbmView, runs: u32, ctx: &Ctx, out: &mut String) -> Result<()> {
    let l = ctx.lang;
    out.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&fill(
            st::IBM_TITLE.get(l),
            &[&size(ibm.buffer_bytes as u64), &runs.to_string()]
        ))
    ));
    if let (Some(vd), Some(now)) = (ibm.verdict, ibm.here_total_saving_pct) {
        out.push_str(&format!(
            "<p class=\"verdict\">{}</p>\n",
            esc(&verdict_sentence(
                vd,
                ibm.paper_measured_rows_saving_pct,
                now,
                l
            ))
        ));
    }
    let labels: Vec<String> = ibm.rows.iter().map(|r| r.paper.label.to_string()).collect();
    let paper: Vec<Option<f64>> = ibm.rows.iter().map(|r| Some(r.paper_saving_pct)).collect();
    let here: Vec<Option<f64>> = ibm.rows.iter().map(|r| r.here_saving_pct).collect();
    let svg = bars_svg(
        &labels,
        &[(PAPER_COLOR, paper), (SAVING_COLOR, here)],
        st::HTML_AXIS_IBM_ROW.get(l),
        st::HTML_AXIS_SAVING.get(l),
    )?;
    figure(
        out,
        "ibm",
        st::HTML_IBM_CHART.get(l),
        &svg,
        &[
            (st::HTML_LEGEND_PAPER.get(l).to_string(), PAPER_COLOR),
            (st::HTML_LEGEND_HERE.get(l).to_string(), SAVING_COLOR),
        ],
    );
    out.push_str(&format!(
        "<table>\n<tr><th class=\"l\" rowspan=\"2\">{}</th><th colspan=\"3\">{}</th><th colspan=\"3\">{}</th><th class=\"l\" rowspan=\"2\">{}</th></tr>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(st::IBM_COL_SIZE.get(l)),
        esc(st::IBM_COL_PAPER.get(l)),
        esc(st::IBM_COL_HERE.get(l)),
        esc(st::IBM_COL_VERDICT.get(l)),
        esc(st::IBM_COL_TRAD.get(l)),
        esc(st::IBM_COL_ZC.get(l)),
        esc(st::COL_SAVING.get(l)),
        esc(st::IBM_COL_RW.get(l)),
        esc(st::IBM_COL_SF.get(l)),
        esc(st::COL_SAVING.get(l)),
    ));
    for r in &ibm.rows {
        let opt = |x: Option<f64>| x.map(sig3).unwrap_or_else(|| "–".into());
        out.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
            esc(r.paper.label),
            r.paper.traditional_ms,
            r.paper.transfer_to_ms,
            pct(r.paper_saving_pct),
            opt(r.here_read_write_ms),
            opt(r.here_sendfile_ms),
            r.here_saving_pct.map(pct).unwrap_or_else(|| "–".into()),
            esc(r.verdict.map(|v| verdict_word(v, l)).unwrap_or(st::NOT_MEASURED.get(l))),
        ));
    }
    out.push_str("</table>\n");
    for text in [st::IBM_UNIT.get(l), st::IBM_CAVEAT.get(l)] {
        out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(text)));
    }
    if ibm.size_divisor > 1 {
        out.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            esc(&fill(
                st::IBM_SCALED.get(l),
                &[&ibm.size_divisor.to_string()]
            ))
        ));
    }
    out.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(&fill(st::IBM_SOURCE.get(l), &[ibm.citation]))
    ));
    Ok(())
}
