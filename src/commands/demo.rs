//! `zclab demo nginx`: typed options, run, render, exit code.

use std::process::ExitCode;

use anyhow::Result;

use super::Global;
use crate::cli::DemoArgs;
use crate::demo::{self, DemoError, DemoOptions};
use crate::error::{self, print_stdout};
use crate::text::demo as t;
use crate::text::errors as te;

pub fn run(global: &Global, args: DemoArgs) -> Result<ExitCode> {
    let ctx = global.ctx();
    let size = crate::size::parse_size(&args.size).map_err(|e| {
        anyhow::Error::new(error::Localized::around(
            te::FLAG,
            "reason",
            &e,
            &[("flag", &format_args!("--size {}", args.size))],
        ))
    })?;
    if size == 0 || size > (1 << 30) {
        return Err(error::input_t(te::DEMO_SIZE, &[("text", &args.size)]));
    }
    let opts = DemoOptions {
        requests: args.requests,
        size,
    };
    let mut progress = |what: &error::Localized| {
        eprintln!("{}", ctx.f(t::STAGE, &[("what", &what.get(ctx.lang))]));
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
            eprintln!("{}{}", ctx.t(te::PREFIX), ctx.t(t::MISSING));
            Ok(ExitCode::from(error::EXIT_USAGE))
        }
        Err(DemoError::Interrupted) => {
            eprintln!("{}{}", ctx.t(te::PREFIX), ctx.t(t::INTERRUPTED));
            Ok(ExitCode::from(130))
        }
        Err(DemoError::Failed(e)) => {
            let why = error::message(&e, ctx.lang);
            eprintln!(
                "{}{}",
                ctx.t(te::PREFIX),
                ctx.f(t::FAILED, &[("why", &why)])
            );
            Ok(ExitCode::from(error::EXIT_FAILURE))
        }
    }
}
