//! `zclab sweep`: options → samples → the grid (with one progress bar and
//! a Ctrl-C that stops between transfers) → the view → the chosen output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::Global;
use crate::cli::SweepArgs;
use crate::error::{self, ContextT, print_stdout};
use crate::lang::Lang;
use crate::methods::Method;
use crate::sweep::grid::{self, GridProgress, SweepOptions};
use crate::sweep::text::fill;
use crate::sweep::view::{SweepView, ViewInput};
use crate::sweep::{self, ibm, render};
use crate::text::errors as te;
use crate::text::sweep as st;

/// Exit code when Ctrl-C stopped the sweep (128 + SIGINT, as a shell
/// reports it): what was measured is printed, but it is not the whole grid.
pub const EXIT_INTERRUPTED: u8 = 130;

/// The default grid: under a minute on a 2-vCPU machine.
const DEFAULT_SIZES: [u64; 4] = [256 << 10, 1 << 20, 16 << 20, 64 << 20];
const DEFAULT_BUFFERS: [usize; 4] = [512, 4 << 10, 64 << 10, 1 << 20];

/// The largest file a sweep sends.
const MAX_SIZE: u64 = 64 << 30;
const MAX_POINTS: usize = 2000;

/// For tests: `--ibm` with every size divided by N, so the table and its
/// rendering can be checked without sending a gigabyte.
pub const TEST_IBM_DIVISOR: &str = "ZCLAB_TEST_IBM_DIVISOR";

fn list<T>(flag: &str, text: &str, parse: impl Fn(&str) -> Result<T>) -> Result<Vec<T>>
where
    T: PartialEq,
{
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(error::input_t(
                te::EMPTY_ITEM,
                &[("flag", &flag), ("text", &text)],
            ));
        }
        let v = parse(part)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

fn options(args: &SweepArgs) -> Result<(SweepOptions, Option<u64>)> {
    if args.ibm {
        let divisor = std::env::var(TEST_IBM_DIVISOR)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&d| d >= 1)
            .unwrap_or(1);
        let opts = SweepOptions {
            methods: vec![Method::ReadWrite, Method::Sendfile],
            sizes: ibm::rows(divisor).iter().map(|r| r.file_bytes).collect(),
            buffers: vec![ibm::BUFFER_BYTES],
            runs: args.runs,
            cold: args.cold,
            faults: crate::harness::Faults::from_env(),
        };
        return Ok((opts, Some(divisor)));
    }
    let sizes = match &args.size {
        Some(t) => list("--size", t, |p| {
            let n = crate::size::parse_size(p).map_err(|e| {
                anyhow::Error::new(error::Localized::around(
                    te::FLAG,
                    "reason",
                    &e,
                    &[("flag", &"--size")],
                ))
            })?;
            let min = crate::kafka::segment::MIN_SEGMENT_BYTES;
            if n < min || n > MAX_SIZE {
                return Err(error::input_t(
                    te::SWEEP_SIZE,
                    &[("text", &p), ("min", &min)],
                ));
            }
            Ok(n)
        })?,
        None => DEFAULT_SIZES.to_vec(),
    };
    let buffers = match &args.buf {
        Some(t) => list("--buf", t, super::buffer_from)?,
        None => DEFAULT_BUFFERS.to_vec(),
    };
    let methods = if args.method.is_empty() {
        vec![Method::ReadWrite, Method::Sendfile]
    } else {
        super::methods_from(&args.method)
    };
    let opts = SweepOptions {
        methods,
        sizes,
        buffers,
        runs: args.runs,
        cold: args.cold,
        faults: crate::harness::Faults::from_env(),
    };
    if opts.points() > MAX_POINTS {
        return Err(error::input_t(
            te::TOO_MANY_POINTS,
            &[("points", &opts.points()), ("max", &MAX_POINTS)],
        ));
    }
    Ok((opts, None))
}

/// Refuses, before any measuring, to replace a file zclab did not write.
pub(super) fn check_html_target(path: &Path) -> Result<()> {
    let shown = path.display();
    if path.is_dir() {
        return Err(error::input_t(te::HTML_IS_FOLDER, &[("path", &shown)]));
    }
    if let Ok(text) = std::fs::read_to_string(path) {
        if !text.contains("<meta name=\"generator\" content=\"zclab") {
            return Err(error::input_t(te::HTML_NOT_OURS, &[("path", &shown)]));
        }
    } else if path.exists() {
        return Err(error::input_t(te::HTML_NOT_OURS, &[("path", &shown)]));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(error::input_t(
            te::HTML_NO_FOLDER,
            &[("path", &shown), ("dir", &dir.display())],
        ));
    }
    Ok(())
}

/// Writes the page beside its target and renames it into place, so an
/// interrupted write never leaves half a page (the temporary file is
/// removed on error and on Ctrl-C).
pub(super) fn write_html(path: &Path, page: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep.html".into());
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = crate::cleanup::TempPath::new(crate::cleanup::temp_name(&dir, &name));
    std::fs::write(tmp.path(), page)
        .and_then(|()| std::fs::rename(tmp.path(), path))
        .context_t(te::CANNOT_WRITE, &[("path", &path.display())])?;
    tmp.keep();
    Ok(())
}

/// `compare --html FILE`: the comparison as a page, with the machine it ran
/// on (the filesystem is the compared file's).
pub(super) fn write_compare_page(
    page: &Path,
    view: &crate::view::compare::CompareView,
    file: &Path,
    ctx: &crate::ctx::Ctx,
) -> Result<()> {
    let json = crate::report::json::comparison_with(view, None)?;
    let machine = sweep::machine::Machine::here(file);
    let html = render::compare_page::render(view, &json, &machine, ctx)?;
    write_html(page, &html)?;
    eprintln!(
        "{}",
        fill(st::WROTE_PAGE.get(ctx.lang), &[&page.display().to_string()])
    );
    Ok(())
}

struct Bar {
    bar: ProgressBar,
    lang: Lang,
}

impl GridProgress for Bar {
    fn point(&mut self, index: usize, of: usize, file_bytes: u64, buffer_bytes: usize) {
        self.bar.set_message(fill(
            st::BAR_POINT.get(self.lang),
            &[
                &(index + 1).to_string(),
                &of.to_string(),
                &render::size(file_bytes),
                &render::size(buffer_bytes as u64),
            ],
        ));
    }
    fn sent(&mut self, bytes: u64) {
        self.bar.set_position(bytes);
    }
}

fn grid_bar(visible: bool, total: u64) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:<32} [{bar:20}] {percent:>3}% ETA {eta:>4}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub fn run(global: &Global, args: SweepArgs) -> Result<ExitCode> {
    let lang = global.lang;
    let (opts, ibm_divisor) = options(&args)?;
    if let Some(path) = &args.html {
        check_html_target(path)?;
    }

    // Ctrl-C sets the flag; the sweep stops between two transfers. A
    // second Ctrl-C ends zclab at once. While a sample is being written,
    // zclab's cleanup removes it and ends the process (exit 130).
    let stop = Arc::new(AtomicBool::new(false));
    crate::cleanup::signals_handled_by_caller();
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(
            sig,
            i32::from(EXIT_INTERRUPTED),
            Arc::clone(&stop),
        )
        .context_t(te::CTRL_C_HANDLER, &[])?;
        signal_hook::flag::register(sig, Arc::clone(&stop)).context_t(te::CTRL_C_HANDLER, &[])?;
    }

    let dir = crate::sample::ensure_cache_dir()?;
    sweep::check_space(&dir, sweep::missing(&dir, &opts.sizes).iter().sum())?;
    // Every sample is checked by content (length and CRC-32 of what
    // zclab's generator makes) and made again when it differs.
    for &size in &opts.sizes {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let path = sweep::sample_path(&dir, size);
        let bar =
            crate::report::progress::bytes_bar(global.progress, size, st::BAR_CHECKING.get(lang));
        let (path, created) =
            crate::sample::ensure_cached(path, size, &mut |n| bar.set_position(n))?;
        bar.finish_and_clear();
        if created {
            eprintln!(
                "{}",
                fill(
                    st::MADE_SAMPLE.get(lang),
                    &[&path.display().to_string(), &render::size(size)]
                )
            );
        }
    }

    let mut bar = Bar {
        bar: grid_bar(global.progress, opts.total_bytes()),
        lang,
    };
    let result = if stop.load(Ordering::SeqCst) {
        grid::SweepResult {
            options: opts.clone(),
            points: Vec::new(),
            stopped: true,
            cold_refused: false,
        }
    } else {
        grid::run(&opts, &|s| sweep::sample_path(&dir, s), &mut bar, &stop)?
    };
    bar.bar.finish_and_clear();

    let view = SweepView::build(ViewInput {
        result: &result,
        machine: sweep::machine::Machine::here(&dir),
        samples_dir: dir.display().to_string(),
        ibm: ibm_divisor,
    });
    let ctx = global.ctx();
    let json = serde_json::to_string_pretty(&view).context_t(te::SWEEP_ENCODE, &[])?;
    let text = if args.json {
        format!("{json}\n")
    } else if args.csv {
        render::csv::render(&view)
    } else if args.md {
        render::md::render(&view, &ctx)
    } else {
        render::term::render(&view, &ctx)
    };
    if let Some(path) = &args.html {
        let page = render::html::render(&view, &json, &ctx)?;
        write_html(path, &page)?;
        eprintln!(
            "{}",
            fill(st::WROTE_PAGE.get(lang), &[&path.display().to_string()])
        );
    }
    print_stdout(&text)?;
    if result.stopped {
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    if !view.verified {
        eprintln!("{}", st::RUN_NOT_VERIFIED.get(lang));
        return Ok(ExitCode::from(error::EXIT_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}
