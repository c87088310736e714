//! Server handshake, bytes in to response bytes out, on a real Chromium request with
//! cookies: wshake's reused machine beside tungstenite's public server handshake pieces
//! (`TryParse for Request`, `create_response`, `write_response`), in the same group.
//! wshake runs twice: with no policies (the work tungstenite does) and with the
//! same-origin check, subprotocol choice and permessage-deflate negotiation on.
//! Then the linear-scan check: a 64 KiB head fed whole vs one byte at a time.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tungstenite::handshake::machine::TryParse as _;
use wshake_benches::{
    chromium_request_with_cookies, large_request, plain_server_config, policies_server_config,
    server_round,
};
use wshake_proto::server::ServerHandshake;
use wshake_proto::{Limits, Status};

fn server(c: &mut Criterion) {
    let request = chromium_request_with_cookies();
    let config = policies_server_config();

    let mut group = c.benchmark_group("server");
    group.throughput(Throughput::Elements(1));
    // The same work tungstenite does: validate, answer the key, no policies.
    let mut plain = ServerHandshake::new(plain_server_config());
    let mut out = Vec::with_capacity(512);
    group.bench_function("wshake ServerHandshake (reused), no policies", |b| {
        b.iter(|| black_box(server_round(&mut plain, &request, &mut out)));
    });
    let mut machine = ServerHandshake::new(config);
    group.bench_function(
        "wshake ServerHandshake (reused), origin + subprotocol + deflate policies",
        |b| {
            b.iter(|| black_box(server_round(&mut machine, &request, &mut out)));
        },
    );
    group.bench_function(
        "tungstenite try_parse + create_response + write_response",
        |b| {
            let mut out = Vec::with_capacity(512);
            b.iter(|| {
                out.clear();
                let (_, parsed) =
                    tungstenite::handshake::server::Request::try_parse(black_box(&request))
                        .expect("valid")
                        .expect("complete");
                let response =
                    tungstenite::handshake::server::create_response(&parsed).expect("response");
                tungstenite::handshake::server::write_response(&mut out, &response)
                    .expect("written");
                black_box(out.len())
            });
        },
    );
    group.finish();

    let large = large_request();
    let limits = Limits::new()
        .max_head_bytes(128 * 1024)
        .max_headers(256)
        .expect("the ceiling itself is allowed");
    let mut group = c.benchmark_group("server_64k_head");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.sample_size(20);
    let config = plain_server_config().limits(limits);
    group.bench_function("wshake fed whole", |b| {
        b.iter_batched_ref(
            || ServerHandshake::new(config.clone()),
            |machine| {
                machine.feed(&large);
                assert!(matches!(machine.poll(), Ok(Status::Ready(_))));
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("wshake fed 1 byte at a time", |b| {
        b.iter_batched_ref(
            || ServerHandshake::new(config.clone()),
            |machine| {
                for byte in &large {
                    machine.feed(std::slice::from_ref(byte));
                    if matches!(machine.poll(), Ok(Status::Ready(_))) {
                        break;
                    }
                }
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, server);
criterion_main!(benches);
