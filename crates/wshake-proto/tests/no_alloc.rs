//! After warm-up, a reused machine handshakes without touching the heap (counted by a
//! global allocator that counts per thread).

use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_proto::extensions::{DeflateConfig, DeflateOffer};
use wshake_proto::server::{OriginPolicy, ServerConfig, ServerHandshake};
use wshake_proto::{Key, Status};

const CHROMIUM: &[u8] = include_bytes!("fixtures/request-chromium.http");
const RESPONSE: &[u8] = include_bytes!("fixtures/response-python-websockets.http");

#[test]
fn server_handshake_on_a_reused_machine_does_not_allocate() {
    let config = ServerConfig::new()
        .protocols(["chat"])
        .origin_policy(OriginPolicy::same_origin())
        .deflate(DeflateConfig::default());
    let mut server = ServerHandshake::new(config);
    let mut out = Vec::with_capacity(1024);
    let handshake = |server: &mut ServerHandshake, out: &mut Vec<u8>| {
        server.reset();
        out.clear();
        server.feed(CHROMIUM);
        let Ok(Status::Ready(incoming)) = server.poll() else {
            panic!("not ready")
        };
        let answer = incoming.decide().unwrap();
        assert_eq!(answer.chosen_protocol(), Some("chat"));
        assert!(answer.deflate().is_some());
        incoming.accept(&answer, out).unwrap();
        assert!(server.take_leftover().is_empty());
    };
    handshake(&mut server, &mut out); // warm-up: buffers grow once
    let info = allocation_counter::measure(|| {
        for _ in 0..100 {
            handshake(&mut server, &mut out);
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
    assert!(out.starts_with(b"HTTP/1.1 101 "));
}

#[test]
fn client_handshake_on_a_reused_machine_does_not_allocate() {
    let config = ClientConfig::new()
        .protocol("chat")
        .unwrap()
        .deflate(DeflateOffer::new().client_max_window_bits(None));
    let target = Target::new("127.0.0.1", "/chat").unwrap();
    let key = Key::from_nonce(*b"the sample nonce");
    let mut client = ClientHandshake::new(config, target, key);
    let mut out = Vec::with_capacity(1024);
    let handshake = |client: &mut ClientHandshake, out: &mut Vec<u8>| {
        client.reset(key);
        out.clear();
        client.write_request(out);
        client.feed(RESPONSE);
        let Ok(Status::Ready(outcome)) = client.poll() else {
            panic!("not verified")
        };
        assert_eq!(outcome.protocol(), Some("chat"));
        assert!(outcome.deflate().is_some());
    };
    handshake(&mut client, &mut out);
    let info = allocation_counter::measure(|| {
        for _ in 0..100 {
            handshake(&mut client, &mut out);
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}

/// The `http` copy of a request is built with `http`'s default URI and forgets it when the
/// request's replaces it (`OwnedHttpRequest::boxed`): that leaks nothing only while the
/// default holds static bytes alone, which this checks (making one and dropping it
/// touches no heap).
#[cfg(feature = "http")]
#[test]
fn http_default_uri_holds_no_heap_memory() {
    let info = allocation_counter::measure(|| {
        let uri = std::hint::black_box(http::Uri::default());
        assert_eq!(uri.path(), "/");
        drop(uri);
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}
