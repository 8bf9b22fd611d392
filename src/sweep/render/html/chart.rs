//! The charts, drawn as SVG by the `plotters` crate's SVG backend: a
//! throughput line chart on a log scale and a grouped bar chart, each
//! returned as an inline `<svg>` without a namespace URL. The colours tell
//! the methods (and the paper's figures) apart, in the legend and for the
//! tests.

use anyhow::Result;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::sweep::render::size;

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

pub(super) fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

pub const FONT: &str = "sans-serif";
const W: u32 = 960;
const H: u32 = 470;

pub fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    crate::error::fail_t(
        crate::text::errors::CHART,
        &[("reason", &format_args!("{e:?}"))],
    )
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
pub(super) fn bars_svg(
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
