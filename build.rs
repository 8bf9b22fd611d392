//! Embeds the course (`lessons/`) and the committed samples (`samples/`) in
//! the binary, so `zclab lesson` works from any directory without an install
//! step. Generates `$OUT_DIR/embedded_lessons.rs`, included by
//! `src/lesson/embedded.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let lessons = root.join("lessons");
    let samples = root.join("samples");
    println!("cargo:rerun-if-changed={}", lessons.display());
    println!("cargo:rerun-if-changed={}", samples.display());

    let mut code = String::new();
    let mut found = Vec::new();
    files(&lessons, &mut found);
    found.sort();
    code.push_str("pub static LESSON_FILES: &[(&str, &str)] = &[\n");
    for p in &found {
        let Ok(rel) = p.strip_prefix(&lessons) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        // Only the course itself: the manifest and the lesson texts.
        if rel == "course.toml" || (rel.ends_with(".md") && rel.contains('/')) {
            let _ = writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                p.display().to_string()
            );
        }
    }
    code.push_str("];\n");

    let mut found = Vec::new();
    files(&samples, &mut found);
    found.sort();
    code.push_str("pub static SAMPLE_FILES: &[(&str, &[u8])] = &[\n");
    for p in &found {
        let Ok(rel) = p.strip_prefix(&root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            p.display().to_string()
        );
    }
    code.push_str("];\n");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_lessons.rs");
    std::fs::write(&out, code).expect("cannot write the embedded lessons file into OUT_DIR");
}
