//! Sample files: deterministic, Kafka-like log records.
//!
//! Each line looks like one record of a Kafka log segment printed by a
//! dump tool (offset, timestamp, partition, key, value). The content is a
//! pure function of the size, so two machines that make `64MiB` get the same
//! bytes, and the last record is cut so the file is exactly the size asked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error;
use crate::size::format_bytes;
use crate::text::errors as t;

/// The default sample used by `zclab compare` with no file: large enough
/// that a transfer takes a measurable time, small enough to be made in a
/// second or two.
pub const DEFAULT_SAMPLE_BYTES: u64 = 256 << 20;

const PAGES: [&str; 8] = [
    "/checkout",
    "/cart",
    "/products/view",
    "/search",
    "/login",
    "/orders/history",
    "/recommendations",
    "/home",
];
const EVENTS: [&str; 5] = ["page_view", "click", "add_to_cart", "purchase", "scroll"];

/// A small xorshift generator: fast and fully deterministic, which is all a
/// sample needs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Writes exactly `size` bytes of records to `out`, calling `progress` with
/// the bytes written so far after each block.
pub fn write_records(
    out: &mut dyn Write,
    size: u64,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut block: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut written: u64 = 0;
    let mut offset: u64 = 0;
    let base_ts: u64 = 1_700_000_000_000;
    while written < size {
        block.clear();
        while block.len() < (1 << 20) - 256 {
            let r = rng.next();
            let _ = writeln!(
                block,
                "offset={offset:012} ts={ts} partition={part} key=user-{user:05} value={{\"event\":\"{event}\",\"page\":\"{page}\",\"ms\":{ms}}}",
                ts = base_ts + offset * 3 + (r & 0x3),
                part = (r >> 8) % 6,
                user = (r >> 16) % 50_000,
                event = EVENTS[((r >> 32) % EVENTS.len() as u64) as usize],
                page = PAGES[((r >> 40) % PAGES.len() as u64) as usize],
                ms = (r >> 48) % 900 + 3,
            );
            offset += 1;
        }
        let take = (size - written).min(block.len() as u64) as usize;
        out.write_all(&block[..take])?;
        written += take as u64;
        progress(written);
    }
    Ok(())
}

/// Makes a sample file at `path`. Without `force` an existing file is left
/// alone and reported; with it, the new content is written beside it and
/// renamed over it, so a failure never leaves half a file behind.
pub fn make_sample(
    path: &Path,
    size: u64,
    force: bool,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    make_file(path, size, force, progress, Content::Lines)
}

/// What a sample holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Text lines that look like a dump of records.
    Lines,
    /// A genuine Kafka log segment (`kafka::segment`).
    Segment,
}

/// Makes a sample file of `content` at `path`, as [`make_sample`].
pub fn make_file(
    path: &Path,
    size: u64,
    force: bool,
    progress: &mut dyn FnMut(u64),
    content: Content,
) -> Result<()> {
    if content == Content::Segment && size != 0 && size < crate::kafka::segment::MIN_SEGMENT_BYTES {
        return Err(error::input_t(
            t::SEGMENT_TOO_SMALL,
            &[
                ("size", &size),
                ("min", &crate::kafka::segment::MIN_SEGMENT_BYTES),
            ],
        ));
    }
    let shown = path.display();
    if path.is_dir() {
        return Err(error::input_t(t::OUT_IS_DIR, &[("path", &shown)]));
    }
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(error::input_t(t::OUT_EXISTS, &[("path", &shown)]));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(error::input_t(
            t::NO_FOLDER,
            &[("path", &shown), ("dir", &dir.display())],
        ));
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sample".to_string());
    let tmp = dir.join(format!(".{file_name}.zclab-tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| match e.kind() {
                io::ErrorKind::PermissionDenied => error::input_t(
                    t::OUT_PERMISSION,
                    &[("path", &shown), ("dir", &dir.display())],
                ),
                _ => anyhow::Error::new(e).context(format!("cannot create {}", tmp.display())),
            })?;
        let mut writer = io::BufWriter::with_capacity(1 << 20, file);
        match content {
            Content::Lines => write_records(&mut writer, size, progress),
            Content::Segment => crate::kafka::segment::write_segment(&mut writer, size, progress),
        }
        .and_then(|()| writer.flush())
        .with_context(|| {
            format!(
                "cannot write {} of sample data to {shown}",
                format_bytes(size)
            )
        })?;
        let file: File = writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {shown}: {}", e.error()))?;
        file.sync_all()
            .with_context(|| format!("cannot sync {shown}"))?;
        if !force && fs::symlink_metadata(path).is_ok() {
            return Err(error::input_t(t::APPEARED, &[("path", &shown)]));
        }
        fs::rename(&tmp, path)
            .with_context(|| format!("cannot move the sample into place at {shown}"))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The small sample `trace` walks by default: 16 KiB, four chunks of the
/// article's 4 KiB buffer. Same bytes as `samples/kafka-segment-16KiB.log`.
pub const SMALL_SAMPLE_BYTES: u64 = 16 << 10;

/// zclab's cache folder: `$XDG_CACHE_HOME/zclab`, else `~/.cache/zclab`,
/// else `zclab` in the system's temporary folder.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir)
        .join("zclab")
}

/// Where the default sample of `compare` lives.
pub fn default_sample_path() -> PathBuf {
    cache_dir().join("kafka-sample-256MiB.log")
}

/// Where the small sample of `trace` lives.
pub fn small_sample_path() -> PathBuf {
    cache_dir().join("kafka-segment-16KiB.log")
}

/// Returns the default sample of `compare`, making it first when it is
/// missing or has the wrong size. `Ok((path, created))`.
pub fn ensure_default_sample(progress: &mut dyn FnMut(u64)) -> Result<(PathBuf, bool)> {
    ensure_cached(default_sample_path(), DEFAULT_SAMPLE_BYTES, progress)
}

/// Returns the small sample of `trace`, making it first when needed.
pub fn ensure_small_sample() -> Result<(PathBuf, bool)> {
    ensure_cached(small_sample_path(), SMALL_SAMPLE_BYTES, &mut |_| {})
}

fn ensure_cached(
    path: PathBuf,
    size: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(PathBuf, bool)> {
    if let Ok(meta) = fs::metadata(&path)
        && meta.is_file()
        && meta.len() == size
    {
        return Ok((path, false));
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the cache folder {} for zclab's samples; set XDG_CACHE_HOME to a writable folder or pass a file",
                dir.display()
            )
        })?;
    }
    make_sample(&path, size, true, progress)?;
    Ok((path, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(size: u64) -> Vec<u8> {
        let mut v = Vec::new();
        write_records(&mut v, size, &mut |_| {}).expect("writing to a Vec cannot fail");
        v
    }

    #[test]
    fn exact_sizes_and_deterministic() {
        for size in [0u64, 1, 4095, 4096, 4097, (1 << 20) + 13, 3 << 20] {
            assert_eq!(records(size).len() as u64, size);
        }
        assert_eq!(records(100_000), records(100_000));
        let a = records(2 << 20);
        let b = records(1 << 20);
        assert_eq!(&a[..1 << 20], &b[..]);
    }

    #[test]
    fn looks_like_records() {
        let text = String::from_utf8(records(4096)).expect("records are ASCII");
        let first = text.lines().next().unwrap_or_default();
        assert!(first.starts_with("offset=000000000000 ts="), "{first}");
        assert!(first.contains("key=user-"));
    }
}
