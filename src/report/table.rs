//! The four-optimizations table and what goes under it, in English or
//! Chinese. Each cell gives the measured figure, where it comes from, and
//! what the article claims; notes explain what a reader would misread.

use std::fmt::Write as _;

use colored::Colorize;
use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, TableStyle};

use crate::lang::Lang;
use crate::measure::{Comparison, MethodResult};
use crate::methods::Method;
use crate::model::{self, Evidence};
use crate::size::{format_bytes, group_digits};

/// A table laid out for the terminal (or 110 columns), styled only when
/// colour is on.
pub fn new_table(color: bool, header: Vec<Cell>) -> Table {
    styled_table(UTF8_FULL, color, header)
}

/// A table without lines between rows, for lists of counters.
pub fn condensed_table(color: bool, header: Vec<Cell>) -> Table {
    styled_table(UTF8_FULL_CONDENSED, color, header)
}

fn styled_table(style: TableStyle, color: bool, header: Vec<Cell>) -> Table {
    let mut t = Table::new();
    t.load_style(style)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(crate::style::table_width());
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header);
    t
}

fn head(text: &str) -> Cell {
    Cell::new(text).add_attribute(Attribute::Bold)
}

fn method_title(m: Method, lang: Lang) -> &'static str {
    super::roads::title(m, lang)
}

fn unit_word(m: Method, lang: Lang) -> &'static str {
    match m {
        Method::Sendfile => lang.t("per call", "每次调用"),
        _ => lang.t("per chunk", "每块"),
    }
}

fn article(lang: Lang, claim: &str) -> String {
    format!("{}{claim}", lang.t("article: ", "文章："))
}

/// The sender's CPU time in milliseconds.
fn cpu_ms(r: &MethodResult) -> f64 {
    r.median_run().sender_cpu.total_us() as f64 / 1000.0
}

/// "CPU measured, DMA modelled", or the exact split when a run measured
/// a DMA hop (a cold read) or modelled a CPU one.
fn evidence_summary(r: &MethodResult, lang: Lang) -> String {
    let count = |kind, ev| {
        r.copies
            .iter()
            .filter(|h| h.kind == kind && h.evidence == ev)
            .count()
    };
    let (cpu_m, cpu_o) = (
        count(model::CopyKind::Cpu, Evidence::Measured),
        count(model::CopyKind::Cpu, Evidence::Modelled),
    );
    let (dma_m, dma_o) = (
        count(model::CopyKind::Dma, Evidence::Measured),
        count(model::CopyKind::Dma, Evidence::Modelled),
    );
    match (cpu_o, dma_m, lang) {
        (0, 0, Lang::En) if cpu_m > 0 => "CPU measured, DMA modelled".into(),
        (0, 0, Lang::Zh) if cpu_m > 0 => "CPU 为实测，DMA 为模型".into(),
        (0, 0, Lang::En) => "DMA modelled".into(),
        (0, 0, Lang::Zh) => "DMA 为模型".into(),
        (_, _, Lang::En) => {
            format!("measured: {cpu_m} CPU, {dma_m} DMA; modelled: {cpu_o} CPU, {dma_o} DMA")
        }
        (_, _, Lang::Zh) => format!("实测 CPU {cpu_m}、DMA {dma_m}；模型 CPU {cpu_o}、DMA {dma_o}"),
    }
}

fn copies_cell(r: &MethodResult, lang: Lang) -> String {
    let (cpu, dma) = model::count_kinds(&r.copies);
    let m = r.median_run();
    let claim = match r.method {
        Method::ReadWrite => article(
            lang,
            lang.t("4\ndisk→kernel→user→net", "4 次\n磁盘→内核→用户→网络"),
        ),
        Method::Sendfile => article(lang, lang.t("2\ndisk→kernel→net", "2 次\n磁盘→内核→网络")),
        m => super::roads::expectation(m, super::roads::Row::Copies, lang),
    };
    match lang {
        Lang::En => format!(
            "{cpu} CPU + {dma} DMA = {} {}\n{}\nuser space: {} [own count]\n{}",
            cpu + dma,
            unit_word(r.method, lang),
            evidence_summary(r, lang),
            format_bytes(m.tally.user_copy_bytes()),
            claim
        ),
        Lang::Zh => format!(
            "CPU {cpu} + DMA {dma} = {} {} 次\n{}\n经过用户空间：{}［自计数］\n{}",
            unit_word(r.method, lang),
            cpu + dma,
            evidence_summary(r, lang),
            format_bytes(m.tally.user_copy_bytes()),
            claim
        ),
    }
}

fn mode_cell(r: &MethodResult, c: &Comparison, lang: Lang) -> String {
    let t = &r.median_run().tally;
    let switches = 2 * t.syscalls();
    let units = r.units(c.file_bytes, c.buffer_bytes);
    let per = if units > 0 {
        format!("{:.2}", switches as f64 / units as f64)
    } else {
        "–".into()
    };
    let claim = match r.method {
        Method::ReadWrite => article(
            lang,
            lang.t("4 per chunk (costly)", "每块 4 次\n（CPU 开销大）"),
        ),
        Method::Sendfile => article(lang, lang.t("2 (light)", "2 次\n（CPU 负担小）")),
        m => super::roads::expectation(m, super::roads::Row::ModeSwitches, lang),
    };
    match lang {
        Lang::En => format!(
            "{} [derived]\n= 2 × {} call{}\n≈ {per} {}\n{}",
            group_digits(switches),
            group_digits(t.syscalls()),
            if t.syscalls() == 1 { "" } else { "s" },
            unit_word(r.method, lang),
            claim
        ),
        Lang::Zh => format!(
            "{}［推算］\n= 2 × {} 次系统调用\n≈ {per} 次（{}）\n{}",
            group_digits(switches),
            group_digits(t.syscalls()),
            unit_word(r.method, lang),
            claim
        ),
    }
}

fn cpu_cell(r: &MethodResult, lang: Lang) -> String {
    let m = r.median_run();
    let secs = m.elapsed.as_secs_f64();
    let share = if secs > 0.0 {
        m.sender_cpu.total_us() as f64 / 1e6 / secs * 100.0
    } else {
        0.0
    };
    let claim = match r.method {
        Method::ReadWrite => article(lang, lang.t("high (many copies)", "高（数据多次拷贝）")),
        Method::Sendfile => article(
            lang,
            lang.t("low (from page cache)", "低（直接从 PageCache 发送）"),
        ),
        m => super::roads::expectation(m, super::roads::Row::Cpu, lang),
    };
    match lang {
        Lang::En => format!(
            "{:.1} ms [getrusage]\nuser {:.1} + system {:.1}\n{share:.0}% of a core, sender\n{}",
            cpu_ms(r),
            m.sender_cpu.user_us as f64 / 1000.0,
            m.sender_cpu.sys_us as f64 / 1000.0,
            claim
        ),
        Lang::Zh => format!(
            "{:.1} ms［getrusage］\n用户态 {:.1} + 内核态 {:.1}\n发送线程占单核 {share:.0}%\n{}",
            cpu_ms(r),
            m.sender_cpu.user_us as f64 / 1000.0,
            m.sender_cpu.sys_us as f64 / 1000.0,
            claim
        ),
    }
}

fn throughput_cell(r: &MethodResult, c: &Comparison, lang: Lang) -> String {
    let m = r.median_run();
    let (lo, hi) = r.throughput_spread();
    let claim = match r.method {
        Method::ReadWrite => article(lang, lang.t("low (CPU-bound)", "低（受 CPU 处理速度限制）")),
        Method::Sendfile => article(lang, lang.t("high", "高（数据传输更快）")),
        m => super::roads::expectation(m, super::roads::Row::Throughput, lang),
    };
    match lang {
        Lang::En => format!(
            "{:.0} MiB/s [median of {}]\nrange {lo:.0}–{hi:.0}\n{:.3} s to last byte\n{}",
            m.throughput_mib_s(),
            c.runs,
            m.elapsed.as_secs_f64(),
            claim
        ),
        Lang::Zh => format!(
            "{:.0} MiB/s［{} 次中位数］\n范围 {lo:.0}–{hi:.0}\n收完最后一字节 {:.3} s\n{}",
            m.throughput_mib_s(),
            c.runs,
            m.elapsed.as_secs_f64(),
            claim
        ),
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    if a > 0.0 && b > 0.0 {
        Some(a / b)
    } else {
        None
    }
}

fn ratio_cells(rw: &MethodResult, sf: &MethodResult, c: &Comparison, lang: Lang) -> [String; 4] {
    let (rw_cpu, _) = model::count_kinds(&rw.copies);
    let (sf_cpu, _) = model::count_kinds(&sf.copies);
    let copies = match lang {
        Lang::En => format!(
            "CPU copies {rw_cpu} → {sf_cpu}\nuser-space bytes {} → {}",
            format_bytes(rw.median_run().tally.user_copy_bytes()),
            format_bytes(sf.median_run().tally.user_copy_bytes())
        ),
        Lang::Zh => format!(
            "CPU 拷贝 {rw_cpu} → {sf_cpu} 次\n用户空间字节 {} → {}",
            format_bytes(rw.median_run().tally.user_copy_bytes()),
            format_bytes(sf.median_run().tally.user_copy_bytes())
        ),
    };
    let rw_sw = 2 * rw.median_run().tally.syscalls();
    let sf_sw = 2 * sf.median_run().tally.syscalls();
    let switches = match ratio(rw_sw as f64, sf_sw as f64) {
        Some(x) => match lang {
            Lang::En => format!(
                "{} → {}\n{}× as many with read-write",
                group_digits(rw_sw),
                group_digits(sf_sw),
                group_digits(x.round() as u64)
            ),
            Lang::Zh => format!(
                "{} → {}\nread-write 是 sendfile 的 {} 倍",
                group_digits(rw_sw),
                group_digits(sf_sw),
                group_digits(x.round() as u64)
            ),
        },
        None => format!("{} → {}", group_digits(rw_sw), group_digits(sf_sw)),
    };
    let cpu = match ratio(cpu_ms(rw), cpu_ms(sf)) {
        Some(x) if x >= 1.0 => match lang {
            Lang::En => format!(
                "sendfile uses {:.0}% less\n({x:.1}× less)",
                (1.0 - 1.0 / x) * 100.0
            ),
            Lang::Zh => format!(
                "sendfile 少用 {:.0}%\n（{x:.1} 倍差距）",
                (1.0 - 1.0 / x) * 100.0
            ),
        },
        Some(x) => match lang {
            Lang::En => format!("sendfile used MORE here\n({:.1}× as much)", 1.0 / x),
            Lang::Zh => format!("本次 sendfile 反而更多\n（{:.1} 倍）", 1.0 / x),
        },
        None => lang
            .t("too short to compare", "时间太短，无法比较")
            .to_string(),
    };
    let _ = c;
    let thr = match ratio(
        sf.median_run().throughput_mib_s(),
        rw.median_run().throughput_mib_s(),
    ) {
        Some(x) if x >= 1.0 => match lang {
            Lang::En => format!("sendfile {x:.2}× faster"),
            Lang::Zh => format!("sendfile 快 {x:.2} 倍"),
        },
        Some(x) => match lang {
            Lang::En => format!("sendfile SLOWER here\n({x:.2}×)"),
            Lang::Zh => format!("本次 sendfile 反而更慢\n（{x:.2} 倍）"),
        },
        None => lang
            .t("too short to compare", "时间太短，无法比较")
            .to_string(),
    };
    [copies, switches, cpu, thr]
}

/// The whole `compare` report: table, syscall counts, /proc counters, copy
/// paths, verification and notes.
pub fn comparison(c: &Comparison, lang: Lang, color: bool) -> String {
    report(c, lang, color, "zclab compare")
}

/// The same report under another heading (e.g. `trace`'s summary).
pub fn report(c: &Comparison, lang: Lang, color: bool, heading: &str) -> String {
    let mut out = String::new();
    let title = match lang {
        Lang::En => format!(
            "{heading} — {} ({}), buffer {}, {} run(s) per method, loopback TCP, {}",
            c.file_path.display(),
            format_bytes(c.file_bytes),
            format_bytes(c.buffer_bytes as u64),
            c.runs,
            if c.cold {
                "page cache cold (file dropped before each run)"
            } else {
                "page cache warm"
            }
        ),
        Lang::Zh => format!(
            "{heading} —— {}（{}），缓冲区 {}，每种方式 {} 次，本机回环 TCP，{}",
            c.file_path.display(),
            format_bytes(c.file_bytes),
            format_bytes(c.buffer_bytes as u64),
            c.runs,
            if c.cold {
                "页缓存冷（每次运行前清出该文件）"
            } else {
                "页缓存已预热"
            }
        ),
    };
    let _ = writeln!(out, "{}", title.bold());

    let rw = c.method(Method::ReadWrite);
    let sf = c.method(Method::Sendfile);
    // The ratio column compares the article's two methods when they are
    // all that ran; with more methods the table has no room for it.
    let ratios = match (rw, sf) {
        (Some(a), Some(b)) if c.methods.len() == 2 => Some(ratio_cells(a, b, c, lang)),
        _ => None,
    };
    let rows = [
        lang.t("Data copies", "数据拷贝次数"),
        lang.t("Mode switches\n(user ↔ kernel)", "用户态/内核态切换"),
        lang.t("CPU usage", "CPU 占用"),
        lang.t("Throughput", "吞吐量"),
    ];
    // More methods than fit side by side: one table per group, each with
    // the row names, so that every column keeps a readable width.
    for group in method_groups(c.methods.len(), crate::style::table_width()) {
        let mut header = vec![head(lang.t("Optimization", "优化点"))];
        for r in &c.methods[group.clone()] {
            header.push(head(method_title(r.method, lang)));
        }
        if ratios.is_some() {
            header.push(head(lang.t("read-write vs sendfile", "对比")));
        }
        let mut table = new_table(color, header);
        for (i, name) in rows.iter().enumerate() {
            let mut row = vec![head(name)];
            for r in &c.methods[group.clone()] {
                let text = match i {
                    0 => copies_cell(r, lang),
                    1 => mode_cell(r, c, lang),
                    2 => cpu_cell(r, lang),
                    _ => throughput_cell(r, c, lang),
                };
                row.push(Cell::new(text));
            }
            if let Some(ratios) = &ratios {
                row.push(Cell::new(&ratios[i]).fg(Color::Cyan));
            }
            table.add_row(row);
        }
        let _ = writeln!(out, "{table}");
    }

    // System calls, like `strace -c`, with the /proc cross-check.
    let _ = writeln!(out, "\n{}", lang.t("System calls of the sending thread (zclab's own count, median run) and the /proc cross-check:", "发送线程的系统调用（zclab 自计数，中位数那次）与 /proc 交叉核对：").bold());
    for r in &c.methods {
        let m = r.median_run();
        let t = &m.tally;
        let calls: Vec<String> = r
            .method
            .syscall_names()
            .iter()
            .map(|n| format!("{n} {}", group_digits(t.calls(n))))
            .collect();
        let (want_r, want_w) = super::roads::proc_expectation(r);
        let ok = m.sender.syscr == want_r && m.sender.syscw == want_w;
        let mark = if ok {
            lang.t("agrees", "一致").green()
        } else {
            lang.t("DIFFERS", "不一致").red()
        };
        let _ = writeln!(
            out,
            "  {:<12} {}   /proc: syscr +{} syscw +{} ({mark}){}",
            r.method.name(),
            calls.join(", "),
            group_digits(m.sender.syscr),
            group_digits(m.sender.syscw),
            if t.short_writes > 0 || t.interrupted > 0 {
                format!(
                    "  [{} short writes, {} EINTR]",
                    t.short_writes, t.interrupted
                )
            } else {
                String::new()
            }
        );
    }

    // Raw /proc deltas.
    let _ = writeln!(out, "\n{}", lang.t("/proc counters, deltas over the median run (sender = the \"broker\" thread, consumer = the receiving thread):", "/proc 计数器在中位数那次运行中的增量（发送端 = “broker”线程，消费端 = 接收线程）：").bold());
    // Two narrow columns per method (sender, consumer): about as wide as
    // one column of the main table, so the same groups.
    for group in method_groups(c.methods.len(), crate::style::table_width()) {
        let methods = &c.methods[group];
        let mut header = vec![head(lang.t("counter", "计数器"))];
        for r in methods {
            header.push(head(&format!(
                "{} {}",
                r.method.name(),
                lang.t("sender", "发送端")
            )));
        }
        for r in methods {
            header.push(head(&format!(
                "{} {}",
                r.method.name(),
                lang.t("consumer", "消费端")
            )));
        }
        let mut counters = condensed_table(color, header);
        for (idx, (name, _)) in c.methods[0].median_run().sender.fields().iter().enumerate() {
            if matches!(*name, "cancelled_write_bytes" | "utime" | "stime") {
                continue;
            }
            let mut row = vec![Cell::new(name)];
            for r in methods {
                row.push(Cell::new(group_digits(
                    r.median_run().sender.fields()[idx].1,
                )));
            }
            for r in methods {
                row.push(Cell::new(group_digits(
                    r.median_run().receiver.fields()[idx].1,
                )));
            }
            counters.add_row(row);
        }
        let _ = writeln!(out, "{counters}");
    }
    let evidence = super::roads::evidence_section(c, lang);
    if !evidence.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n{evidence}",
            lang.t(
                "What the kernel itself reports for the other roads:",
                "其他几条路上内核自己报告的证据：",
            )
            .bold()
        );
    }

    // The copy path, hop by hop.
    let _ = writeln!(out, "\n{}", lang.t("Data path of each method (the copy model; [measured] hops have a counter behind them):", "每种方式的数据路径（拷贝模型；标［实测］的一跳有计数器为证）：").bold());
    for r in &c.methods {
        let _ = writeln!(out, "  {}:", method_title(r.method, lang));
        for (i, h) in r.copies.iter().enumerate() {
            let kind = match h.kind {
                model::CopyKind::Cpu => "CPU".yellow(),
                model::CopyKind::Dma => "DMA".blue(),
            };
            let ev = match h.evidence {
                Evidence::Measured => lang.t("[measured]", "［实测］").green(),
                Evidence::Modelled => lang.t("[modelled]", "［模型］").dimmed(),
            };
            let bytes = h
                .bytes
                .map(|b| format!(" {}", format_bytes(b)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}. {} → {}  {kind} {ev}{bytes}",
                i + 1,
                h.from.label(lang),
                h.to.label(lang)
            );
        }
    }

    // Verification.
    let _ = writeln!(out);
    for r in &c.methods {
        let ok = r.runs.iter().filter(|x| x.verified).count();
        let m = r.median_run();
        if m.tally.stopped_early {
            let line = match lang {
                Lang::En => format!(
                    "{}: stopped early as asked, {} of {} bytes sent: nothing to verify",
                    r.method.name(),
                    group_digits(m.received_bytes),
                    group_digits(c.expected.bytes)
                ),
                Lang::Zh => format!(
                    "{}：按要求提前停止，发送了 {} / {} 字节：不做校验",
                    r.method.name(),
                    group_digits(m.received_bytes),
                    group_digits(c.expected.bytes)
                ),
            };
            let _ = writeln!(out, "{}", line.yellow());
            continue;
        }
        let line = match lang {
            Lang::En => format!(
                "{}: {ok}/{} runs verified — the consumer received {} bytes with CRC-32 {:08x} (file: {} bytes, {:08x})",
                r.method.name(),
                r.runs.len(),
                group_digits(m.received_bytes),
                m.received_crc32,
                group_digits(c.expected.bytes),
                c.expected.crc32
            ),
            Lang::Zh => format!(
                "{}：{ok}/{} 次运行通过校验 —— 消费端收到 {} 字节，CRC-32 {:08x}（文件：{} 字节，{:08x}）",
                r.method.name(),
                r.runs.len(),
                group_digits(m.received_bytes),
                m.received_crc32,
                group_digits(c.expected.bytes),
                c.expected.crc32
            ),
        };
        let _ = writeln!(
            out,
            "{}",
            if r.verified() {
                line.green()
            } else {
                line.red().bold()
            }
        );
    }

    // Notes.
    let _ = writeln!(
        out,
        "\n{}",
        lang.t("How to read this:", "怎么读这张表：").bold()
    );
    let width = crate::style::table_width() as usize;
    for (i, note) in notes(c, lang).iter().enumerate() {
        let _ = writeln!(
            out,
            "{}",
            super::wrap(note, width, &format!("  {}. ", i + 1), 5)
        );
    }
    out
}

/// Splits `n` method columns into groups that fit `width` columns side by
/// side: about 26 columns per method beside the row names, at least one.
fn method_groups(n: usize, width: u16) -> Vec<std::ops::Range<usize>> {
    let per = ((width as usize).saturating_sub(18) / 26).max(1);
    // Even groups: 6 methods at 4 a table make 3 + 3, not 4 + 2.
    let tables = n.div_ceil(per).max(1);
    let size = n.div_ceil(tables).max(1);
    (0..n).step_by(size).map(|i| i..(i + size).min(n)).collect()
}

fn notes(c: &Comparison, lang: Lang) -> Vec<String> {
    let mut v = Vec::new();
    v.push(lang.t(
        "Mode switches are derived, not read from a counter: Linux keeps no count of user/kernel switches, so zclab counts its own system calls and multiplies by 2 (enter + leave). The article's \"4 vs 2\" is per chunk (read + write) against per sendfile call; over a whole file the loop pays 4 for every chunk, sendfile 2 for every call.",
        "模式切换是推算的，不是读计数器：Linux 没有用户态/内核态切换计数器，zclab 统计自己的系统调用次数再乘以 2（进入 + 返回）。文章说的“4 次对 2 次”是按每块数据（read + write）对每次 sendfile 调用；整个文件下来，循环每块都要付 4 次，sendfile 每次调用付 2 次。",
    ).to_string());
    v.push(lang.t(
        "Context switches (voluntary_ctxt_switches, nonvoluntary_ctxt_switches) are the scheduler taking a thread off the CPU: a different thing from mode switches. A voluntary one is a thread that waits: the consumer on an empty socket, or the sender on a full one.",
        "上下文切换（voluntary_ctxt_switches、nonvoluntary_ctxt_switches）是调度器把线程从 CPU 上换下，和用户态/内核态切换是两回事。自愿切换意味着线程在等待：消费端等空 socket 来数据，或发送端等满 socket 腾出空间。",
    ).to_string());
    if c.method(Method::Sendfile).is_some() {
        v.push(lang.t(
            "For sendfile, /proc adds the file size to both rchar and wchar (and 1 to syscr and syscw per call), although not one byte entered user space: those counters count bytes handed to read-like and write-like calls, not copies. zclab's own count of user-space bytes is the copy evidence.",
            "对 sendfile，/proc 把文件大小同时计入 rchar 和 wchar（每次调用 syscr、syscw 各加 1），尽管没有一个字节进入用户空间：这些计数器统计的是交给读/写类调用的字节数，而不是拷贝次数。拷贝的证据是 zclab 自己统计的用户空间字节数。",
        ).to_string());
    }
    v.push(lang.t(
        "The consumer pays one more CPU copy in every method (socket buffer → its own buffer, see its rchar): the article's table, and this one, count the sender's side only.",
        "无论哪种方式，消费端都还要付一次 CPU 拷贝（Socket 缓冲区 → 自己的缓冲区，见消费端 rchar）：文章的表和本表都只计算发送端。",
    ).to_string());
    v.push(lang.t(
        "This runs over loopback, which has no NIC: the last hop (to the NIC, by DMA) is modelled. With a NIC that lacks scatter-gather DMA, sendfile needs one CPU copy (page cache → socket buffer): 3 copies, still none through user space.",
        "本测试走本机回环，没有网卡：最后一跳（DMA 到网卡）是模型。若网卡不支持 scatter-gather DMA，sendfile 还需一次 CPU 拷贝（页缓存 → Socket 缓冲区）：共 3 次，但仍然不经过用户空间。",
    ).to_string());
    let any_disk = c
        .methods
        .iter()
        .any(|r| r.median_run().sender.read_bytes > 0);
    if c.cold {
        for r in &c.methods {
            v.push(cold_note(r, c.file_bytes, lang));
        }
    } else if !any_disk {
        v.push(lang.t(
            "The file was already in the page cache (read_bytes +0), so the disk → page cache DMA did not happen during these runs; it is modelled. Kafka's consumers that keep up with producers are served the same way, straight from the page cache.",
            "文件已在页缓存中（read_bytes +0），所以磁盘 → 页缓存的 DMA 拷贝在这几次运行中没有发生，是模型。跟得上生产者的 Kafka 消费者也正是这样，直接从页缓存取数据。",
        ).to_string());
    }
    v.extend(super::roads::notes(c, lang));
    v.push(lang.t(
        "CPU usage is the sending thread's own time from getrusage(RUSAGE_THREAD), in microseconds; throughput is file bytes over the time until the consumer received the last byte.",
        "CPU 占用是发送线程自己的 CPU 时间，来自 getrusage(RUSAGE_THREAD)，精度微秒；吞吐量 = 文件字节数 ÷ 消费端收到最后一个字节所用的时间。",
    ).to_string());
    v
}

/// What a cold run shows: how much of the file came from the disk.
fn cold_note(r: &MethodResult, file_bytes: u64, lang: Lang) -> String {
    let m = r.median_run();
    let resident = m.resident_before.map(format_bytes);
    let short = m.sender.read_bytes < file_bytes;
    match lang {
        Lang::En => format!(
            "Cold run, {}: before it zclab asked the kernel to drop the file from the page cache (posix_fadvise DONTNEED){}; then read_bytes shows {} of {} coming from the disk by DMA: that hop is measured.{}",
            r.method.name(),
            resident
                .map(|b| format!(", leaving {b} resident by mincore"))
                .unwrap_or_default(),
            format_bytes(m.sender.read_bytes),
            format_bytes(file_bytes),
            if short {
                " Part of the file stayed cached (pages still pinned by a socket, or not evictable here), so less came from disk than the file's size."
            } else {
                ""
            }
        ),
        Lang::Zh => format!(
            "冷启动运行（{}）：运行前 zclab 请内核把文件清出页缓存（posix_fadvise DONTNEED）{}；随后 read_bytes 显示有 {} / {} 由磁盘经 DMA 读入：这一跳是实测的。{}",
            r.method.name(),
            resident
                .map(|b| format!("，按 mincore 仍有 {b} 留在缓存中"))
                .unwrap_or_default(),
            format_bytes(m.sender.read_bytes),
            format_bytes(file_bytes),
            if short {
                "部分文件仍留在缓存中（页面仍被 socket 占用，或此处无法清出），所以从磁盘读入的少于文件大小。"
            } else {
                ""
            }
        ),
    }
}
