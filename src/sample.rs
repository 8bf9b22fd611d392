//! Sample files: deterministic, Kafka-like log records.
//!
//! Each line looks like one record of a Kafka log segment printed by a
//! dump tool (offset, timestamp, partition, key, value). The content is a
//! pure function of the size, so two machines that make `64MiB` get the same
//! bytes, and the last record is cut so the file is exactly the size asked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cleanup;
use crate::error::{self, ContextT, Localized};
use crate::size::format_bytes;
use crate::text::errors as t;
use crate::text::sample as ts;

/// The default sample used by `zclab compare` with no file: large enough
/// that a transfer takes a measurable time, small enough to be made in a
/// second or two.
pub const DEFAULT_SAMPLE_BYTES: u64 = 256 << 20;

/// CRC-32 of the default sample as [`DEFAULT_CONTENT`] makes it (a test below
/// makes it again and checks), so a reused default sample can be checked
/// without generating 256 MiB first. Change it with the generator.
pub const DEFAULT_SAMPLE_CRC32: u32 = 0x5d8e_5bfe;

/// The largest sample zclab makes: 1 TiB.
pub const MAX_SAMPLE_BYTES: u64 = 1 << 40;

/// The pages and events the generated records talk about (also the Kafka
/// segment generator's vocabulary, `kafka::segment`).
pub(crate) const PAGES: [&str; 8] = [
    "/checkout",
    "/cart",
    "/products/view",
    "/search",
    "/login",
    "/orders/history",
    "/recommendations",
    "/home",
];
pub(crate) const EVENTS: [&str; 5] = ["page_view", "click", "add_to_cart", "purchase", "scroll"];

/// A small xorshift generator: fast and fully deterministic, which is all a
/// sample needs.
pub(crate) struct XorShift(pub(crate) u64);

impl XorShift {
    pub(crate) fn next(&mut self) -> u64 {
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
    check_size(size)?;
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
    cleanup::remove_stale(&dir);
    check_space(&dir, size)?;
    let guard = cleanup::TempPath::new(cleanup::temp_name(&dir, &file_name));
    let tmp = guard.path().to_path_buf();
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
                _ => error::wrap_t(e, t::CANNOT_CREATE, &[("path", &tmp.display())]),
            })?;
        let mut writer = io::BufWriter::with_capacity(1 << 20, file);
        match content {
            Content::Lines => write_records(&mut writer, size, progress),
            Content::Segment => crate::kafka::segment::write_segment(&mut writer, size, progress),
        }
        .and_then(|()| writer.flush())
        .context_t(
            ts::CANNOT_WRITE_DATA,
            &[("size", &format_bytes(size)), ("path", &shown)],
        )?;
        let file: File = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .context_t(t::CANNOT_WRITE, &[("path", &shown)])?;
        file.sync_all()
            .context_t(ts::CANNOT_SYNC, &[("path", &shown)])?;
        if !force && fs::symlink_metadata(path).is_ok() {
            return Err(error::input_t(t::APPEARED, &[("path", &shown)]));
        }
        fs::rename(&tmp, path).context_t(ts::CANNOT_PLACE, &[("path", &shown)])?;
        Ok(())
    })();
    if result.is_ok() {
        guard.keep();
    }
    // Otherwise the guard removes the temporary file as it drops.
    result
}

/// Refuses a size zclab would not make: over [`MAX_SAMPLE_BYTES`]. Callers
/// check it before anything else (no file is created).
pub fn check_size(size: u64) -> Result<()> {
    if size > MAX_SAMPLE_BYTES {
        return Err(error::input_t(
            ts::TOO_LARGE,
            &[
                ("size", &format_bytes(size)),
                ("bytes", &size),
                ("max", &format_bytes(MAX_SAMPLE_BYTES)),
                ("max_bytes", &MAX_SAMPLE_BYTES),
            ],
        ));
    }
    Ok(())
}

/// Free space kept besides a new sample: 1% of its size plus 64 MiB, so
/// that making it never fills the disk.
pub fn space_margin(size: u64) -> u64 {
    size / 100 + (64 << 20)
}

/// Refuses (exit 2) a sample that does not fit in `dir`'s file system with
/// the margin, saying how much it needs and how much is free.
fn check_space(dir: &Path, size: u64) -> Result<()> {
    let Ok(st) = nix::sys::statvfs::statvfs(dir) else {
        // No figure to judge by: the write itself will say if space runs out.
        return Ok(());
    };
    let free = st.blocks_available().saturating_mul(st.fragment_size());
    let needed = size.saturating_add(space_margin(size));
    if needed > free {
        return Err(error::input_t(
            ts::NO_SPACE,
            &[
                ("dir", &dir.display()),
                ("size", &format_bytes(size)),
                ("bytes", &size),
                ("needed", &format_bytes(needed)),
                ("needed_bytes", &needed),
                ("margin", &format_bytes(space_margin(size))),
                ("free", &format_bytes(free)),
                ("free_bytes", &free),
            ],
        ));
    }
    Ok(())
}

/// The small sample `trace` walks by default: 16 KiB, four chunks of the
/// article's 4 KiB buffer, one 16 KiB record batch. Same bytes as
/// `samples/kafka-segment-16KiB.log`.
pub const SMALL_SAMPLE_BYTES: u64 = 16 << 10;

/// zclab's cache folder: `$XDG_CACHE_HOME/zclab`, else `~/.cache/zclab`;
/// with neither variable set, a folder of this user's only:
/// `$XDG_RUNTIME_DIR/zclab`, else `zclab-UID` in the temporary folder (see
/// [`ensure_cache_dir`]). Never a folder shared by all users.
pub fn cache_dir() -> PathBuf {
    cache_location().0
}

/// The cache folder, and whether it is a per-user fallback (whose parent
/// anyone may write, so it must be checked).
fn cache_location() -> (PathBuf, bool) {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return (PathBuf::from(dir).join("zclab"), false);
    }
    if let Some(home) = var("HOME") {
        return (PathBuf::from(home).join(".cache").join("zclab"), false);
    }
    if let Some(run) = var("XDG_RUNTIME_DIR") {
        return (PathBuf::from(run).join("zclab"), true);
    }
    let uid = nix::unistd::geteuid().as_raw();
    (std::env::temp_dir().join(format!("zclab-{uid}")), true)
}

/// Creates the cache folder if needed (mode 0700) and returns it. A
/// per-user fallback folder must be a real folder owned by this user that
/// nobody else can write; any other is refused, never used.
pub fn ensure_cache_dir() -> Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let (dir, fallback) = cache_location();
    let shown = dir.display();
    if fs::symlink_metadata(&dir).is_err() {
        let made = fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir);
        if let Err(e) = made
            && fs::symlink_metadata(&dir).is_err()
        {
            return Err(error::wrap_t(e, ts::CACHE_CREATE, &[("path", &shown)]));
        }
    }
    if fallback {
        let meta = fs::symlink_metadata(&dir).context_t(ts::CACHE_INSPECT, &[("path", &shown)])?;
        let uid = nix::unistd::geteuid().as_raw();
        let owner = meta.uid();
        let mode = format!("{:o}", meta.mode() & 0o7777);
        let problem = if !meta.file_type().is_dir() {
            Some(Localized::new(ts::CACHE_NOT_FOLDER, &[]))
        } else if owner != uid {
            Some(Localized::new(
                ts::CACHE_OTHER_OWNER,
                &[("owner", &owner), ("uid", &uid)],
            ))
        } else if meta.mode() & 0o022 != 0 {
            Some(Localized::new(ts::CACHE_WRITABLE, &[("mode", &mode)]))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(anyhow::Error::new(
                error::Localized::around(
                    ts::CACHE_REFUSED,
                    "problem",
                    &problem,
                    &[("path", &shown)],
                )
                .usage(),
            ));
        }
    }
    Ok(dir)
}

/// The content of the default samples: genuine Kafka log segments.
pub const DEFAULT_CONTENT: Content = Content::Segment;

/// Where the default sample of `compare` lives: a Kafka segment, named and
/// placed as Kafka would for partition 0 of a topic `compare-256MiB`
/// (so `zclab kafka serve --log-dir <cache>/segments` serves it).
pub fn default_sample_path() -> PathBuf {
    cache_dir()
        .join("segments")
        .join("compare-256MiB-0")
        .join(crate::kafka::log::FIRST_SEGMENT)
}

/// Where the small sample of `trace` lives (topic `trace-16KiB`).
pub fn small_sample_path() -> PathBuf {
    cache_dir()
        .join("segments")
        .join("trace-16KiB-0")
        .join(crate::kafka::log::FIRST_SEGMENT)
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

/// Returns the sample at `path`, making it first when it is missing or
/// has the wrong size. `Ok((path, created))`.
pub fn ensure_cached(
    path: PathBuf,
    size: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(PathBuf, bool)> {
    let dir = ensure_cache_dir()?;
    cleanup::remove_stale(&dir);
    if let Some(parent) = path.parent() {
        cleanup::remove_stale(parent);
    }
    // Same size is not enough: the content must be what zclab makes.
    if let Ok(meta) = fs::symlink_metadata(&path)
        && meta.is_file()
        && meta.len() == size
        && file_crc32(&path).is_ok_and(|crc| crc == expected_crc32(size))
    {
        return Ok((path, false));
    }
    if let Some(parent) = path.parent() {
        // A sample interrupted in its own folder leaves its temp file there.
        cleanup::remove_stale(parent);
        fs::create_dir_all(parent)
            .context_t(ts::CACHE_SUBFOLDER, &[("path", &parent.display())])?;
    }
    make_file(&path, size, true, progress, DEFAULT_CONTENT)?;
    Ok((path, true))
}

/// CRC-32 of the `size` bytes of a default sample ([`DEFAULT_CONTENT`]).
pub fn expected_crc32(size: u64) -> u32 {
    if size == DEFAULT_SAMPLE_BYTES {
        return DEFAULT_SAMPLE_CRC32;
    }
    generated_crc32(size)
}

fn generated_crc32(size: u64) -> u32 {
    let mut crc = CrcWriter(crc32fast::Hasher::new());
    // Writing into a hasher cannot fail.
    let _ = match DEFAULT_CONTENT {
        Content::Lines => write_records(&mut crc, size, &mut |_| {}),
        Content::Segment => crate::kafka::segment::write_segment(&mut crc, size, &mut |_| {}),
    };
    crc.0.finalize()
}

struct CrcWriter(crc32fast::Hasher);

impl Write for CrcWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn file_crc32(path: &Path) -> io::Result<u32> {
    use std::io::Read;
    let mut f = File::open(path)?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Ok(h.finalize()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
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
    fn the_default_sample_digest_is_the_generators() {
        assert_eq!(
            generated_crc32(DEFAULT_SAMPLE_BYTES),
            DEFAULT_SAMPLE_CRC32,
            "the generator changed: update DEFAULT_SAMPLE_CRC32"
        );
        // The small sample's digest equals the shipped file's.
        let shipped = std::fs::read("samples/kafka-segment-16KiB.log").expect("sample");
        assert_eq!(
            expected_crc32(SMALL_SAMPLE_BYTES),
            crc32fast::hash(&shipped)
        );
    }

    #[test]
    fn sizes_over_the_cap_are_refused() {
        assert!(check_size(MAX_SAMPLE_BYTES).is_ok());
        let err = check_size(MAX_SAMPLE_BYTES + 1).expect_err("too large");
        assert!(format!("{err}").contains("at most 1.0 TiB"), "{err}");
    }

    #[test]
    fn looks_like_records() {
        let text = String::from_utf8(records(4096)).expect("records are ASCII");
        let first = text.lines().next().unwrap_or_default();
        assert!(first.starts_with("offset=000000000000 ts="), "{first}");
        assert!(first.contains("key=user-"));
    }
}
