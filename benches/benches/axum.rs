//! wshake-axum's `Handshake` extractor beside axum's own `WebSocketUpgrade`, on the same
//! request and the same defaults, in memory, in the same run and group; with a floor
//! router whose handler extracts nothing. Two ways:
//!
//! - `axum duplex`: one handshake end to end through hyper's HTTP/1.1 server connection
//!   (with upgrades) over `tokio::io::duplex`, until the 101 head has been read back.
//! - `axum call`: the request built as hyper builds one (in the round, on every side:
//!   the floor carries it), then `tower::Service::call` on the router alone, the
//!   request carrying an `OnUpgrade` (see `common/axum.rs` for which one).
//!
//! The scenarios are in `common/axum.rs`, shared with `examples/instructions.rs`.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

#[path = "common/axum.rs"]
mod scenario;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scenario::{Side, call_round, duplex_round, router, runtime};

const SIDES: [(Side, &str); 4] = [
    (Side::Wshake, "wshake-axum Handshake"),
    (
        Side::WshakeTungstenite,
        "wshake-axum Handshake + tokio-tungstenite",
    ),
    (Side::Axum, "axum WebSocketUpgrade"),
    (Side::Floor, "floor: no extractor, constant 101"),
];

fn duplex(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("axum duplex");
    group.throughput(Throughput::Elements(1));
    for (side, name) in SIDES {
        let app = router(side);
        group.bench_function(name, |b| {
            b.iter(|| black_box(rt.block_on(duplex_round(&app))));
        });
    }
    group.finish();
}

fn call(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("axum call");
    group.throughput(Throughput::Elements(1));
    for (side, name) in SIDES {
        let mut app = router(side);
        group.bench_function(name, |b| {
            b.iter(|| black_box(rt.block_on(call_round(&mut app))));
        });
    }
    group.finish();
}

criterion_group!(benches, duplex, call);
criterion_main!(benches);
