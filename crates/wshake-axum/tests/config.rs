//! Where the `Handshake` extractor takes its config from, against a real axum server
//! (`axum::serve` on 127.0.0.1:0): the router's state (`HandshakeConfig`, or a field of
//! the app's state through `FromRef`), an `Extension(HandshakeConfig)` layer that
//! overrides the state, the default config on a stateless router (same-origin, no
//! subprotocol); permessage-deflate negotiated by the config; trusted reverse proxies
//! with `ConnectInfo<SocketAddr>`.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::FromRef;
use axum::routing::{MethodRouter, get};
use axum::{Extension, Router};
use tokio::sync::mpsc;
use wshake_axum::wshake_proto::extensions::{DeflateConfig, DeflateParams};
use wshake_axum::wshake_proto::server::{OriginPolicy, ServerConfig};
use wshake_axum::{Accepted, Handshake, HandshakeConfig};

use common::{
    ACCEPT, KEY, LIMIT, assert_same_refusal, handshake_request, head_value, raw_exchange, send,
    serve, serve_with_connect_info, tungstenite_client, wshake_error,
};

/// What a handler and its callback were told.
#[derive(Debug, PartialEq, Eq)]
struct Told {
    protocol: Option<String>,
    deflate: Option<DeflateParams>,
    peer: Option<SocketAddr>,
}

/// A `GET` route whose handler upgrades with every configured policy and reports what it
/// was told; the stream is then dropped.
fn reporting<S>(told: mpsc::UnboundedSender<Told>) -> MethodRouter<S>
where
    HandshakeConfig: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    get(move |handshake: Handshake| {
        let told = told.clone();
        async move {
            let peer = handshake.peer();
            handshake.on_upgrade(move |_stream, accepted: Accepted| async move {
                let _ = told.send(Told {
                    protocol: accepted.protocol().map(str::to_string),
                    deflate: accepted.deflate(),
                    peer,
                });
            })
        }
    })
}

/// The subprotocol a client offering `offer` gets from `address` (hyper's client: a
/// WebSocket client such as tokio-tungstenite fails when none is chosen).
async fn chosen(address: &str, offer: &str) -> Option<String> {
    let request = handshake_request(address, "/", |r| r.header("Sec-WebSocket-Protocol", offer));
    let response = send(address, request).await;
    assert_eq!(response.status(), 101, "{response:?}");
    assert_eq!(response.headers()["sec-websocket-accept"], ACCEPT);
    response
        .headers()
        .get("sec-websocket-protocol")
        .map(|value| value.to_str().unwrap().to_string())
}

#[tokio::test]
async fn s14_config_from_state_chooses_by_the_servers_preference_or_the_clients() {
    tokio::time::timeout(LIMIT, async {
        let (sender, mut told) = mpsc::unbounded_channel();
        let server_first = ServerConfig::new().protocols(["a", "b"]);
        let app = Router::new()
            .route("/", reporting(sender.clone()))
            .with_state(HandshakeConfig::from(server_first.clone()));
        let address = serve(app).await;
        assert_eq!(chosen(&address, "b, a").await.as_deref(), Some("a"));
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("a"));
        assert_eq!(chosen(&address, "b").await.as_deref(), Some("b"));
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("b"));

        let client_first = server_first.prefer_client_protocols();
        let app = Router::new()
            .route("/", reporting(sender))
            .with_state(HandshakeConfig::from(client_first));
        let address = serve(app).await;
        assert_eq!(chosen(&address, "b, a").await.as_deref(), Some("b"));
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("b"));
        assert_eq!(chosen(&address, "c, a").await.as_deref(), Some("a"));
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("a"));
    })
    .await
    .unwrap();
}

/// An application's own state, with the handshake's config as one field.
#[derive(Clone)]
struct AppState {
    handshake: HandshakeConfig,
    #[allow(dead_code, reason = "the rest of an application's state")]
    name: &'static str,
}

impl FromRef<AppState> for HandshakeConfig {
    fn from_ref(state: &AppState) -> Self {
        state.handshake.clone()
    }
}

#[tokio::test]
async fn s14_config_from_a_field_of_the_apps_state() {
    tokio::time::timeout(LIMIT, async {
        let (sender, mut told) = mpsc::unbounded_channel();
        let app = Router::new()
            .route("/", reporting(sender))
            .with_state(AppState {
                handshake: HandshakeConfig::from(ServerConfig::new().protocols(["chat"])),
                name: "app",
            });
        let address = serve(app).await;
        let (_ws, response) = tungstenite_client(&address, "/", "x, chat").await;
        assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("chat"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s14_an_extension_layer_overrides_the_state() {
    tokio::time::timeout(LIMIT, async {
        let (sender, mut told) = mpsc::unbounded_channel();
        // The state speaks `a` and allows every origin; the layer speaks `b` and keeps
        // the default origin policy. The layer's config is used whole.
        let state = ServerConfig::new()
            .protocols(["a"])
            .origin_policy(OriginPolicy::any());
        let layer = ServerConfig::new().protocols(["b"]);
        let app = Router::new()
            .route("/", reporting(sender))
            .layer(Extension(HandshakeConfig::from(layer.clone())))
            .with_state(HandshakeConfig::from(state));
        let address = serve(app).await;
        assert_eq!(chosen(&address, "a, b").await.as_deref(), Some("b"));
        assert_eq!(told.recv().await.unwrap().protocol.as_deref(), Some("b"));
        assert_eq!(chosen(&address, "a").await, None);
        assert_eq!(told.recv().await.unwrap().protocol, None);

        let foreign = handshake_request(&address, "/", |r| r.header("Origin", "http://evil.test"));
        let expected = wshake_error(&layer, &foreign).to_response();
        assert_same_refusal(&send(&address, foreign).await, &expected);
        assert_eq!(expected.status(), 403);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s13_a_stateless_router_uses_the_default_config() {
    tokio::time::timeout(LIMIT, async {
        let (sender, mut told) = mpsc::unbounded_channel();
        let app: Router = Router::new().route("/", reporting(sender));
        let address = serve(app).await;

        // Same-origin by default: a foreign Origin is refused with wshake's 403.
        let foreign = handshake_request(&address, "/", |r| r.header("Origin", "http://evil.test"));
        let error = wshake_error(&ServerConfig::default(), &foreign);
        assert_eq!(error.status(), Some(403));
        let response = send(&address, foreign).await;
        assert_same_refusal(&response, &error.to_response());
        assert_eq!(response.body(), "origin http://evil.test not allowed\n");

        // The same origin, and no Origin at all (not a browser), are accepted; no
        // subprotocol is configured, so none is chosen.
        let same = handshake_request(&address, "/", |r| {
            r.header("Origin", format!("http://{address}"))
                .header("Sec-WebSocket-Protocol", "chat")
        });
        let response = send(&address, same).await;
        assert_eq!(response.status(), 101);
        assert_eq!(response.headers()["sec-websocket-accept"], ACCEPT);
        assert!(!response.headers().contains_key("sec-websocket-protocol"));
        assert_eq!(
            told.recv().await.unwrap(),
            Told {
                protocol: None,
                deflate: None,
                peer: None
            }
        );
        assert_eq!(chosen(&address, "chat").await, None);
        assert_eq!(told.recv().await.unwrap().protocol, None);
    })
    .await
    .unwrap();
}

/// A raw request to `address` offering `offer` in `Sec-WebSocket-Extensions`: the
/// answered extensions (if any) and what the callback was told.
async fn deflate_exchange(
    address: &str,
    offer: &str,
    told: &mut mpsc::UnboundedReceiver<Told>,
) -> (Option<String>, Told) {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: {offer}\r\n\r\n"
    );
    let (head, _, _socket) = raw_exchange(address, request.as_bytes()).await;
    assert!(head.starts_with("HTTP/1.1 101 "), "{head}");
    assert_eq!(head_value(&head, "sec-websocket-accept"), Some(ACCEPT));
    let answered = head_value(&head, "sec-websocket-extensions").map(str::to_string);
    (answered, told.recv().await.unwrap())
}

#[tokio::test]
async fn d29_permessage_deflate_negotiated_by_the_config_reaches_the_callback() {
    tokio::time::timeout(LIMIT, async {
        let offer = "permessage-deflate; client_max_window_bits";
        let (sender, mut told) = mpsc::unbounded_channel();

        // Default parameters: the offer is accepted as is.
        let config = ServerConfig::new().deflate(DeflateConfig::default());
        let app = Router::new()
            .route("/", reporting(sender.clone()))
            .with_state(HandshakeConfig::from(config));
        let address = serve(app).await;
        let (answered, seen) = deflate_exchange(&address, offer, &mut told).await;
        assert_eq!(answered.as_deref(), Some("permessage-deflate"));
        assert_eq!(seen.deflate, Some(DeflateParams::default()));

        // A smaller client window: answered, and the callback is told so that the
        // framing library can be configured with it.
        let config = ServerConfig::new().deflate(DeflateConfig {
            client_max_window_bits: 10,
            ..DeflateConfig::default()
        });
        let app = Router::new()
            .route("/", reporting(sender.clone()))
            .with_state(HandshakeConfig::from(config));
        let address = serve(app).await;
        let (answered, seen) = deflate_exchange(&address, offer, &mut told).await;
        assert_eq!(
            answered.as_deref(),
            Some("permessage-deflate; client_max_window_bits=10")
        );
        assert_eq!(
            seen.deflate,
            Some(DeflateParams {
                client_max_window_bits: Some(10),
                ..DeflateParams::default()
            })
        );

        // Without deflate in the config, the offer is not answered.
        let app = Router::new()
            .route("/", reporting(sender))
            .with_state(HandshakeConfig::default());
        let address = serve(app).await;
        let (answered, seen) = deflate_exchange(&address, offer, &mut told).await;
        assert_eq!(answered, None);
        assert_eq!(seen.deflate, None);
    })
    .await
    .unwrap();
}

/// A request through a proxy at 127.0.0.1 for a page of `http://app.test`: `Host` is
/// the address the proxy connected to, `X-Forwarded-Host` the one the browser used.
fn proxied_request(address: &str) -> http::Request<http_body_util::Empty<hyper::body::Bytes>> {
    handshake_request(address, "/", |r| {
        r.header("Origin", "http://app.test")
            .header("X-Forwarded-Host", "app.test")
    })
}

#[tokio::test]
async fn s13_a_trusted_proxys_forwarded_host_is_read_with_connect_info() {
    tokio::time::timeout(LIMIT, async {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let trusting = ServerConfig::new().trust_proxies([localhost]);
        let (sender, mut told) = mpsc::unbounded_channel();

        // ConnectInfo and trust_proxies: the origin is compared with X-Forwarded-Host.
        let app = Router::new()
            .route("/", reporting(sender.clone()))
            .with_state(HandshakeConfig::from(trusting.clone()));
        let address = serve_with_connect_info(app).await;
        let response = send(&address, proxied_request(&address)).await;
        assert_eq!(response.status(), 101, "{response:?}");
        let seen = told.recv().await.unwrap();
        assert_eq!(seen.peer.map(|peer| peer.ip()), Some(localhost));

        // ConnectInfo without trust_proxies: X-Forwarded-Host is ignored, so 403.
        let app = Router::new()
            .route("/", reporting(sender.clone()))
            .with_state(HandshakeConfig::default());
        let address = serve_with_connect_info(app).await;
        let request = proxied_request(&address);
        let expected = wshake_error(&ServerConfig::default(), &request).to_response();
        assert_eq!(expected.status(), 403);
        assert_same_refusal(&send(&address, request).await, &expected);

        // trust_proxies without ConnectInfo: the peer is unknown, so no proxy is trusted.
        let app = Router::new()
            .route("/", reporting(sender))
            .with_state(HandshakeConfig::from(trusting.clone()));
        let address = serve(app).await;
        let request = proxied_request(&address);
        let expected = wshake_error(&trusting, &request).to_response();
        assert_eq!(expected.status(), 403);
        assert_same_refusal(&send(&address, request).await, &expected);
    })
    .await
    .unwrap();
}
