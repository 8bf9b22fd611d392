//! The raw `/proc` deltas of both threads of every method, under the
//! kernel's own field names.

use crate::report::layout::Cell;

use crate::ctx::Ctx;
use crate::report::layout::{condensed_table, head, num, section};
use crate::text::compare as t;
use crate::view::compare::CompareView;

/// Fields left out of the table: always 0 here, or shown as CPU time.
const HIDDEN: [&str; 3] = ["cancelled_write_bytes", "utime", "stime"];

pub fn render(v: &CompareView, ctx: &Ctx) -> String {
    let mut out = section(ctx, ctx.t(t::COUNTERS_TITLE));
    let Some(first) = v.methods.first() else {
        return out;
    };
    // Two narrow columns a method (sender, consumer), about as wide as one
    // column of the main table: the same groups.
    for group in super::roads::groups(v.methods.len(), ctx.width) {
        let methods = &v.methods[group];
        let mut header = vec![head(ctx.t(t::COUNTER))];
        for m in methods {
            header.push(head(&ctx.f(t::SENDER, &[("method", &m.method.name())])));
        }
        for m in methods {
            header.push(head(&ctx.f(t::CONSUMER, &[("method", &m.method.name())])));
        }
        let mut table = condensed_table(ctx, header);
        // The kernel's order (`Snapshot::fields`), not the map's alphabetical one.
        let order = crate::counters::Snapshot::default().fields();
        for (name, _) in order {
            if HIDDEN.contains(&name) || !first.procfs.contains_key(name) {
                continue;
            }
            let mut row = vec![Cell::new(name)];
            row.extend(methods.iter().map(|m| num(m.procfs(name))));
            row.extend(
                methods
                    .iter()
                    .map(|m| num(m.consumer.procfs.get(name).copied().unwrap_or(0))),
            );
            table.add_row(row);
        }
        out.push_str(&format!("{table}\n"));
    }
    out
}
