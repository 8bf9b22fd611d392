//! `--md`: the sweep's tables as Markdown, for a handout or a wiki.
//! Times in ms with three decimals (µs), throughput with one decimal.

use super::{duration, pct, size, verdict_sentence, verdict_word};
use crate::sweep::text::{self as tx, fill};
use crate::sweep::view::{Ctx, SweepView};

pub fn render(v: &SweepView, ctx: &Ctx) -> String {
    let l = ctx.lang;
    let mut out = String::new();
    let o = &v.options;
    let cache = if o.page_cache == "cold" {
        tx::cold(l)
    } else {
        tx::warm(l)
    };
    out.push_str(&format!("# {}\n\n", tx::title(l)));
    out.push_str(&fill(
        tx::header(l),
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
    let unknown = tx::unknown(l);
    let cores = m.cores.map(|c| c.to_string());
    out.push_str(&fill(
        tx::machine_line(l),
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
        out.push_str(tx::cold_refused(l));
        out.push_str("\n\n");
    }
    if v.stopped_by_user {
        out.push_str(&fill(
            tx::stopped(l),
            &[
                &v.points_measured.to_string(),
                &v.points_planned.to_string(),
            ],
        ));
        out.push_str("\n\n");
    }

    out.push_str(&format!(
        "## {}\n\n",
        fill(tx::times_title(l), &[&o.runs.to_string()])
    ));
    out.push_str(&format!(
        "| {} | {} | {} | {} (ms) | {} (ms) | {} | {} | {} |\n",
        tx::col_file(l),
        tx::col_buffer(l),
        tx::col_method(l),
        tx::col_median(l),
        tx::col_range(l),
        tx::col_throughput(l),
        tx::col_calls(l),
        tx::col_verified(l)
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
            if p.verified { tx::yes(l) } else { tx::no(l) }
        ));
    }

    if !v.savings.is_empty() {
        out.push_str(&format!("\n## {}\n\n", tx::savings_title(l)));
        out.push_str(&format!(
            "| {} | {} | {} (ms) | {} (ms) | {} | {} |\n|---|---|--:|--:|--:|--:|\n",
            tx::col_file(l),
            tx::col_buffer(l),
            tx::saving_col_rw(l),
            tx::saving_col_sf(l),
            tx::col_saving(l),
            tx::saving_col_speedup(l)
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
        out.push_str(&format!("\n{}\n", tx::saving_note(l)));
    }

    out.push_str(&format!("\n## {}\n\n", tx::model_title(l)));
    out.push_str(&format!("{}\n\n", tx::model_formula(l)));
    if v.model.fits.is_empty() {
        out.push_str(tx::model_none(l));
        out.push('\n');
    } else {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n|---|--:|--:|--:|--:|\n",
            tx::col_method(l),
            tx::per_call(l),
            tx::per_byte(l),
            tx::fit_quality(l),
            tx::crossover(l)
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
        out.push_str(&format!("\n{}\n", tx::model_basis(l)));
    }

    if let Some(ibm) = &v.ibm {
        out.push_str(&format!(
            "\n## {}\n\n",
            fill(
                tx::ibm_title(l),
                &[&size(ibm.buffer_bytes as u64), &o.runs.to_string()]
            )
        ));
        out.push_str(&format!(
            "| {} | {} {} | {} {} | {} | {} {} | {} {} | {} | {} |\n|---|--:|--:|--:|--:|--:|--:|---|\n",
            tx::ibm_col_size(l),
            tx::ibm_col_paper(l),
            tx::ibm_col_trad(l),
            tx::ibm_col_paper(l),
            tx::ibm_col_zc(l),
            tx::col_saving(l),
            tx::ibm_col_here(l),
            tx::ibm_col_rw(l),
            tx::ibm_col_here(l),
            tx::ibm_col_sf(l),
            tx::col_saving(l),
            tx::ibm_col_verdict(l)
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
                    .unwrap_or(tx::not_measured(l))
            ));
        }
        out.push('\n');
        if let (Some(vd), Some(now)) = (ibm.verdict, ibm.here_total_saving_pct) {
            out.push_str(&format!(
                "**{}**\n\n",
                verdict_sentence(vd, ibm.paper_measured_rows_saving_pct, now, l)
            ));
        }
        out.push_str(&format!("{}\n\n{}\n\n", tx::ibm_unit(l), tx::ibm_caveat(l)));
        if ibm.size_divisor > 1 {
            out.push_str(&fill(tx::ibm_scaled(l), &[&ibm.size_divisor.to_string()]));
            out.push_str("\n\n");
        }
        out.push_str(&fill(tx::ibm_source(l), &[ibm.citation]));
        out.push('\n');
    }
    if !v.verified {
        out.push_str(&format!("\n**{}**\n", tx::not_verified(l)));
    }
    out
}
