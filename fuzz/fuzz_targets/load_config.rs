//! Feed arbitrary bytes to the configuration loader: it must return `Ok` or `Err`, never panic,
//! hang or exhaust memory (the loader's budgets bound the work).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cwrecon::config::load_texts([("fuzz.yaml", text)]);
    }
});
