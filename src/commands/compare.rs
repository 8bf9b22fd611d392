//! `zclab compare`: both methods side by side, the four-row table.

use std::process::ExitCode;

use anyhow::Result;
use indicatif::ProgressBar;

use super::Global;
use crate::cli::CompareArgs;
use crate::ctx::Ctx;
use crate::error::print_stdout;
use crate::input;
use crate::measure::{self, Progress};
use crate::methods::Method;
use crate::report::compare::Detail;
use crate::report::{self, progress::bytes_bar};
use crate::sample;
use crate::size::format_bytes;
use crate::text::{common, compare as t};
use crate::view::compare::CompareView;
use crate::view::verify::VerifyView;

struct Bar {
    bar: ProgressBar,
    ctx: Ctx,
    file_bytes: u64,
    started: u64,
    done_before: u64,
}

impl Progress for Bar {
    fn started(&mut self, method: Method, run: u32) {
        self.done_before = self.started * self.file_bytes;
        self.started += 1;
        self.bar.set_message(self.ctx.f(
            t::PROGRESS_RUN,
            &[("method", &method.name()), ("n", &(run + 1))],
        ));
    }
    fn tick(&mut self, bytes: u64) {
        self.bar
            .set_position(self.done_before + bytes.min(self.file_bytes));
    }
}

/// The file to send: the user's, or the default sample (made on first use).
fn input_path(
    global: &Global,
    ctx: &Ctx,
    file: Option<std::path::PathBuf>,
) -> Result<(std::path::PathBuf, bool)> {
    if let Some(p) = file {
        return Ok((p, false));
    }
    let bar = bytes_bar(
        global.progress,
        sample::DEFAULT_SAMPLE_BYTES,
        ctx.t(t::PROGRESS_MAKING_SAMPLE),
    );
    let (path, created) = sample::ensure_default_sample(&mut |n| bar.set_position(n))?;
    bar.finish_and_clear();
    let shown = path.display();
    let text = if created {
        t::MADE_SAMPLE
    } else {
        t::USING_SAMPLE
    };
    eprintln!("{}", ctx.f(text, &[("path", &shown)]));
    Ok((path, true))
}

pub fn run(global: &Global, args: CompareArgs) -> Result<ExitCode> {
    let mut opts = super::compare_options(&args)?;
    if let Some(page) = &args.html {
        super::sweep::check_html_target(page)?;
    }
    let ctx = global.ctx();
    for (m, why) in &super::skip_unavailable(&mut opts.methods) {
        eprintln!(
            "{}",
            crate::report::compare::roads::skipped_line(*m, why, &ctx)
        );
    }
    if opts.methods.is_empty() {
        return Err(crate::error::fail_t(
            crate::text::roads::NO_METHOD_LEFT,
            &[],
        ));
    }
    let (path, default_sample) = input_path(global, &ctx, args.file.clone())?;
    let input = input::open_regular(&path)?;
    let total = input
        .size
        .saturating_mul(opts.runs as u64)
        .saturating_mul(opts.methods.len() as u64);
    let mut bar = Bar {
        bar: bytes_bar(global.progress, total, ctx.t(t::PROGRESS_SENDING)),
        ctx,
        file_bytes: input.size,
        started: 0,
        done_before: 0,
    };
    let comparison = measure::compare(&input, default_sample, &opts, &mut bar)?;
    bar.bar.finish_and_clear();
    let view = CompareView::new(&comparison);
    if let Some(why) = &view.cold_refused {
        let why = report::compare::cannot_evict(why, &ctx);
        let path = input.path.display().to_string();
        eprintln!(
            "{}",
            ctx.f(t::WARN_COLD_REFUSED, &[("path", &path), ("why", &why)])
        );
    }
    if !view.pinned_after_eviction.is_empty() {
        // Pages the kernel kept through 2 s of evictions (cache::evict).
        let runs: Vec<String> = view
            .pinned_after_eviction
            .iter()
            .map(|p| format!("{} {}", p.method.name(), format_bytes(p.bytes)))
            .collect();
        eprintln!(
            "{}",
            ctx.f(
                t::WARN_PINNED,
                &[
                    ("n", &runs.len()),
                    ("runs", &runs.join(ctx.t(common::LIST_SEPARATOR))),
                ],
            )
        );
    }

    // --verify runs after the measured runs: the tracer waits for any
    // child, so nothing else of ours may be running meanwhile.
    let verification = if args.verify {
        if global.progress {
            eprintln!("{}", ctx.t(t::VERIFYING));
        }
        Some(crate::verify::verify(
            &input.path,
            &opts.methods,
            opts.buffer_bytes,
            comparison.expected,
        )?)
    } else {
        None
    };
    let verify_view = verification.as_ref().map(VerifyView::new);
    let text = if args.json {
        report::json::comparison_with(&view, verify_view.as_ref())?
    } else {
        let detail = if args.details {
            Detail::Full
        } else {
            Detail::Brief
        };
        let mut text = report::compare::render(&view, &ctx, ctx.t(t::HEADING), detail);
        if let Some(v) = &verify_view {
            text.push_str(&report::verify::render(v, &ctx));
        }
        text
    };
    if let Some(page) = &args.html {
        super::sweep::write_compare_page(page, &view, &input.path, &ctx)?;
    }
    print_stdout(&text)?;
    if verify_view.as_ref().is_some_and(|v| !v.agrees) {
        eprintln!("{}", ctx.t(t::VERIFY_DIFFERS));
        return Ok(ExitCode::from(crate::error::EXIT_FAILURE));
    }
    if view.verified {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}", ctx.t(t::NOT_VERIFIED));
        Ok(ExitCode::from(crate::error::EXIT_FAILURE))
    }
}
