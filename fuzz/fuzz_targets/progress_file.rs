//! The lesson progress file (`lessons.json`), which anyone who can write the
//! state folder controls: loaded from a real file as `zclab lesson` does,
//! then saved again (what zclab does next) and reloaded.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zclab::lesson::state;

static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(dir) = DIR.get_or_init(|| tempfile::tempdir().ok()).as_ref() else {
        return;
    };
    let path = dir.path().join("lessons.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let (loaded, warning) = state::load(&path);
    if warning.is_none() {
        assert!(state::save(&path, &loaded).is_ok());
        let (again, warning) = state::load(&path);
        assert!(warning.is_none());
        assert_eq!(again, loaded);
    }
});
