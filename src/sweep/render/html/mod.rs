//! `--html FILE`: one self-contained page for a projector and for print.
//! Charts are SVG drawn by the `plotters` crate's SVG backend and inlined
//! (`chart`); no script runs, nothing is fetched (no URL at all: the SVG
//! namespace attribute, optional inside HTML, is dropped), fonts are the
//! system's. The `--json` document is embedded as inert data. The page's
//! sections are in `sections`; the head, the styles and the pieces the
//! compare page shares are here.

mod chart;
mod sections;

use anyhow::Result;
use plotters::prelude::RGBColor;

pub use chart::{FONT, inline, method_color, plot_err};

use crate::ctx::Ctx;
use crate::sweep::render::swept;
use crate::sweep::text::fill;
use crate::sweep::view::SweepView;
use crate::text::sweep as st;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A chart with its caption and legend, as an HTML `<figure>`.
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
                chart::hex(*c),
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
    out.push_str(&format!(
        "<p class=\"lead\">{}</p>\n<p>{}</p>\n",
        esc(&swept(o, l)),
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
        sections::charts(v, ctx, &mut out)?;
        sections::tables(v, ctx, &mut out);
        sections::model(v, ctx, &mut out);
        if let Some(ibm) = &v.ibm {
            sections::ibm_section(ibm, o.runs, ctx, &mut out)?;
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
