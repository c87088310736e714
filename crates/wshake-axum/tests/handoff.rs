//! `on_upgrade` hands the stream to real framing libraries: an axum server (`axum::serve`
//! on 127.0.0.1:0) whose handler echoes through tokio-tungstenite, fastwebsockets or
//! tokio-websockets, against real clients; and a first frame sent in the same write as
//! the request is echoed (H24).

mod common;

use axum::Router;
use axum::routing::get;
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_axum::wshake_proto::server::ServerConfig;
use wshake_axum::{Accepted, Handshake, HandshakeConfig, Upgraded};

use common::{KEY, LIMIT, masked_text_frame, raw_exchange, serve, tungstenite_client};

/// Messages a server echoes at most before it stops.
const ROUNDS: usize = 8;

/// What the callback was told: the agreed subprotocol and the request's path.
type Told = (Option<String>, String);

/// A router whose every path upgrades (config: subprotocol `chat`) and hands the stream
/// to `echo`; what each callback was told comes out of the channel.
fn echo_app<F, Fut>(echo: F) -> (Router, mpsc::UnboundedReceiver<Told>)
where
    F: Fn(Upgraded) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (told, receiver) = mpsc::unbounded_channel();
    let handler = move |handshake: Handshake| {
        let told = told.clone();
        let echo = echo.clone();
        async move {
            // What the task needs of the request, the callback captures.
            let path = handshake.path().to_string();
            handshake.on_upgrade(move |stream, accepted: Accepted| async move {
                let _ = told.send((accepted.protocol().map(str::to_string), path));
                echo(stream).await;
            })
        }
    };
    let config = HandshakeConfig::from(ServerConfig::new().protocols(["chat"]));
    let app = Router::new()
        .route("/{*path}", get(handler))
        .with_state(config);
    (app, receiver)
}

/// Echoes text and binary messages through tokio-tungstenite.
async fn tungstenite_echo(stream: Upgraded) {
    let mut ws = WebSocketStream::from_raw_socket(stream, Role::Server, None).await;
    for _ in 0..ROUNDS {
        let Some(Ok(message)) = ws.next().await else {
            break;
        };
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            break;
        }
    }
}

/// Echoes text and binary frames through fastwebsockets.
async fn fastwebsockets_echo(stream: Upgraded) {
    use fastwebsockets::{Frame, OpCode, Payload, WebSocket};
    let mut ws = WebSocket::after_handshake(stream, fastwebsockets::Role::Server);
    for _ in 0..ROUNDS {
        let Ok(frame) = ws.read_frame().await else {
            break;
        };
        let echoed = match frame.opcode {
            OpCode::Text => Frame::text(Payload::Owned(frame.payload.to_vec())),
            OpCode::Binary => Frame::binary(Payload::Owned(frame.payload.to_vec())),
            OpCode::Close => break,
            _ => continue,
        };
        if ws.write_frame(echoed).await.is_err() {
            break;
        }
    }
}

/// Echoes text and binary messages through tokio-websockets.
async fn tokio_websockets_echo(stream: Upgraded) {
    let mut ws = tokio_websockets::ServerBuilder::new().serve(stream);
    for _ in 0..ROUNDS {
        let Some(Ok(message)) = ws.next().await else {
            break;
        };
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            break;
        }
    }
}

/// Three messages through a tokio-tungstenite client, echoed by the server.
async fn three_rounds_with_tungstenite(address: &str, path: &str) {
    let (mut ws, response) = tungstenite_client(address, path, "chat").await;
    assert_eq!(response.status(), 101);
    assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
    for text in ["one", "two", "three"] {
        ws.send(Message::text(text)).await.unwrap();
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
    }
    ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::binary(vec![1, 2, 3])
    );
    ws.close(None).await.unwrap();
}

#[tokio::test]
async fn s12_axum_extractor_hands_off_to_tokio_tungstenite() {
    tokio::time::timeout(LIMIT, async {
        let (app, mut told) = echo_app(tungstenite_echo);
        let address = serve(app).await;
        three_rounds_with_tungstenite(&address, "/tungstenite").await;
        assert_eq!(
            told.recv().await.unwrap(),
            (Some("chat".into()), "/tungstenite".into())
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_axum_extractor_hands_off_to_fastwebsockets() {
    tokio::time::timeout(LIMIT, async {
        let (app, mut told) = echo_app(fastwebsockets_echo);
        let address = serve(app).await;
        three_rounds_with_tungstenite(&address, "/fast").await;
        assert_eq!(
            told.recv().await.unwrap(),
            (Some("chat".into()), "/fast".into())
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_axum_extractor_hands_off_to_tokio_websockets() {
    tokio::time::timeout(LIMIT, async {
        let (app, mut told) = echo_app(tokio_websockets_echo);
        let address = serve(app).await;
        // tokio-websockets' own client, over a TCP stream of its own.
        let tcp = TcpStream::connect(&address).await.unwrap();
        let (mut ws, response) = tokio_websockets::ClientBuilder::new()
            .uri(&format!("ws://{address}/tws"))
            .unwrap()
            .add_header(
                http::header::SEC_WEBSOCKET_PROTOCOL,
                http::HeaderValue::from_static("chat"),
            )
            .unwrap()
            .connect_on(tcp)
            .await
            .unwrap();
        assert_eq!(response.status(), 101);
        assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
        for text in ["one", "two", "three"] {
            ws.send(tokio_websockets::Message::text(text))
                .await
                .unwrap();
            let reply = ws.next().await.unwrap().unwrap();
            assert_eq!(reply.as_text(), Some(text));
        }
        ws.close().await.unwrap();
        assert_eq!(
            told.recv().await.unwrap(),
            (Some("chat".into()), "/tws".into())
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h24_a_frame_in_the_same_write_as_the_request_is_echoed_through_axum() {
    tokio::time::timeout(LIMIT, async {
        let (app, mut told) = echo_app(tungstenite_echo);
        let address = serve(app).await;
        let mut bytes = format!(
            "GET /early HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        )
        .into_bytes();
        bytes.extend(masked_text_frame("hello"));
        let (head, mut received, mut socket) = raw_exchange(&address, &bytes).await;
        assert!(head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{head}");
        // The echo: an unmasked text frame "hello" from the server, and nothing else.
        let mut chunk = [0u8; 64];
        for _ in 0..ROUNDS {
            if received.len() >= 7 {
                break;
            }
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed before the echo: {received:?}");
            received.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(received, b"\x81\x05hello");
        assert_eq!(
            told.recv().await.unwrap(),
            (Some("chat".into()), "/early".into())
        );
    })
    .await
    .unwrap();
}
