//! `zclab lesson`: the glue between the command line and `crate::lesson`.
//! It picks the course source (embedded, or `ZCLAB_LESSONS_DIR` for authors
//! and tests), validates run lines with zclab's real parser, runs them
//! in-process, and decides the mode (terminal, lines on stdin, handout).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use super::{Global, buffer_from, method_from};
use crate::cli::{Cli, Command, LessonArgs};
use crate::error::{self, ContextT, Localized, print_stdout};
use crate::lang::Lang;
use crate::lesson::runner::{Executor, Mode, Outcome, RunOutput, Session};
use crate::lesson::{
    self, Course, Diagnostic, Diagnostics, DirSource, EmbeddedSource, embedded, state,
};
use crate::measure::{self, Progress};
use crate::methods::{Flow, Method};
use crate::terminal::RawMode;
use crate::text::errors as te;
use crate::text::lesson as tl;
use crate::text::lesson_check as tc;
use crate::walk::{self, WalkOptions};
use crate::{input, report};

/// Points zclab at a lessons directory on disk instead of the embedded
/// course (lesson authors, tests). Not in `--help`: students never need it.
const LESSONS_DIR_ENV: &str = "ZCLAB_LESSONS_DIR";

enum Target {
    Continue,
    Number(u32),
    Next,
    Prev,
    Reset(Option<u32>),
}

fn target(args: &LessonArgs, lessons: usize) -> Result<Target> {
    let bad =
        |what: &str| error::input_t(tl::BAD_TARGET, &[("what", &what), ("lessons", &lessons)]);
    let t = match args.target.as_deref() {
        None => Target::Continue,
        Some("next") => Target::Next,
        Some("prev") => Target::Prev,
        Some("reset") => Target::Reset(args.reset_lesson),
        Some(other) => match other.parse::<u32>() {
            Ok(n) if (1..=lessons as u32).contains(&n) => Target::Number(n),
            _ => return Err(bad(other)),
        },
    };
    if args.reset_lesson.is_some() && !matches!(t, Target::Reset(_)) {
        return Err(bad(&format!(
            "{} {}",
            args.target.as_deref().unwrap_or(""),
            args.reset_lesson.unwrap_or(0)
        )));
    }
    if let Target::Reset(Some(n)) = t
        && !(1..=lessons as u32).contains(&n)
    {
        return Err(bad(&format!("reset {n}")));
    }
    Ok(t)
}

/// Checks a run line the way the real command line would, with a stand-in
/// sample path appended as the runner will.
fn validate_run(args: &[String]) -> std::result::Result<(), Localized> {
    let mut argv: Vec<String> = vec!["zclab".into()];
    argv.extend(args.iter().cloned());
    // `kafka` makes its own topic: no sample.
    if args.first().map(String::as_str) != Some("kafka") {
        argv.push("samples/sample.log".into());
    }
    match Cli::try_parse_from(&argv) {
        Ok(cli) => match cli.command {
            // The same conversion the runner and `zclab compare` use, so a
            // value clap accepts but zclab refuses (a bad --buf) fails here.
            Command::Compare(a) => super::compare_options(&a)
                .map(|_| ())
                .map_err(|e| Localized::of(&e)),
            Command::Trace(a) => buffer_from(&a.buf)
                .map(|_| ())
                .map_err(|e| Localized::of(&e)),
            Command::Kafka(a) if a.command.is_none() => {
                super::kafka::demo_options(&a, PathBuf::new())
                    .map(|_| ())
                    .map_err(|e| Localized::of(&e))
            }
            _ => Err(Localized::new(tc::RUN_KINDS, &[])),
        },
        Err(e) => Err(super::help::clap_error_localized(&e)),
    }
}

fn lessons_dir() -> Option<PathBuf> {
    std::env::var_os(LESSONS_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Loads and checks the course, including that every lesson's sample is
/// available (embedded, or next to an on-disk lessons directory).
fn load_course(dir: Option<&Path>) -> Result<Course> {
    let result = match dir {
        Some(d) => lesson::load(&DirSource::new(d), &validate_run),
        None => lesson::load(
            &EmbeddedSource {
                files: embedded::LESSON_FILES,
            },
            &validate_run,
        ),
    };
    let course = result.map_err(|d| anyhow::Error::new(d.localized()))?;
    let manifest = match dir {
        Some(d) => d.join("course.toml").display().to_string(),
        None => "lessons/course.toml".to_string(),
    };
    let missing: Vec<Diagnostic> = course
        .lessons
        .iter()
        .filter(|l| sample_source(&l.meta.sample, dir).is_none())
        .map(|l| {
            Diagnostic::new(
                &manifest,
                l.meta.line,
                tc::SAMPLE_MISSING,
                &[("sample", &l.meta.sample)],
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(anyhow::Error::new(Diagnostics(missing).localized()));
    }
    Ok(course)
}

enum SampleSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

fn sample_source(rel: &str, dir: Option<&Path>) -> Option<SampleSource> {
    // An author's on-disk course uses the samples of the same checkout.
    if let Some(d) = dir {
        let p = d.join("..").join(rel);
        if p.is_file() {
            return Some(SampleSource::Disk(p));
        }
    }
    embedded::SAMPLE_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, bytes)| SampleSource::Embedded(bytes))
}

/// A file on disk holding the sample: the embedded bytes are written once
/// into zclab's cache folder (the kernel can only sendfile from a file).
fn sample_path(rel: &str, dir: Option<&Path>) -> Result<PathBuf> {
    let bytes = match sample_source(rel, dir) {
        Some(SampleSource::Disk(p)) => return Ok(p),
        Some(SampleSource::Embedded(b)) => b,
        None => return Err(error::fail_t(tl::SAMPLE_UNAVAILABLE, &[("rel", &rel)])),
    };
    let name = Path::new(rel)
        .file_name()
        .context_t(tl::SAMPLE_NO_NAME, &[("rel", &rel)])?;
    let folder = crate::sample::ensure_cache_dir()?.join("lesson-samples");
    let dest = folder.join(name);
    if std::fs::read(&dest).is_ok_and(|have| have == bytes) {
        return Ok(dest);
    }
    std::fs::create_dir_all(&folder)
        .context_t(tl::SAMPLES_FOLDER, &[("path", &folder.display())])?;
    let tmp = dest.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).context_t(te::CANNOT_WRITE, &[("path", &tmp.display())])?;
    std::fs::rename(&tmp, &dest).context_t(te::CANNOT_MOVE, &[("path", &dest.display())])?;
    Ok(dest)
}

struct NoProgress;

impl Progress for NoProgress {
    fn started(&mut self, _: Method, _: u32) {}
    fn tick(&mut self, _: u64) {}
}

/// Runs lesson run lines in-process through the same functions the
/// subcommands use, so a lesson shows exactly what the student would see.
struct InProcess {
    lang: Lang,
    color: bool,
    width: usize,
}

impl InProcess {
    fn ctx(&self) -> crate::ctx::Ctx {
        crate::ctx::Ctx {
            lang: self.lang,
            color: self.color,
            width: self.width,
        }
    }
}

impl Executor for InProcess {
    fn run(&mut self, args: &[String], sample: &Path) -> Result<RunOutput> {
        let mut argv: Vec<std::ffi::OsString> = vec!["zclab".into()];
        argv.extend(args.iter().map(Into::into));
        if args.first().map(String::as_str) != Some("kafka") {
            argv.push(sample.as_os_str().to_owned());
        }
        let cli = Cli::try_parse_from(argv)
            .map_err(|e| anyhow::Error::new(super::help::clap_error_localized(&e)))?;
        match cli.command {
            Command::Kafka(a) if a.command.is_none() => {
                let (text, json) = super::kafka::demo_for_lesson(&a, &self.ctx())?;
                Ok(RunOutput { text, json })
            }
            Command::Compare(a) => {
                let opts = super::compare_options(&a)?;
                let input = input::open_regular(sample)?;
                let c = measure::compare(&input, false, &opts, &mut NoProgress)?;
                if !c.verified() {
                    return Err(error::fail_t(tl::NOT_BYTE_FOR_BYTE, &[]));
                }
                let view = crate::view::compare::CompareView::new(&c);
                let ctx = self.ctx();
                Ok(RunOutput {
                    text: report::compare::render(
                        &view,
                        &ctx,
                        ctx.t(crate::text::compare::HEADING),
                        report::compare::Detail::Full,
                    ),
                    json: report::json::comparison_value(&view)?,
                })
            }
            Command::Trace(a) => {
                let opts = WalkOptions {
                    method: method_from(a.method)?,
                    buffer_bytes: buffer_from(&a.buf)?,
                    chunks: a.chunks,
                    max_steps: a.max_steps,
                };
                let input = input::open_regular(sample)?;
                let expected_calls =
                    walk::expected_calls(opts.method, input.size, opts.buffer_bytes);
                let ctx = self.ctx();
                let mut text = String::new();
                // Every step at once: the lesson runner does the pacing.
                let result = walk::run(&opts, &input, &mut |step| {
                    text.push_str(&walk::render::step(step, opts.method, expected_calls, &ctx));
                    text.push('\n');
                    Ok(Flow::Continue)
                })?;
                if !result.outcome.verified {
                    return Err(error::fail_t(tl::NOT_BYTE_FOR_BYTE, &[]));
                }
                let summary =
                    crate::view::compare::CompareView::new(&result.summary(&input, false));
                text.push_str(&walk::render::render_trace_run(
                    &result,
                    &summary,
                    &self.ctx(),
                ));
                Ok(RunOutput {
                    text,
                    json: walk::json::trace_value(&result, &summary)?,
                })
            }
            _ => Err(error::fail_t(tl::ONLY_THESE_RUNS, &[])),
        }
    }
}

pub fn run(global: &Global, args: LessonArgs) -> Result<ExitCode> {
    let dir = lessons_dir();
    let course = load_course(dir.as_deref())?;
    if args.check {
        let steps = course.total_steps();
        let ctx = global.ctx();
        print_stdout(&format!(
            "{}\n",
            ctx.f(
                tl::CHECK_PASSED,
                &[("lessons", &course.lessons.len()), ("steps", &steps)]
            )
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let target = target(&args, course.lessons.len())?;
    let state_path = state::path();
    let (mut st, warning) = match &state_path {
        Some(p) => state::load(p),
        None => (state::State::default(), None),
    };
    if let Some(w) = warning {
        eprintln!("{}{}", global.ctx().t(te::PREFIX), w.get(global.lang));
    }
    // The student's chosen language holds until they choose another (this
    // matches the saved name to a language; it picks no words).
    let lang = match (global.lang_explicit, st.lang.as_deref()) {
        (false, Some("zh")) => Lang::Zh,
        (false, Some("en")) => Lang::En,
        _ => global.lang,
    };
    if let Target::Reset(which) = target {
        return reset(&course, st, state_path.as_deref(), which, lang);
    }

    let stdin_tty = std::io::stdin().is_terminal();
    let stdout_tty = std::io::stdout().is_terminal();
    let mode = if args.no_pause || (!stdout_tty && stdin_tty) {
        Mode::Print
    } else if stdin_tty && stdout_tty {
        Mode::Interactive
    } else {
        Mode::Lines
    };
    let save_progress = mode == Mode::Interactive || args.save;
    if save_progress && global.lang_explicit {
        st.lang = Some(lesson::lang_dir(global.lang).to_string());
    }
    let width = if stdout_tty {
        crate::style::table_width() as usize
    } else {
        80
    };
    let mut exec = InProcess {
        lang,
        color: global.color,
        width,
    };
    let samples = |rel: &str| sample_path(rel, dir.as_deref());
    let mut session = Session {
        course: &course,
        lang,
        color: global.color,
        width,
        mode,
        exec: &mut exec,
        sample_path: &samples,
        state: st,
        state_path,
        save_progress,
    };
    let Some(mut number) = pick(&course, &session, target)? else {
        return Ok(ExitCode::SUCCESS);
    };
    // Restores the terminal on every way out of this function.
    let raw = match mode {
        Mode::Interactive => Some(RawMode::enter()?),
        _ => None,
    };
    loop {
        let Some(lesson) = course.lesson(number) else {
            return Err(error::fail_t(tl::NO_LESSON, &[("n", &number)]));
        };
        let outcome = match &raw {
            Some(raw) => {
                // Resume where the student left this lesson.
                let start = session.state.place(&lesson.meta.id);
                session.play_interactive(raw, lesson, start)?
            }
            None => session.play_linear(lesson)?,
        };
        match outcome {
            Outcome::Open(n) => number = n,
            Outcome::Finished | Outcome::Quit | Outcome::InputEnded(_) => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `zclab lesson reset [N]`.
fn reset(
    course: &Course,
    mut st: state::State,
    path: Option<&Path>,
    which: Option<u32>,
    lang: Lang,
) -> Result<ExitCode> {
    let line = |text: crate::text::Text, args: &[(&str, &dyn std::fmt::Display)]| {
        print_stdout(&format!("{}\n", text.fill(lang, args)))
    };
    let Some(path) = path else {
        line(tl::NO_STATE, &[])?;
        return Ok(ExitCode::SUCCESS);
    };
    match which {
        None => {
            state::clear(path)?;
            line(tl::CLEARED_ALL, &[])?;
        }
        Some(n) => {
            if let Some(l) = course.lesson(n) {
                st.forget(&l.meta.id);
            }
            state::save(path, &st)?;
            line(tl::CLEARED_ONE, &[("n", &n)])?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Which lesson a target opens; `None` when there is nothing to open (the
/// course is done). `Continue` prints the course list first.
fn pick(course: &Course, session: &Session, target: Target) -> Result<Option<u32>> {
    let st = &session.state;
    let last = course.lessons.len() as u32;
    let current = st.current.as_ref().and_then(|p| {
        course
            .lessons
            .iter()
            .find(|l| l.meta.id == p.lesson)
            .map(|l| (l.meta.number, p))
    });
    Ok(Some(match target {
        Target::Number(n) => n,
        Target::Next => {
            // Finishing a lesson leaves "current" at the start of the next
            // one, which is then what "next" means; mid-lesson, "next"
            // moves on.
            match current {
                Some((n, p)) if p.step == 0 && !st.is_done(&p.lesson) => n,
                Some((n, _)) => (n + 1).min(last),
                None => first_not_done(course, st).unwrap_or(last),
            }
        }
        Target::Prev => current.map_or(1, |(n, _)| n.saturating_sub(1).max(1)),
        Target::Continue => {
            print_stdout(&session.list(None))?;
            print_stdout("\n")?;
            match current
                .map(|(n, _)| n)
                .or_else(|| first_not_done(course, st))
            {
                Some(n) => n,
                None => {
                    print_stdout(&format!("{}\n", tl::ALL_DONE.get(session.lang)))?;
                    return Ok(None);
                }
            }
        }
        Target::Reset(_) => return Ok(None),
    }))
}

/// "Next" after the last lesson is the last lesson.
fn first_not_done(course: &Course, st: &state::State) -> Option<u32> {
    course
        .lessons
        .iter()
        .find(|l| !st.is_done(&l.meta.id))
        .map(|l| l.meta.number)
}
