//! Real requests and responses (see tests/fixtures/README.md for where each comes from).

use wshake_proto::{
    ClientConfig, ClientHandshake, DeflateConfig, DeflateOffer, Key, OriginPolicy, ServerConfig,
    ServerHandshake, Status,
};

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
            let mut status = Status::NeedMore;
            for chunk in bytes.chunks(split) {
                server.feed(chunk);
                status = server.poll().unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            assert_eq!(status, Status::Ready, "{name}");
            let request = server.request().unwrap();
            assert!(request.path().starts_with("/chat"), "{name}");
            let answer = server.decide().unwrap();
            let mut out = Vec::new();
            server.accept(&answer, &mut out).unwrap();
            assert!(
                out.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"),
                "{name}"
            );
            // Every real client here offers permessage-deflate.
            assert!(
                answer.extension_answer() != wshake_proto::ExtensionAnswer::None,
                "{name}"
            );
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
        assert_eq!(server.poll(), Ok(Status::Ready), "{name}");
        server.decide().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn c11_real_server_responses_are_verified() {
    for (name, bytes) in RESPONSES {
        let config = ClientConfig::new("127.0.0.1", "/chat")
            .unwrap()
            .protocol("chat")
            .unwrap()
            .deflate(DeflateOffer::new().client_max_window_bits(None));
        let mut client = ClientHandshake::new(config, Key::from_nonce(*b"the sample nonce"));
        client.feed(bytes);
        assert_eq!(client.poll(), Ok(Status::Ready), "{name}");
        assert_eq!(client.outcome().unwrap().protocol(), Some("chat"), "{name}");
    }
}
