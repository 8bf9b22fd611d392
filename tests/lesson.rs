//! `zclab lesson`: the course checks, every lesson plays end to end in both
//! languages, predicts are checked against what the kernel must have done,
//! malformed lesson files are reported with file and line, and progress
//! survives a restart.

mod common;

use std::path::{Path, PathBuf};

use common::{temp_home, zclab};

/// How many lessons the course has (other lessons get appended; the tests
/// follow the manifest).
fn lessons() -> u32 {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/course.toml");
    std::fs::read_to_string(manifest)
        .expect("read course.toml")
        .lines()
        .filter(|l| l.trim() == "[[lesson]]")
        .count() as u32
}

/// The list's progress bar for `done` finished lessons, e.g. `[#>------] 1/7`.
fn bar(done: u32) -> String {
    let total = lessons();
    let filled = (done * 8 / total) as usize;
    let mut b = "#".repeat(filled);
    if filled < 8 {
        b.push('>');
        b.push_str(&"-".repeat(7 - filled));
    }
    format!("[{b}] {done}/{total}")
}

fn run(cmd: &mut assert_cmd::Command) -> (bool, String, String) {
    let out = cmd.output().expect("cannot run zclab");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cmd: &mut assert_cmd::Command) -> String {
    let (success, stdout, stderr) = run(cmd);
    assert!(
        success,
        "zclab failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}

/// A copy of the repository's course in `dir/lessons`, for tests that break
/// it on purpose through `ZCLAB_LESSONS_DIR`.
fn copy_course(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let dst = dir.join("lessons");
    for sub in ["", "en", "zh"] {
        std::fs::create_dir_all(dst.join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(src.join(sub)).expect("read lessons") {
            let entry = entry.expect("entry");
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dst.join(sub).join(entry.file_name())).expect("copy");
            }
        }
    }
    dst
}

fn state_file(home: &Path) -> PathBuf {
    home.join("state").join("zclab").join("lessons.json")
}

#[test]
fn check_passes_on_the_embedded_course_and_on_disk() {
    let home = temp_home();
    let out = ok(zclab(home.path()).args(["lesson", "--check"]));
    assert!(
        out.contains(&format!("{} lessons", lessons())) && out.contains("all checks passed"),
        "{out}"
    );
    let dir = copy_course(home.path());
    let out = ok(zclab(home.path())
        .env("ZCLAB_LESSONS_DIR", &dir)
        .args(["lesson", "--check"]));
    assert!(out.contains("all checks passed"), "{out}");
}

#[test]
fn every_lesson_plays_to_the_end_in_both_languages() {
    let home = temp_home();
    for n in 1..=lessons() {
        for lang in ["en", "zh"] {
            let out = ok(zclab(home.path()).args([
                "lesson",
                &n.to_string(),
                "--no-pause",
                "--lang",
                lang,
            ]));
            let title = match lang {
                "en" => format!("Lesson {n} · "),
                _ => format!("第 {n} 课 · "),
            };
            assert!(out.contains(&title), "lesson {n} {lang}: no title\n{out}");
            // Every lesson runs at least one real measurement, verified.
            assert!(out.contains("$ zclab "), "lesson {n} {lang}: no run\n{out}");
            // A trace's table in a lesson carries the caveat `zclab trace`
            // prints: its CPU and throughput include the pauses.
            if out.contains("$ zclab trace") {
                let note = match lang {
                    "en" => "include the pauses",
                    _ => "停顿",
                };
                assert!(out.contains(note), "lesson {n} {lang}: no caveat\n{out}");
            }
            // A handout shows the answers of predicts and quizzes.
            assert!(
                out.contains('✓'),
                "lesson {n} {lang}: no answers shown\n{out}"
            );
        }
    }
}

#[test]
fn predict_accepts_the_measured_answer() {
    // Lesson 1's first predict: a 16 KiB file read with a 4 KiB buffer
    // takes 4 data reads + 1 read that returns 0 at the end of the file.
    let home = temp_home();
    let out = ok(zclab(home.path()).args(["lesson", "1"]).write_stdin("5\n"));
    assert!(
        out.contains("Your answer: 5\n  ✓ Right: the run measures 5"),
        "{out}"
    );
}

#[test]
fn predict_rejects_a_wrong_answer_with_a_hint_then_accepts_the_right_one() {
    let home = temp_home();
    let out = ok(zclab(home.path())
        .args(["lesson", "1"])
        .write_stdin("4\n5\n"));
    let wrong = out
        .find("Your answer: 4\n  ✗ Not quite. Hint:")
        .unwrap_or_else(|| panic!("{out}"));
    let right = out
        .find("Your answer: 5\n  ✓ Right: the run measures 5")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(wrong < right, "{out}");
}

#[test]
fn predict_in_chinese_rejects_twice_then_shows_the_measurement() {
    let home = temp_home();
    let out = ok(zclab(home.path())
        .args(["lesson", "1", "--lang", "zh"])
        .write_stdin("4\n6\n"));
    assert!(out.contains("✗ 不对。提示："), "{out}");
    assert!(out.contains("答案（由下面的运行实测）：5"), "{out}");
}

#[test]
fn a_malformed_lesson_file_is_reported_with_file_and_line() {
    let home = temp_home();
    let dir = copy_course(home.path());
    let file = dir.join("en").join("03-four-optimizations.md");
    let mut text = std::fs::read_to_string(&file).expect("read lesson");
    let quiz_line = text.lines().count() + 2;
    text.push_str("\n```quiz\nquestion: Two right answers?\n- [x] A\n  feedback: a\n- [x] B\n  feedback: b\n```\n");
    std::fs::write(&file, text).expect("write lesson");
    for args in [
        &["lesson", "--check"][..],
        &["lesson", "3", "--no-pause"][..],
    ] {
        let (success, stdout, stderr) =
            run(zclab(home.path()).env("ZCLAB_LESSONS_DIR", &dir).args(args));
        assert!(!success, "{args:?} passed on a broken course\n{stdout}");
        let want = format!(
            "en/03-four-optimizations.md:{quiz_line}: a quiz needs exactly one right choice"
        );
        assert!(
            stderr.contains(&want),
            "{args:?}: expected `{want}` in\n{stderr}"
        );
    }
}

/// The course checker speaks the author's language: under `--lang zh` (or
/// a Chinese locale) the same `file:line:` with the message in Chinese, and
/// no English sentence left in it.
#[test]
fn check_reports_in_chinese() {
    let home = temp_home();
    let dir = copy_course(home.path());
    let mut quiz_lines = Vec::new();
    for lang in ["en", "zh"] {
        let file = dir.join(lang).join("03-four-optimizations.md");
        let mut text = std::fs::read_to_string(&file).expect("read lesson");
        quiz_lines.push(text.lines().count() + 2);
        text.push_str(
            "\n```quiz\nquestion: Q\n- [x] A\n  feedback: a\n- [x] B\n  feedback: b\n```\n",
        );
        std::fs::write(&file, text).expect("write lesson");
    }
    let check = |args: &[&str], locale: Option<&str>| {
        let mut cmd = zclab(home.path());
        cmd.env("ZCLAB_LESSONS_DIR", &dir).args(args);
        if let Some(l) = locale {
            cmd.env("LANG", l);
        }
        let (success, stdout, stderr) = run(&mut cmd);
        assert!(!success, "{args:?} passed on a broken course\n{stdout}");
        stderr
    };
    for (args, locale) in [
        (&["--lang", "zh", "lesson", "--check"][..], None),
        (&["lesson", "--check"][..], Some("zh_CN.UTF-8")),
    ] {
        let stderr = check(args, locale);
        assert!(stderr.contains("课程有 2 处问题："), "{args:?}:\n{stderr}");
        for (lang, line) in ["en", "zh"].iter().zip(&quiz_lines) {
            let want = format!(
                "{lang}/03-four-optimizations.md:{line}: 测验必须有且只有一个用 [x] 标出的正确选项，这里有 2 个"
            );
            assert!(
                stderr.contains(&want),
                "{args:?}: expected `{want}` in\n{stderr}"
            );
        }
        for english in ["a quiz needs", "the course has", "problems"] {
            assert!(
                !stderr.contains(english),
                "{args:?}: `{english}` in\n{stderr}"
            );
        }
    }
    // The manifest is checked first, in Chinese too.
    let manifest = dir.join("course.toml");
    let toml = std::fs::read_to_string(&manifest).expect("read course.toml");
    let (line, first) = toml
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("sample = "))
        .expect("a sample line");
    let broken = toml.replacen(first, "sample = \"kafka.log\"", 1);
    std::fs::write(&manifest, broken).expect("write course.toml");
    let stderr = check(&["--lang", "zh", "lesson", "--check"], None);
    let want = format!(
        "course.toml:{}: 样本“kafka.log”必须是 samples/ 下的路径（例如 samples/kafka-segment-16KiB.log）",
        line + 1
    );
    assert!(stderr.contains("课程有 1 处问题："), "{stderr}");
    assert!(stderr.contains(&want), "expected `{want}` in\n{stderr}");
}

#[test]
fn a_malformed_manifest_and_mismatched_languages_are_reported() {
    let home = temp_home();
    let dir = copy_course(home.path());
    // A Chinese file whose run differs from the English one.
    let zh = dir.join("zh").join("04-kafka-workflow.md");
    let text = std::fs::read_to_string(&zh).expect("read");
    let line = text
        .lines()
        .position(|l| l == "compare --runs 1 --cold --method read-write")
        .expect("lesson 4 runs a cold read-write")
        + 1;
    std::fs::write(
        &zh,
        text.replace(
            "compare --runs 1 --cold --method read-write",
            "compare --runs 2 --cold --method read-write",
        ),
    )
    .expect("write");
    let (success, _, stderr) = run(zclab(home.path())
        .env("ZCLAB_LESSONS_DIR", &dir)
        .args(["lesson", "--check"]));
    assert!(!success);
    assert!(
        stderr.contains(&format!("zh/04-kafka-workflow.md:{line}: differs from")),
        "{stderr}"
    );

    let manifest = dir.join("course.toml");
    std::fs::write(
        &manifest,
        "format_version = 1\n\n[[lesson]]\nid = \"x\nnumber = 1\n",
    )
    .expect("write");
    let (success, _, stderr) = run(zclab(home.path())
        .env("ZCLAB_LESSONS_DIR", &dir)
        .args(["lesson", "--check"]));
    assert!(!success);
    assert!(stderr.contains("course.toml:4:"), "{stderr}");
}

#[test]
fn progress_survives_a_restart_and_reset_clears_it() {
    let home = temp_home();
    ok(zclab(home.path()).args(["lesson", "6", "--no-pause", "--save"]));
    let saved = std::fs::read_to_string(state_file(home.path())).expect("progress file written");
    let state: serde_json::Value = serde_json::from_str(&saved).expect("progress is JSON");
    assert_eq!(state["format_version"], 1);
    assert_eq!(state["done"], serde_json::json!(["summary"]));
    assert_eq!(state["current"]["lesson"], "reading-proc");

    // A new process sees it: the list marks lesson 6 done and continues
    // with lesson 7 (and, asked to, records it).
    let out = ok(zclab(home.path()).args(["lesson", "--no-pause", "--save"]));
    assert!(out.contains(&bar(1)), "{out}");
    assert!(out.contains("✓  6"), "{out}");
    assert!(out.contains("▶  7"), "{out}");
    assert!(out.contains("Lesson 7 · "), "{out}");

    // Resetting one lesson keeps the others.
    ok(zclab(home.path()).args(["lesson", "reset", "6"]));
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_file(home.path())).expect("read"))
            .expect("json");
    assert_eq!(state["done"], serde_json::json!(["reading-proc"]));

    ok(zclab(home.path()).args(["lesson", "reset"]));
    assert!(!state_file(home.path()).exists());
    let out = ok(zclab(home.path()).args(["lesson", "--no-pause"]));
    assert!(out.contains(&bar(0)), "{out}");
    assert!(out.contains("Lesson 1 · "), "{out}");
}

#[test]
fn a_bad_lesson_number_is_a_usage_error() {
    let home = temp_home();
    zclab(home.path())
        .args(["lesson", &(lessons() + 1).to_string()])
        .assert()
        .code(2);
    zclab(home.path())
        .args(["lesson", "later"])
        .assert()
        .code(2);
}

/// On a terminal: one step per screen, keys drive it, a predict is checked
/// against the measurement, `q` saves the place, and the terminal settings
/// are back as they were.
#[test]
fn on_a_terminal_keys_drive_the_lesson_and_the_terminal_is_restored() {
    let home = temp_home();
    // Four text screens, then the first predict: 1 MiB / 4 KiB + 1 reads.
    let keys = ["\r", "\r", "\r", "\r", "2", "5", "7", "\r", "q"];
    let (status, out, restored) =
        common::on_a_pty(home.path(), &["lesson", "3", "--color", "never"], &keys);
    assert!(status.success(), "{status:?}\n{out}");
    assert!(out.contains(&format!("Lesson 3/{}", lessons())), "{out}");
    assert!(out.contains("Enter/space next"), "{out}");
    assert!(out.contains("✓ Right: the run measures 257"), "{out}");
    assert!(restored, "terminal not restored after q");
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_file(home.path())).expect("progress saved"),
    )
    .expect("json");
    assert_eq!(state["current"]["lesson"], "four-optimizations");
    assert_eq!(state["current"]["step"], 4);

    // Ctrl-C quits as cleanly, and the next session resumes at that step.
    let (status, out, restored) = common::on_a_pty(
        home.path(),
        &["lesson", "3", "--color", "never"],
        &["\r", "\x03"],
    );
    // Ctrl-C quits like q but exits 130 (README's exit codes), not 0.
    assert_eq!(status.code(), Some(130), "{status:?}\n{out}");
    assert!(
        out.contains("step 5/13"),
        "did not resume at the saved step:\n{out}"
    );
    assert!(restored, "terminal not restored after Ctrl-C");
}

#[test]
fn an_unwritable_state_folder_warns_but_does_not_stop_the_lesson() {
    let home = temp_home();
    // A file where the state folder should be: nothing can be saved there.
    let blocked = home.path().join("blocked");
    std::fs::write(&blocked, "").expect("write");
    let (success, stdout, stderr) = run(zclab(home.path()).env("XDG_STATE_HOME", &blocked).args([
        "lesson",
        "6",
        "--no-pause",
        "--save",
    ]));
    assert!(success, "{stdout}\n{stderr}");
    assert!(stdout.contains("Lesson 6 · "), "{stdout}");
    assert!(stderr.contains("progress will not be saved"), "{stderr}");
}

/// A handout (`--no-pause`, or stdout redirected) shows the lesson without
/// moving the student's progress; `--save` is the way to ask for it.
#[test]
fn a_handout_leaves_progress_alone_unless_asked() {
    let home = temp_home();
    ok(zclab(home.path()).args(["lesson", "5", "--no-pause"]));
    assert!(
        !state_file(home.path()).exists(),
        "a handout wrote the progress file"
    );
    let mine = r#"{"format_version": 1, "current": {"lesson": "sendfile", "step": 3}, "done": ["traditional-path"]}"#;
    std::fs::create_dir_all(state_file(home.path()).parent().expect("dir")).expect("mkdir");
    std::fs::write(state_file(home.path()), mine).expect("write");
    ok(zclab(home.path()).args(["lesson", "5", "--no-pause"]));
    assert_eq!(
        std::fs::read_to_string(state_file(home.path())).expect("read"),
        mine,
        "a handout changed the progress file"
    );
    ok(zclab(home.path()).args(["lesson", "5", "--no-pause", "--save"]));
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_file(home.path())).expect("read"))
            .expect("json");
    assert_eq!(
        state["done"],
        serde_json::json!(["traditional-path", "why-kafka"])
    );
}

/// One piped answer line answers one question: the lesson stops at the
/// next question instead of answering it by itself, and is not marked done.
#[test]
fn a_piped_answer_answers_only_its_question() {
    let home = temp_home();
    let (success, out, err) = run(zclab(home.path()).args(["lesson", "1"]).write_stdin("5\n"));
    assert!(success, "{out}\n{err}");
    assert!(
        out.contains("Your answer: 5\n  ✓ Right: the run measures 5"),
        "{out}"
    );
    // The second predict (the writes) is asked, not answered.
    let second = out
        .find("Predict: And how many write() calls?")
        .unwrap_or_else(|| panic!("second question not asked\n{out}"));
    assert!(
        !out[second..].contains("Answer, as measured") && !out[second..].contains('✓'),
        "later questions were answered by themselves:\n{}",
        &out[second..]
    );
    assert!(err.contains("standard input ended"), "{err}");
    assert!(!state_file(home.path()).exists(), "progress was written");
}

/// `zclab lesson next` keeps the language the student chose with --lang.
#[test]
fn next_keeps_the_chosen_language() {
    let home = temp_home();
    ok(zclab(home.path()).args(["lesson", "5", "--no-pause", "--save", "--lang", "zh"]));
    let out = ok(zclab(home.path()).args(["lesson", "next", "--no-pause", "--save"]));
    assert!(out.contains("第 6 课 · "), "{out}");
    // An explicit choice changes it again.
    let out =
        ok(zclab(home.path()).args(["lesson", "next", "--no-pause", "--save", "--lang", "en"]));
    assert!(out.contains("Lesson 7 · "), "{out}");
    let out = ok(zclab(home.path()).args(["lesson", "6", "--no-pause"]));
    assert!(out.contains("Lesson 6 · "), "{out}");
}

/// Going back to an earlier, finished lesson is a review: the place in the
/// lesson the student is working on is kept.
#[test]
fn lesson_prev_keeps_the_saved_position() {
    let home = temp_home();
    let saved = r#"{"format_version": 1, "current": {"lesson": "four-optimizations", "step": 4}, "done": ["traditional-path", "sendfile"]}"#;
    std::fs::create_dir_all(state_file(home.path()).parent().expect("dir")).expect("mkdir");
    std::fs::write(state_file(home.path()), saved).expect("write");
    let (status, out, restored) = common::on_a_pty(
        home.path(),
        &["lesson", "prev", "--color", "never"],
        &["\r", "q"],
    );
    assert!(status.success() && restored, "{status:?}\n{out}");
    assert!(out.contains(&format!("Lesson 2/{}", lessons())), "{out}");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_file(home.path())).expect("read"))
            .expect("json");
    assert_eq!(state["current"]["lesson"], "four-optimizations", "{state}");
    assert_eq!(state["current"]["step"], 4, "{state}");
    let (status, out, _) = common::on_a_pty(home.path(), &["lesson", "--color", "never"], &["q"]);
    assert!(status.success(), "{status:?}\n{out}");
    assert!(
        out.contains(&format!("Lesson 3/{}", lessons())) && out.contains("step 5/13"),
        "{out}"
    );
}

/// `l` lists the lessons and lets the student pick one.
#[test]
fn the_list_key_picks_a_lesson() {
    let home = temp_home();
    let (status, out, restored) = common::on_a_pty(
        home.path(),
        &["lesson", "1", "--color", "never"],
        &["l", "6", "\r", "q"],
    );
    assert!(status.success() && restored, "{status:?}\n{out}");
    assert!(out.contains("Enter: open"), "{out}");
    assert!(out.contains(&format!("Lesson 6/{}", lessons())), "{out}");
}

/// `--check` catches classes of mistakes in the words: a JSON-only field
/// named as if it were on screen, and Chinese that breaks ZH-STYLE.md.
#[test]
fn check_catches_json_only_names_and_chinese_style() {
    let home = temp_home();
    let dir = copy_course(home.path());
    let en = dir.join("en").join("03-four-optimizations.md");
    let text = std::fs::read_to_string(&en).expect("read");
    std::fs::write(
        &en,
        format!("{text}\nLook at `cpu_sys_us` in both columns.\n"),
    )
    .expect("write");
    let zh = dir.join("zh").join("03-four-optimizations.md");
    let text = std::fs::read_to_string(&zh).expect("read");
    std::fs::write(&zh, format!("{text}\n这里发生了\"模式切换\"。\n")).expect("write");
    let (success, _, stderr) = run(zclab(home.path())
        .env("ZCLAB_LESSONS_DIR", &dir)
        .args(["lesson", "--check"]));
    assert!(!success);
    assert!(
        stderr.contains("en/03-four-optimizations.md:")
            && stderr.contains("`cpu_sys_us` is a --json field"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not 模式切换") && stderr.contains("“…”"),
        "{stderr}"
    );
}

/// The lessons' static copy of the JSON contract (what a predict may point
/// at) against the real `--json` output of both subcommands and methods:
/// every pointer `lesson --check` accepts names a number zclab prints.
#[test]
fn every_pointer_the_check_accepts_is_in_the_real_json() {
    let home = temp_home();
    let file = common::file_of(home.path(), "s.log", 16384);
    for line in [
        "compare --runs 1",
        "compare --runs 1 --method sendfile",
        "trace --method read-write",
        "trace --method sendfile",
    ] {
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let shape = zclab::lesson::RunShape::from_args(&args).expect("a lesson run line");
        let doc = common::json_of(zclab(home.path()).args(&args).arg(&file).arg("--json"));
        for p in shape.pointers() {
            assert!(
                doc.pointer(&p).is_some_and(serde_json::Value::is_number),
                "`zclab {line} --json` has no number at {p}"
            );
        }
    }
    // The Kafka demo takes no sample.
    let args: Vec<String> = ["kafka", "--size", "1MiB", "--runs", "1"]
        .map(str::to_string)
        .to_vec();
    let shape = zclab::lesson::RunShape::from_args(&args).expect("a lesson run line");
    let doc = common::json_of(zclab(home.path()).args(&args).arg("--json"));
    for p in shape.pointers() {
        assert!(
            doc.pointer(&p).is_some_and(serde_json::Value::is_number),
            "`zclab kafka --json` has no number at {p}"
        );
    }
}

/// A screen taller than the terminal scrolls as a pager does: space moves
/// down a page (PgDn and the arrows too, unit-tested in `page`).
#[test]
fn a_tall_run_screen_scrolls_with_space() {
    let home = temp_home();
    // Lesson 1 resumes at its trace run (step 11), taller than 24 rows.
    let saved = r#"{"format_version": 1, "current": {"lesson": "traditional-path", "step": 10}, "done": [], "places": {"traditional-path": 10}}"#;
    std::fs::create_dir_all(state_file(home.path()).parent().expect("dir")).expect("mkdir");
    std::fs::write(state_file(home.path()), saved).expect("write");
    let (status, out, restored) = common::on_a_pty(
        home.path(),
        &["lesson", "1", "--color", "never"],
        &[" ", "q"],
    );
    assert!(status.success() && restored, "{status:?}\n{out}");
    assert!(out.contains("step 11/"), "{out}");
    assert!(out.contains("space/PgDn/↓ more"), "{out}");
    assert!(out.contains("(lines 1-"), "{out}");
    assert!(out.contains("(lines 18-"), "did not scroll a page:\n{out}");
}
