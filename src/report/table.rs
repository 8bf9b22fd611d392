//! The four-optimizations table and what goes under it, in English or
//! Chinese. Each cell gives the measured figure, where it comes from, and
//! what the article claims; notes explain what a reader would misread.

use std::fmt::Write as _;

use colored::Colorize;
use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, TableStyle};

use crate::cache::CannotEvict;
use crate::harness::NoThroughput;
use crate::lang::Lang;
use crate::measure::{Comparison, CpuVerdict, CpuVerdicts, MethodResult, ratio};
use crate::methods::Method;
use crate::model::{self, Evidence};
use crate::size::{format_bytes, format_cpu_ns, format_rate, group_digits};

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
    match m {
        Method::ReadWrite => lang.t("read() + write()", "传统方式（read + write）"),
        Method::Sendfile => lang.t("sendfile()", "Kafka（sendfile）"),
    }
}

fn unit_word(m: Method, lang: Lang) -> &'static str {
    match m {
        Method::ReadWrite => lang.t("per chunk", "每块"),
        Method::Sendfile => lang.t("per call", "每次调用"),
    }
}

fn article(lang: Lang, claim: &str) -> String {
    format!("{}{claim}", lang.t("article: ", "文章："))
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
    if m.received_bytes == 0 && m.tally.bytes_sent == 0 {
        return lang
            .t(
                "0: no data was sent
(the file is empty)",
                "0 次：没有发送任何数据
（文件为空）",
            )
            .to_string();
    }
    let claim = match r.method {
        Method::ReadWrite => lang.t("4\ndisk→kernel→user→net", "4 次\n磁盘→内核→用户→网络"),
        Method::Sendfile => lang.t("2\ndisk→kernel→net", "2 次\n磁盘→内核→网络"),
    };
    match lang {
        Lang::En => format!(
            "{cpu} CPU + {dma} DMA = {} {}\n{}\nuser space: {} [own count]\n{}",
            cpu + dma,
            unit_word(r.method, lang),
            evidence_summary(r, lang),
            format_bytes(m.tally.user_copy_bytes()),
            article(lang, claim)
        ),
        Lang::Zh => format!(
            "CPU {cpu} + DMA {dma} = {} {} 次\n{}\n经过用户空间：{}［自计数］\n{}",
            unit_word(r.method, lang),
            cpu + dma,
            evidence_summary(r, lang),
            format_bytes(m.tally.user_copy_bytes()),
            article(lang, claim)
        ),
    }
}

fn mode_cell(r: &MethodResult, lang: Lang) -> String {
    let t = &r.median_run().tally;
    let switches = 2 * t.syscalls();
    let units = r.units();
    let per = if units > 0 {
        format!("{:.2}", switches as f64 / units as f64)
    } else {
        "–".into()
    };
    let claim = match r.method {
        Method::ReadWrite => lang.t("4 per chunk (costly)", "每块 4 次\n（CPU 开销大）"),
        Method::Sendfile => lang.t("2 (light)", "2 次\n（CPU 负担小）"),
    };
    match lang {
        Lang::En => format!(
            "{} [derived]\n= 2 × {} call{}\n≈ {per} {}\n{}",
            group_digits(switches),
            group_digits(t.syscalls()),
            if t.syscalls() == 1 { "" } else { "s" },
            unit_word(r.method, lang),
            article(lang, claim)
        ),
        Lang::Zh => format!(
            "{}［推算］\n= 2 × {} 次系统调用\n≈ {per} 次（{}）\n{}",
            group_digits(switches),
            group_digits(t.syscalls()),
            unit_word(r.method, lang),
            article(lang, claim)
        ),
    }
}

fn cpu_cell(r: &MethodResult, lang: Lang) -> String {
    let m = r.median_run();
    let secs = m.elapsed.as_secs_f64();
    let share = if secs > 0.0 {
        m.sender_cpu_ns() as f64 / 1e9 / secs * 100.0
    } else {
        0.0
    };
    let claim = match r.method {
        Method::ReadWrite => lang.t("high (many copies)", "高（数据多次拷贝）"),
        Method::Sendfile => lang.t("low (from page cache)", "低（直接从 PageCache 发送）"),
    };
    let split = if r.cpu_split_meaningful() {
        match lang {
            Lang::En => format!(
                "user {:.1} + system {:.1} ms [ticks]",
                m.sender_cpu.user_us as f64 / 1000.0,
                m.sender_cpu.sys_us as f64 / 1000.0
            ),
            Lang::Zh => format!(
                "用户态 {:.1} + 内核态 {:.1} ms［按时钟节拍］",
                m.sender_cpu.user_us as f64 / 1000.0,
                m.sender_cpu.sys_us as f64 / 1000.0
            ),
        }
    } else {
        lang.t(
            "user/system: too short to split",
            "用户态/内核态：时间太短，不拆分",
        )
        .to_string()
    };
    match lang {
        Lang::En => format!(
            "{} sender [schedstat]\n+ {} consumer\n= {} both\n{split}\n{share:.0}% of a core, sender\n{}",
            format_cpu_ns(m.sender_cpu_ns()),
            format_cpu_ns(m.receiver_cpu_ns()),
            format_cpu_ns(r.both_cpu_ns()),
            article(lang, claim)
        ),
        Lang::Zh => format!(
            "发送端 {}［schedstat］\n+ 消费端 {}\n= 合计 {}\n{split}\n发送线程占单核 {share:.0}%\n{}",
            format_cpu_ns(m.sender_cpu_ns()),
            format_cpu_ns(m.receiver_cpu_ns()),
            format_cpu_ns(r.both_cpu_ns()),
            article(lang, claim)
        ),
    }
}

fn throughput_cell(r: &MethodResult, c: &Comparison, lang: Lang) -> String {
    let m = r.median_run();
    let claim = match r.method {
        Method::ReadWrite => lang.t("low (CPU-bound)", "低（受 CPU 处理速度限制）"),
        Method::Sendfile => lang.t("high", "高（数据传输更快）"),
    };
    let (Some(rate), Some((lo, hi))) = (m.throughput_mib_s(), r.throughput_spread()) else {
        let why = match m.no_throughput() {
            Some(NoThroughput::NothingSent) => {
                lang.t("none: nothing was sent", "无：没有发送任何数据")
            }
            _ => lang.t(
                "none: the run was stopped\nbefore the end of the file",
                "无：运行在文件结束前\n被停止",
            ),
        };
        return format!("{why}\n{}", article(lang, claim));
    };
    match lang {
        Lang::En => format!(
            "{} [median of {}]\nrange {}–{}\n{:.3} s to last byte\n{}",
            format_rate(rate),
            c.runs,
            format_rate(lo),
            format_rate(hi),
            m.elapsed.as_secs_f64(),
            article(lang, claim)
        ),
        Lang::Zh => format!(
            "{}［{} 次中位数］\n范围 {}–{}\n收完最后一字节 {:.3} s\n{}",
            format_rate(rate),
            c.runs,
            format_rate(lo),
            format_rate(hi),
            m.elapsed.as_secs_f64(),
            article(lang, claim)
        ),
    }
}

fn cpu_verdict_text(v: &CpuVerdict, lang: Lang) -> String {
    match (v.ratio(), lang) {
        (Some(x), Lang::En) if x >= 1.0 => {
            format!("sendfile {:.0}% less ({x:.1}×)", (1.0 - 1.0 / x) * 100.0)
        }
        (Some(x), Lang::Zh) if x >= 1.0 => {
            format!("sendfile 少 {:.0}%（{x:.1} 倍）", (1.0 - 1.0 / x) * 100.0)
        }
        (Some(x), Lang::En) => format!("sendfile MORE here ({:.1}×)", 1.0 / x),
        (Some(x), Lang::Zh) => format!("本次 sendfile 反而更多（{:.1} 倍）", 1.0 / x),
        (None, _) => lang
            .t(
                "too short to compare (< 1 ms)",
                "时间太短，无法比较（< 1 ms）",
            )
            .to_string(),
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
    let v = CpuVerdicts::of(rw, sf);
    let cpu = match lang {
        Lang::En => format!(
            "sender: {}\nsender + consumer:\n{}",
            cpu_verdict_text(&v.sender, lang),
            cpu_verdict_text(&v.sender_and_consumer, lang)
        ),
        Lang::Zh => format!(
            "发送端：{}\n发送端 + 消费端：\n{}",
            cpu_verdict_text(&v.sender, lang),
            cpu_verdict_text(&v.sender_and_consumer, lang)
        ),
    };
    let _ = c;
    let thr = match sf
        .median_run()
        .throughput_mib_s()
        .zip(rw.median_run().throughput_mib_s())
        .and_then(|(a, b)| ratio(a, b))
    {
        Some(x) if x >= 1.0 => match lang {
            Lang::En => format!("sendfile {x:.2}× faster"),
            Lang::Zh => format!("sendfile 快 {x:.2} 倍"),
        },
        Some(x) => match lang {
            Lang::En => format!("sendfile SLOWER here\n({x:.2}×)"),
            Lang::Zh => format!("本次 sendfile 反而更慢\n（{x:.2} 倍）"),
        },
        None => lang
            .t(
                "no ratio: a run has no\nthroughput",
                "无比值：有一方\n没有吞吐量",
            )
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
            match (c.cold, c.cold_refused) {
                (true, _) => "page cache cold (file dropped before each run)".to_string(),
                (false, Some(why)) => format!(
                    "page cache WARM: --cold cannot evict this file ({})",
                    cannot_evict_text(&why, lang)
                ),
                (false, None) => "page cache warm".to_string(),
            }
        ),
        Lang::Zh => format!(
            "{heading} —— {}（{}），缓冲区 {}，每种方式 {} 次，本机回环 TCP，{}",
            c.file_path.display(),
            format_bytes(c.file_bytes),
            format_bytes(c.buffer_bytes as u64),
            c.runs,
            match (c.cold, c.cold_refused) {
                (true, _) => "页缓存冷（每次运行前清出该文件）".to_string(),
                (false, Some(why)) => format!(
                    "页缓存为热：--cold 无法清出此文件（{}）",
                    cannot_evict_text(&why, lang)
                ),
                (false, None) => "页缓存已预热".to_string(),
            }
        ),
    };
    let _ = writeln!(out, "{}", title.bold());

    let rw = c.method(Method::ReadWrite);
    let sf = c.method(Method::Sendfile);
    let both = rw.is_some() && sf.is_some();
    let mut header = vec![head(lang.t("Optimization", "优化点"))];
    for r in &c.methods {
        header.push(head(method_title(r.method, lang)));
    }
    if both {
        header.push(head(lang.t("read-write vs sendfile", "对比")));
    }
    let mut table = new_table(color, header);
    let rows = [
        lang.t("Data copies", "数据拷贝次数"),
        lang.t("Mode switches\n(user ↔ kernel)", "用户态/内核态切换"),
        lang.t("CPU usage", "CPU 占用"),
        lang.t("Throughput", "吞吐量"),
    ];
    let ratios = match (rw, sf) {
        (Some(a), Some(b)) => Some(ratio_cells(a, b, c, lang)),
        _ => None,
    };
    for (i, name) in rows.iter().enumerate() {
        let mut row = vec![head(name)];
        for r in &c.methods {
            let text = match i {
                0 => copies_cell(r, lang),
                1 => mode_cell(r, lang),
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

    // System calls, like `strace -c`, with the /proc cross-check.
    let _ = writeln!(out, "\n{}", lang.t("System calls of the sending thread (zclab's own count, median run) and the /proc cross-check:", "发送线程的系统调用（zclab 自计数，中位数那次）与 /proc 交叉核对：").bold());
    for r in &c.methods {
        let m = r.median_run();
        let t = &m.tally;
        let mut calls: Vec<String> = r
            .method
            .syscall_names()
            .iter()
            .filter(|n| t.calls(n) > 0)
            .map(|n| format!("{n} {}", group_digits(t.calls(n))))
            .collect();
        if calls.is_empty() {
            calls.push(lang.t("no calls", "没有调用").to_string());
        }
        let (want_r, want_w) = match r.method {
            Method::ReadWrite => (t.read, t.write),
            Method::Sendfile => (t.sendfile, t.sendfile),
        };
        let ok = m.sender.syscr == want_r && m.sender.syscw == want_w;
        let mark = if ok {
            lang.t("agrees", "一致").green()
        } else {
            lang.t("DIFFERS", "不一致").red()
        };
        let _ = writeln!(
            out,
            "  {:<11} {}   /proc: syscr +{} syscw +{} ({mark}){}",
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
    let mut header = vec![head(lang.t("counter", "计数器"))];
    for r in &c.methods {
        header.push(head(&format!(
            "{} {}",
            r.method.name(),
            lang.t("sender", "发送端")
        )));
    }
    for r in &c.methods {
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
        for r in &c.methods {
            row.push(Cell::new(group_digits(
                r.median_run().sender.fields()[idx].1,
            )));
        }
        for r in &c.methods {
            row.push(Cell::new(group_digits(
                r.median_run().receiver.fields()[idx].1,
            )));
        }
        counters.add_row(row);
    }
    let _ = writeln!(out, "{counters}");

    // The copy path, hop by hop.
    let _ = writeln!(out, "\n{}", lang.t("Data path of each method (the copy model; [measured] hops have a counter behind them):", "每种方式的数据路径（拷贝模型；标［实测］的一跳有计数器为证）：").bold());
    for r in &c.methods {
        let _ = writeln!(out, "  {}:", method_title(r.method, lang));
        if r.copies.is_empty() {
            let _ = writeln!(
                out,
                "    {}",
                lang.t(
                    "no data was sent: no copy happened, no hop to measure",
                    "没有发送任何数据：没有发生拷贝，也就没有可测的一跳",
                )
            );
        }
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
    } else if !any_disk && c.file_bytes > 0 {
        v.push(lang.t(
            "The file was already in the page cache (read_bytes +0), so the disk → page cache DMA did not happen during these runs; it is modelled. Kafka's consumers that keep up with producers are served the same way, straight from the page cache.",
            "文件已在页缓存中（read_bytes +0），所以磁盘 → 页缓存的 DMA 拷贝在这几次运行中没有发生，是模型。跟得上生产者的 Kafka 消费者也正是这样，直接从页缓存取数据。",
        ).to_string());
    }
    v.push(lang.t(
        "CPU usage is each thread's exact time on a CPU: the sum_exec_runtime delta in /proc/<pid>/task/<tid>/schedstat, read from another thread while the measured one was parked. The user/system split comes from getrusage, which apportions that time by 10 ms clock ticks: it is shown only for runs of 100 ms or more. A verdict compares the exact figures and says \"too short\" below 1 ms, where fixed costs are all there is. On loopback the receive side's TCP work runs on whichever thread the kernel picks (the sender right after it transmits, or the consumer in its read), so the split between the two threads moves from run to run while their sum holds: compare the sums too. Throughput is file bytes over the time until the consumer received the last byte.",
        "CPU 占用是各线程在 CPU 上的准确时间：/proc/<pid>/task/<tid>/schedstat 中 sum_exec_runtime 的增量，由另一个线程在被测线程停住时读取。用户态/内核态的拆分来自 getrusage，它按 10 ms 的时钟节拍分摊这段时间，因此只在 100 ms 以上的运行中显示。结论比较的是准确数字；不到 1 ms 时只说“时间太短”，因为这时全是固定开销。在本机回环上，接收侧的 TCP 处理落在内核选中的那个线程上（发送端发送之后顺手处理，或消费端在 read 里处理），所以两个线程之间的分配每次都不同，而两者之和是稳定的：也请比较合计。吞吐量 = 文件字节数 ÷ 消费端收到最后一个字节所用的时间。",
    ).to_string());
    if c.methods
        .iter()
        .any(|r| r.median_run().no_throughput().is_some())
    {
        v.push(lang.t(
            "A run that was stopped early, or that sent nothing, has no throughput: its time is not the time of a transfer. Per-chunk and per-call figures divide by the chunks and calls that really happened.",
            "提前停止的运行或没有发送数据的运行没有吞吐量：它的耗时不是一次传输的耗时。每块、每次调用的数字除以的是实际发生的块数和调用次数。",
        ).to_string());
    }
    v
}

/// Why `--cold` could not evict, in a few words.
fn cannot_evict_text(why: &CannotEvict, lang: Lang) -> String {
    match (why, lang) {
        (CannotEvict::MemoryFilesystem { fs }, Lang::En) => {
            format!("it is on {fs}, which keeps files in memory: there is no disk to read from")
        }
        (CannotEvict::MemoryFilesystem { fs }, Lang::Zh) => {
            format!("它位于 {fs}，文件本身就在内存中，没有可读取的磁盘")
        }
        (CannotEvict::StayedResident { resident_bytes }, Lang::En) => format!(
            "the kernel kept all {} in the page cache for 2 s of retries",
            format_bytes(*resident_bytes)
        ),
        (CannotEvict::StayedResident { resident_bytes }, Lang::Zh) => format!(
            "重试 2 秒后，内核仍把全部 {} 留在页缓存中",
            format_bytes(*resident_bytes)
        ),
    }
}

/// What a cold run shows: how much of the file came from the disk.
fn cold_note(r: &MethodResult, file_bytes: u64, lang: Lang) -> String {
    let m = r.median_run();
    let resident = m.resident_before.map(format_bytes);
    let moved = m.sender.read_bytes > 0;
    let short = m.sender.read_bytes < file_bytes;
    match lang {
        Lang::En => format!(
            "Cold run, {}: before it zclab asked the kernel to drop the file from the page cache (posix_fadvise DONTNEED) and checked with mincore{}; then read_bytes shows {} of {} coming from the disk by DMA: {}{}",
            r.method.name(),
            resident
                .map(|b| format!(" ({b} still resident)"))
                .unwrap_or_else(
                    || " (which cannot tell for a file you neither own nor may write)".into()
                ),
            format_bytes(m.sender.read_bytes),
            format_bytes(file_bytes),
            if moved {
                "that hop is measured."
            } else {
                "the counter did not move, so that hop is modelled."
            },
            if short && moved {
                " Part of the file stayed cached, so less came from disk than the file's size."
            } else {
                ""
            }
        ),
        Lang::Zh => format!(
            "冷启动运行（{}）：运行前 zclab 请内核把文件清出页缓存（posix_fadvise DONTNEED），并用 mincore 检查{}；随后 read_bytes 显示有 {} / {} 由磁盘经 DMA 读入：{}{}",
            r.method.name(),
            resident
                .map(|b| format!("（仍有 {b} 留在缓存中）"))
                .unwrap_or_else(|| "（对既不属于你、你也不能写的文件，mincore 无法判断）".into()),
            format_bytes(m.sender.read_bytes),
            format_bytes(file_bytes),
            if moved {
                "这一跳是实测的。"
            } else {
                "计数器没有变化，所以这一跳是模型。"
            },
            if short && moved {
                "部分文件仍留在缓存中，所以从磁盘读入的少于文件大小。"
            } else {
                ""
            }
        ),
    }
}
