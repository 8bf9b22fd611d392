//! How a step looks on screen: the call, its two mode switches, its copies,
//! the counters that moved, and a data-path diagram with this step's hops
//! marked (by `»…«` so it reads without colour, and in colour when on).
//! The diagram has a wide form (two bands, user space above kernel space)
//! and, when the width does not allow it, a narrow one (one hop a line).
//! Pure functions of the walk's values and a [`Ctx`]; words from
//! `text::walk`.

use std::fmt::Write as _;

use colored::Colorize;
use unicode_width::UnicodeWidthStr;

use super::{Step, WalkResult};
use crate::ctx::Ctx;
use crate::methods::Method;
use crate::model::{self, CopyKind, Evidence, HopRole, HopSpec, Place};
use crate::report::compare::Detail;
use crate::report::layout::{Paint, paint, place};
use crate::size::{format_bytes, group_digits};
use crate::text::{common, walk as t};
use crate::view::compare::CompareView;

/// A line of the diagram under construction: plain text placed at display
/// columns (CJK characters are two columns wide).
struct Line(String);

impl Line {
    fn new() -> Line {
        Line(String::new())
    }
    fn width(&self) -> usize {
        self.0.width()
    }
    /// Pads with spaces up to display column `col`, then appends `text`.
    fn put(&mut self, col: usize, text: &str) {
        let w = self.width();
        if col > w {
            self.0.push_str(&" ".repeat(col - w));
        }
        self.0.push_str(text);
    }
}

fn boxed(p: Place, ctx: &Ctx) -> String {
    format!("[{}]", place(p, ctx))
}

/// A hop's label: `»2 CPU«` when it is this step's, ` 2 CPU ` otherwise.
fn hop_label(n: usize, kind: CopyKind, active: bool) -> String {
    let k = match kind {
        CopyKind::Cpu => "CPU",
        CopyKind::Dma => "DMA",
    };
    if active {
        format!("»{n} {k}«")
    } else {
        format!(" {n} {k} ")
    }
}

/// The data path of `method` with the hops in `active` marked: the wide
/// form when it fits `ctx.width`, else the narrow one.
pub fn diagram(method: Method, active: &[HopRole], ctx: &Ctx) -> String {
    let wide = wide_diagram(method, active, ctx);
    if wide.lines().all(|l| l.width() <= ctx.width) {
        wide.lines()
            .map(|l| format!("{}\n", highlight(l, ctx)))
            .collect()
    } else {
        narrow_diagram(method, active, ctx)
    }
}

/// Two bands, user space above kernel space.
fn wide_diagram(method: Method, active: &[HopRole], ctx: &Ctx) -> String {
    let band_u = ctx.t(t::BAND_USER);
    let band_k = ctx.t(t::BAND_KERNEL);
    let pw = band_u.width().max(band_k.width()) + 3;
    let specs = model::path(method);
    let label = |role: HopRole| -> String {
        let (i, spec) = specs
            .iter()
            .enumerate()
            .find(|(_, s)| s.role == role)
            .map(|(i, s)| (i + 1, *s))
            .unwrap_or((0, specs[0]));
        hop_label(i, spec.kind, active.contains(&role))
    };

    let mut user = Line::new();
    let mut arrows = Line::new();
    let mut kernel = Line::new();
    user.put(0, &format!("  {band_u}"));
    arrows.put(0, "");
    kernel.put(0, &format!("  {band_k}"));
    for l in [&mut user, &mut arrows, &mut kernel] {
        l.put(pw, "│ ");
    }
    let start = pw + 2;
    kernel.put(start, &boxed(Place::Disk, ctx));
    kernel
        .0
        .push_str(&format!(" ─{}→ ", label(HopRole::DiskRead)));
    kernel.0.push_str(&boxed(Place::PageCache, ctx));
    let pc_end = kernel.width();
    match method {
        Method::ReadWrite => {
            let ub = boxed(Place::UserBuffer, ctx);
            let up = format!("↗{}", label(HopRole::IntoUser));
            let down = format!("↘{}", label(HopRole::OutOfUser));
            let gap = (ub.width() + 4).max(up.width() + down.width() + 4);
            let ub_col = pc_end + (gap - ub.width()) / 2;
            user.put(ub_col, &ub);
            arrows.put(pc_end - 1, &up);
            arrows.put(pc_end + gap - down.width() + 1, &down);
            kernel.put(pc_end + gap, &boxed(Place::SocketBuffer, ctx));
            kernel.0.push_str(&format!(" ─{}→ ", label(HopRole::ToNic)));
            kernel.0.push_str(&boxed(Place::Nic, ctx));
        }
        Method::Sendfile => {
            user.put(pc_end, ctx.t(t::NO_USER_BYTE));
            kernel.0.push_str(&format!(
                " ─{}{}→ ",
                label(HopRole::ToNic),
                ctx.t(t::GATHER)
            ));
            kernel.0.push_str(&boxed(Place::Nic, ctx));
        }
        Method::Mmap => {
            user.put(pc_end, ctx.t(crate::text::roads::DIAGRAM_MAPPED));
            kernel
                .0
                .push_str(&format!(" ─{}→ ", label(HopRole::FromMapping)));
            kernel.0.push_str(&boxed(Place::SocketBuffer, ctx));
            kernel.0.push_str(&format!(" ─{}→ ", label(HopRole::ToNic)));
            kernel.0.push_str(&boxed(Place::Nic, ctx));
        }
        Method::Splice => {
            user.put(pc_end, ctx.t(crate::text::roads::DIAGRAM_PIPE_NOTE));
            kernel.0.push_str(&format!(
                " ─{}{}→ ",
                ctx.t(crate::text::roads::DIAGRAM_PIPE),
                label(HopRole::ToNic)
            ));
            kernel.0.push_str(&boxed(Place::Nic, ctx));
        }
        Method::MsgZerocopy | Method::IoUring => {
            let ub = boxed(Place::UserBuffer, ctx);
            let up = format!("↗{}", label(HopRole::IntoUser));
            let down = format!(
                "↘{}{}",
                label(HopRole::ZeroCopySend),
                ctx.t(crate::text::roads::DIAGRAM_ZERO_COPY)
            );
            let gap = (ub.width() + 4).max(up.width() + down.width() + 4);
            let ub_col = pc_end + (gap - ub.width()) / 2;
            user.put(ub_col, &ub);
            arrows.put(pc_end - 1, &up);
            arrows.put(pc_end + gap - down.width() + 1, &down);
            kernel.put(pc_end + gap, &boxed(Place::Nic, ctx));
        }
    }
    let width = user.width().max(kernel.width()).max(arrows.width());
    let mut rule = "─".repeat(pw);
    rule.push('┼');
    rule.push_str(&"─".repeat(width.saturating_sub(pw + 1)));
    let mut out = String::new();
    for line in [user.0, arrows.0, rule, kernel.0] {
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// One hop a line: `»2 CPU«  page cache → user buffer`.
fn narrow_diagram(method: Method, active: &[HopRole], ctx: &Ctx) -> String {
    let specs: &[HopSpec] = model::path(method);
    let lead = ctx.t(t::PATH);
    let pad = lead.width() + 2;
    let mut out = String::new();
    for (i, h) in specs.iter().enumerate() {
        let first = if i == 0 {
            format!("  {lead}")
        } else {
            " ".repeat(pad)
        };
        let line = format!(
            "{first}{}  {} → {}",
            hop_label(i + 1, h.kind, active.contains(&h.role)),
            place(h.from, ctx),
            place(h.to, ctx),
        );
        let _ = writeln!(out, "{}", highlight(&ctx.wrap(&line, "", pad + 9), ctx));
    }
    out
}

/// Colours the marked hop labels when colour is on.
fn highlight(line: &str, ctx: &Ctx) -> String {
    if !ctx.color {
        return line.to_string();
    }
    let mut out = String::new();
    let mut rest = line;
    while let Some(a) = rest.find('»') {
        let Some(b) = rest[a..].find('«').map(|b| a + b + '«'.len_utf8()) else {
            break;
        };
        out.push_str(&rest[..a]);
        out.push_str(&rest[a..b].yellow().bold().to_string());
        rest = &rest[b..];
    }
    out.push_str(rest);
    out
}

/// One step, as shown: header, call, mode switches, copies, counters,
/// diagram.
pub fn step(s: &Step, method: Method, expected_calls: u64, ctx: &Ctx) -> String {
    let mut out = String::new();
    let head = ctx.f(t::STEP_HEAD, &[("n", &s.index), ("of", &expected_calls)]);
    let rule = "─".repeat(60usize.min(ctx.width).saturating_sub(head.width()));
    let _ = writeln!(out, "{}", paint(ctx, &format!("{head}{rule}"), Paint::Bold));
    let call = if ctx.color {
        s.call.cyan().bold().to_string()
    } else {
        s.call.clone()
    };
    let _ = writeln!(out, "  {call}");
    let labels = [t::LABEL_SWITCHES, t::LABEL_COPIES, t::LABEL_PROC];
    let col = labels.iter().map(|l| ctx.t(*l).width()).max().unwrap_or(0) + 2;
    let pad = |text: &str| format!("{text}{}", " ".repeat(col.saturating_sub(text.width())));
    let line = |label: &str, body: &str| ctx.wrap(body, &format!("  {}", pad(label)), col + 2);
    let switches = ctx.f(
        t::SWITCHES,
        &[("a", &s.mode_switches[0]), ("b", &s.mode_switches[1])],
    );
    let _ = writeln!(out, "{}", line(ctx.t(t::LABEL_SWITCHES), &switches));
    let copies_label = ctx.t(t::LABEL_COPIES);
    if s.copies.is_empty() {
        let why = match (s.syscall, s.result) {
            ("read", Some(0)) => t::COPIES_EOF,
            _ if s.error.is_some() => t::COPIES_FAILED,
            _ => t::COPIES_NONE,
        };
        let _ = writeln!(out, "{}", line(copies_label, ctx.t(why)));
    }
    for (i, c) in s.copies.iter().enumerate() {
        let evidence = match c.hop.evidence {
            Evidence::Measured => paint(ctx, ctx.t(common::MEASURED), Paint::Good),
            Evidence::Modelled => paint(ctx, ctx.t(common::MODELLED), Paint::Dim),
        };
        let bytes = c
            .hop
            .bytes
            .map(|b| ctx.f(t::COPY_BYTES, &[("bytes", &format_bytes(b))]))
            .unwrap_or_default();
        let kind = ctx.t(match c.hop.kind {
            CopyKind::Cpu => t::CPU_COPY,
            CopyKind::Dma => t::DMA_COPY,
        });
        let body = ctx.f(
            t::COPY,
            &[
                ("kind", &kind),
                ("n", &c.number),
                ("from", &place(c.hop.from, ctx)),
                ("to", &place(c.hop.to, ctx)),
                ("bytes", &bytes),
                ("evidence", &evidence),
            ],
        );
        let _ = writeln!(
            out,
            "{}",
            line(if i == 0 { copies_label } else { "" }, &body)
        );
    }
    let counters = if s.counters.is_empty() {
        ctx.t(t::NOTHING_MOVED).to_string()
    } else {
        s.counters
            .iter()
            .map(|(k, v)| format!("{k} +{}", group_digits(*v)))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(ctx.t(t::LABEL_PROC), &counters));
    let active: Vec<HopRole> = s.copies.iter().map(|c| c.hop.role).collect();
    out.push_str(&diagram(method, &active, ctx));
    out
}

/// The lines after the last step: how the walk ended and how the steps add
/// up.
pub fn ending(w: &WalkResult, file_bytes: u64, ctx: &Ctx) -> String {
    let mut lines: Vec<String> = Vec::new();
    let o = &w.outcome;
    let got = group_digits(o.received_bytes);
    let total = group_digits(file_bytes);
    if w.quit {
        lines.push(ctx.f(
            t::QUIT,
            &[("calls", &w.calls), ("got", &got), ("total", &total)],
        ));
    } else if w.chunk_limit_hit && o.tally.stopped_early {
        lines.push(ctx.f(t::CHUNKS_DONE, &[("got", &got), ("total", &total)]));
    }
    let shown = w.steps.len() as u64;
    if shown < w.calls && !w.quit {
        lines.push(ctx.f(
            t::UNWATCHED,
            &[("shown", &shown), ("calls", &group_digits(w.calls))],
        ));
    }
    let tot = &w.totals;
    let calls: Vec<String> = tot
        .syscalls
        .iter()
        .map(|(k, v)| format!("{k} {}", group_digits(*v)))
        .collect();
    let totals = ctx.f(
        t::TOTALS,
        &[
            ("calls", &calls.join(" + ")),
            ("switches", &group_digits(tot.mode_switches)),
            ("cpu", &group_digits(tot.cpu_copies)),
            ("dma", &group_digits(tot.dma_copies)),
            ("user", &format_bytes(tot.user_copy_bytes)),
        ],
    );
    let mut out: String = lines
        .iter()
        .map(|l| format!("{}\n", ctx.wrap(l, "", 0)))
        .collect();
    let _ = writeln!(
        out,
        "{}",
        paint(ctx, &ctx.wrap(&totals, "", 0), Paint::Bold)
    );
    if let Some(p) = w.per_unit() {
        let text = match w.method {
            Method::Sendfile => t::PER_CALL_DONE,
            _ => t::PER_CHUNK_DONE,
        };
        let line = ctx.f(
            text,
            &[
                ("per", &format!("{:.2}", p.per_unit)),
                ("switches", &group_digits(p.switches)),
                ("chunks", &group_digits(p.units)),
            ],
        );
        let _ = writeln!(out, "{}", ctx.wrap(&line, "", 0));
    }
    let disk_seen = w
        .steps
        .iter()
        .any(|s| s.copies.iter().any(|c| c.hop.role == HopRole::DiskRead));
    if !disk_seen && w.outcome.received_bytes > 0 && !w.quit {
        let _ = writeln!(out, "{}", ctx.wrap(ctx.t(t::NO_DISK), "", 0));
    }
    out
}

/// Everything a finished walk shows after its steps: how it ended and how
/// the steps add up; then, for a walk that ran to its end, the same run as
/// compare's table and the caveat that its CPU and throughput include the
/// pauses; for one quit with `q`, one line pointing at `zclab compare`.
/// `zclab trace` and the lessons both print this.
pub fn render_trace_run(w: &WalkResult, summary: &CompareView, ctx: &Ctx) -> String {
    let mut text = ending(w, summary.file.bytes, ctx);
    if w.quit {
        text.push_str(&ctx.wrap(ctx.t(t::QUIT_SUMMARY), "", 0));
        text.push('\n');
        return text;
    }
    text.push('\n');
    text.push_str(&crate::report::compare::render(
        summary,
        ctx,
        ctx.t(t::SUMMARY_HEADING),
        Detail::Table,
    ));
    text.push_str(&ctx.wrap(ctx.t(t::PAUSES_NOTE), "", 0));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::methods::Call;
    use crate::walk::{Totals, make_step_for_test};

    fn steps_of(method: Method, calls: &[(Call, usize)]) -> Vec<Step> {
        let mut totals = Totals::default();
        calls
            .iter()
            .enumerate()
            .map(|(i, (call, n))| make_step_for_test(method, i as u64 + 1, call, *n, &mut totals))
            .collect()
    }

    fn render_all(method: Method, steps: &[Step], lang: Lang) -> String {
        render_at(method, steps, lang, 120)
    }

    fn render_at(method: Method, steps: &[Step], lang: Lang, width: usize) -> String {
        let ctx = Ctx::plain(lang, width);
        let text = steps
            .iter()
            .map(|s| step(s, method, steps.len() as u64, &ctx))
            .collect::<Vec<_>>()
            .join("\n");
        for line in text.lines() {
            assert!(line.width() <= width, "wider than {width}:\n{line}");
        }
        text
    }

    #[test]
    fn narrow_terminals_get_the_narrow_diagram() {
        for lang in [Lang::En, Lang::Zh] {
            insta::assert_snapshot!(
                format!("read_write_steps_{lang:?}_60").to_lowercase(),
                render_at(Method::ReadWrite, &read_write_walk(), lang, 60)
            );
        }
        let wide = render_at(Method::ReadWrite, &read_write_walk(), Lang::En, 120);
        assert!(wide.contains("kernel space │"), "{wide}");
    }

    fn read_write_walk() -> Vec<Step> {
        steps_of(
            Method::ReadWrite,
            &[
                (Call::Read { fd: 3, len: 4096 }, 4096),
                (Call::Write { fd: 5, len: 4096 }, 4096),
                (Call::Read { fd: 3, len: 4096 }, 0),
            ],
        )
    }

    fn sendfile_walk() -> Vec<Step> {
        steps_of(
            Method::Sendfile,
            &[(
                Call::Sendfile {
                    out_fd: 5,
                    in_fd: 3,
                    offset: 0,
                    count: 16384,
                },
                16384,
            )],
        )
    }

    #[test]
    fn read_write_steps_en() {
        insta::assert_snapshot!(render_all(Method::ReadWrite, &read_write_walk(), Lang::En));
    }

    #[test]
    fn read_write_steps_zh() {
        insta::assert_snapshot!(render_all(Method::ReadWrite, &read_write_walk(), Lang::Zh));
    }

    #[test]
    fn sendfile_steps_en() {
        insta::assert_snapshot!(render_all(Method::Sendfile, &sendfile_walk(), Lang::En));
    }

    #[test]
    fn sendfile_steps_zh() {
        insta::assert_snapshot!(render_all(Method::Sendfile, &sendfile_walk(), Lang::Zh));
    }
}
