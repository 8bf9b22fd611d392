//! `zclab sample`: make a sample file.

use std::process::ExitCode;

use anyhow::Result;

use super::Global;
use crate::cli::SampleArgs;
use crate::report::progress::bytes_bar;
use crate::sample;
use crate::size::{format_bytes, parse_size};

pub fn run(global: &Global, args: SampleArgs) -> Result<ExitCode> {
    let size = parse_size(&args.size).map_err(|e| crate::error::input(format!("--size: {e}")))?;
    let bar = bytes_bar(
        global.progress,
        size,
        global.lang.t("writing sample", "生成样本"),
    );
    sample::make_sample(&args.output, size, args.force, &mut |n| bar.set_position(n))?;
    bar.finish_and_clear();
    let msg = match global.lang {
        crate::lang::Lang::En => format!(
            "wrote {} ({} bytes) of Kafka-like log records to {}\n",
            format_bytes(size),
            size,
            args.output.display()
        ),
        crate::lang::Lang::Zh => format!(
            "已生成 {}（{} 字节）类 Kafka 日志记录：{}\n",
            format_bytes(size),
            size,
            args.output.display()
        ),
    };
    eprint!("{msg}");
    Ok(ExitCode::SUCCESS)
}
