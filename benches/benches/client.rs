//! Client side: write the request, then read and verify a real 101 (Python `websockets`).
//! wshake's reused machine beside tungstenite's `ClientHandshake` over an in-memory
//! stream, and beside tungstenite's response parsing alone (no checks), in one group.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::io::{self, Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tungstenite::handshake::machine::TryParse as _;
use wshake_benches::{PYTHON_RESPONSE, RFC_KEY, client_machine, client_round};

/// Reads the canned response, swallows what is written.
struct Canned<'a> {
    input: &'a [u8],
    written: usize,
}

impl Read for Canned<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Canned<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn tungstenite_request() -> tungstenite::handshake::client::Request {
    tungstenite::http::Request::builder()
        .uri("ws://127.0.0.1/chat")
        .header("Host", "127.0.0.1")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header(
            "Sec-WebSocket-Key",
            std::str::from_utf8(RFC_KEY).unwrap_or_default(),
        )
        .header("Sec-WebSocket-Protocol", "chat")
        .header(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits",
        )
        .body(())
        .expect("valid request")
}

fn client(c: &mut Criterion) {
    let (mut machine, key) = client_machine();

    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    let mut out = Vec::with_capacity(512);
    group.bench_function("wshake ClientHandshake (reused): request + verify", |b| {
        b.iter(|| black_box(client_round(&mut machine, key, &mut out)));
    });
    group.bench_function("tungstenite ClientHandshake: request + verify", |b| {
        b.iter(|| {
            let stream = Canned {
                input: black_box(PYTHON_RESPONSE),
                written: 0,
            };
            let handshake = tungstenite::handshake::client::ClientHandshake::start(
                stream,
                tungstenite_request(),
                None,
            )
            .expect("started");
            let (socket, response) = handshake.handshake().expect("verified");
            black_box((socket.get_ref().written, response.status()))
        });
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
