//! Each method's data path, hop by hop, from the copy model: CPU or DMA,
//! measured (a counter saw it) or modelled.

use crate::ctx::Ctx;
use crate::model::{CopyKind, Evidence};
use crate::report::layout::{Paint, method_title, paint, place, section};
use crate::size::format_bytes;
use crate::text::{common, compare as t};
use crate::view::compare::CompareView;

pub fn render(v: &CompareView, ctx: &Ctx) -> String {
    let mut out = section(ctx, ctx.t(t::PATH_TITLE));
    for m in &v.methods {
        out.push_str(&format!("  {}:\n", method_title(m.method, ctx)));
        if m.copies.is_empty() {
            out.push_str(&format!("    {}\n", ctx.t(t::PATH_NOTHING)));
        }
        for (i, h) in m.copies.iter().enumerate() {
            let kind = match h.kind {
                CopyKind::Cpu => paint(ctx, "CPU", Paint::Cpu),
                CopyKind::Dma => paint(ctx, "DMA", Paint::Dma),
            };
            let evidence = match h.evidence {
                Evidence::Measured => paint(ctx, ctx.t(common::MEASURED), Paint::Good),
                Evidence::Modelled => paint(ctx, ctx.t(common::MODELLED), Paint::Dim),
            };
            let bytes = h
                .bytes
                .map(|b| format!(" {}", format_bytes(b)))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {}. {} → {}  {kind} {evidence}{bytes}\n",
                i + 1,
                place(h.from, ctx),
                place(h.to, ctx)
            ));
        }
    }
    out
}
