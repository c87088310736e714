//! Real requests and responses (see tests/fixtures/README.md for where each comes from).

use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_proto::extensions::{DeflateConfig, DeflateOffer};
use wshake_proto::server::{ExtensionAnswer, OriginPolicy, ServerConfig, ServerHandshake};
use wshake_proto::{Key, Status};

const REQUESTS: &[(&str, &[u8])] = &[
    (
        "python-websockets",
        include_bytes!("fixtures/request-python-websockets.http"),
    ),
    ("node-ws", include_bytes!("fixtures/request-node-ws.http")),
    ("chromium", include_bytes!("fixtures/request-chromium.http")),
    ("firefox", include_bytes!("fixtures/request-firefox.http")),
    ("safari", include_bytes!("fixtures/request-safari.http")),
];

const RESPONSES: &[(&str, &[u8])] = &[
    (
        "python-websockets",
        include_bytes!("fixtures/response-python-websockets.http"),
    ),
    ("node-ws", include_bytes!("fixtures/response-node-ws.http")),
    (
        "tungstenite",
        include_bytes!("fixtures/response-tungstenite.http"),
    ),
    (
        "nginx-proxy",
        include_bytes!("fixtures/response-nginx-proxy.http"),
    ),
];

#[test]
fn s12_real_client_requests_are_accepted() {
    let config = ServerConfig::new()
        .protocols(["chat"])
        .origin_policy(OriginPolicy::any())
        .deflate(DeflateConfig::default());
    for (name, bytes) in REQUESTS {
        // Whole, and one byte at a time.
        for split in [bytes.len(), 1] {
            let mut server = ServerHandshake::new(config.clone());
            let mut ready = false;
            for chunk in bytes.chunks(split) {
                server.feed(chunk);
                let status = server.poll().unwrap_or_else(|e| panic!("{name}: {e}"));
                ready = matches!(status, Status::Ready(_));
            }
            assert!(ready, "{name}");
            let Ok(Status::Ready(incoming)) = server.poll() else {
                panic!("{name}: not ready")
            };
            let request = incoming.request();
            assert!(request.path().starts_with("/chat"), "{name}");
            let answer = incoming.decide().unwrap();
            let mut out = Vec::new();
            incoming.accept(&answer, &mut out).unwrap();
            assert!(
                out.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"),
                "{name}"
            );
            // Every real client here offers permessage-deflate.
            assert!(answer.extension_answer() != ExtensionAnswer::None, "{name}");
        }
    }
}

#[test]
fn s13_real_browser_requests_pass_the_same_origin_policy() {
    for (name, bytes) in REQUESTS
        .iter()
        .filter(|(n, _)| ["chromium", "firefox", "safari"].contains(n))
    {
        let mut server = ServerHandshake::new(ServerConfig::new());
        server.feed(bytes);
        let Ok(Status::Ready(incoming)) = server.poll() else {
            panic!("{name}: not ready")
        };
        incoming.decide().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn c11_real_server_responses_are_verified() {
    for (name, bytes) in RESPONSES {
        let config = ClientConfig::new()
            .protocol("chat")
            .unwrap()
            .deflate(DeflateOffer::new().client_max_window_bits(None));
        let target = Target::new("127.0.0.1", "/chat").unwrap();
        let mut client =
            ClientHandshake::new(config, target, Key::from_nonce(*b"the sample nonce"));
        client.feed(bytes);
        let outcome = match client.poll() {
            Ok(Status::Ready(outcome)) => outcome,
            Ok(Status::NeedMore) => panic!("{name}: incomplete"),
            Err(error) => panic!("{name}: {error}"),
        };
        assert_eq!(outcome.protocol(), Some("chat"), "{name}");
    }
}
