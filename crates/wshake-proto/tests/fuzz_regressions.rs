//! Replays every fuzz corpus entry and every crash ever found (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' own checks, on stable, so a
//! regression fails a plain `cargo test` even where nightly and cargo-fuzz are missing.

#[path = "../../../fuzz/checks.rs"]
#[allow(clippy::pedantic, unreachable_pub)]
mod checks;
#[path = "../../../fuzz/fields.rs"]
#[allow(clippy::pedantic, unreachable_pub)]
mod fields;

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

#[test]
fn server_fields_inputs() {
    assert!(replay("server_fields", fields::server_fields) > 0);
}

/// How far each server target's corpus gets: `cargo test -p wshake-proto --test
/// fuzz_regressions corpus_depth -- --ignored --nocapture` (the figures in
/// `fuzz/README.md`).
#[test]
#[ignore = "a measurement, not a check"]
fn corpus_depth() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let inputs = |target: &str| -> Vec<Vec<u8>> {
        std::fs::read_dir(root.join(target))
            .map(|entries| {
                entries
                    .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    };
    let report = |target: &str, depths: Vec<checks::Depth>| {
        let count = |d: checks::Depth| depths.iter().filter(|&&x| x == d).count();
        println!(
            "{target}: {} inputs; refused by the parser or the header rules {}, \
             refused by a policy {}, accepted {}",
            depths.len(),
            count(checks::Depth::Failed),
            count(checks::Depth::Refused),
            count(checks::Depth::Accepted),
        );
    };
    report(
        "server_request",
        inputs("server_request")
            .iter()
            .filter_map(|data| data.split_first())
            .map(|(_, input)| checks::depth(input))
            .collect(),
    );
    report(
        "server_fields",
        inputs("server_fields")
            .iter()
            .filter_map(|data| fields::request(data))
            .map(|input| checks::depth(&input))
            .collect(),
    );
}
