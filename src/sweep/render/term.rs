//! The sweep for a terminal: header, the table of medians, two charts drawn
//! with Unicode blocks, the cost model and, with `--ibm`, the paper's table
//! beside this machine's. Fits `ctx.width` (80 columns and up); colour only
//! when `ctx.color`.

use colored::Colorize;
use unicode_width::UnicodeWidthStr;

use super::{duration, pad, pct, rpad, sig3, size, swept, verdict_sentence, verdict_word};
use crate::ctx::Ctx;
use crate::report::wrap;
use crate::sweep::text::fill;
use crate::sweep::view::{IbmView, ModelView, SweepView};
use crate::text::sweep as st;

pub fn render(v: &SweepView, ctx: &Ctx) -> String {
    let mut out = String::new();
    header(v, ctx, &mut out);
    if v.points.is_empty() {
        out.push_str(st::NOTHING_MEASURED.get(ctx.lang));
        out.push('\n');
        return out;
    }
    times(v, ctx, &mut out);
    throughput_chart(v, ctx, &mut out);
    saving_chart(v, ctx, &mut out);
    model(&v.model, ctx, &mut out);
    if let Some(ibm) = &v.ibm {
        ibm_table(ibm, v.options.runs, ctx, &mut out);
    }
    if !v.verified {
        out.push('\n');
        out.push_str(&paint(st::NOT_VERIFIED.get(ctx.lang), "red", ctx));
        out.push('\n');
    }
    out
}

fn paint(s: &str, color: &str, ctx: &Ctx) -> String {
    if !ctx.color {
        return s.to_string();
    }
    match color {
        "red" => s.red().bold().to_string(),
        "bold" => s.bold().to_string(),
        "dim" => s.dimmed().to_string(),
        "read-write" => s.yellow().to_string(),
        "sendfile" => s.green().to_string(),
        _ => s.cyan().to_string(),
    }
}

fn para(text: &str, ctx: &Ctx, out: &mut String) {
    out.push_str(&wrap(text, ctx.width, "", 0));
    out.push('\n');
}

fn header(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    let o = &v.options;
    let line = format!("{} — {}", st::TITLE.get(l), swept(o, l));
    out.push_str(&paint(&wrap(&line, ctx.width, "", 2), "bold", ctx));
    out.push('\n');
    let m = &v.machine;
    let unknown = st::UNKNOWN.get(l);
    let cores = m.cores.map(|c| c.to_string());
    let machine = fill(
        st::MACHINE_LINE.get(l),
        &[
            m.cpu_model.as_deref().unwrap_or(unknown),
            cores.as_deref().unwrap_or(unknown),
            m.kernel.as_deref().unwrap_or(unknown),
            m.filesystem.as_deref().unwrap_or(unknown),
            &m.date,
        ],
    );
    out.push_str(&paint(&wrap(&machine, ctx.width, "", 2), "dim", ctx));
    out.push('\n');
    if v.options.cold_refused {
        para(st::COLD_REFUSED.get(l), ctx, out);
    }
    if v.stopped_by_user {
        out.push('\n');
        para(
            &fill(
                st::STOPPED.get(l),
                &[
                    &v.points_measured.to_string(),
                    &v.points_planned.to_string(),
                ],
            ),
            ctx,
            out,
        );
    }
}

fn range_cell(median: u64, min: u64, max: u64) -> String {
    let (div, unit) = if median >= 1_000_000_000 {
        (1e9, "s")
    } else if median >= 1_000_000 {
        (1e6, "ms")
    } else {
        (1e3, "µs")
    };
    format!(
        "{} {unit} ({}–{})",
        sig3(median as f64 / div),
        sig3(min as f64 / div),
        sig3(max as f64 / div)
    )
}

fn times(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push('\n');
    para(
        &fill(st::TIMES_TITLE.get(l), &[&v.options.runs.to_string()]),
        ctx,
        out,
    );
    let methods = &v.options.methods;
    let has_saving = !v.savings.is_empty();
    let cell = 24;
    let wide = 9 + 9 + methods.len() * cell + if has_saving { 8 } else { 0 };
    if wide <= ctx.width {
        let mut h = format!(
            "  {}{}",
            pad(st::COL_FILE.get(l), 9),
            pad(st::COL_BUFFER.get(l), 9)
        );
        for m in methods {
            h.push_str(&pad(m, cell));
        }
        if has_saving {
            h.push_str(st::COL_SAVING.get(l));
        }
        out.push_str(h.trim_end());
        out.push('\n');
        for s in v.sizes() {
            for b in v.buffers() {
                let mut line = format!("  {}{}", pad(&size(s), 9), pad(&size(b as u64), 9));
                let mut any = false;
                for m in methods {
                    let c = match v.point(m, s, b) {
                        Some(p) => {
                            any = true;
                            let mut c = range_cell(p.median_ns, p.min_ns, p.max_ns);
                            if !p.verified {
                                c.push_str(" !");
                            }
                            c
                        }
                        None => String::from("–"),
                    };
                    line.push_str(&pad(&c, cell));
                }
                if let Some(sv) = v
                    .savings
                    .iter()
                    .find(|x| x.file_bytes == s && x.buffer_bytes == b)
                {
                    line.push_str(&rpad(&pct(sv.saving_pct), 6));
                }
                if any {
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
        }
        if has_saving {
            out.push_str(&paint(&format!("  {}", st::SAVING_NOTE.get(l)), "dim", ctx));
            out.push('\n');
        }
    } else {
        let h = format!(
            "  {}{}{}{}{}{}",
            pad(st::COL_FILE.get(l), 9),
            pad(st::COL_BUFFER.get(l), 9),
            pad(st::COL_METHOD.get(l), 12),
            pad(st::COL_MEDIAN.get(l), 24),
            rpad(st::COL_CALLS.get(l), 10),
            rpad(st::COL_VERIFIED.get(l), 9),
        );
        out.push_str(h.trim_end());
        out.push('\n');
        for p in &v.points {
            out.push_str(&format!(
                "  {}{}{}{}{}{}\n",
                pad(&size(p.file_bytes), 9),
                pad(&size(p.buffer_bytes as u64), 9),
                pad(p.method, 12),
                pad(&range_cell(p.median_ns, p.min_ns, p.max_ns), 24),
                rpad(&crate::size::group_digits(p.calls), 10),
                rpad(
                    if p.verified {
                        st::YES.get(l)
                    } else {
                        st::NO.get(l)
                    },
                    9
                ),
            ));
        }
    }
}

/// A bar of `value / max` of `width` columns, in eighths of a block.
pub fn bar(value: f64, max: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max <= 0.0 || value <= 0.0 || width == 0 {
        return String::new();
    }
    let eighths = ((value / max).min(1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    if s.is_empty() {
        s.push('▏');
    }
    s
}

fn throughput_chart(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let Some(file) = v.charts.throughput_file_bytes else {
        return;
    };
    let pts: Vec<_> = v.at_size(file).collect();
    let max = pts.iter().map(|p| p.throughput_mib_s).fold(0.0, f64::max);
    out.push('\n');
    para(
        &fill(st::CHART_THROUGHPUT.get(ctx.lang), &[&size(file)]),
        ctx,
        out,
    );
    let label_w = 10;
    let method_w = v
        .options
        .methods
        .iter()
        .map(|m| m.width())
        .max()
        .unwrap_or(8)
        + 1;
    let value_w = 11;
    let bar_w = ctx
        .width
        .saturating_sub(2 + label_w + method_w + value_w)
        .max(10);
    for b in v.buffers() {
        let mut first = true;
        for m in &v.options.methods {
            let Some(p) = pts.iter().find(|p| p.method == *m && p.buffer_bytes == b) else {
                continue;
            };
            let label = if first { size(b as u64) } else { String::new() };
            first = false;
            let bar_text = pad(&bar(p.throughput_mib_s, max, bar_w), bar_w);
            out.push_str(&format!(
                "  {}{}{}{}\n",
                pad(&label, label_w),
                pad(m, method_w),
                paint(&bar_text, m, ctx),
                rpad(&format!("{:.0} MiB/s", p.throughput_mib_s), value_w),
            ));
        }
    }
}

fn saving_chart(v: &SweepView, ctx: &Ctx, out: &mut String) {
    let Some(buf) = v.charts.saving_buffer_bytes else {
        return;
    };
    let rows: Vec<_> = v.savings.iter().filter(|s| s.buffer_bytes == buf).collect();
    if rows.is_empty() {
        return;
    }
    out.push('\n');
    para(
        &fill(st::CHART_SAVING.get(ctx.lang), &[&size(buf as u64)]),
        ctx,
        out,
    );
    let label_w = 10;
    let value_w = 8;
    let bar_w = ctx.width.saturating_sub(2 + label_w + value_w + 2).max(10);
    for s in rows {
        let text = if s.saving_pct > 0.0 {
            paint(
                &pad(&bar(s.saving_pct, 100.0, bar_w), bar_w),
                "sendfile",
                ctx,
            )
        } else {
            pad(st::SLOWER.get(ctx.lang), bar_w)
        };
        out.push_str(&format!(
            "  {}{}  {}\n",
            pad(&size(s.file_bytes), label_w),
            text,
            rpad(&pct(s.saving_pct), value_w)
        ));
    }
}

fn model(m: &ModelView, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push('\n');
    para(st::MODEL_TITLE.get(l), ctx, out);
    out.push_str(&format!("  {}\n", st::MODEL_FORMULA.get(l)));
    if m.fits.is_empty() {
        para(st::MODEL_NONE.get(l), ctx, out);
        return;
    }
    let mw = m.fits.iter().map(|f| f.method.width()).max().unwrap_or(8) + 2;
    for f in &m.fits {
        let costs = fill(
            st::MODEL_LINE.get(l),
            &[&duration(f.fit.per_call_ns), &duration(f.fit.per_byte_ns)],
        );
        let mut quality = fill(
            st::MODEL_FIT.get(l),
            &[
                &f.fit.points.to_string(),
                &format!("{:.0}%", f.fit.max_error_pct.ceil()),
                &format!("{:.0}%", f.fit.rms_error_pct.ceil()),
            ],
        );
        if f.fit.clamped {
            quality = crate::text::common::WITH_NOTE.fill(
                l,
                &[("text", &quality), ("note", &st::MODEL_CLAMPED.get(l))],
            );
        }
        let first = format!("  {}", pad(f.method, mw));
        out.push_str(&wrap(
            &format!("{costs}{}{quality}", st::LIST_SEP.get(l)),
            ctx.width,
            &first,
            2 + mw,
        ));
        out.push('\n');
    }
    for f in &m.fits {
        let line = match f.crossover_buffer_bytes {
            Some(x) => fill(
                st::MODEL_CROSSOVER.get(l),
                &[f.method, &size(x.round() as u64)],
            ),
            None if f.calls_per_chunk.is_none() => fill(st::MODEL_ONE_CALL.get(l), &[f.method]),
            None => continue,
        };
        out.push_str(&wrap(&line, ctx.width, "  ", 4));
        out.push('\n');
    }
    if m.one_buffer {
        out.push_str(&wrap(st::MODEL_ONE_BUFFER.get(l), ctx.width, "  ", 2));
        out.push('\n');
    }
    out.push_str(&paint(
        &wrap(st::MODEL_BASIS.get(l), ctx.width, "  ", 2),
        "dim",
        ctx,
    ));
    out.push('\n');
}

fn ms(v: Option<f64>) -> String {
    v.map(sig3).unwrap_or_else(|| "–".to_string())
}

fn ibm_table(ibm: &IbmView, runs: u32, ctx: &Ctx, out: &mut String) {
    let l = ctx.lang;
    out.push('\n');
    para(
        &fill(
            st::IBM_TITLE.get(l),
            &[&size(ibm.buffer_bytes as u64), &runs.to_string()],
        ),
        ctx,
        out,
    );
    let w = [7, 7, 11, 7, 11, 9, 7];
    let h1 = format!(
        "  {}{}{}",
        pad("", w[0]),
        pad(st::IBM_COL_PAPER.get(l), w[1] + w[2] + w[3] + 2),
        pad(st::IBM_COL_HERE.get(l), w[4] + w[5] + w[6] + 2)
    );
    let h2 = format!(
        "  {}{}{}{}  {}{}{}  {}",
        pad(st::IBM_COL_SIZE.get(l), w[0]),
        rpad(st::IBM_COL_TRAD.get(l), w[1]),
        rpad(st::IBM_COL_ZC.get(l), w[2]),
        rpad(st::COL_SAVING.get(l), w[3]),
        rpad(st::IBM_COL_RW.get(l), w[4]),
        rpad(st::IBM_COL_SF.get(l), w[5]),
        rpad(st::COL_SAVING.get(l), w[6]),
        st::IBM_COL_VERDICT.get(l)
    );
    out.push_str(h1.trim_end());
    out.push('\n');
    out.push_str(&h2);
    out.push('\n');
    for r in &ibm.rows {
        let verdict = r
            .verdict
            .map(|v| verdict_word(v, l))
            .unwrap_or(st::NOT_MEASURED.get(l));
        out.push_str(&format!(
            "  {}{}{}{}  {}{}{}  {}\n",
            pad(r.paper.label, w[0]),
            rpad(&r.paper.traditional_ms.to_string(), w[1]),
            rpad(&r.paper.transfer_to_ms.to_string(), w[2]),
            rpad(&pct(r.paper_saving_pct), w[3]),
            rpad(&ms(r.here_read_write_ms), w[4]),
            rpad(&ms(r.here_sendfile_ms), w[5]),
            rpad(
                &r.here_saving_pct.map(pct).unwrap_or_else(|| "–".into()),
                w[6]
            ),
            verdict
        ));
    }
    if let (Some(v), Some(now)) = (ibm.verdict, ibm.here_total_saving_pct) {
        out.push_str(&paint(
            &wrap(
                &verdict_sentence(v, ibm.paper_measured_rows_saving_pct, now, l),
                ctx.width,
                "  ",
                2,
            ),
            "bold",
            ctx,
        ));
        out.push('\n');
    }
    for text in [st::IBM_UNIT.get(l), st::IBM_CAVEAT.get(l)] {
        out.push_str(&wrap(text, ctx.width, "  ", 2));
        out.push('\n');
    }
    if ibm.size_divisor > 1 {
        out.push_str(&format!(
            "  {}\n",
            fill(st::IBM_SCALED.get(l), &[&ibm.size_divisor.to_string()])
        ));
    }
    out.push_str(&wrap(
        &fill(st::IBM_SOURCE.get(l), &[ibm.citation]),
        ctx.width,
        "  ",
        4,
    ));
    out.push('\n');
}
