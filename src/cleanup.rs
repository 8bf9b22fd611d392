//! Temporary files that never outlive zclab: removed when dropped, when
//! SIGINT, SIGTERM or SIGHUP arrives (with `signal-hook`: a thread removes
//! them, then the signal's default action ends the process, so the shell
//! still sees "killed by SIGINT", exit status 130), and, for the ones a
//! SIGKILL or a crash left behind, by [`remove_stale`] at the next start.
//!
//! A temporary file is named `NAME.zclab-tmp-PID` (PID: the process that
//! writes it), so a later zclab can tell an abandoned one (its PID is no
//! longer alive) from one being written right now.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The marker in every temporary file name zclab writes.
pub const TEMP_MARKER: &str = ".zclab-tmp-";

static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set by a command that stops gracefully on SIGINT/SIGTERM itself (a
/// server): the signal thread then only removes temporary files.
static HANDLED_BY_CALLER: AtomicBool = AtomicBool::new(false);

/// Call when this command handles SIGINT and SIGTERM itself (with its own
/// `signal_hook::flag`): once no temporary file is being written, zclab's
/// signal thread then leaves those signals to it instead of ending the
/// process.
pub fn signals_handled_by_caller() {
    HANDLED_BY_CALLER.store(true, Ordering::SeqCst);
}
static HANDLER: OnceLock<bool> = OnceLock::new();

/// The temporary name for `name` in `dir`: `dir/.NAME.zclab-tmp-PID`.
pub fn temp_name(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}{TEMP_MARKER}{}", std::process::id()))
}

/// Starts (once) the thread that removes the live temporary files when a
/// terminating signal arrives, then lets the signal end the process.
fn install_handler() -> bool {
    *HANDLER.get_or_init(|| {
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return false;
        };
        std::thread::Builder::new()
            .name("zclab-signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    let removed = remove_live();
                    if removed == 0 && HANDLED_BY_CALLER.load(Ordering::SeqCst) {
                        continue;
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            })
            .is_ok()
    })
}

/// Removes the live temporary files; returns how many there were.
fn remove_live() -> usize {
    let paths = match LIVE.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    for p in &paths {
        let _ = std::fs::remove_file(p);
    }
    paths.len()
}

/// A path being written: removed on drop, on SIGINT/SIGTERM/SIGHUP, unless
/// [`TempPath::keep`] was called (after it was renamed into place).
#[derive(Debug)]
pub struct TempPath {
    path: PathBuf,
    kept: bool,
}

impl TempPath {
    /// Registers `path` (not yet created) for removal.
    pub fn new(path: PathBuf) -> TempPath {
        install_handler();
        if let Ok(mut live) = LIVE.lock() {
            live.push(path.clone());
        }
        TempPath { path, kept: false }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file was moved away (renamed into place): nothing to remove.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| p != &self.path);
        }
    }
}

/// The PID in a temporary file name `….zclab-tmp-PID`.
fn pid_of(name: &str) -> Option<i32> {
    let (_, pid) = name.rsplit_once(TEMP_MARKER)?;
    pid.parse::<i32>().ok().filter(|&p| p > 0)
}

/// Whether a process with this PID exists (EPERM: it exists, someone
/// else's).
fn alive(pid: i32) -> bool {
    use nix::errno::Errno;
    !matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
        Err(Errno::ESRCH)
    )
}

/// Removes from `dir` the temporary files zclab left behind: named
/// `….zclab-tmp-PID`, regular files, PID no longer alive. Returns how many.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(pid_of) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && pid != std::process::id() as i32
            && !alive(pid)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_in_names() {
        assert_eq!(pid_of(".big.log.zclab-tmp-1234"), Some(1234));
        assert_eq!(pid_of(".a.zclab-tmp-x.zclab-tmp-7"), Some(7));
        assert_eq!(pid_of(".big.log.zclab-tmp-"), None);
        assert_eq!(pid_of(".big.log.zclab-tmp--3"), None);
        assert_eq!(pid_of("big.log"), None);
    }

    #[test]
    fn only_dead_writers_files_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = std::process::Command::new("true").spawn().expect("true");
        let dead = child.id();
        child.wait().expect("wait");
        let stale = dir.path().join(format!(".s.log{TEMP_MARKER}{dead}"));
        let live = dir
            .path()
            .join(format!(".l.log{TEMP_MARKER}{}", std::process::id()));
        let other = dir.path().join("s.log");
        for p in [&stale, &live, &other] {
            std::fs::write(p, b"x").expect("write");
        }
        assert_eq!(remove_stale(dir.path()), 1);
        assert!(!stale.exists() && live.exists() && other.exists());
    }

    #[test]
    fn a_temp_path_is_removed_unless_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = TempPath::new(temp_name(dir.path(), "a"));
        std::fs::write(t.path(), b"x").expect("write");
        let p = t.path().to_path_buf();
        drop(t);
        assert!(!p.exists());
        let t = TempPath::new(temp_name(dir.path(), "b"));
        std::fs::write(t.path(), b"x").expect("write");
        let p = t.path().to_path_buf();
        t.keep();
        assert!(p.exists());
    }
}
