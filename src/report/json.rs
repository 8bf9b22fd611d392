//! `--json`: one document on standard output, the view as it is. Field
//! names are a contract (documented in README.md); add fields, never rename
//! them.

use anyhow::Result;

use crate::error::ContextT;
use serde::Serialize;

use crate::view::compare::CompareView;

/// Any view as a pretty JSON document with a final newline.
pub fn document<T: Serialize>(view: &T) -> Result<String> {
    let mut text =
        serde_json::to_string_pretty(view).context_t(crate::text::errors::JSON_ENCODE, &[])?;
    text.push('\n');
    Ok(text)
}

/// The comparison as a JSON document (with a final newline).
pub fn comparison(v: &CompareView) -> Result<String> {
    document(v)
}

/// The comparison as a JSON value, for documents that embed it.
pub fn comparison_value(v: &CompareView) -> Result<serde_json::Value> {
    serde_json::to_value(v).context_t(crate::text::errors::JSON_ENCODE, &[])
}

/// compare's document with, under `verify`, the second count (`--verify`).
#[derive(Serialize)]
struct WithVerify<'a> {
    #[serde(flatten)]
    compare: &'a CompareView,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<&'a crate::view::verify::VerifyView>,
}

/// `compare --json`, with `--verify`'s section when there is one.
pub fn comparison_with(
    v: &CompareView,
    verify: Option<&crate::view::verify::VerifyView>,
) -> Result<String> {
    document(&WithVerify { compare: v, verify })
}
