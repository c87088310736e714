//! A handshake scenario run `N` times, for instruction counts under callgrind, which
//! noise cannot move: `valgrind --tool=callgrind target/release/examples/instructions
//! SCENARIO N`. The count for `N` minus the count for 0 is the scenario's cost.
//!
//! Scenarios: `server` (no policies), `server-policies`, `client`, `accept` (the accept
//! value of a key), `trickle` (a 64 KiB head fed one byte per `feed` + `poll`),
//! `tokio-duplex` (both roles through wshake-tokio over `tokio::io::duplex`: the whole
//! request path without sockets), `http1-types` and `http2-types` (the Chromium
//! WebSocket over `http` types, `benches/http_types.rs`); and the axum scenarios of `benches/axum.rs`
//! (`benches/common/axum.rs`): `axum-duplex-SIDE` (one handshake through hyper's server
//! connection over `tokio::io::duplex`) and `axum-call-SIDE` (the request built as hyper
//! builds one, then `tower::Service::call` on the router), SIDE being `wshake`, `wshake-tungstenite` (the callback makes a tokio-tungstenite stream, as axum does), `axum` or `floor`. Each axum run does one warm-up
//! round first, so the count for 0 includes the one-time setup.

#[path = "../benches/common/axum.rs"]
mod axum_scenario;
#[path = "../benches/common/peers.rs"]
mod peers;

use std::hint::black_box;

use wshake_benches::{
    chromium_request_with_cookies, client_machine, client_round, large_request,
    plain_server_config, policies_server_config, server_round,
};
use wshake_proto::server::{ServerConfig, ServerHandshake};
use wshake_proto::{Limits, Status};

fn main() {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_default();
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    match scenario.as_str() {
        "server" => server(plain_server_config(), times),
        "server-policies" => server(policies_server_config(), times),
        "client" => client(times),
        "accept" => accept(times),
        "trickle" => trickle(times),
        "tokio-duplex" => tokio_duplex(times),
        "http1-types" => http_types(false, times),
        "http2-types" => http_types(true, times),
        "client-tungstenite" => client_tungstenite(times),
        "http-fastwebsockets" => http_peer(peers::fastwebsockets_round, times),
        "http-clone" => http_peer(peers::clone_round, times),
        other if other.starts_with("peer-") => peer(other, times),
        other if other.starts_with("scale-") => scale(other, times),
        other => {
            let scenario = other
                .strip_prefix("axum-duplex-")
                .map(|side| (true, side))
                .or_else(|| other.strip_prefix("axum-call-").map(|side| (false, side)));
            match scenario
                .and_then(|(duplex, side)| Some((duplex, axum_scenario::Side::parse(side)?)))
            {
                Some((duplex, side)) => axum(duplex, side, times),
                None => panic!("unknown scenario `{other}`"),
            }
        }
    }
}

fn server(config: ServerConfig, times: usize) {
    let request = chromium_request_with_cookies();
    let mut machine = ServerHandshake::new(config);
    let mut out = Vec::with_capacity(1024);
    for _ in 0..times {
        black_box(server_round(&mut machine, &request, &mut out));
    }
}

/// `scale-size-BYTES`, `scale-headers-COUNT`, `scale-chunk-BYTES` (issue 16's curves):
/// the smallest valid request (157 bytes, 5 header lines) padded with `X-Padding` lines to
/// BYTES in all, or to COUNT header lines, fed whole; or the 2 KiB request fed BYTES at a time with a `poll` after each.
/// Limits raised so that every point is a valid handshake; no policies.
fn scale(scenario: &str, times: usize) {
    let (kind, n) = scenario
        .strip_prefix("scale-")
        .and_then(|rest| rest.rsplit_once('-'))
        .and_then(|(kind, n)| Some((kind, n.parse::<usize>().ok()?)))
        .unwrap_or_else(|| panic!("unknown scenario `{scenario}`"));
    let (request, chunk) = match kind {
        "size" => (wshake_benches::padded_to_bytes(n), usize::MAX),
        "headers" => (wshake_benches::padded_to_headers(n), usize::MAX),
        "chunk" => (wshake_benches::chromium_request_2k(), n.max(1)),
        other => panic!("unknown curve `{other}`"),
    };
    let limits = Limits::new()
        .max_head_bytes(64 * 1024)
        .max_headers(256)
        .expect("the ceiling itself is allowed");
    let mut machine = ServerHandshake::new(plain_server_config().limits(limits));
    let mut out = Vec::with_capacity(1024);
    for _ in 0..=times {
        machine.reset();
        out.clear();
        for piece in request.chunks(chunk.min(request.len())) {
            machine.feed(piece);
            if let Ok(Status::Ready(incoming)) = machine.poll() {
                out.clear();
                let answer = incoming.decide().expect("accepted");
                incoming.accept(&answer, &mut out).expect("written");
                break;
            }
        }
        assert!(!out.is_empty(), "{scenario}: no 101");
    }
}

/// `peer-LIBRARY-SIZE`: one server handshake through LIBRARY's public API
/// (`benches/common/peers.rs`) on the Chromium request (`480`: 529 bytes, no cookies) or
/// with 2 KiB of cookies (`2k`).
fn peer(scenario: &str, times: usize) {
    let (library, size) = scenario
        .strip_prefix("peer-")
        .and_then(|rest| rest.rsplit_once('-'))
        .unwrap_or_else(|| panic!("unknown scenario `{scenario}`"));
    let request = match size {
        "480" => wshake_benches::CHROMIUM_REQUEST.to_vec(),
        "2k" => wshake_benches::chromium_request_2k(),
        other => panic!("unknown size `{other}`"),
    };
    let mut out = Vec::with_capacity(1024);
    let mut machine = ServerHandshake::new(plain_server_config());
    let round: &mut dyn FnMut(&[u8]) -> usize = match library {
        "floor" => &mut |r| peers::floor_round(r, &mut out),
        "wshake" => &mut |r| server_round(&mut machine, r, &mut out),
        "tungstenite" => &mut peers::tungstenite_round,
        "soketto" => &mut peers::soketto_round,
        "tokio-websockets" => &mut peers::tokio_websockets_round,
        other => panic!("unknown library `{other}`"),
    };
    // One warm-up round (the count for 0 includes it): first-use setup out of the count.
    for _ in 0..=times {
        black_box(round(black_box(&request)));
    }
}

/// One warm-up round (the count for 0 includes it), as in [`peer`].
fn http_peer(round: fn(&http::Request<()>) -> usize, times: usize) {
    let request = wshake_benches::chromium_http1_request();
    for _ in 0..=times {
        black_box(round(black_box(&request)));
    }
}

/// tungstenite's `ClientHandshake` on the same exchange as `client`, after one warm-up
/// round.
fn client_tungstenite(times: usize) {
    for _ in 0..=times {
        black_box(peers::tungstenite_client_round());
    }
}

fn client(times: usize) {
    let (mut machine, key) = client_machine();
    let mut out = Vec::with_capacity(512);
    for _ in 0..times {
        black_box(client_round(&mut machine, key, &mut out));
    }
}

fn accept(times: usize) {
    let key = wshake_proto::Key::parse(b"dGhlIHNhbXBsZSBub25jZQ==").expect("the RFC key");
    for _ in 0..times {
        black_box(wshake_proto::Accept::for_key(black_box(&key)));
    }
}

/// One warm-up round, then `times` handshakes: wshake-tokio's server and client over an
/// in-memory duplex, on a current-thread runtime.
fn tokio_duplex(times: usize) {
    use wshake_proto::client::{ClientConfig, Target};
    // Timers on: every wshake-tokio handshake runs under its timeout.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let server_config = std::sync::Arc::new(policies_server_config());
    let client_config = std::sync::Arc::new(
        ClientConfig::new()
            .protocol("chat")
            .expect("a token")
            .deflate(wshake_proto::extensions::DeflateOffer::new().client_max_window_bits(None)),
    );
    let options = wshake_tokio::Options::new();
    let key = wshake_proto::Key::from_nonce(*b"the sample nonce");
    rt.block_on(async {
        for _ in 0..=times {
            let (client_io, server_io) = tokio::io::duplex(4096);
            let target = Target::new("127.0.0.1", "/chat").expect("a valid target");
            let (server, client) = tokio::join!(
                wshake_tokio::accept(server_io, std::sync::Arc::clone(&server_config), &options),
                wshake_tokio::handshake(
                    client_io,
                    std::sync::Arc::clone(&client_config),
                    target,
                    key,
                    &options
                ),
            );
            let (accepted, _) = server.expect("the server accepts");
            let (connected, _) = client.expect("the client connects");
            assert_eq!(accepted.protocol, connected.protocol);
            black_box((accepted, connected));
        }
    });
}

fn trickle(times: usize) {
    let large = large_request();
    let limits = Limits::new()
        .max_head_bytes(128 * 1024)
        .max_headers(256)
        .expect("the ceiling itself is allowed");
    let mut machine = ServerHandshake::new(ServerConfig::new().limits(limits));
    for _ in 0..times {
        machine.reset();
        for byte in &large {
            machine.feed(std::slice::from_ref(byte));
            if matches!(machine.poll(), Ok(Status::Ready(_))) {
                break;
            }
        }
    }
}

fn axum(duplex: bool, side: axum_scenario::Side, times: usize) {
    let rt = axum_scenario::runtime();
    let mut app = axum_scenario::router(side);
    rt.block_on(async {
        for _ in 0..=times {
            if duplex {
                black_box(axum_scenario::duplex_round(&app).await);
            } else {
                black_box(axum_scenario::call_round(&mut app).await);
            }
        }
    });
}

fn http_types(http2: bool, times: usize) {
    let config = policies_server_config();
    let request = if http2 {
        wshake_benches::chromium_http2_request()
    } else {
        wshake_benches::chromium_http1_request()
    };
    for _ in 0..times {
        black_box(wshake_benches::http_round(&config, black_box(&request)));
    }
}
