//! `zclab compare`: both methods side by side, the four-row table.

use std::process::ExitCode;

use anyhow::Result;
use indicatif::ProgressBar;

use super::Global;
use crate::cli::CompareArgs;
use crate::error::print_stdout;
use crate::input;
use crate::lang::Lang;
use crate::measure::{self, Progress};
use crate::methods::Method;
use crate::report::{self, progress::bytes_bar};
use crate::sample;

struct Bar {
    bar: ProgressBar,
    lang: Lang,
    file_bytes: u64,
    started: u64,
    done_before: u64,
}

impl Progress for Bar {
    fn started(&mut self, method: Method, run: u32) {
        self.done_before = self.started * self.file_bytes;
        self.started += 1;
        self.bar.set_message(format!(
            "{} {} {}",
            method.name(),
            self.lang.t("run", "第"),
            run + 1
        ));
    }
    fn tick(&mut self, bytes: u64) {
        self.bar
            .set_position(self.done_before + bytes.min(self.file_bytes));
    }
}

pub fn run(global: &Global, args: CompareArgs) -> Result<ExitCode> {
    let opts = super::compare_options(&args)?;
    let lang = global.lang;
    for (m, why) in &opts.skipped {
        eprintln!("{}", report::roads::skipped_line(*m, why, lang));
    }
    if opts.methods.is_empty() {
        return Err(anyhow::anyhow!(match lang {
            Lang::En => "no method left to run (see the line above)",
            Lang::Zh => "没有可以运行的方式了（见上一行）",
        }));
    }
    let (path, default_sample) = match args.file {
        Some(p) => (p, false),
        None => {
            let bar = bytes_bar(
                global.progress,
                sample::DEFAULT_SAMPLE_BYTES,
                lang.t("making the default sample", "生成默认样本"),
            );
            let (path, created) = sample::ensure_default_sample(&mut |n| bar.set_position(n))?;
            bar.finish_and_clear();
            let shown = path.display();
            if created {
                eprintln!(
                    "{}",
                    match lang {
                        Lang::En => format!(
                            "zclab: made the default sample (256 MiB of Kafka-like log records) at {shown}; later runs reuse it"
                        ),
                        Lang::Zh => format!(
                            "zclab：已生成默认样本（256 MiB 类 Kafka 日志记录）：{shown}，之后的运行会复用它"
                        ),
                    }
                );
            } else {
                eprintln!(
                    "{}",
                    match lang {
                        Lang::En => format!("zclab: using the default sample {shown}"),
                        Lang::Zh => format!("zclab：使用默认样本 {shown}"),
                    }
                );
            }
            (path, true)
        }
    };
    let input = input::open_regular(&path)?;
    let total = input
        .size
        .saturating_mul(opts.runs as u64)
        .saturating_mul(opts.methods.len() as u64);
    let mut bar = Bar {
        bar: bytes_bar(global.progress, total, lang.t("sending", "发送中")),
        lang,
        file_bytes: input.size,
        started: 0,
        done_before: 0,
    };
    let comparison = measure::compare(&input, default_sample, &opts, &mut bar)?;
    bar.bar.finish_and_clear();
    if comparison.cold {
        // KERNEL-FACTS: after a sendfile over loopback the last pages can
        // stay pinned by socket buffers and survive the eviction.
        let stuck: Vec<String> = comparison
            .methods
            .iter()
            .flat_map(|r| r.runs.iter())
            .filter_map(|run| {
                run.resident_before
                    .filter(|&b| b > 0)
                    .map(|b| (run.method, b))
            })
            .map(|(m, b)| format!("{} {}", m.name(), crate::size::format_bytes(b)))
            .collect();
        if !stuck.is_empty() {
            eprintln!(
                "{}",
                match lang {
                    Lang::En => format!(
                        "zclab: warning: part of the file stayed in the page cache after eviction in {} run(s) ({}): pages still pinned by the last transfer's socket buffers; only the rest was read from disk (see read_bytes)",
                        stuck.len(),
                        stuck.join(", ")
                    ),
                    Lang::Zh => format!(
                        "zclab：警告：有 {} 次运行在清除页缓存后仍有部分文件留在缓存中（{}）：页面仍被上一次传输的 socket 缓冲区占用；只有其余部分从磁盘读入（见 read_bytes）",
                        stuck.len(),
                        stuck.join("，")
                    ),
                }
            );
        }
    }

    // --verify runs after the measured runs: the tracer waits for any
    // child, so nothing else of ours may be running meanwhile.
    let verification = if args.verify {
        if global.progress {
            eprintln!(
                "{}",
                lang.t(
                    "zclab: re-running each method under the ptrace tracer (--verify)…",
                    "zclab：在 ptrace 跟踪器下把每种方式再跑一次（--verify）……",
                )
            );
        }
        Some(crate::verify::verify(
            &input.path,
            &opts.methods,
            opts.buffer_bytes,
        )?)
    } else {
        None
    };
    let text = if args.json {
        let text = report::json::comparison(&comparison)?;
        match &verification {
            Some(v) => report::count::add_verify_json(&text, v)?,
            None => text,
        }
    } else {
        let mut text = report::table::comparison(&comparison, lang, global.color);
        if let Some(v) = &verification {
            text.push_str(&report::count::verify_table(v, lang, global.color));
        }
        text
    };
    print_stdout(&text)?;
    if verification.as_ref().is_some_and(|v| !v.agrees()) {
        eprintln!(
            "{}",
            lang.t(
                "zclab: --verify: the tracer's counts DIFFER from zclab's own (see the table)",
                "zclab：--verify：跟踪器的计数与 zclab 自计数不一致（见上表）",
            )
        );
        return Ok(ExitCode::from(crate::error::EXIT_FAILURE));
    }
    if comparison.verified() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}", lang.t(
            "zclab: a run was NOT verified: the receiver did not get the file byte for byte (see the table)",
            "zclab：有一次运行未通过校验：接收端收到的数据与文件不一致（见上表）",
        ));
        Ok(ExitCode::from(crate::error::EXIT_FAILURE))
    }
}
