//! `zclab kafka` (the demo) and `zclab kafka serve` (the broker for real
//! clients): glue between the options, the broker and the views.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use anyhow::{Context, Result};

use super::Global;
use crate::cli::{KafkaArgs, KafkaCommand, ServeArgs};
use crate::error::print_stdout;
use crate::kafka::broker::{Broker, Config, Event, MAX_FRAME_BYTES};
use crate::kafka::demo::{self, DemoOptions};
use crate::kafka::view;
use crate::lang::Lang;
use crate::methods::Method;
use crate::size::parse_size;

/// A flag set by Ctrl-C (SIGINT) or SIGTERM.
fn stop_flag() -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .context("cannot install the Ctrl-C handler")?;
    }
    Ok(stop)
}

pub fn run(global: &Global, args: KafkaArgs) -> Result<ExitCode> {
    match args.command {
        Some(KafkaCommand::Serve(s)) => serve(global, s),
        None => run_demo(global, &args),
    }
}

fn serve(global: &Global, args: ServeArgs) -> Result<ExitCode> {
    let lang = global.lang;
    let buffer_bytes = super::buffer_from(&args.buf)?;
    let log_dir = args
        .log_dir
        .clone()
        .unwrap_or_else(|| crate::sample::cache_dir().join("kafka-logs"));
    if log_dir.exists() && !log_dir.is_dir() {
        return Err(crate::error::input(format!(
            "--log-dir {}: not a folder; give a folder for the topics' segments",
            log_dir.display()
        )));
    }
    let stop = stop_flag()?;
    let method = super::method_from(args.method)?;
    if !matches!(
        method,
        crate::methods::Method::ReadWrite | crate::methods::Method::Sendfile
    ) {
        return Err(crate::error::input(format!(
            "--method {}: the broker serves fetches with read-write or sendfile (Kafka's two roads)",
            method.name()
        )));
    }
    let config = Config {
        port: args.port,
        log_dir: log_dir.clone(),
        method,
        buffer_bytes,
        max_frame_bytes: MAX_FRAME_BYTES,
        proc_counters: true,
    };
    let (broker, events) = Broker::start(config, Arc::clone(&stop))?;
    eprintln!(
        "{}",
        match lang {
            Lang::En => format!(
                "zclab broker listening on {} (fetches served with {}), log folder {}; Ctrl-C stops it",
                broker.addr,
                method.name(),
                log_dir.display()
            ),
            Lang::Zh => format!(
                "zclab Broker 正在监听 {}（Fetch 用 {} 发送），日志目录 {}；按 Ctrl-C 停止",
                broker.addr,
                method.name(),
                log_dir.display()
            ),
        }
    );
    let mut fetches = 0u64;
    loop {
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(Event::Fetch(f)) => {
                fetches += 1;
                let line = view::fetch_line(&f);
                let text = if args.json {
                    serde_json::to_string(&line)?
                } else {
                    view::render_fetch_line(&line, lang)
                };
                print_stdout(&format!("{text}\n"))?;
            }
            Ok(Event::Produce {
                client,
                topic,
                bytes,
                base_offset,
                records,
            }) => eprintln!(
                "{}",
                match lang {
                    Lang::En => format!(
                        "produce {topic}-0 ← {} ({records} records) from {client}: offsets {base_offset}..{}, written to the page cache with write()",
                        crate::size::format_bytes(bytes),
                        base_offset + records as i64 - 1
                    ),
                    Lang::Zh => format!(
                        "生产 {topic}-0 ← {}（{records} 条记录）来自 {client}：偏移量 {base_offset}..{}，用 write() 写入页缓存",
                        crate::size::format_bytes(bytes),
                        base_offset + records as i64 - 1
                    ),
                }
            ),
            Ok(Event::Refused {
                client,
                why,
                closed,
            }) => eprintln!(
                "{}",
                match (lang, closed) {
                    (Lang::En, true) => format!("refused {client}: {why}; connection closed"),
                    (Lang::En, false) => format!("refused {client}: {why}"),
                    (Lang::Zh, true) => format!("拒绝 {client}：{why}；已关闭连接"),
                    (Lang::Zh, false) => format!("拒绝 {client}：{why}"),
                }
            ),
            Ok(Event::Warning(w)) => eprintln!("{}{w}", lang.t("warning: ", "警告：")),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    broker.shutdown();
    eprintln!(
        "{}",
        match lang {
            Lang::En => format!("broker stopped after {fetches} fetches"),
            Lang::Zh => format!("Broker 已停止，共服务 {fetches} 次 Fetch"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

struct Bar {
    bar: indicatif::ProgressBar,
    lang: Lang,
}

impl demo::Progress for Bar {
    fn producing(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
    fn fetching(&mut self, method: Method, run: u32) {
        self.bar.set_message(format!(
            "{} {} {}",
            self.lang.t("fetching with", "拉取："),
            method.name(),
            run + 1
        ));
    }
}

/// Removes the demo's log folder however the demo ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_demo(global: &Global, args: &KafkaArgs) -> Result<ExitCode> {
    let lang = global.lang;
    let size = parse_size(&args.size).map_err(|e| crate::error::input(format!("--size: {e}")))?;
    if !(crate::kafka::segment::MIN_SEGMENT_BYTES..=16 << 30).contains(&size) {
        return Err(crate::error::input(format!(
            "--size {}: give between 256 B and 16 GiB",
            args.size
        )));
    }
    let buffer_bytes = super::buffer_from(&args.buf)?;
    let stop = stop_flag()?;
    let dir = crate::sample::cache_dir().join(format!("kafka-demo-{}", std::process::id()));
    let _cleanup = TempDir(dir.clone());
    let opts = DemoOptions {
        size,
        runs: args.runs,
        buffer_bytes,
        log_dir: dir,
    };
    let bar =
        crate::report::progress::bytes_bar(global.progress, size, lang.t("producing", "生产中"));
    let mut progress = Bar {
        bar: bar.clone(),
        lang,
    };
    let result = demo::run(&opts, Arc::clone(&stop), &mut progress);
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(_) if stop.load(Ordering::SeqCst) => {
            eprintln!(
                "{}",
                lang.t(
                    "interrupted; the demo's log folder was removed",
                    "已中断；演示用的日志目录已删除"
                )
            );
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e),
    };
    let v = view::demo_view(&result);
    let text = if args.json {
        let mut doc = serde_json::to_value(&v)?;
        doc["passes"] = serde_json::to_value(&result.passes)?;
        serde_json::to_string_pretty(&doc)? + "\n"
    } else {
        view::render_demo(&v, &global.ctx())
    };
    print_stdout(&text)?;
    Ok(if v.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::error::EXIT_FAILURE)
    })
}
