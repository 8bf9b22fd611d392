//! The machine a sweep ran on, as a report states it: CPU model, cores,
//! kernel, the filesystem of the sample files, and the date. Read from
//! `/proc` and `uname`; an unknown value is `None`, never a guess.

use std::path::Path;

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Machine {
    /// `model name` of the first CPU in `/proc/cpuinfo`.
    pub cpu_model: Option<String>,
    /// CPUs this process may run on.
    pub cores: Option<usize>,
    /// `uname -sr`, e.g. `Linux 6.18.0`.
    pub kernel: Option<String>,
    /// Type of the filesystem holding the sample files (`/proc/self/mounts`).
    pub filesystem: Option<String>,
    /// When the sweep ran, UTC, RFC 3339 to the second.
    pub date: String,
}

impl Machine {
    /// Describes this machine; `files` is where the samples live.
    pub fn here(files: &Path) -> Machine {
        Machine {
            cpu_model: cpu_model(),
            cores: std::thread::available_parallelism().ok().map(|n| n.get()),
            kernel: nix::sys::utsname::uname().ok().map(|u| {
                format!(
                    "{} {}",
                    u.sysname().to_string_lossy(),
                    u.release().to_string_lossy()
                )
            }),
            filesystem: std::fs::read_to_string("/proc/self/mounts")
                .ok()
                .and_then(|m| filesystem_of(&m, files)),
            date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

/// The type of the mount with the longest mount point that contains `path`
/// (after resolving symlinks), from the text of `/proc/self/mounts`.
pub fn filesystem_of(mounts: &str, path: &Path) -> Option<String> {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_dev, point, fstype) = (f.next()?, f.next()?, f.next()?);
            // Mount points escape spaces as \040.
            let point = point.replace("\\040", " ");
            path.starts_with(&point)
                .then(|| (point.len(), fstype.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_mount_point_wins() {
        let mounts =
            "/dev/vda / ext4 rw 0 0\ntmpfs /dev/shm tmpfs rw 0 0\nproc /proc proc rw 0 0\n";
        assert_eq!(
            filesystem_of(mounts, Path::new("/dev/shm/x/y.log")).as_deref(),
            Some("tmpfs")
        );
        assert_eq!(
            filesystem_of(mounts, Path::new("/root/.cache/zclab")).as_deref(),
            Some("ext4")
        );
        assert_eq!(filesystem_of("", Path::new("/x")), None);
    }

    #[test]
    fn describes_this_machine() {
        let m = Machine::here(Path::new("/"));
        assert!(m.cores.unwrap_or(0) >= 1);
        assert!(m.kernel.as_deref().unwrap_or("").starts_with("Linux"));
        assert!(m.date.ends_with('Z') && m.date.len() == 20, "{}", m.date);
    }
}
