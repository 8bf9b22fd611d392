//! `zclab sample`: make a sample file, or show what is inside a segment.

use std::process::ExitCode;

use anyhow::Result;

use super::Global;
use crate::cli::SampleArgs;
use crate::error::{Localized, input_t, print_stdout};
use crate::kafka::{segment, view};
use crate::report::progress::bytes_bar;
use crate::sample::{self, Content};
use crate::size::{format_bytes, parse_size};
use crate::text::errors as t;

pub fn run(global: &Global, args: SampleArgs) -> Result<ExitCode> {
    if let Some(path) = &args.dump {
        if path.is_dir() {
            return Err(input_t(t::DUMP_IS_DIR, &[("path", &path.display())]));
        }
        if !path.exists() {
            return Err(input_t(t::DUMP_MISSING, &[("path", &path.display())]));
        }
        let dump = segment::dump(path, args.records)?;
        let text = if args.json {
            serde_json::to_string_pretty(&dump)? + "\n"
        } else {
            view::render_dump(
                &view::dump_view(&dump, &path.display().to_string()),
                &global.ctx(),
            )
        };
        print_stdout(&text)?;
        return Ok(if dump.crc_failures == 0 && dump.stopped_at.is_none() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(crate::error::EXIT_FAILURE)
        });
    }
    let (Some(size_text), Some(output)) = (args.size.as_deref(), args.output.as_ref()) else {
        return Err(input_t(t::SAMPLE_ARGS, &[]));
    };
    let size = parse_size(size_text).map_err(|e| {
        anyhow::Error::new(Localized::around(
            t::FLAG,
            "reason",
            &e,
            &[("flag", &"--size")],
        ))
    })?;
    let content = if args.kafka {
        Content::Segment
    } else {
        Content::Lines
    };
    let bar = bytes_bar(
        global.progress,
        size,
        crate::text::compare::PROGRESS_WRITING_SAMPLE.get(global.lang),
    );
    sample::make_file(
        output,
        size,
        args.force,
        &mut |n| bar.set_position(n),
        content,
    )?;
    bar.finish_and_clear();
    let wrote = match content {
        Content::Lines => crate::text::sample::WROTE_LINES,
        Content::Segment => crate::text::kafka::WROTE_SEGMENT,
    };
    eprintln!(
        "{}",
        global.ctx().f(
            wrote,
            &[
                ("size", &format_bytes(size)),
                ("bytes", &size),
                ("path", &output.display()),
            ],
        )
    );
    Ok(ExitCode::SUCCESS)
}
