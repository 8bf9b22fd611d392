//! The sweep page's sections after its header: the charts, the tables of
//! times and savings, the cost model, and IBM's table against this
//! machine.

use anyhow::Result;
use plotters::prelude::RGBColor;

use super::chart::{PAPER_COLOR, SAVING_COLOR, bars_svg, method_color, throughput_svg};
use super::{esc, figure};
use crate::ctx::Ctx;
use crate::sweep::render::{duration, pct, sig3, size, verdict_sentence, verdict_word};
use crate::sweep::text::fill;
use crate::sweep::view::{IbmView, PointView, SweepView};
use crate::text::sweep as st;

/// The throughput charts (against the buffer size, or against the file
/// size when one buffer ran) and the savings bars.
pub(super) fn charts(v: &SweepView, ctx: &Ctx, out: &mut String) -> Result<()> {
    let l = ctx.lang;
    let legend: Vec<(String, RGBColor)> = v
        .options
        .methods
        .iter()
        .map(|m| (m.to_string(), method_color(m)))
        .collect();
    let per_method = |keep: &dyn Fn(&PointView) -> Option<(u64, f64)>| {
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

/// The times of every point, and sendfile's savings over read-write.
pub(super) fn tables(v: &SweepView, ctx: &Ctx, out: &mut String) {
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

/// The cost model: each method's fit, crossover and caveats.
pub(super) fn model(v: &SweepView, ctx: &Ctx, out: &mut String) {
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

/// IBM's 2008 table against this machine, as bars and as a table.
pub(super) fn ibm_section(ibm: &IbmView, runs: u32, ctx: &Ctx, out: &mut String) -> Result<()> {
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
