//! A handshake scenario run `N` times, for instruction counts under callgrind, which
//! noise cannot move: `valgrind --tool=callgrind target/release/examples/instructions
//! SCENARIO N`. The count for `N` minus the count for 0 is the scenario's cost.
//!
//! Scenarios: `server` (no policies), `server-policies`, `client`, `trickle` (a 64 KiB
//! head fed one byte per `feed` + `poll`), `http1-types` and `http2-types` (the Chromium
//! WebSocket over `http` types, `benches/http_types.rs`); and the axum scenarios of `benches/axum.rs`
//! (`benches/common/axum.rs`): `axum-duplex-SIDE` (one handshake through hyper's server
//! connection over `tokio::io::duplex`) and `axum-call-SIDE` (`tower::Service::call` on
//! the router), SIDE being `wshake`, `axum` or `floor`. Each axum run does one warm-up
//! round first, so the count for 0 includes the one-time setup.

#[path = "../benches/common/axum.rs"]
mod axum_scenario;

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
        "trickle" => trickle(times),
        "http1-types" => http_types(false, times),
        "http2-types" => http_types(true, times),
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

fn client(times: usize) {
    let (mut machine, key) = client_machine();
    let mut out = Vec::with_capacity(512);
    for _ in 0..times {
        black_box(client_round(&mut machine, key, &mut out));
    }
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
