//! From parsed arguments to typed options to the work: one function per
//! subcommand. This is the only layer that knows both clap and the rest.

use std::process::ExitCode;

use anyhow::Result;
use clap::FromArgMatches;

use crate::cli::{Cli, ColorArg, Command, LangArg, MethodArg};
use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::methods::Method;
use crate::style::{self, ColorChoice};

mod compare;
mod count;
mod demo;
pub mod help;
mod kafka;
mod lesson;
mod sample;
mod sweep;
mod trace;

/// Settings every subcommand shares.
#[derive(Clone, Copy, Debug)]
pub struct Global {
    pub lang: Lang,
    /// `--lang` was given (the lessons remember it; the environment's
    /// language does not override a student's choice).
    pub lang_explicit: bool,
    pub color: bool,
    pub progress: bool,
    /// Display columns to lay out for, decided once ([`style::output_width`]).
    pub width: usize,
}

impl Global {
    /// The render context every renderer takes.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            lang: self.lang,
            color: self.color,
            width: self.width,
        }
    }
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = help::language_of_args(&args);
    let matches = help::command(early)
        .try_get_matches_from(args)
        .unwrap_or_else(|e| help::exit_with(e, early));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    crate::loopback::init(crate::loopback::Settings::from_env());
    let lang = match cli.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) => Lang::Zh,
        None => Lang::from_env(),
    };
    crate::lang::set_chosen(lang);
    let choice = match cli.color {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    };
    let color = style::color_enabled(choice);
    style::apply(color);
    let global = Global {
        lang,
        lang_explicit: cli.lang.is_some(),
        color,
        progress: style::progress_enabled(),
        width: style::output_width(),
    };
    match cli.command {
        Command::Compare(args) => compare::run(&global, args),
        Command::Sample(args) => sample::run(&global, args),
        Command::Trace(args) => trace::run(&global, args),
        Command::Lesson(args) => lesson::run(&global, args),
        Command::Sweep(args) => sweep::run(&global, args),
        Command::Kafka(args) => kafka::run(&global, args),
        Command::Count(args) => count::run(
            &global,
            count::CountOptions {
                command: args.command,
                json: args.json,
                hide_output: args.hide_output,
                pid: args.pid,
                for_duration: args.for_duration,
            },
        ),
        Command::Demo(args) => demo::run(&global, args),
    }
}

/// The methods named on the command line, in order, without repeats;
/// the article's two when none is named, every one for `all`.
pub fn methods_from(args: &[MethodArg]) -> Vec<Method> {
    if args.is_empty() {
        return Method::ALL.to_vec();
    }
    let mut out = Vec::new();
    for &a in args {
        let named: &[Method] = match a {
            MethodArg::All => &Method::EVERY,
            one => &[one_method(one)],
        };
        for &m in named {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// Takes out of `methods` those that cannot run here (io-uring where
/// io_uring is switched off), with the reason.
pub fn skip_unavailable(
    methods: &mut Vec<Method>,
) -> Vec<(Method, crate::methods::io_uring::Unavailable)> {
    let mut skipped = Vec::new();
    if methods.contains(&Method::IoUring)
        && let Err(why) = crate::methods::io_uring::available()
    {
        methods.retain(|&m| m != Method::IoUring);
        skipped.push((Method::IoUring, why));
    }
    skipped
}

/// The typed options of `compare` (shared by the lessons' runs).
pub fn compare_options(args: &crate::cli::CompareArgs) -> Result<crate::measure::CompareOptions> {
    Ok(crate::measure::CompareOptions {
        methods: methods_from(&args.method),
        buffer_bytes: buffer_from(&args.buf)?,
        runs: args.runs,
        cold: args.cold,
        faults: crate::harness::Faults::from_env(),
    })
}

/// The one method named by `trace --method` (`all` is for compare).
pub fn method_from(arg: MethodArg) -> Result<Method> {
    if arg == MethodArg::All {
        return Err(crate::error::input_t(
            crate::text::errors::TRACE_ONE_METHOD,
            &[],
        ));
    }
    Ok(one_method(arg))
}

fn one_method(arg: MethodArg) -> Method {
    match arg {
        MethodArg::ReadWrite | MethodArg::All => Method::ReadWrite,
        MethodArg::Sendfile => Method::Sendfile,
        MethodArg::Mmap => Method::Mmap,
        MethodArg::Splice => Method::Splice,
        MethodArg::MsgZerocopy => Method::MsgZerocopy,
        MethodArg::IoUring => Method::IoUring,
    }
}

/// Parses `--buf`: 1 byte to 64 MiB.
pub fn buffer_from(text: &str) -> Result<usize> {
    use crate::error::Localized;
    use crate::text::errors as t;
    let n = crate::size::parse_size(text).map_err(|e| {
        anyhow::Error::new(Localized::around(
            t::FLAG,
            "reason",
            &e,
            &[("flag", &"--buf")],
        ))
    })?;
    if n == 0 || n > 64 << 20 {
        return Err(crate::error::input_t(t::BUF_RANGE, &[("text", &text)]));
    }
    Ok(n as usize)
}
