//! Replays every fuzz corpus entry and every crash ever found (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' own checks, on stable, so a
//! regression fails a plain `cargo test` even where nightly and cargo-fuzz are missing.

#[path = "../../../fuzz/checks.rs"]
#[allow(clippy::pedantic, unreachable_pub)]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} fails its check", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn server_request_inputs() {
    assert!(replay("server_request", checks::server_request) > 0);
}

#[test]
fn client_response_inputs() {
    assert!(replay("client_response", checks::client_response) > 0);
}

#[test]
fn key_and_accept_inputs() {
    assert!(replay("key_and_accept", checks::key_and_accept) > 0);
}

#[test]
fn extensions_inputs() {
    assert!(replay("extensions", checks::extensions) > 0);
}

#[test]
fn roundtrip_inputs() {
    assert!(replay("roundtrip", checks::roundtrip) > 0);
}
