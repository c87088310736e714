//! Client side: write the request, then read and verify a real 101 (Python `websockets`).
//! wshake's reused machine beside tungstenite's `ClientHandshake` over an in-memory
//! stream, and beside tungstenite's response parsing alone (no checks), in one group.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

#[path = "common/peers.rs"]
mod peers;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tungstenite::handshake::machine::TryParse as _;
use wshake_benches::{PYTHON_RESPONSE, client_machine, client_round};

fn client(c: &mut Criterion) {
    let (mut machine, key) = client_machine();

    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    let mut out = Vec::with_capacity(512);
    group.bench_function("wshake ClientHandshake (reused): request + verify", |b| {
        b.iter(|| black_box(client_round(&mut machine, key, &mut out)));
    });
    group.bench_function("tungstenite ClientHandshake: request + verify", |b| {
        b.iter(|| black_box(peers::tungstenite_client_round()));
    });
    group.bench_function("tungstenite Response::try_parse only (no checks)", |b| {
        b.iter(|| {
            let parsed =
                tungstenite::handshake::client::Response::try_parse(black_box(PYTHON_RESPONSE))
                    .expect("valid")
                    .expect("complete");
            black_box(parsed.0)
        });
    });
    group.finish();
}

criterion_group!(benches, client);
criterion_main!(benches);
