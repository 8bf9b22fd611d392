//! `zclab sweep`: the curves behind compare's table.
//!
//! A grid of methods × file sizes × buffer sizes, every point measured as
//! `compare` measures it (`grid`, on top of `measure::compare`); a cost
//! model fitted to the points (`fit`); IBM developerWorks' 2008 table as
//! cited data (`ibm`); the machine it ran on (`machine`); all of it turned
//! into one language-free value (`view`) that pure renderers lay out for a
//! terminal, a web page, CSV, Markdown or JSON (`render`). The strings of
//! both languages sit side by side in `text`.

pub mod fit;
pub mod grid;
pub mod ibm;
pub mod machine;
pub mod render;
pub mod text;
pub mod view;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::fail_t;
use crate::text::errors as te;

/// Where the sample of `bytes` lives in zclab's cache folder: the same
/// deterministic content `zclab sample` makes, named by its size (the
/// 256 MiB one is compare's default sample).
pub fn sample_path(dir: &Path, bytes: u64) -> PathBuf {
    dir.join(format!(
        "kafka-sample-{}.log",
        render::size(bytes).replace(' ', "")
    ))
}

/// The sizes whose sample is missing (or has the wrong size).
pub fn missing(dir: &Path, sizes: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for &s in sizes {
        let ok = std::fs::metadata(sample_path(dir, s)).is_ok_and(|m| m.is_file() && m.len() == s);
        if !ok && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Room kept free beside the samples.
pub const SPACE_MARGIN_BYTES: u64 = 64 << 20;

/// Checks that `dir` (or its nearest existing parent) has room for `need`
/// bytes of samples plus a margin; the error says how much is needed, how
/// much is free, and what to do.
pub fn check_space(dir: &Path, need: u64) -> Result<()> {
    if need == 0 {
        return Ok(());
    }
    let mut probe = dir.to_path_buf();
    while !probe.exists() {
        if !probe.pop() {
            return Ok(());
        }
    }
    let st = nix::sys::statvfs::statvfs(&probe).map_err(|e| {
        fail_t(
            te::SWEEP_FREE_SPACE,
            &[("path", &probe.display()), ("reason", &e)],
        )
    })?;
    let free = (st.blocks_available() as u64).saturating_mul(st.fragment_size() as u64);
    if free < need.saturating_add(SPACE_MARGIN_BYTES) {
        return Err(fail_t(
            te::SWEEP_NO_SPACE,
            &[
                ("dir", &dir.display()),
                ("need", &crate::size::format_bytes(need)),
                ("spare", &crate::size::format_bytes(SPACE_MARGIN_BYTES)),
                ("free", &crate::size::format_bytes(free)),
            ],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_names_follow_the_size() {
        let d = Path::new("/c");
        assert_eq!(
            sample_path(d, 256 << 20),
            Path::new("/c/kafka-sample-256MiB.log")
        );
        assert_eq!(
            sample_path(d, 7 << 20),
            Path::new("/c/kafka-sample-7MiB.log")
        );
        assert_eq!(sample_path(d, 1000), Path::new("/c/kafka-sample-1000B.log"));
        assert_eq!(
            sample_path(d, 1536),
            Path::new("/c/kafka-sample-1.5KiB.log")
        );
    }

    #[test]
    fn space_check_names_what_is_needed() {
        let err = check_space(Path::new("/"), u64::MAX / 2).expect_err("no disk is that big");
        let msg = format!("{err:#}");
        assert!(msg.contains("need") && msg.contains("free"), "{msg}");
        assert!(check_space(Path::new("/"), 0).is_ok());
    }
}
