//! The client role, `wshake_hyper::connect` over hyper's HTTP/1.1 client, against real
//! peers on loopback TCP: a wshake-tokio server, a tokio-tungstenite server, a hyper
//! server refusing with 403, and raw servers whose 101 is wrong (C11) or is followed by a
//! frame in the same write (H24).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
use wshake_hyper::wshake_proto::server::ServerConfig;
use wshake_hyper::wshake_proto::{self as wshake_proto, Accept, Key};
use wshake_hyper::{Error, Upgraded, connect};

const LIMIT: Duration = Duration::from_secs(10);

async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

/// `connect` to `address` with `config`, at `/chat`, with a fresh key.
async fn connect_to(
    address: &str,
    config: ClientConfig,
) -> Result<(Upgraded, wshake_proto::client::OwnedOutcome), Error> {
    let tcp = TcpStream::connect(address).await.unwrap();
    let target = Target::new(address, "/chat").unwrap();
    connect(tcp, config, target, Key::random().unwrap()).await
}

/// A raw server for one connection: reads the request head (bounded), answers with
/// `respond(key)` in one write, and keeps the socket open until the task is awaited.
fn raw_server(
    listener: TcpListener,
    respond: fn(&str) -> Vec<u8>,
) -> tokio::task::JoinHandle<TcpStream> {
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut chunk = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            assert!(request.len() < 16 * 1024, "no end of head");
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "client closed before the end of its request");
            request.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8(request).unwrap();
        let key = text
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("sec-websocket-key")
                    .then(|| value.trim())
            })
            .expect("a Sec-WebSocket-Key");
        socket.write_all(&respond(key)).await.unwrap();
        socket
    })
}

#[tokio::test]
async fn c11_connect_to_a_wshake_tokio_server() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let config = ServerConfig::new().protocols(["chat"]);
            let (accepted, upgraded) =
                wshake_tokio::accept(socket, config, &wshake_tokio::Options::new())
                    .await
                    .unwrap();
            assert_eq!(accepted.protocol.as_deref(), Some("chat"));
            assert_eq!(accepted.request.view().path(), "/chat");
            let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
            for _ in 0..2 {
                let message = ws.next().await.unwrap().unwrap();
                ws.send(message).await.unwrap();
            }
        });
        let config = ClientConfig::new().protocol("chat").unwrap();
        let (upgraded, outcome) = connect_to(&address, config).await.unwrap();
        assert_eq!(outcome.view().protocol(), Some("chat"));
        assert_eq!(outcome.view().response().status(), 101);
        assert_eq!(upgraded.protocol(), Some("chat"));
        assert_eq!(upgraded.deflate(), None);
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        for message in [Message::text("one"), Message::binary(vec![2, 2])] {
            ws.send(message.clone()).await.unwrap();
            assert_eq!(ws.next().await.unwrap().unwrap(), message);
        }
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_connect_to_tungstenite_choosing_a_subprotocol() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            // tokio-tungstenite picks "chat" from the offer itself.
            #[allow(
                clippy::result_large_err,
                reason = "the signature of tungstenite's Callback"
            )]
            let choose = |request: &Request, mut response: Response| {
                let offered = request
                    .headers()
                    .get_all("sec-websocket-protocol")
                    .iter()
                    .flat_map(|value| value.to_str().unwrap().split(','))
                    .any(|protocol| protocol.trim() == "chat");
                if offered {
                    response
                        .headers_mut()
                        .insert("sec-websocket-protocol", "chat".parse().unwrap());
                }
                Ok(response)
            };
            let mut ws = tokio_tungstenite::accept_hdr_async(socket, choose)
                .await
                .unwrap();
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
        });
        let config = ClientConfig::new()
            .protocol("superchat")
            .and_then(|config| config.protocol("chat"))
            .unwrap();
        let (upgraded, outcome) = connect_to(&address, config).await.unwrap();
        assert_eq!(outcome.view().protocol(), Some("chat"));
        assert_eq!(upgraded.protocol(), Some("chat"));
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        ws.send(Message::text("tungstenite")).await.unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::text("tungstenite")
        );
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_a_403_from_a_hyper_server_is_not_switching_protocols() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        // wshake-hyper's own server, with the default same-origin policy.
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let config = Arc::new(ServerConfig::new());
            let service = service_fn(move |mut request| {
                let config = Arc::clone(&config);
                async move {
                    let refused = wshake_hyper::accept(&config, &mut request).unwrap_err();
                    assert_eq!(refused.status(), 403);
                    Ok::<_, Infallible>(refused.into_response())
                }
            });
            http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades()
                .await
                .unwrap();
        });
        let config = ClientConfig::new().origin("https://evil.example").unwrap();
        let error = connect_to(&address, config).await.unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Handshake(wshake_proto::Error::NotSwitchingProtocols {
                    status: 403,
                    location: None,
                    ..
                })
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("403"), "{error}");
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_a_refusal_without_a_length_does_not_hold_the_client() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        // No Content-Length, no close: the body would last until the server hangs up,
        // and the server keeps the socket open until the client has its answer.
        let server = raw_server(listener, |_| {
            b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nnot you\n".to_vec()
        });
        let started = std::time::Instant::now();
        let error = connect_to(&address, ClientConfig::new()).await.unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Handshake(wshake_proto::Error::NotSwitchingProtocols { status: 403, .. })
            ),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(server.await.unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_a_wrong_accept_is_accept_mismatch() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = raw_server(listener, |key| {
            // The accept of another key.
            let wrong = Accept::for_raw_key(format!("{key}x").as_bytes());
            format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {wrong}\r\n\r\n"
            )
            .into_bytes()
        });
        let error = connect_to(&address, ClientConfig::new()).await.unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Handshake(wshake_proto::Error::AcceptMismatch)
            ),
            "{error:?}"
        );
        drop(server.await.unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h24_server_frame_in_the_same_write_as_the_101_is_read_from_the_upgraded_stream() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = raw_server(listener, |key| {
            let accept = Accept::for_raw_key(key.as_bytes());
            let mut response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            )
            .into_bytes();
            // An unmasked text frame "first", right behind the blank line.
            response.extend_from_slice(b"\x81\x05first");
            response
        });
        let (upgraded, outcome) = connect_to(&address, ClientConfig::new()).await.unwrap();
        assert_eq!(outcome.view().protocol(), None);
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("first"));
        drop(server.await.unwrap());
    })
    .await
    .unwrap();
}
