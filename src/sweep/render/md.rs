//! `--md`: the sweep's tables as Markdown, for a handout or a wiki.
//! Times in ms with three decimals (µs), throughput with one decimal.

use super::{duration, pct, size, swept, verdict_sentence, verdict_word};
use crate::ctx::Ctx;
use crate::sweep::text::fill;
use crate::sweep::view::{IbmView, SweepView};
use crate::text::sweep as st;

/// The whole document: the header, then one section per table.
pub fn render(v: &SweepView, ctx: &Ctx) -> String {
    let mut out = String::new();
    header(v, ctx, &mut out);
    times(v, ctx, &mut out);
    if !v.savings.is_empty() {
        savings(v, ctx, &mut out);
    }
    model(v, ctx, &mut out);
    if let Some(ibm) = &v.ibm {
        ibm_table(ibm, v.options.runs, ctx, &mut out);
    }
    if !v.verified {
        out.push_str(&format!("\n**{}**\n", st::NOT_VERIFIED.get(ctx.lang)));
    }
    out
}

/// The title, what was swept, the machine, and whether the sweep was cut
/// short.
fn header(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    let o = &v.options;
    out.push_str(&format!("# {}\n\n", st::TITLE.get(l)));
    out.push_str(&swept(o, l));
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
}

/// Every point's times.
fn times(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push_str(&format!(
        "## {}\n\n",
        fill(st::TIMES_TITLE.get(l), &[&v.options.runs.to_string()])
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
}

/// sendfile's savings over read-write.
fn savings(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
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

/// The cost model: each method's fit and crossover.
fn model(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
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
}

/// IBM's 2008 table against this machine.
fn ibm_table(ibm: &IbmView, runs: u32, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push_str(&format!(
        "\n## {}\n\n",
        fill(
            st::IBM_TITLE.get(l),
            &[&size(ibm.buffer_bytes as u64), &runs.to_string()]
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
