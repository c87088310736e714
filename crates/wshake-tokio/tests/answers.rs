//! What a peer receives for each kind of answer the application gives, over loopback TCP:
//! answers the handshake cannot send are a 500 and a typed `Error::Local`, never a silent
//! close; policies compose with the application's headers; a refused client keeps the
//! refusal; a plain page is an outcome, not an error.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
use wshake_tokio::wshake_proto::server::{Request, ServerConfig};
use wshake_tokio::wshake_proto::{self as wshake_proto, Key, LocalError};
use wshake_tokio::{Answer, Error, Options, Served, accept_or_plain, accept_with, handshake};

const LIMIT: Duration = Duration::from_secs(10);

const REQUEST: &[u8] = b"GET /chat?room=lobby HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

/// Serves one connection with `answer` as the decision; returns what a raw client that
/// sent `extra` header lines received, and the server's result.
async fn answered(
    config: ServerConfig,
    extra: &str,
    answer: Answer,
) -> (Vec<u8>, Result<(), Error>) {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            accept_with(
                socket,
                config,
                &Options::new(),
                async |request: &Request<'_>| {
                    assert_eq!(request.query_param("room").as_deref(), Some("lobby"));
                    answer
                },
            )
            .await
            .map(|_| ())
        });
        let mut socket = TcpStream::connect(address).await.unwrap();
        let mut request = REQUEST.to_vec();
        request.extend_from_slice(extra.as_bytes());
        request.extend_from_slice(b"\r\n");
        socket.write_all(&request).await.unwrap();
        let mut received = Vec::new();
        // An accepted connection stays open: read the head only.
        let mut chunk = [0; 1024];
        while !received.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut chunk).await.unwrap() {
                0 => break,
                n => received.extend_from_slice(&chunk[..n]),
            }
        }
        if !received.starts_with(b"HTTP/1.1 101") {
            socket.read_to_end(&mut received).await.unwrap();
        }
        (received, server.await.unwrap())
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn s14_a_subprotocol_nobody_offered_is_answered_500() {
    let (received, result) =
        answered(ServerConfig::new(), "", Answer::accept().protocol("chat")).await;
    assert!(
        received.starts_with(b"HTTP/1.1 500 "),
        "{}",
        text(&received)
    );
    assert!(text(&received).contains("\r\nConnection: close\r\n"));
    assert!(
        matches!(result, Err(Error::Local(LocalError::ProtocolNotOffered))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_reserved_header_in_the_101_is_answered_500() {
    let answer = Answer::policy().header("Sec-WebSocket-Accept", "forged");
    let (received, result) = answered(ServerConfig::new(), "", answer).await;
    assert!(
        received.starts_with(b"HTTP/1.1 500 "),
        "{}",
        text(&received)
    );
    assert!(!text(&received).contains("forged"));
    assert!(
        matches!(result, Err(Error::Local(LocalError::ReservedHeader))),
        "{result:?}"
    );
}

#[tokio::test]
async fn s13_a_rejection_with_a_2xx_status_is_answered_500() {
    let (received, result) =
        answered(ServerConfig::new(), "", Answer::reject(200).body("fine")).await;
    assert!(
        received.starts_with(b"HTTP/1.1 500 "),
        "{}",
        text(&received)
    );
    assert!(
        matches!(
            result,
            Err(Error::Local(LocalError::InvalidRejectStatus {
                status: 200
            }))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn policies_compose_with_the_applications_headers() {
    let answer = || Answer::policy().header("X-Session", "42");
    // Same origin: the policies accept and the header is in the 101.
    let (received, result) = answered(
        ServerConfig::new(),
        "Origin: http://example.com\r\n",
        answer(),
    )
    .await;
    assert!(
        received.starts_with(b"HTTP/1.1 101 "),
        "{}",
        text(&received)
    );
    assert!(text(&received).contains("\r\nX-Session: 42\r\n"));
    assert!(result.is_ok(), "{result:?}");
    // Another origin: the origin policy still refuses, whatever the application added.
    let (received, result) = answered(
        ServerConfig::new(),
        "Origin: https://evil.test\r\n",
        answer(),
    )
    .await;
    assert!(
        received.starts_with(b"HTTP/1.1 403 "),
        "{}",
        text(&received)
    );
    assert!(
        matches!(
            result,
            Err(Error::Handshake(
                wshake_proto::Error::OriginForbidden { .. }
            ))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn s14_a_required_subprotocol_missing_is_answered_400() {
    let config = ServerConfig::new().protocols(["chat"]).require_protocol();
    let (received, result) = answered(
        config.clone(),
        "Sec-WebSocket-Protocol: other\r\n",
        Answer::policy(),
    )
    .await;
    assert!(
        received.starts_with(b"HTTP/1.1 400 "),
        "{}",
        text(&received)
    );
    assert!(
        matches!(
            result,
            Err(Error::Handshake(wshake_proto::Error::NoCommonProtocol))
        ),
        "{result:?}"
    );
    let (received, result) = answered(
        config,
        "Sec-WebSocket-Protocol: other, chat\r\n",
        Answer::policy(),
    )
    .await;
    assert!(text(&received).contains("\r\nSec-WebSocket-Protocol: chat\r\n"));
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn a_plain_page_is_an_outcome_not_an_error() {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let page = |path: &str| {
                (path == "/").then(|| b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".to_vec())
            };
            accept_or_plain(
                socket,
                ServerConfig::new(),
                &Options::new(),
                async |_: &Request<'_>| Answer::policy(),
                &page,
            )
            .await
        });
        let mut socket = TcpStream::connect(address).await.unwrap();
        socket
            .write_all(b"GET /?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
            .await
            .unwrap();
        let mut received = Vec::new();
        socket.read_to_end(&mut received).await.unwrap();
        assert!(received.ends_with(b"\r\n\r\nhi"), "{}", text(&received));
        match server.await.unwrap() {
            Ok(Served::Plain { path }) => assert_eq!(path, "/"),
            other => panic!("{other:?}"),
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_a_refused_client_keeps_the_status_headers_and_body() {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            accept_with(
                socket,
                ServerConfig::new(),
                &Options::new(),
                async |_: &Request<'_>| {
                    Answer::reject(401)
                        .header("WWW-Authenticate", "Bearer")
                        .body("log in first\n")
                },
            )
            .await
            .map(|_| ())
        });
        let socket = TcpStream::connect(address).await.unwrap();
        let target = Target::new(&address.to_string(), "/").unwrap();
        let key = Key::from_nonce(*b"use Key::random!");
        let result = handshake(socket, ClientConfig::new(), target, key, &Options::new()).await;
        let Err(Error::Refused(refusal)) = result else {
            panic!("{result:?}");
        };
        assert_eq!(refusal.status(), 401);
        assert_eq!(
            refusal.response().headers().get("www-authenticate"),
            Some(&b"Bearer"[..])
        );
        assert_eq!(refusal.body(), b"log in first\n");
        assert!(matches!(
            server.await.unwrap(),
            Err(Error::Rejected { status: 401 })
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_a_refusal_without_a_length_does_not_hold_the_client_until_the_timeout() {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0; 1024];
            let _ = socket.read(&mut request).await.unwrap();
            socket
                .write_all(b"HTTP/1.1 404 Not Found\r\n\r\nnot here")
                .await
                .unwrap();
            // Keep the connection open well past the client's patience for the body.
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let socket = TcpStream::connect(address).await.unwrap();
        let target = Target::new(&address.to_string(), "/").unwrap();
        let key = Key::from_nonce(*b"use Key::random!");
        let started = std::time::Instant::now();
        let result = handshake(socket, ClientConfig::new(), target, key, &Options::new()).await;
        let Err(Error::Refused(refusal)) = result else {
            panic!("{result:?}");
        };
        assert_eq!(refusal.status(), 404);
        assert_eq!(refusal.body(), b"not here");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        server.abort();
    })
    .await
    .unwrap();
}
