//! Nothing left behind and nothing trusted that zclab did not make:
//! interrupted samples, stale temporary files, sizes that cannot fit, and
//! the cache folder when neither HOME nor XDG_CACHE_HOME is set.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{more_than_free_space, temp_home, zclab};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// Files in `dir` (recursively), as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Waits until a file whose name contains `.zclab-tmp-` exists under `dir`
/// and has data: zclab is in the middle of writing a sample.
fn wait_for_temp(dir: &Path) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(p) = files_under(dir).into_iter().find(|p| {
            p.to_string_lossy().contains(".zclab-tmp-")
                && std::fs::metadata(p).is_ok_and(|m| m.len() > 0)
        }) {
            return p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no temporary file appeared under {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn(home: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_zclab"))
        .env_clear()
        .envs(common::clean_env(home))
        .current_dir(home)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn zclab")
}

/// `sample` interrupted by SIGINT or SIGTERM while writing: the process
/// ends by that signal (the shell's 130 / 143) and leaves no file.
#[test]
fn an_interrupted_sample_leaves_nothing() {
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        let home = temp_home();
        let out_dir = home.path().join("out");
        std::fs::create_dir(&out_dir).expect("mkdir");
        // 1 GiB takes seconds to write: the signal always lands mid-way.
        let mut child = spawn(
            home.path(),
            &["sample", "--size", "1GiB", "-o", "out/big.log"],
        );
        let tmp = wait_for_temp(&out_dir);
        kill(Pid::from_raw(child.id() as i32), sig).expect("signal zclab");
        let status = child.wait().expect("wait");
        assert_eq!(status.signal(), Some(sig as i32), "{sig}: {status:?}");
        assert!(!tmp.exists(), "{sig}: {} left behind", tmp.display());
        assert_eq!(files_under(&out_dir), Vec::<PathBuf>::new(), "{sig}");
    }
}

/// The first `compare` makes the default sample in the cache; Ctrl-C then
/// leaves no partial sample there.
#[test]
fn an_interrupted_first_compare_leaves_no_partial_sample() {
    let home = temp_home();
    let cache = home.path().join("cache");
    let mut child = spawn(home.path(), &["compare", "--runs", "1"]);
    wait_for_temp(&cache);
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("signal zclab");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(libc_sigint()), "{status:?}");
    assert_eq!(files_under(&cache), Vec::<PathBuf>::new());
}

fn libc_sigint() -> i32 {
    Signal::SIGINT as i32
}

/// A SIGKILL cannot be caught: its temporary file is removed by the next
/// zclab that uses the cache, and only when its writer is dead.
#[test]
fn stale_temporary_files_of_dead_writers_are_removed_at_start() {
    let home = temp_home();
    let dir = home.path().join("cache/zclab");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut child = Command::new("true").spawn().expect("true");
    let dead = child.id();
    child.wait().expect("wait");
    let stale = dir.join(format!(".kafka-sample-256MiB.log.zclab-tmp-{dead}"));
    let live = dir.join(format!(
        ".kafka-sample-256MiB.log.zclab-tmp-{}",
        std::process::id()
    ));
    std::fs::write(&stale, vec![b'x'; 4096]).expect("write");
    std::fs::write(&live, vec![b'x'; 4096]).expect("write");
    // And one beside the small sample, in its own folder.
    let sample_dir = dir.join(small_sample_in_cache());
    let sample_dir = sample_dir.parent().expect("folder");
    std::fs::create_dir_all(sample_dir).expect("mkdir");
    let stale_beside = sample_dir.join(format!(".00000000000000000000.log.zclab-tmp-{dead}"));
    std::fs::write(&stale_beside, vec![b'x'; 4096]).expect("write");
    zclab(home.path())
        .args(["trace", "--json"])
        .assert()
        .success();
    assert!(!stale.exists(), "stale temp file of a dead process kept");
    assert!(
        !stale_beside.exists(),
        "stale temp file beside the sample kept"
    );
    assert!(live.exists(), "a live writer's temp file was removed");
    // A second run reuses the sample and still cleans.
    std::fs::write(&stale_beside, vec![b'x'; 4096]).expect("write");
    zclab(home.path())
        .args(["trace", "--json"])
        .assert()
        .success();
    assert!(
        !stale_beside.exists(),
        "stale temp file kept when the sample was reused"
    );
}

#[test]
fn sizes_over_one_tib_are_refused_at_once() {
    let home = temp_home();
    for size in ["18446744073709551615B", "2TiB", "1099511627777"] {
        let out = zclab(home.path())
            .args(["sample", "--size", size, "-o", "huge.log"])
            .timeout(Duration::from_secs(30))
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{size}: {stderr}");
        assert!(stderr.contains("at most 1.0 TiB"), "{size}: {stderr}");
        assert_eq!(files_under(home.path()), Vec::<PathBuf>::new(), "{size}");
    }
}

/// A size that does not fit in the folder's free space (asked for as free
/// space + 1 GiB, measured here with statvfs) is refused before writing.
#[test]
fn a_sample_that_does_not_fit_is_refused_with_the_numbers() {
    let home = temp_home();
    let Some(size) = more_than_free_space(home.path()) else {
        eprintln!("skipped: more than 1 TiB free here, the size cap answers first");
        return;
    };
    let out = zclab(home.path())
        .args(["sample", "--size", &size.to_string(), "-o", "big.log"])
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not enough free space"), "{stderr}");
    assert!(stderr.contains(&format!("{size}")), "{stderr}");
    assert!(stderr.contains("bytes) is free"), "{stderr}");
    assert_eq!(files_under(home.path()), Vec::<PathBuf>::new());
}

/// zclab with neither HOME nor XDG_CACHE_HOME: the cache is a folder of
/// this user's own under TMPDIR, never the shared `TMPDIR/zclab`.
fn without_home(tmp: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("zclab").expect("binary");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TMPDIR", tmp)
        .current_dir(tmp);
    cmd
}

fn uid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// Where the small sample of `trace` lives inside the cache folder.
fn small_sample_in_cache() -> PathBuf {
    zclab::sample::small_sample_path()
        .strip_prefix(zclab::sample::cache_dir())
        .expect("the small sample lives in the cache folder")
        .to_path_buf()
}

/// The CRC-32 of the genuine small sample, from zclab's own generator.
fn genuine_small_crc() -> String {
    format!(
        "{:08x}",
        zclab::sample::expected_crc32(zclab::sample::SMALL_SAMPLE_BYTES)
    )
}

#[test]
fn a_planted_sample_in_the_shared_temp_folder_is_never_used() {
    let home = temp_home();
    let tmp = home.path();
    // What another user could plant in the old shared fallback.
    let shared = tmp.join("zclab");
    std::fs::create_dir(&shared).expect("mkdir");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let planted = shared.join(small_sample_in_cache());
    std::fs::create_dir_all(planted.parent().expect("parent")).expect("mkdir");
    std::fs::write(&planted, vec![b'A'; 16 << 10]).expect("plant");
    let doc = common::json_of(without_home(tmp).args(["trace", "--json"]));
    let own = tmp.join(format!("zclab-{}", uid()));
    assert_eq!(doc["summary"]["file"]["default_sample"], true, "{doc}");
    assert_eq!(
        doc["summary"]["file"]["path"],
        own.join(small_sample_in_cache()).display().to_string()
    );
    // The genuine sample's CRC-32, as zclab's generator makes it.
    assert_eq!(
        doc["summary"]["file"]["crc32"],
        genuine_small_crc(),
        "{doc}"
    );
    let mode = std::fs::metadata(&own)
        .expect("own cache")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
}

#[test]
fn a_planted_file_of_the_right_size_is_remade_not_reported() {
    let home = temp_home();
    let cache = home.path().join("cache/zclab");
    std::fs::create_dir_all(&cache).expect("mkdir");
    let planted = cache.join(small_sample_in_cache());
    std::fs::create_dir_all(planted.parent().expect("parent")).expect("mkdir");
    std::fs::write(&planted, vec![b'A'; 16 << 10]).expect("plant");
    let doc = common::json_of(zclab(home.path()).args(["trace", "--json"]));
    assert_eq!(doc["summary"]["file"]["default_sample"], true);
    assert_eq!(
        doc["summary"]["file"]["crc32"],
        genuine_small_crc(),
        "{doc}"
    );
    let now = std::fs::read(&planted).expect("remade");
    assert_eq!(
        format!("{:08x}", crc32fast::hash(&now)),
        genuine_small_crc(),
        "the planted content is still there"
    );
    assert!(!now.iter().all(|&b| b == b'A'));
}

#[test]
fn a_per_user_cache_folder_others_can_write_is_refused() {
    let home = temp_home();
    let tmp = home.path();
    let own = tmp.join(format!("zclab-{}", uid()));
    std::fs::create_dir(&own).expect("mkdir");
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let out = without_home(tmp)
        .args(["trace", "--json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("will not use the cache folder"), "{stderr}");
    assert!(
        stderr.contains("can be written by others (mode 777)"),
        "{stderr}"
    );
    assert_eq!(files_under(&own), Vec::<PathBuf>::new());

    // A symbolic link in its place (to a folder someone else chose) too.
    std::fs::remove_dir(&own).expect("rmdir");
    let elsewhere = tmp.join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, &own).expect("symlink");
    let out = without_home(tmp)
        .args(["trace", "--json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a folder"), "{stderr}");
    assert_eq!(files_under(&elsewhere), Vec::<PathBuf>::new());

    // Owned by someone else (root can arrange that).
    if nix::unistd::geteuid().is_root() {
        std::fs::remove_file(&own).expect("rm link");
        std::fs::create_dir(&own).expect("mkdir");
        std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        nix::unistd::chown(&own, Some(nix::unistd::Uid::from_raw(65534)), None).expect("chown");
        let out = without_home(tmp)
            .args(["trace", "--json"])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("belongs to user 65534"), "{stderr}");
    }
}
