//! `zclab trace`: the step-by-step walk, paced for a classroom.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use super::{Global, buffer_from, method_from};
use crate::cli::TraceArgs;
use crate::error::{self, print_stdout};
use crate::input;
use crate::lang::Lang;
use crate::methods::Flow;
use crate::report;
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
        _ => Err(error::input(format!(
            "--auto {text}: not a duration; write e.g. 800ms, 2s or 1.5s (at most an hour)"
        ))),
    }
}

fn key_hints(pace: Pace, lang: Lang) -> &'static str {
    match pace {
        Pace::Auto(_) => lang.t(
            "autoplay · a: pause · q: quit",
            "自动播放中 · a：暂停 · q：退出",
        ),
        _ => lang.t(
            "Enter/space: next step · a: autoplay · q: quit",
            "回车/空格：下一步 · a：自动播放 · q：退出",
        ),
    }
}

/// Waits between steps; returns whether to go on.
fn wait(pace: &mut Pace, auto: Duration, lang: Lang) -> Result<Flow> {
    if *pace == Pace::AllAtOnce {
        return Ok(Flow::Continue);
    }
    print_stdout(&format!("{}\n", key_hints(*pace, lang)))?;
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
                print_stdout(&format!("{}\n", key_hints(*pace, lang)))?;
            }
            _ => {}
        }
    }
}

pub fn run(global: &Global, args: TraceArgs) -> Result<ExitCode> {
    let lang = global.lang;
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

    if !args.json {
        let intro = match lang {
            Lang::En => format!(
                "zclab trace — {} via {}, {} ({} bytes), buffer {}\nEach step is one real system call on the sending thread; /proc is read before and after it from another thread.",
                path.display(),
                opts.method.name(),
                crate::size::format_bytes(input.size),
                input.size,
                crate::size::format_bytes(opts.buffer_bytes as u64)
            ),
            Lang::Zh => format!(
                "zclab trace —— {}，方式 {}，{}（{} 字节），缓冲区 {}\n每一步都是发送线程真实发出的一次系统调用；/proc 在调用前后由另一个线程读取。",
                path.display(),
                opts.method.name(),
                crate::size::format_bytes(input.size),
                input.size,
                crate::size::format_bytes(opts.buffer_bytes as u64)
            ),
        };
        let mut text = format!("{intro}\n");
        if default_sample {
            text.push_str(&match lang {
                Lang::En => format!("(the built-in 16 KiB sample, kept at {})\n", path.display()),
                Lang::Zh => format!("（内置 16 KiB 样本，保存在 {}）\n", path.display()),
            });
        }
        let shown_at_most = args
            .chunks
            .map(|c| c.saturating_mul(2).saturating_add(1))
            .unwrap_or(u64::MAX);
        if expected_calls > opts.max_steps && shown_at_most > opts.max_steps {
            text.push_str(&match lang {
                Lang::En => format!(
                    "Note: this file takes about {expected_calls} calls; only the first {} are shown, the rest are sent unwatched. Use --chunks N to stop early or --max-steps N to see more.\n",
                    opts.max_steps
                ),
                Lang::Zh => format!(
                    "注意：这个文件大约需要 {expected_calls} 次调用，只展示前 {} 次，其余照常发送但不展示。用 --chunks N 提前停止，或用 --max-steps N 查看更多。\n",
                    opts.max_steps
                ),
            });
        }
        if opts.method == crate::methods::Method::Sendfile && args.buf != "4096" {
            text.push_str(lang.t(
                "(--buf does not matter to sendfile: it has no user buffer)\n",
                "（--buf 对 sendfile 没有意义：它没有用户缓冲区）\n",
            ));
        }
        text.push('\n');
        print_stdout(&text)?;
    }

    let json = args.json;
    let result = walk::run(&opts, &input, &mut |step| {
        if json {
            return Ok(Flow::Continue);
        }
        print_stdout(&format!(
            "{}\n",
            render::step(step, opts.method, expected_calls, lang)
        ))?;
        wait(&mut pace, auto.unwrap_or(DEFAULT_AUTO), lang)
    })?;
    drop(_raw);

    let summary = CompareView::new(&result.summary(&input, default_sample));
    let ctx = global.ctx();
    if json {
        print_stdout(&walk::json::trace(&result, &summary)?)?;
    } else {
        let mut text = render::ending(&result, input.size, lang);
        text.push('\n');
        text.push_str(&report::compare::render(
            &summary,
            &ctx,
            ctx.t(text::walk::SUMMARY_HEADING),
            report::compare::Detail::Full,
        ));
        text.push_str(&ctx.wrap(ctx.t(text::walk::PAUSES_NOTE), "", 0));
        text.push('\n');
        print_stdout(&text)?;
    }
    let complete = !result.quit && !result.outcome.tally.stopped_early;
    if complete && !result.outcome.verified {
        eprintln!(
            "{}",
            lang.t(
                "zclab: the run was NOT verified: the receiver did not get the file byte for byte",
                "zclab：本次运行未通过校验：接收端收到的数据与文件不一致",
            )
        );
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
