//! Fuzz target `server_fields`: see `fuzz/fields.rs` for what it generates and checks.
#![no_main]

#[path = "../checks.rs"]
mod checks;
#[path = "../fields.rs"]
mod fields;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fields::server_fields(data));
