//! `zclab count -- CMD ARGS…`: trace any command, print its system calls
//! like `strace -c`, and exit with the command's own status.
//! `zclab count --pid PID[,PID…] [--for DURATION]`: attach to running
//! processes instead, count until Ctrl-C, the deadline or their exit, and
//! detach leaving them running.

use std::fs::OpenOptions;
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use super::Global;
use crate::error::{self, ContextT, print_stdout};
use crate::report;
use crate::text;
use crate::tracer::{self, TraceOptions};
use crate::view::count::CountView;

/// Typed options for `count`; built from the clap struct in `cli`.
#[derive(Clone, Debug)]
pub struct CountOptions {
    pub command: Vec<std::ffi::OsString>,
    pub json: bool,
    pub hide_output: bool,
    /// `--pid`, as typed.
    pub pid: Option<String>,
    /// `--for`, as typed.
    pub for_duration: Option<String>,
}

pub fn run(global: &Global, opts: CountOptions) -> Result<ExitCode> {
    if let Some(pids) = &opts.pid {
        return run_attached(global, pids, opts.for_duration.as_deref(), opts.json);
    }
    let ctx = global.ctx();
    // With --json our stdout carries one document; the command's own output
    // goes to stderr so that the document stays parseable. --hide-output
    // sends it to /dev/null (the command still makes its write calls).
    let null = if opts.hide_output {
        Some(
            OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .context_t(text::errors::DEV_NULL, &[])?,
        )
    } else {
        None
    };
    let trace_opts = TraceOptions {
        stdout: match &null {
            Some(f) => Some(f.as_raw_fd()),
            None if opts.json => Some(2),
            None => None,
        },
        stderr: None,
    };
    let outcome = match tracer::trace_command(&opts.command, &trace_opts) {
        Ok(o) => o,
        Err(e) => {
            // 127/126 like a shell for a command that cannot run, so scripts
            // can tell "not found" from the command's own failures.
            eprintln!(
                "{}{}",
                ctx.t(text::errors::PREFIX),
                report::count::trace_error(&e, &ctx)
            );
            return Ok(ExitCode::from(clamp_code(e.exit_code())));
        }
    };
    let view = CountView::new(&opts.command, &outcome);
    let text = if opts.json {
        report::json::document(&view)?
    } else if null.is_none() && outcome.output_end.needs_newline() {
        // The command wrote to this same stdout and its output did not end
        // with a newline (`printf x`, a binary file): start the report on a
        // line of its own.
        format!("\n{}", report::count::render(&view, &ctx))
    } else {
        report::count::render(&view, &ctx)
    };
    match print_stdout(&text) {
        Ok(()) => {}
        // The promise is the command's own status, whatever happened to
        // our stdout (`zclab count -- cmd | head -1`).
        Err(e) if e.chain().any(|c| c.is::<crate::error::StdoutClosed>()) => {}
        Err(e) => return Err(e),
    }
    Ok(ExitCode::from(clamp_code(outcome.status.shell_exit_code())))
}

fn clamp_code(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(u8::MAX)
}

fn run_attached(
    global: &Global,
    pids: &str,
    for_duration: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    let ctx = global.ctx();
    let pids = parse_pids(pids)?;
    let duration = for_duration.map(parse_for).transpose()?;
    let guard = tracer::StopOnSignal::install().context_t(text::errors::CTRL_C_HANDLER, &[])?;
    let stops = [guard.flag()];
    let opts = tracer::AttachOptions {
        duration,
        stop: &stops,
    };
    let mut banner = |targets: &[tracer::AttachedTarget]| {
        eprintln!(
            "{}",
            report::attach::attached_banner(targets, duration.map(|d| d.as_secs_f64()), &ctx)
        );
    };
    let outcome = match tracer::attach(&pids, &opts, &mut banner) {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "{}{}",
                ctx.t(text::errors::PREFIX),
                report::attach::attach_error(&e, &ctx)
            );
            return Ok(ExitCode::from(clamp_code(e.exit_code())));
        }
    };
    drop(guard);
    let text = if json {
        report::attach::attach_json(&outcome)?
    } else {
        report::attach::attach_table(&outcome, &global.ctx())
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `1234` or `1234,1240`: positive process ids.
fn parse_pids(text: &str) -> Result<Vec<i32>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let p = part.trim();
        match p.parse::<i32>() {
            Ok(n) if n > 0 => out.push(n),
            _ => {
                return Err(error::input_t(
                    text::errors::NOT_A_PID,
                    &[("text", &text), ("part", &p)],
                ));
            }
        }
    }
    Ok(out)
}

/// `10s`, `500ms`, `2m`, `1.5s` or a bare number of seconds; at most a day.
pub(crate) fn parse_for(text: &str) -> Result<Duration> {
    let t = text.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * scale <= 86_400.0 => {
            Ok(Duration::from_secs_f64(v * scale))
        }
        _ => Err(error::input_t(
            text::errors::FOR_DURATION,
            &[("text", &text)],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_for("10s").ok(), Some(Duration::from_secs(10)));
        assert_eq!(parse_for("500ms").ok(), Some(Duration::from_millis(500)));
        assert_eq!(parse_for("2m").ok(), Some(Duration::from_secs(120)));
        assert_eq!(parse_for("1.5").ok(), Some(Duration::from_millis(1500)));
        for bad in ["0", "-1s", "ten", "", "2d", "25h"] {
            assert!(parse_for(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pid_lists() {
        assert_eq!(parse_pids("1234").ok(), Some(vec![1234]));
        assert_eq!(parse_pids("1234, 1240").ok(), Some(vec![1234, 1240]));
        for bad in ["", "0", "-3", "12x", "1,,2"] {
            assert!(parse_pids(bad).is_err(), "{bad}");
        }
    }
}
