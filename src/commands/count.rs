//! `zclab count -- CMD ARGS…`: trace any command, print its system calls
//! like `strace -c`, and exit with the command's own status.

use std::fs::OpenOptions;
use std::os::fd::AsRawFd;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Global;
use crate::error::print_stdout;
use crate::report;
use crate::tracer::{self, TraceOptions};

/// Typed options for `count`; built from the clap struct in `cli`.
#[derive(Clone, Debug)]
pub struct CountOptions {
    pub command: Vec<std::ffi::OsString>,
    pub json: bool,
    pub hide_output: bool,
}

pub fn run(global: &Global, opts: CountOptions) -> Result<ExitCode> {
    let lang = global.lang;
    // With --json our stdout carries one document; the command's own output
    // goes to stderr so that the document stays parseable. --hide-output
    // sends it to /dev/null (the command still makes its write calls).
    let null = if opts.hide_output {
        Some(
            OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .context("cannot open /dev/null")?,
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
            eprintln!("zclab: {}", report::count::trace_error(&e, lang));
            return Ok(ExitCode::from(clamp_code(e.exit_code())));
        }
    };
    let text = if opts.json {
        report::count::count_json(&opts.command, &outcome)?
    } else {
        report::count::count_table(&opts.command, &outcome, &global.ctx())
    };
    print_stdout(&text)?;
    Ok(ExitCode::from(clamp_code(outcome.status.shell_exit_code())))
}

fn clamp_code(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(u8::MAX)
}
