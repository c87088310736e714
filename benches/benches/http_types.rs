//! The server handshake over `http` types (what wshake-hyper and wshake-axum run): the
//! same Chromium WebSocket as an HTTP/1.1 upgrade and as an HTTP/2 extended CONNECT,
//! validated, every policy applied (same origin, subprotocol `chat`, permessage-deflate)
//! and answered as an `http::Response`, in the same group (`benches/src/lib.rs`,
//! `http_round`, shared with `examples/instructions.rs`).

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wshake_benches::{
    chromium_http1_request, chromium_http2_request, http_round, policies_server_config,
};

fn http_types(c: &mut Criterion) {
    let config = policies_server_config();
    let mut group = c.benchmark_group("http types");
    group.throughput(Throughput::Elements(1));
    let request = chromium_http1_request();
    group.bench_function("HTTP/1.1 upgrade: from_http + policies + 101", |b| {
        b.iter(|| black_box(http_round(&config, black_box(&request))));
    });
    let request = chromium_http2_request();
    group.bench_function(
        "HTTP/2 extended CONNECT: from_http2 + policies + 200",
        |b| {
            b.iter(|| black_box(http_round(&config, black_box(&request))));
        },
    );
    group.finish();
}

criterion_group!(benches, http_types);
criterion_main!(benches);
