//! The README's commands work as written: the first commands install
//! `zclab` on the PATH, and the examples after them run from the repository
//! with nothing but that PATH (regression: they used to fail with `zclab:
//! command not found` because nothing put `zclab` on the PATH).

mod common;

use std::path::Path;

use common::{clean_env, temp_home};

const README: &str = include_str!("../README.md");

/// The lines of the first ```sh block after `heading`.
fn sh_block(heading: &str) -> Vec<&'static str> {
    let start = README.find(heading).expect("heading in README");
    let rest = &README[start..];
    let open = rest.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let close = rest[open..].find("```").expect("closed block");
    rest[open..open + close].lines().collect()
}

#[test]
fn run_it_installs_zclab_right_after_the_first_two_commands() {
    let block = sh_block("## Run it");
    let commands: Vec<&str> = block
        .iter()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- compare",
            "cargo test",
            "cargo install --path ."
        ],
        "README's first commands"
    );
    for line in sh_block("More:") {
        assert!(
            line.starts_with("zclab "),
            "an example that is not zclab: {line}"
        );
    }
}

/// Runs one README line through `sh` from the repository, with the built
/// binary's folder first on the PATH (where `cargo install` would put it).
fn run_readme_line(line: &str, home: &Path) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_zclab"))
        .parent()
        .expect("the binary's folder");
    let mut path = std::ffi::OsString::from(bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let command = line.split(" # ").next().unwrap_or(line).trim();
    std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env_clear()
        .envs(clean_env(home))
        .env("PATH", path)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sh")
}

#[test]
fn the_examples_run_as_written_with_zclab_on_the_path() {
    let home = temp_home();
    let more = sh_block("More:");
    let pick = |prefix: &str| -> &str {
        more.iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("README example {prefix:?}"))
    };
    for line in [
        pick("zclab compare samples/kafka-segment-1MiB.log"),
        pick("zclab trace --method sendfile --lang zh"),
        pick("zclab count --hide-output -- cat samples/kafka-segment-1MiB.log"),
    ] {
        let out = run_readme_line(line, home.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{line}\n{stderr}");
        assert!(!stderr.contains("not found"), "{line}\n{stderr}");
        assert!(!out.stdout.is_empty(), "{line}: no output");
    }
}

#[test]
fn count_starts_its_report_on_a_line_of_its_own() {
    let home = temp_home();
    // printf leaves no newline at the end of its output.
    let out = run_readme_line("zclab count -- printf no-newline", home.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("no-newline\n"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("zclab count — printf")),
        "{text}"
    );
    // With --hide-output the report is all there is: no blank first line.
    let out = run_readme_line(
        "zclab count --hide-output -- cat samples/kafka-segment-1MiB.log",
        home.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("zclab count — cat"), "{text}");
    assert!(
        text.lines().count() < 80,
        "cat's 1 MiB must not be on stdout"
    );
}
