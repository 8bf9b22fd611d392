//! `zclab sample`: exact sizes, deterministic content, no overwriting.

mod common;

use common::{temp_home, zclab};

#[test]
fn makes_exact_deterministic_files() {
    let home = temp_home();
    for (size, bytes) in [
        ("0", 0u64),
        ("1", 1),
        ("4KiB", 4096),
        ("4097", 4097),
        ("3MiB", 3 << 20),
    ] {
        let a = home.path().join(format!("a{bytes}"));
        let b = home.path().join(format!("b{bytes}"));
        zclab(home.path())
            .args(["sample", "--size", size, "-o"])
            .arg(&a)
            .assert()
            .success();
        zclab(home.path())
            .args(["sample", "--size", size, "-o"])
            .arg(&b)
            .assert()
            .success();
        let (da, db) = (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
        assert_eq!(da.len() as u64, bytes);
        assert_eq!(da, db, "same size, same content");
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let home = temp_home();
    let path = home.path().join("mine.log");
    std::fs::write(&path, b"precious").expect("write");
    let out = zclab(home.path())
        .args(["sample", "--size", "4KiB", "-o"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&path).expect("read"), b"precious");
    zclab(home.path())
        .args(["sample", "--size", "4KiB", "--force", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), 4096);
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(home.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn bad_sizes_and_places() {
    let home = temp_home();
    for size in ["", "big", "1.5GiB", "-1", "4 parsecs"] {
        let out = zclab(home.path())
            .args(["sample", "--size", size, "-o", "x.log"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "size {size:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--size"));
    }
    let out = zclab(home.path())
        .args(["sample", "--size", "1KiB", "-o", "no/such/dir/x.log"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn committed_samples_are_what_sample_makes() {
    let home = temp_home();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (size, name) in [
        ("16KiB", "kafka-segment-16KiB.log"),
        ("1MiB", "kafka-segment-1MiB.log"),
    ] {
        // The committed samples are genuine Kafka segments.
        let made = home.path().join(name);
        zclab(home.path())
            .args(["sample", "--kafka", "--size", size, "-o"])
            .arg(&made)
            .assert()
            .success();
        assert_eq!(
            std::fs::read(&made).expect("made"),
            std::fs::read(root.join("samples").join(name)).expect("committed"),
            "{name}"
        );
    }
}
