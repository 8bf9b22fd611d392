//! How a step looks on screen: the call, its two mode switches, its copies,
//! the counters that moved, and a data-path diagram with this step's hops
//! marked (by `»…«` so it reads without colour, and in colour when on).

use std::fmt::Write as _;

use colored::Colorize;
use unicode_width::UnicodeWidthStr;

use super::{Step, WalkResult};
use crate::lang::Lang;
use crate::methods::Method;
use crate::model::{self, CopyKind, Evidence, HopRole, Place};
use crate::size::{format_bytes, group_digits};

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

fn boxed(p: Place, lang: Lang) -> String {
    format!("[{}]", p.label(lang))
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

/// The data path of `method` in two bands, user space above kernel space,
/// with the hops in `active` marked.
pub fn diagram(method: Method, active: &[HopRole], lang: Lang) -> String {
    let band_u = lang.t("user space", "用户态");
    let band_k = lang.t("kernel space", "内核态");
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
    kernel.put(start, &boxed(Place::Disk, lang));
    kernel
        .0
        .push_str(&format!(" ─{}→ ", label(HopRole::DiskRead)));
    kernel.0.push_str(&boxed(Place::PageCache, lang));
    let pc_end = kernel.width();
    match method {
        Method::ReadWrite => {
            let ub = boxed(Place::UserBuffer, lang);
            let up = format!("↗{}", label(HopRole::IntoUser));
            let down = format!("↘{}", label(HopRole::OutOfUser));
            let gap = (ub.width() + 4).max(up.width() + down.width() + 4);
            let ub_col = pc_end + (gap - ub.width()) / 2;
            user.put(ub_col, &ub);
            arrows.put(pc_end - 1, &up);
            arrows.put(pc_end + gap - down.width() + 1, &down);
            kernel.put(pc_end + gap, &boxed(Place::SocketBuffer, lang));
            kernel.0.push_str(&format!(" ─{}→ ", label(HopRole::ToNic)));
            kernel.0.push_str(&boxed(Place::Nic, lang));
        }
        Method::Sendfile => {
            user.put(
                pc_end,
                lang.t(
                    "(no byte of the file enters user space)",
                    "（文件数据一个字节也不进入用户态）",
                ),
            );
            kernel.0.push_str(&format!(
                " ─{}{}→ ",
                label(HopRole::ToNic),
                lang.t("(gather)", "（gather）")
            ));
            kernel.0.push_str(&boxed(Place::Nic, lang));
        }
        Method::Mmap => {
            user.put(pc_end, crate::text::roads::DIAGRAM_MAPPED.get(lang));
            kernel
                .0
                .push_str(&format!(" ─{}→ ", label(HopRole::FromMapping)));
            kernel.0.push_str(&boxed(Place::SocketBuffer, lang));
            kernel.0.push_str(&format!(" ─{}→ ", label(HopRole::ToNic)));
            kernel.0.push_str(&boxed(Place::Nic, lang));
        }
        Method::Splice => {
            user.put(pc_end, crate::text::roads::DIAGRAM_PIPE_NOTE.get(lang));
            kernel.0.push_str(&format!(
                " ─{}{}→ ",
                crate::text::roads::DIAGRAM_PIPE.get(lang),
                label(HopRole::ToNic)
            ));
            kernel.0.push_str(&boxed(Place::Nic, lang));
        }
        Method::MsgZerocopy | Method::IoUring => {
            let ub = boxed(Place::UserBuffer, lang);
            let up = format!("↗{}", label(HopRole::IntoUser));
            let down = format!(
                "↘{}{}",
                label(HopRole::ZeroCopySend),
                crate::text::roads::DIAGRAM_ZERO_COPY.get(lang)
            );
            let gap = (ub.width() + 4).max(up.width() + down.width() + 4);
            let ub_col = pc_end + (gap - ub.width()) / 2;
            user.put(ub_col, &ub);
            arrows.put(pc_end - 1, &up);
            arrows.put(pc_end + gap - down.width() + 1, &down);
            kernel.put(pc_end + gap, &boxed(Place::Nic, lang));
        }
    }
    let width = user.width().max(kernel.width()).max(arrows.width());
    let mut rule = "─".repeat(pw);
    rule.push('┼');
    rule.push_str(&"─".repeat(width.saturating_sub(pw + 1)));
    let mut out = String::new();
    for line in [user.0, arrows.0, rule, kernel.0] {
        let _ = writeln!(out, "{}", highlight(line.trim_end()));
    }
    out
}

/// Colours the marked hop labels when colour is on (`colored` decides).
fn highlight(line: &str) -> String {
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

fn kind_word(kind: CopyKind, lang: Lang) -> &'static str {
    match kind {
        CopyKind::Cpu => lang.t("CPU copy", "CPU 拷贝"),
        CopyKind::Dma => lang.t("DMA copy", "DMA 拷贝"),
    }
}

/// One step, as shown: header, call, mode switches, copies, counters,
/// diagram.
pub fn step(s: &Step, method: Method, expected_calls: u64, lang: Lang) -> String {
    let mut out = String::new();
    let head = match lang {
        Lang::En => format!("── step {} (of about {}) ", s.index, expected_calls),
        Lang::Zh => format!("── 第 {} 步（共约 {} 步）", s.index, expected_calls),
    };
    let _ = writeln!(
        out,
        "{}",
        format!("{head}{}", "─".repeat(60usize.saturating_sub(head.width()))).bold()
    );
    let _ = writeln!(out, "  {}", s.call.cyan().bold());
    let pad = |t: &str| format!("{t}{}", " ".repeat(16usize.saturating_sub(t.width())));
    let _ = writeln!(
        out,
        "  {}{}",
        pad(lang.t("mode switches", "模式切换")),
        match lang {
            Lang::En => format!(
                "#{} user → kernel, #{} kernel → user [derived: 2 per call]",
                s.mode_switches[0], s.mode_switches[1]
            ),
            Lang::Zh => format!(
                "#{} 用户态 → 内核态，#{} 内核态 → 用户态［推算：每次调用 2 次］",
                s.mode_switches[0], s.mode_switches[1]
            ),
        }
    );
    let copies_label = pad(lang.t("copies", "数据拷贝"));
    if s.copies.is_empty() {
        let why = match (s.syscall, s.result) {
            ("read", Some(0)) => lang.t(
                "none: read() returned 0, the end of the file",
                "无：read() 返回 0，文件已读完",
            ),
            _ if s.error.is_some() => lang.t("none: the call failed", "无：调用失败"),
            _ => lang.t("none", "无"),
        };
        let _ = writeln!(out, "  {copies_label}{why}");
    }
    for (i, c) in s.copies.iter().enumerate() {
        let ev = match c.hop.evidence {
            Evidence::Measured => lang.t("[measured]", "［实测］").green(),
            Evidence::Modelled => lang.t("[modelled]", "［模型］").dimmed(),
        };
        let bytes = c
            .hop
            .bytes
            .map(|b| format!("{}{}", lang.t(", ", "，"), format_bytes(b)))
            .unwrap_or_default();
        let label = if i == 0 {
            copies_label.clone()
        } else {
            " ".repeat(16)
        };
        let _ = writeln!(
            out,
            "  {label}{} #{}{}{} → {}{bytes} {ev}",
            kind_word(c.hop.kind, lang),
            c.number,
            lang.t(": ", "："),
            c.hop.from.label(lang),
            c.hop.to.label(lang)
        );
    }
    let counters = if s.counters.is_empty() {
        lang.t("nothing moved", "没有变化").to_string()
    } else {
        s.counters
            .iter()
            .map(|(k, v)| format!("{k} +{}", group_digits(*v)))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(
        out,
        "  {}{counters}",
        pad(lang.t("/proc (sender)", "/proc（发送端）"))
    );
    let active: Vec<HopRole> = s.copies.iter().map(|c| c.hop.role).collect();
    out.push_str(&diagram(method, &active, lang));
    out
}

/// The lines after the last step: how the walk ended and how the steps add
/// up.
pub fn ending(t: &WalkResult, file_bytes: u64, lang: Lang) -> String {
    let mut out = String::new();
    let o = &t.outcome;
    if t.quit {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!(
                    "Stopped by you after {} calls; {} of {} bytes reached the consumer.",
                    t.calls,
                    group_digits(o.received_bytes),
                    group_digits(file_bytes)
                ),
                Lang::Zh => format!(
                    "你在第 {} 次调用后停止；消费端收到 {} / {} 字节。",
                    t.calls,
                    group_digits(o.received_bytes),
                    group_digits(file_bytes)
                ),
            }
        );
    } else if t.chunk_limit_hit && o.tally.stopped_early {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!(
                    "Stopped after the chunks asked for (--chunks): {} of {} bytes sent, so the run is not verified.",
                    group_digits(o.received_bytes),
                    group_digits(file_bytes)
                ),
                Lang::Zh => format!(
                    "已按 --chunks 在指定块数后停止：发送了 {} / {} 字节，因此本次运行不做校验。",
                    group_digits(o.received_bytes),
                    group_digits(file_bytes)
                ),
            }
        );
    }
    let shown = t.steps.len() as u64;
    if shown < t.calls && !t.quit {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!(
                    "Showed the first {shown} of {} calls; the rest ran unwatched and are counted in the totals. See more with --max-steps N, or stop early with --chunks N.",
                    group_digits(t.calls)
                ),
                Lang::Zh => format!(
                    "只展示了前 {shown} 次调用（共 {} 次）；其余调用照常执行并计入总数。用 --max-steps N 查看更多，或用 --chunks N 提前停止。",
                    group_digits(t.calls)
                ),
            }
        );
    }
    let tot = &t.totals;
    let calls: Vec<String> = tot
        .syscalls
        .iter()
        .map(|(k, v)| format!("{k} {}", group_digits(*v)))
        .collect();
    let _ = writeln!(out, "{}", match lang {
        Lang::En => format!(
            "In all: {} → {} mode switches [derived], {} CPU copies, {} DMA copies (modelled on loopback unless marked measured), {} through user space.",
            calls.join(" + "), group_digits(tot.mode_switches), group_digits(tot.cpu_copies), group_digits(tot.dma_copies), format_bytes(tot.user_copy_bytes)
        ),
        Lang::Zh => format!(
            "合计：{} → {} 次模式切换［推算］，{} 次 CPU 拷贝，{} 次 DMA 拷贝（回环上除标为实测者外均为模型），经过用户空间 {}。",
            calls.join(" + "), group_digits(tot.mode_switches), group_digits(tot.cpu_copies), group_digits(tot.dma_copies), format_bytes(tot.user_copy_bytes)
        ),
    }.bold());
    let disk_seen = t
        .steps
        .iter()
        .any(|s| s.copies.iter().any(|c| c.hop.role == HopRole::DiskRead));
    if !disk_seen && t.outcome.received_bytes > 0 {
        let _ = writeln!(out, "{}", lang.t(
            "No disk → page cache DMA appeared: the file was already in the page cache (read_bytes +0). The article, and the table below, count that hop once per chunk anyway, as part of the path.",
            "没有出现磁盘 → 页缓存的 DMA 拷贝：文件已在页缓存中（read_bytes +0）。文章和下表仍把这一跳算作每块路径中的一次拷贝。",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
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
        colored::control::set_override(false);
        steps
            .iter()
            .map(|s| step(s, method, steps.len() as u64, lang))
            .collect::<Vec<_>>()
            .join("\n")
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
