//! `compare --verify`'s section: zclab's own count beside the ptrace
//! tracer's, call by call, then one line per method and the verdict. A pure
//! function of a [`VerifyView`] and a [`Ctx`].

use crate::report::layout::{Attribute, Cell, CellAlignment, Color};

use crate::ctx::Ctx;
use crate::report::layout::{Paint, condensed_table, head, num, paint, section};
use crate::size::{format_bytes, group_digits};
use crate::text::{common, count as t};
use crate::view::verify::{VerifyMethodView, VerifyView};

pub fn render(v: &VerifyView, ctx: &Ctx) -> String {
    let mut out = section(ctx, ctx.t(t::VERIFY_TITLE));
    let mut table = condensed_table(
        ctx,
        vec![
            head(ctx.t(t::HEAD_METHOD)),
            head(ctx.t(t::HEAD_SYSCALL)),
            head(ctx.t(t::HEAD_OWN)),
            head(ctx.t(t::HEAD_TRACED)),
            head(ctx.t(t::HEAD_TRACED_BYTES)),
            head(ctx.t(t::HEAD_VERDICT)),
        ],
    );
    for m in &v.methods {
        for name in &m.call_order {
            let Some(c) = m.calls.get(name) else { continue };
            let verdict = if c.agrees {
                Cell::new(ctx.t(t::AGREE)).fg(Color::Green)
            } else {
                Cell::new(ctx.f(t::DIFFER, &[("diff", &format!("{:+}", c.difference))]))
                    .fg(Color::Red)
                    .add_attribute(Attribute::Bold)
            };
            table.add_row(vec![
                Cell::new(m.method.name()),
                Cell::new(name).add_attribute(Attribute::Bold),
                num(c.own),
                num(c.traced),
                Cell::new(format_bytes(c.traced_bytes)).set_alignment(CellAlignment::Right),
                verdict,
            ]);
        }
    }
    out.push_str(&format!("{table}\n"));
    for m in &v.methods {
        out.push_str(&ctx.wrap(&method_line(m, ctx), "  ", 4));
        out.push('\n');
    }
    let verdict = if v.agrees {
        paint(ctx, ctx.t(t::VERIFY_AGREE), Paint::Good)
    } else {
        paint(ctx, ctx.t(t::VERIFY_DIFFER), Paint::Bad)
    };
    out.push_str(&ctx.wrap(&verdict, "", 0));
    out.push('\n');
    out
}

fn method_line(m: &VerifyMethodView, ctx: &Ctx) -> String {
    let rest = m
        .sender_other
        .iter()
        .map(|(n, c)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(ctx.t(common::LIST_SEPARATOR));
    ctx.f(
        t::VERIFY_METHOD,
        &[
            ("method", &m.method.name()),
            ("tid", &m.sender_tid),
            ("total", &group_digits(m.sender_total_calls)),
            ("data", &group_digits(m.sender_data_calls)),
            ("other", &group_digits(m.sender_other_calls)),
            ("rest", &rest),
            ("own_bytes", &group_digits(m.own_user_copy_bytes)),
            ("traced_bytes", &group_digits(m.traced_user_copy_bytes)),
            ("syscr", &group_digits(m.procfs_syscr)),
            ("syscw", &group_digits(m.procfs_syscw)),
            ("threads", &m.threads_traced),
            ("secs", &format!("{:.2}", m.elapsed_s)),
        ],
    )
}

#[cfg(test)]
mod tests;
