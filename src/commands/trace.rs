//! `zclab trace`: the step-by-step walk, paced for a classroom.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use super::{Global, buffer_from, method_from};
use crate::cli::TraceArgs;
use crate::ctx::Ctx;
use crate::error::{self, print_stdout};
use crate::input;
use crate::methods::Flow;
use crate::sample;
use crate::terminal::{self, Key, RawMode};
use crate::text;
use crate::view::compare::CompareView;
use crate::walk::{self, WalkOptions, render};

/// How steps follow each other.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pace {
    /// No terminal to wait on: print everything at once.
    AllAtOnce,
    /// Wait for a key after each step.
    Manual,
    /// Go on by itself after a pause.
    Auto(Duration),
}

const DEFAULT_AUTO: Duration = Duration::from_millis(800);

/// Parses `800ms`, `2s`, `1.5s` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration> {
    let t = text.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v * scale <= 3600.0 => {
            Ok(Duration::from_secs_f64(v * scale))
        }
        _ => Err(error::input_t(
            text::errors::AUTO_DURATION,
            &[("text", &text)],
        )),
    }
}

fn key_hints(pace: Pace, ctx: &Ctx) -> &'static str {
    ctx.t(match pace {
        Pace::Auto(_) => text::walk::KEYS_AUTO,
        _ => text::walk::KEYS_MANUAL,
    })
}

/// Waits between steps; returns whether to go on.
fn wait(pace: &mut Pace, auto: Duration, ctx: &Ctx) -> Result<Flow> {
    if *pace == Pace::AllAtOnce {
        return Ok(Flow::Continue);
    }
    print_stdout(&format!("{}\n", key_hints(*pace, ctx)))?;
    loop {
        let key = match *pace {
            Pace::Auto(d) => match terminal::read_key_timeout(d)? {
                None => return Ok(Flow::Continue),
                Some(k) => k,
            },
            _ => terminal::read_key()?,
        };
        match key {
            Key::Enter | Key::Space | Key::Right => return Ok(Flow::Continue),
            Key::Char('q') | Key::Char('Q') | Key::Interrupt => return Ok(Flow::Stop),
            Key::Char('a') | Key::Char('A') => {
                *pace = match *pace {
                    Pace::Auto(_) => Pace::Manual,
                    _ => Pace::Auto(auto),
                };
                if let Pace::Auto(_) = pace {
                    return Ok(Flow::Continue);
                }
                print_stdout(&format!("{}\n", key_hints(*pace, ctx)))?;
            }
            _ => {}
        }
    }
}

/// The lines before the first step: what runs, and what the student will
/// and will not see.
fn intro(
    ctx: &Ctx,
    opts: &WalkOptions,
    input: &crate::input::InputFile,
    default_sample: bool,
    expected_calls: u64,
    limited: bool,
    buf_ignored: bool,
) -> String {
    use crate::size::format_bytes;
    let mut lines = vec![
        ctx.f(
            text::walk::INTRO,
            &[
                ("path", &input.path.display()),
                ("method", &opts.method.name()),
                ("size", &format_bytes(input.size)),
                ("bytes", &input.size),
                ("buffer", &format_bytes(opts.buffer_bytes as u64)),
            ],
        ),
        ctx.t(text::walk::INTRO_HOW).to_string(),
    ];
    if default_sample {
        lines.push(ctx.f(text::walk::INTRO_SAMPLE, &[("path", &input.path.display())]));
    }
    if limited {
        lines.push(ctx.f(
            text::walk::INTRO_LIMIT,
            &[("calls", &expected_calls), ("max", &opts.max_steps)],
        ));
    }
    if buf_ignored {
        lines.push(ctx.t(text::walk::INTRO_BUF_SENDFILE).to_string());
    }
    let mut out: String = lines
        .iter()
        .map(|l| format!("{}\n", ctx.wrap(l, "", 0)))
        .collect();
    out.push('\n');
    out
}

pub fn run(global: &Global, args: TraceArgs) -> Result<ExitCode> {
    let opts = WalkOptions {
        method: method_from(args.method)?,
        buffer_bytes: buffer_from(&args.buf)?,
        chunks: args.chunks,
        max_steps: args.max_steps,
    };
    let auto = args.auto.as_deref().map(parse_duration).transpose()?;
    let (path, default_sample) = match args.file {
        Some(p) => (p, false),
        None => {
            let (p, _) = sample::ensure_small_sample()?;
            (p, true)
        }
    };
    let input = input::open_regular(&path)?;
    let expected_calls = walk::expected_calls(opts.method, input.size, opts.buffer_bytes);

    let mut pace = if args.json || !terminal::interactive() {
        Pace::AllAtOnce
    } else {
        match auto {
            Some(d) => Pace::Auto(d),
            None => Pace::Manual,
        }
    };
    // Restores the terminal on every way out of this function.
    let _raw = match pace {
        Pace::AllAtOnce => None,
        _ => Some(RawMode::enter()?),
    };

    let ctx = global.ctx();
    if !args.json {
        let shown_at_most = args
            .chunks
            .map(|c| c.saturating_mul(2).saturating_add(1))
            .unwrap_or(u64::MAX);
        let limited = expected_calls > opts.max_steps && shown_at_most > opts.max_steps;
        let buf_ignored = opts.method == crate::methods::Method::Sendfile && args.buf != "4096";
        print_stdout(&intro(
            &ctx,
            &opts,
            &input,
            default_sample,
            expected_calls,
            limited,
            buf_ignored,
        ))?;
    }

    let json = args.json;
    let result = walk::run(&opts, &input, &mut |step| {
        if json {
            return Ok(Flow::Continue);
        }
        print_stdout(&format!(
            "{}\n",
            render::step(step, opts.method, expected_calls, &ctx)
        ))?;
        wait(&mut pace, auto.unwrap_or(DEFAULT_AUTO), &ctx)
    })?;
    drop(_raw);

    let summary = CompareView::new(&result.summary(&input, default_sample));
    if json {
        print_stdout(&walk::json::trace(&result, &summary)?)?;
    } else {
        print_stdout(&render::render_trace_run(&result, &summary, &ctx))?;
    }
    let complete = !result.quit && !result.outcome.tally.stopped_early;
    if complete && !result.outcome.verified {
        eprintln!("{}", ctx.t(text::walk::NOT_VERIFIED));
        return Ok(ExitCode::from(error::EXIT_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("800ms").ok(),
            Some(Duration::from_millis(800))
        );
        assert_eq!(parse_duration("2s").ok(), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_duration("1.5").ok(),
            Some(Duration::from_millis(1500))
        );
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("2h").is_err());
    }
}
