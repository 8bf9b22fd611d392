//! `zclab kafka` (the demo) and `zclab kafka serve` (the broker for real
//! clients): glue between the options, the broker and the views.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use anyhow::Result;

use super::Global;
use crate::cli::{KafkaArgs, KafkaCommand, ServeArgs};
use crate::error::{ContextT, Localized, input_t, print_stdout};
use crate::kafka::broker::{Broker, Config, Event, MAX_FRAME_BYTES};
use crate::kafka::demo::{self, DemoOptions};
use crate::kafka::view;
use crate::methods::Method;
use crate::size::parse_size;
use crate::text::kafka as t;

/// A flag set by Ctrl-C (SIGINT) or SIGTERM.
fn stop_flag() -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    crate::cleanup::signals_handled_by_caller();
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop)).context_t(t::CTRL_C_HANDLER, &[])?;
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
    let buffer_bytes = super::buffer_from(&args.buf)?;
    let log_dir = args
        .log_dir
        .clone()
        .unwrap_or_else(|| crate::sample::cache_dir().join("kafka-logs"));
    if log_dir.exists() && !log_dir.is_dir() {
        return Err(input_t(
            t::LOG_DIR_NOT_FOLDER,
            &[("path", &log_dir.display())],
        ));
    }
    let stop = stop_flag()?;
    let method = super::method_from(args.method)?;
    if !matches!(
        method,
        crate::methods::Method::ReadWrite | crate::methods::Method::Sendfile
    ) {
        return Err(input_t(t::METHOD_NOT_SERVED, &[("method", &method.name())]));
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
    let ctx = global.ctx();
    eprintln!(
        "{}",
        ctx.f(
            t::LISTENING,
            &[
                ("addr", &broker.addr),
                ("method", &method.name()),
                ("dir", &log_dir.display()),
            ],
        )
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
                    view::render_fetch_line(&line, &ctx)
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
                ctx.f(
                    t::PRODUCE_LINE,
                    &[
                        ("partition", &format!("{topic}-0")),
                        ("bytes", &crate::size::format_bytes(bytes)),
                        ("records", &records),
                        ("client", &client),
                        ("first", &base_offset),
                        ("last", &(base_offset + records as i64 - 1)),
                    ],
                )
            ),
            Ok(Event::Refused {
                client,
                why,
                closed,
            }) => eprintln!(
                "{}",
                ctx.f(
                    if closed {
                        t::REFUSED_CLOSED
                    } else {
                        t::REFUSED
                    },
                    &[("client", &client), ("why", &why.get(ctx.lang))],
                )
            ),
            Ok(Event::Warning(w)) => {
                eprintln!("{}", ctx.f(t::WARNING, &[("what", &w.get(ctx.lang))]))
            }
            Ok(Event::Connected { .. }) => {}
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    broker.shutdown();
    eprintln!("{}", ctx.f(t::STOPPED, &[("fetches", &fetches)]));
    Ok(ExitCode::SUCCESS)
}

struct Bar {
    bar: indicatif::ProgressBar,
    ctx: crate::ctx::Ctx,
}

impl demo::Progress for Bar {
    fn producing(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
    fn fetching(&mut self, method: Method, run: u32) {
        self.bar.set_message(self.ctx.f(
            t::DEMO_FETCHING,
            &[("method", &method.name()), ("run", &(run + 1))],
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

/// The demo's options from its arguments, checked (also by `lesson --check`).
pub fn demo_options(args: &KafkaArgs, log_dir: PathBuf) -> Result<DemoOptions> {
    let size = parse_size(&args.size).map_err(|e| {
        anyhow::Error::new(Localized::around(
            crate::text::errors::FLAG,
            "reason",
            &e,
            &[("flag", &"--size")],
        ))
    })?;
    if !(crate::kafka::segment::MIN_SEGMENT_BYTES..=16 << 30).contains(&size) {
        return Err(input_t(t::SIZE_RANGE, &[("text", &args.size)]));
    }
    Ok(DemoOptions {
        size,
        runs: args.runs,
        buffer_bytes: super::buffer_from(&args.buf)?,
        log_dir,
    })
}

fn demo_dir() -> PathBuf {
    crate::sample::cache_dir().join(format!("kafka-demo-{}", std::process::id()))
}

/// The demo as a lesson runs it: the table and the JSON document.
pub fn demo_for_lesson(
    args: &KafkaArgs,
    ctx: &crate::ctx::Ctx,
) -> Result<(String, serde_json::Value)> {
    let dir = demo_dir();
    let _cleanup = TempDir(dir.clone());
    let opts = demo_options(args, dir)?;
    let result = demo::run(&opts, Arc::new(AtomicBool::new(false)), &mut NoProgress)?;
    let v = view::demo_view(&result);
    if !v.verified {
        return Err(crate::error::fail_t(t::DEMO_NOT_INTACT, &[]));
    }
    let mut json = serde_json::to_value(&v)?;
    json["passes"] = serde_json::to_value(&result.passes)?;
    Ok((view::render_demo(&v, ctx), json))
}

struct NoProgress;

impl demo::Progress for NoProgress {
    fn producing(&mut self, _: u64, _: u64) {}
    fn fetching(&mut self, _: Method, _: u32) {}
}

fn run_demo(global: &Global, args: &KafkaArgs) -> Result<ExitCode> {
    let dir = demo_dir();
    let opts = demo_options(args, dir.clone())?;
    let size = opts.size;
    let stop = stop_flag()?;
    let _cleanup = TempDir(dir);
    let bar = crate::report::progress::bytes_bar(
        global.progress,
        size,
        global.ctx().t(t::DEMO_PRODUCING),
    );
    let mut progress = Bar {
        bar: bar.clone(),
        ctx: global.ctx(),
    };
    let result = demo::run(&opts, Arc::clone(&stop), &mut progress);
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(_) if stop.load(Ordering::SeqCst) => {
            eprintln!("{}", global.ctx().t(t::DEMO_INTERRUPTED));
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
