//! Size strings as typed on the command line (`--size`, `--buf`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = zclab::size::parse_size(text) {
        let shown = zclab::size::format_bytes(n);
        assert!(!shown.is_empty());
        let _ = zclab::size::group_digits(n);
    }
    let _ = zclab::commands::buffer_from(text);
});
