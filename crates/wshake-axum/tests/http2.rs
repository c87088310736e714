//! One axum route, both HTTP versions: `axum::serve` (axum's `http2` feature, which
//! enables extended CONNECT) with a `Handshake` route under `any`, reached over HTTP/2 by
//! wshake-hyper's `Http2Connection` and over HTTP/1.1 by tokio-tungstenite, each echoed
//! through a real framing library; a policy refusal over HTTP/2 is an HTTP/2 answer.

mod common;

use axum::Router;
use axum::routing::any;
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_axum::wshake_proto::client::{ClientConfig, Target};
use wshake_axum::wshake_proto::server::ServerConfig;
use wshake_axum::{Accepted, Handshake, HandshakeConfig};
use wshake_hyper::Http2Connection;

use common::{LIMIT, serve, tungstenite_client};

/// A router whose `/chat` route (any method) upgrades with subprotocol `chat` and echoes
/// through tokio-tungstenite; each callback reports the method its request came with.
fn app() -> (Router, mpsc::UnboundedReceiver<(String, Option<String>)>) {
    let (told, receiver) = mpsc::unbounded_channel();
    let handler = move |handshake: Handshake| {
        let told = told.clone();
        async move {
            let method = handshake.method().to_string();
            handshake.on_upgrade(move |stream, accepted: Accepted| async move {
                let _ = told.send((method, accepted.protocol().map(str::to_string)));
                let mut ws = WebSocketStream::from_raw_socket(stream, Role::Server, None).await;
                while let Some(Ok(message)) = ws.next().await {
                    if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err()
                    {
                        break;
                    }
                }
            })
        }
    };
    let config = HandshakeConfig::from(ServerConfig::new().protocols(["chat"]));
    (
        Router::new()
            .route("/chat", any(handler))
            .with_state(config),
        receiver,
    )
}

#[tokio::test]
async fn e32_the_same_axum_route_serves_http1_and_http2() {
    tokio::time::timeout(LIMIT, async {
        let (app, mut told) = app();
        let address = serve(app).await;

        // HTTP/2 with prior knowledge: an extended CONNECT stream.
        let tcp = TcpStream::connect(&address).await.unwrap();
        let connection = Http2Connection::handshake(tcp, false).await.unwrap();
        assert!(
            connection.extended_connect(),
            "axum::serve enables it with `http2`"
        );
        let target = Target::new(&address, "/chat").unwrap();
        let config = ClientConfig::new().protocol("chat").unwrap();
        let (stream, outcome) = connection.open(config, target).await.unwrap();
        assert_eq!(outcome.view().response().status(), 200);
        assert_eq!(outcome.view().protocol(), Some("chat"));
        let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
        ws.send(Message::text("over h2")).await.unwrap();
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("over h2"));
        assert_eq!(
            told.recv().await,
            Some(("CONNECT".to_string(), Some("chat".to_string())))
        );

        // HTTP/1.1 on the same route.
        let (mut ws, response) = tungstenite_client(&address, "/chat", "chat").await;
        assert_eq!(response.status(), 101);
        ws.send(Message::text("over h1")).await.unwrap();
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("over h1"));
        assert_eq!(
            told.recv().await,
            Some(("GET".to_string(), Some("chat".to_string())))
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e37_a_foreign_origin_over_http2_is_refused_403() {
    tokio::time::timeout(LIMIT, async {
        let (app, _told) = app();
        let address = serve(app).await;
        let tcp = TcpStream::connect(&address).await.unwrap();
        let connection = Http2Connection::handshake(tcp, false).await.unwrap();
        let target = Target::new(&address, "/chat").unwrap();
        let config = ClientConfig::new().origin("https://evil.test").unwrap();
        let error = connection.open(config, target).await.unwrap_err();
        assert!(
            matches!(
                error,
                wshake_hyper::Error::Handshake(
                    wshake_axum::wshake_proto::Error::NotSwitchingProtocols { status: 403, .. }
                )
            ),
            "{error:?}"
        );
    })
    .await
    .unwrap();
}
