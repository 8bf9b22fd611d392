//! `zclab demo nginx`: typed options, run, render, exit code.

use std::process::ExitCode;

use anyhow::Result;

use super::Global;
use crate::cli::DemoArgs;
use crate::demo::{self, DemoError, DemoOptions};
use crate::error::{self, print_stdout};
use crate::text::demo as t;

pub fn run(global: &Global, args: DemoArgs) -> Result<ExitCode> {
    let ctx = global.ctx();
    let size = crate::size::parse_size(&args.size)
        .map_err(|e| error::input(format!("--size {}: {e}", args.size)))?;
    if size == 0 || size > (1 << 30) {
        return Err(error::input(format!(
            "--size {}: give a size from 1 byte to 1 GiB, e.g. 4MiB",
            args.size
        )));
    }
    let opts = DemoOptions {
        requests: args.requests,
        size,
    };
    let mut progress = |what: &str| {
        eprintln!("{}", ctx.f(t::STAGE, &[("what", &what)]));
    };
    match demo::run(opts, &mut progress) {
        Ok(outcome) => {
            let text = if args.json {
                demo::render::demo_json(&outcome)?
            } else {
                demo::render::demo_text(&outcome, &ctx)
            };
            print_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(DemoError::NginxMissing) => {
            eprintln!("zclab: {}", ctx.t(t::MISSING));
            Ok(ExitCode::from(error::EXIT_USAGE))
        }
        Err(DemoError::Interrupted) => {
            eprintln!("zclab: {}", ctx.t(t::INTERRUPTED));
            Ok(ExitCode::from(130))
        }
        Err(DemoError::Failed(e)) => {
            eprintln!("zclab: {}", ctx.f(t::FAILED, &[("why", &format!("{e:#}"))]));
            Ok(ExitCode::from(error::EXIT_FAILURE))
        }
    }
}
