//! Every library's server handshake on the same bytes, in one group per request size
//! (`benches/common/peers.rs`): the naive floor, wshake, tungstenite, soketto and
//! tokio-websockets; then fastwebsockets' `upgrade` beside wshake's `http` path, and the
//! clients of wshake and tungstenite. The instruction counts of the same rounds
//! (`examples/instructions.rs`, `peer-*` scenarios) are the figures to compare: this VM's
//! wall clock moves a row by up to 46% between runs.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

#[path = "common/peers.rs"]
mod peers;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wshake_benches::{
    CHROMIUM_REQUEST, chromium_request_2k, client_machine, client_round, plain_server_config,
    policies_server_config, server_round,
};
use wshake_proto::server::ServerHandshake;

fn servers(c: &mut Criterion) {
    for (size, request) in [
        ("480", CHROMIUM_REQUEST.to_vec()),
        ("2k", chromium_request_2k()),
    ] {
        let mut group = c.benchmark_group(format!("peers_server_{size}"));
        group.throughput(Throughput::Elements(1));
        let mut out = Vec::with_capacity(1024);
        group.bench_function("floor: httparse + SHA-1 + base64, nothing checked", |b| {
            b.iter(|| black_box(peers::floor_round(black_box(&request), &mut out)));
        });
        let mut machine = ServerHandshake::new(plain_server_config());
        group.bench_function("wshake ServerHandshake (reused)", |b| {
            b.iter(|| black_box(server_round(&mut machine, black_box(&request), &mut out)));
        });
        group.bench_function("tungstenite", |b| {
            b.iter(|| black_box(peers::tungstenite_round(black_box(&request))));
        });
        group.bench_function("soketto", |b| {
            b.iter(|| black_box(peers::soketto_round(black_box(&request))));
        });
        group.bench_function("tokio-websockets", |b| {
            b.iter(|| black_box(peers::tokio_websockets_round(black_box(&request))));
        });
        group.finish();
    }
}

fn http_and_clients(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers_http_types");
    let request = wshake_benches::chromium_http1_request();
    let config = policies_server_config();
    group.bench_function("wshake http_round (every policy)", |b| {
        b.iter(|| black_box(wshake_benches::http_round(&config, black_box(&request))));
    });
    group.bench_function("fastwebsockets upgrade (on a clone)", |b| {
        b.iter(|| black_box(peers::fastwebsockets_round(black_box(&request))));
    });
    group.bench_function("the clone alone", |b| {
        b.iter(|| black_box(peers::clone_round(black_box(&request))));
    });
    group.finish();

    let mut group = c.benchmark_group("peers_client");
    let (mut machine, key) = client_machine();
    let mut out = Vec::with_capacity(512);
    group.bench_function("wshake ClientHandshake (reused)", |b| {
        b.iter(|| black_box(client_round(&mut machine, key, &mut out)));
    });
    group.bench_function("tungstenite ClientHandshake", |b| {
        b.iter(|| black_box(peers::tungstenite_client_round()));
    });
    group.finish();
}

criterion_group!(benches, servers, http_and_clients);
criterion_main!(benches);
