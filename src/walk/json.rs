//! `trace --json`: the steps as data, for slides and handouts. Field names
//! are a contract (README.md).

use anyhow::Result;

use crate::error::ContextT;
use serde::Serialize;

use super::{Step, Totals, WalkResult};
use crate::view::compare::CompareView;

#[derive(Serialize)]
struct Doc<'a> {
    zclab_version: &'static str,
    file: FileDoc,
    buffer_bytes: usize,
    method: &'static str,
    /// Steps shown (and listed below) and calls made in all.
    steps_shown: usize,
    calls: u64,
    steps: &'a [Step],
    totals: &'a Totals,
    stopped_early: bool,
    quit: bool,
    verified: bool,
    /// The same figures `compare --json` gives, for this one run.
    summary: serde_json::Value,
}

#[derive(Serialize)]
struct FileDoc {
    path: String,
    bytes: u64,
}

pub fn trace(t: &WalkResult, summary: &CompareView) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&trace_value(t, summary)?)
        .context_t(crate::text::errors::TRACE_JSON, &[])?;
    text.push('\n');
    Ok(text)
}

/// The trace document as a value (the lessons read predicts from it).
pub fn trace_value(t: &WalkResult, summary: &CompareView) -> Result<serde_json::Value> {
    let doc = Doc {
        zclab_version: env!("CARGO_PKG_VERSION"),
        file: FileDoc {
            path: summary.file.path.clone(),
            bytes: summary.file.bytes,
        },
        buffer_bytes: t.buffer_bytes,
        method: t.method.name(),
        steps_shown: t.steps.len(),
        calls: t.calls,
        steps: &t.steps,
        totals: &t.totals,
        stopped_early: t.outcome.tally.stopped_early,
        quit: t.quit,
        verified: t.outcome.verified,
        summary: crate::report::json::comparison_value(summary)?,
    };
    serde_json::to_value(&doc).context_t(crate::text::errors::TRACE_JSON, &[])
}
