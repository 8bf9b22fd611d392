//! `--md`: the sweep's tables as Markdown, for a handout or a wiki.
//! Times in ms with three decimals (µs), throughput with one decimal.

use super::{duration, pct, size, verdict_sentence, verdict_word};
use crate::ctx::Ctx;
use crate::sweep::text::fill;
use crate::sweep::view::SweepView;
use crate::text::sweep as st;

pub fn render(v: &SweepView, ctx: &Ctx) -> String {
    let l = ctx.lang;
    let mut out = String::new();
    let o = &v.options;
    let cache = if o.page_cache == "cold" {
        st::COLD.get(l)
    } else {
        st::WARM.get(l)
    };
    out.push_str(&format!("# {}\n\n", st::TITLE.get(l)));
    out.push_str(&fill(
        st::HEADER.get(l),
        &[
            &o.methods.len().to_string(),
            &o.sizes_bytes.len().to_string(),
            &o.buffers_bytes.len().to_string(),
            &o.runs.to_string(),
            cache,
        ],
    ));
    out.push_str("\n\n");
    let m = &v.machine;
    let unknown = st::UNKNOWN.get(l);
    let cores = m.cores.map(|c| c.to_string());
    out.push_str(&fill(
        st::MACHINE_LINE.get(l),
        &[
            m.cpu_model.as_deref().unwrap_or(unknown),
            cores.as_deref().unwrap_or(unknown),
            m.kernel.as_deref().unwrap_or(unknown),
            m.filesystem.as_deref().unwrap_or(unknown),
            &m.date,
        ],
    ));
    out.push_str(&format!(" · zclab {}\n\n", v.zclab_version));
    if o.cold_refused {
        out.push_str(st::COLD_REFUSED.get(l));
        out.push_str("\n\n");
    }
    if v.stopped_by_user {
        out.push_str(&fill(
            st::STOPPED.get(l),
            &[
                &v.points_measured.to_string(),
                &v.points_planned.to_string(),
            ],
        ));
        out.push_str("\n\n");
    }

    out.push_str(&format!(
        "## {}\n\n",
        fill(st::TIMES_TITLE.get(l), &[&o.runs.to_string()])
    ));
    out.push_str(&format!(
        "| {} | {} | {} | {} (ms) | {} (ms) | {} | {} | {} |\n",
        st::COL_FILE.get(l),
        st::COL_BUFFER.get(l),
        st::COL_METHOD.get(l),
        st::COL_MEDIAN.get(l),
        st::COL_RANGE.get(l),
        st::COL_THROUGHPUT.get(l),
        st::COL_CALLS.get(l),
        st::COL_VERIFIED.get(l)
    ));
    out.push_str("|---|---|---|--:|--:|--:|--:|---|\n");
    for p in &v.points {
        out.push_str(&format!(
            "| {} | {} | {} | {:.3} | {:.3}–{:.3} | {:.1} | {} | {} |\n",
            size(p.file_bytes),
            size(p.buffer_bytes as u64),
            p.method,
            p.median_ns as f64 / 1e6,
            p.min_ns as f64 / 1e6,
            p.max_ns as f64 / 1e6,
            p.throughput_mib_s,
            p.calls,
            if p.verified {
                st::YES.get(l)
            } else {
                st::NO.get(l)
            }
        ));
    }

    if !v.savings.is_empty() {
        out.push_str(&format!("\n## {}\n\n", st::SAVINGS_TITLE.get(l)));
        out.push_str(&format!(
            "| {} | {} | {} (ms) | {} (ms) | {} | {} |\n|---|---|--:|--:|--:|--:|\n",
            st::COL_FILE.get(l),
            st::COL_BUFFER.get(l),
            st::SAVING_COL_RW.get(l),
            st::SAVING_COL_SF.get(l),
            st::COL_SAVING.get(l),
            st::SAVING_COL_SPEEDUP.get(l)
        ));
        for s in &v.savings {
            out.push_str(&format!(
                "| {} | {} | {:.3} | {:.3} | {:.1}% | {:.2}× |\n",
                size(s.file_bytes),
                size(s.buffer_bytes as u64),
                s.read_write_ns as f64 / 1e6,
                s.sendfile_ns as f64 / 1e6,
                s.saving_pct,
                s.speedup
            ));
        }
        out.push_str(&format!("\n{}\n", st::SAVING_NOTE.get(l)));
    }

    out.push_str(&format!("\n## {}\n\n", st::MODEL_TITLE.get(l)));
    out.push_str(&format!("{}\n\n", st::MODEL_FORMULA.get(l)));
    if v.model.fits.is_empty() {
        out.push_str(st::MODEL_NONE.get(l));
        out.push('\n');
    } else {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n|---|--:|--:|--:|--:|\n",
            st::COL_METHOD.get(l),
            st::PER_CALL.get(l),
            st::PER_BYTE.get(l),
            st::FIT_QUALITY.get(l),
            st::CROSSOVER.get(l)
        ));
        for f in &v.model.fits {
            out.push_str(&format!(
                "| {} | {} | {} | {:.1}% / {:.1}% | {} |\n",
                f.method,
                duration(f.fit.per_call_ns),
                duration(f.fit.per_byte_ns),
                f.fit.max_error_pct,
                f.fit.rms_error_pct,
                f.crossover_buffer_bytes
                    .map(|x| size(x.round() as u64))
                    .unwrap_or_else(|| "–".into())
            ));
        }
        if v.model.one_buffer {
            out.push_str(&format!("\n{}\n", st::MODEL_ONE_BUFFER.get(l)));
        }
        out.push_str(&format!("\n{}\n", st::MODEL_BASIS.get(l)));
    }

    if let Some(ibm) = &v.ibm {
        out.push_str(&format!(
            "\n## {}\n\n",
            fill(
                st::IBM_TITLE.get(l),
                &[&size(ibm.buffer_bytes as u64), &o.runs.to_string()]
            )
        ));
        out.push_str(&format!(
            "| {} | {} {} | {} {} | {} | {} {} | {} {} | {} | {} |\n|---|--:|--:|--:|--:|--:|--:|---|\n",
            st::IBM_COL_SIZE.get(l),
            st::IBM_COL_PAPER.get(l),
            st::IBM_COL_TRAD.get(l),
            st::IBM_COL_PAPER.get(l),
            st::IBM_COL_ZC.get(l),
            st::COL_SAVING.get(l),
            st::IBM_COL_HERE.get(l),
            st::IBM_COL_RW.get(l),
            st::IBM_COL_HERE.get(l),
            st::IBM_COL_SF.get(l),
            st::COL_SAVING.get(l),
            st::IBM_COL_VERDICT.get(l)
        ));
        for r in &ibm.rows {
            let opt = |x: Option<f64>| x.map(|x| format!("{x:.3}")).unwrap_or_else(|| "–".into());
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.paper.label,
                r.paper.traditional_ms,
                r.paper.transfer_to_ms,
                pct(r.paper_saving_pct),
                opt(r.here_read_write_ms),
                opt(r.here_sendfile_ms),
                r.here_saving_pct.map(pct).unwrap_or_else(|| "–".into()),
                r.verdict
                    .map(|v| verdict_word(v, l))
                    .unwrap_or(st::NOT_MEASURED.get(l))
            ));
        }
        out.push('\n');
        if let (Some(vd), Some(now)) = (ibm.verdict, ibm.here_total_saving_pct) {
            out.push_str(&format!(
                "**{}**\n\n",
                verdict_sentence(vd, ibm.paper_measured_rows_saving_pct, now, l)
            ));
        }
        out.push_str(&format!(
            "{}\n\n{}\n\n",
            st::IBM_UNIT.get(l),
            st::IBM_CAVEAT.get(l)
        ));
        if ibm.size_divisor > 1 {
            out.push_str(&fill(
                st::IBM_SCALED.get(l),
                &[&ibm.size_divisor.to_string()],
            ));
            out.push_str("\n\n");
        }
        out.push_str(&fill(st::IBM_SOURCE.get(l), &[ibm.citation]));
        out.push('\n');
    }
    if !v.verified {
        out.push_str(&format!("\n**{}**\n", st::NOT_VERIFIED.get(l)));
    }
    out
}
