//! The server role through a real hyper HTTP/1.1 server on loopback TCP: `accept` and
//! `accept_with` in the service, the upgraded connection handed to tokio-tungstenite,
//! fastwebsockets and tokio-websockets, the bytes sent with the request not lost (H24),
//! and every refusal answered with wshake's status, headers and one-line body.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use http::StatusCode;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::{self, Message};
use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
use wshake_hyper::wshake_proto::server::Incoming as Validated;
use wshake_hyper::wshake_proto::server::{Answer, Answered, Request, ServerConfig};
use wshake_hyper::wshake_proto::{self as wshake_proto, Key, LocalError};
use wshake_hyper::{PendingUpgrade, Refused};

const LIMIT: Duration = Duration::from_secs(10);

/// What a service returns: the 101 and the connection to come, or the refusal.
type Decided = Result<(wshake_hyper::Response, PendingUpgrade), Refused>;

/// What the service made of a request, as the test sees it: the pending upgrade, or the
/// refusal's status and why.
type Seen = Result<PendingUpgrade, (StatusCode, Answered)>;

/// A hyper HTTP/1.1 server (with upgrades) on 127.0.0.1:0 for one connection, `decide`
/// in its service: its response goes to the client, and what it decided comes out of the
/// channel for the test to check and to take the upgraded connection from.
async fn hyper_server<F, Fut>(decide: F) -> (String, mpsc::UnboundedReceiver<Seen>)
where
    F: Fn(http::Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Decided> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (seen, receiver) = mpsc::unbounded_channel();
    let decide = Arc::new(decide);
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let service = service_fn(move |request| {
            let decide = Arc::clone(&decide);
            let seen = seen.clone();
            async move {
                let response = match decide(request).await {
                    Ok((response, upgrade)) => {
                        let _ = seen.send(Ok(upgrade));
                        response
                    }
                    Err(refused) => {
                        let _ = seen.send(Err((refused.status(), refused.answered().clone())));
                        refused.into_response()
                    }
                };
                Ok::<_, Infallible>(response)
            }
        });
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(tcp), service)
            .with_upgrades()
            .await;
    });
    (address, receiver)
}

/// A server whose service answers with `wshake_hyper::accept` and this config.
async fn accepting_server(config: ServerConfig) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let config = Arc::new(config);
    hyper_server(move |mut request| {
        let config = Arc::clone(&config);
        async move { wshake_hyper::accept(&config, &mut request) }
    })
    .await
}

/// The pending upgrade the service produced; panics on a refusal.
async fn accepted(seen: &mut mpsc::UnboundedReceiver<Seen>) -> PendingUpgrade {
    match seen.recv().await.expect("the service ran") {
        Ok(upgrade) => upgrade,
        Err((status, answered)) => panic!("refused with {status}: {answered:?}"),
    }
}

/// The refusal the service produced; panics on an acceptance.
async fn refused(seen: &mut mpsc::UnboundedReceiver<Seen>) -> (StatusCode, Answered) {
    match seen.recv().await.expect("the service ran") {
        Ok(upgrade) => panic!("accepted: {upgrade:?}"),
        Err(refusal) => refusal,
    }
}

/// A tokio-tungstenite client offering `protocols`, over a TCP stream of its own.
async fn tungstenite_client(
    address: &str,
    path: &str,
    protocols: &str,
) -> (
    WebSocketStream<TcpStream>,
    tungstenite::handshake::client::Response,
) {
    let mut request = format!("ws://{address}{path}")
        .into_client_request()
        .unwrap();
    if !protocols.is_empty() {
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocols.parse().unwrap());
    }
    let tcp = TcpStream::connect(address).await.unwrap();
    tokio_tungstenite::client_async(request, tcp).await.unwrap()
}

/// A valid handshake request to `address`, for hyper's client; `edit` changes it.
fn handshake_request(
    address: &str,
    edit: impl FnOnce(http::request::Builder) -> http::request::Builder,
) -> http::Request<Empty<Bytes>> {
    let builder = http::Request::get("/chat")
        .header("Host", address)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("Sec-WebSocket-Version", "13");
    edit(builder).body(Empty::new()).unwrap()
}

/// Sends `request` with hyper's HTTP/1.1 client and returns the response with its whole
/// body.
async fn send(address: &str, request: http::Request<Empty<Bytes>>) -> http::Response<Bytes> {
    let tcp = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    drop(sender);
    let _ = connection.await.unwrap();
    http::Response::from_parts(parts, body)
}

/// The headers every wshake refusal carries, and its body: the one-line reason.
fn assert_refusal(response: &http::Response<Bytes>, status: u16, body: &str) {
    assert_eq!(response.status(), status, "{response:?}");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert_eq!(
        std::str::from_utf8(response.body()).unwrap(),
        body,
        "{response:?}"
    );
    assert!(body.ends_with('\n') && body.lines().count() == 1);
}

#[tokio::test]
async fn s12_hyper_upgrade_hands_off_to_tungstenite() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new().protocols(["chat"])).await;
        let client = tokio::spawn(async move {
            let (mut ws, response) = tungstenite_client(&address, "/chat", "chat").await;
            assert_eq!(response.status(), 101);
            assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
            for text in ["one", "two", "three"] {
                ws.send(Message::text(text)).await.unwrap();
                assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
            }
            ws.close(None).await.unwrap();
        });
        let upgrade = accepted(&mut seen).await;
        assert_eq!(upgrade.protocol(), Some("chat"));
        assert_eq!(upgrade.deflate(), None);
        let upgraded = upgrade.await.unwrap();
        assert_eq!(upgraded.protocol(), Some("chat"));
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
        for _ in 0..3 {
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
        }
        assert!(ws.next().await.unwrap().unwrap().is_close());
        client.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_hyper_upgrade_hands_off_to_fastwebsockets() {
    use fastwebsockets::{Frame, OpCode, Payload, WebSocket};
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new()).await;
        let client = tokio::spawn(async move {
            // wshake-hyper's own client, then fastwebsockets in the client role.
            let tcp = TcpStream::connect(&address).await.unwrap();
            let target = Target::new(&address, "/fast").unwrap();
            let (upgraded, outcome) =
                wshake_hyper::connect(tcp, ClientConfig::new(), target, Key::random().unwrap())
                    .await
                    .unwrap();
            assert_eq!(outcome.view().protocol(), None);
            let mut ws = WebSocket::after_handshake(upgraded, fastwebsockets::Role::Client);
            for text in [&b"fast"[..], b"er"] {
                ws.write_frame(Frame::text(Payload::Borrowed(text)))
                    .await
                    .unwrap();
                let frame = ws.read_frame().await.unwrap();
                assert_eq!(frame.opcode, OpCode::Text);
                assert_eq!(frame.payload.to_vec(), text);
            }
        });
        let upgraded = accepted(&mut seen).await.await.unwrap();
        assert_eq!(upgraded.protocol(), None);
        let mut ws = WebSocket::after_handshake(upgraded, fastwebsockets::Role::Server);
        for _ in 0..2 {
            let frame = ws.read_frame().await.unwrap();
            assert_eq!(frame.opcode, OpCode::Text);
            let echoed = frame.payload.to_vec();
            ws.write_frame(Frame::text(Payload::Owned(echoed)))
                .await
                .unwrap();
        }
        client.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_hyper_upgrade_hands_off_to_tokio_websockets() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new().protocols(["chat"])).await;
        let client = tokio::spawn(async move {
            let (mut ws, response) = tungstenite_client(&address, "/ws", "other, chat").await;
            assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
            ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
            assert_eq!(
                ws.next().await.unwrap().unwrap(),
                Message::binary(vec![1, 2, 3])
            );
            ws.send(Message::text("websockets")).await.unwrap();
            assert_eq!(
                ws.next().await.unwrap().unwrap(),
                Message::text("websockets")
            );
        });
        let upgraded = accepted(&mut seen).await.await.unwrap();
        assert_eq!(upgraded.protocol(), Some("chat"));
        // tokio-websockets takes over a stream whose handshake is already done.
        let mut ws = tokio_websockets::ServerBuilder::new().serve(upgraded);
        for _ in 0..2 {
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
        }
        client.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h24_frame_in_the_same_write_as_the_request_is_echoed_through_hyper() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new().protocols(["chat"])).await;
        let server = tokio::spawn(async move {
            let upgraded = accepted(&mut seen).await.await.unwrap();
            let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
            let message = ws.next().await.unwrap().unwrap();
            assert_eq!(message, Message::text("hello"));
            ws.send(message).await.unwrap();
            ws
        });
        let mut socket = TcpStream::connect(&address).await.unwrap();
        let key = Key::random().unwrap();
        let mut bytes = format!(
            "GET /chat HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        )
        .into_bytes();
        // A masked text frame "hello" right behind the blank line, in one write: hyper
        // reads it with the head and must keep it in front of the upgraded stream.
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        bytes.extend_from_slice(&[0x81, 0x85]);
        bytes.extend_from_slice(&mask);
        bytes.extend(b"hello".iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
        socket.write_all(&bytes).await.unwrap();
        // The 101, then the echoed frame (unmasked from a server).
        let mut received = Vec::new();
        let mut chunk = [0u8; 1024];
        while !received.ends_with(b"\x81\x05hello") {
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&received));
            received.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{text}");
        assert!(
            text.contains(&format!(
                "\r\nsec-websocket-accept: {}\r\n",
                wshake_proto::Accept::for_key(&key)
            )),
            "{text}"
        );
        drop(server.await.unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s13v_version_8_is_answered_426_through_hyper() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new()).await;
        let mut request = handshake_request(&address, |b| b);
        request
            .headers_mut()
            .insert("sec-websocket-version", "8".parse().unwrap());
        let response = send(&address, request).await;
        assert_refusal(
            &response,
            426,
            "Sec-WebSocket-Version 8 not supported, expected 13\n",
        );
        assert_eq!(response.headers()["sec-websocket-version"], "13");
        assert_eq!(response.headers()["upgrade"], "websocket");
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 426);
        assert!(matches!(
            answered,
            Answered::Refused(wshake_proto::Error::UnsupportedVersion { .. })
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s13_foreign_origin_is_answered_403_through_hyper() {
    tokio::time::timeout(LIMIT, async {
        // The default origin policy: same origin only.
        let (address, mut seen) = accepting_server(ServerConfig::new()).await;
        let response = send(
            &address,
            handshake_request(&address, |b| b.header("Origin", "https://evil.example")),
        )
        .await;
        assert_refusal(&response, 403, "origin https://evil.example not allowed\n");
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 403);
        assert!(matches!(
            answered,
            Answered::Refused(wshake_proto::Error::OriginForbidden { .. })
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_missing_key_is_answered_400_through_hyper() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new()).await;
        let mut request = handshake_request(&address, |b| b);
        request.headers_mut().remove("sec-websocket-key");
        let response = send(&address, request).await;
        assert_refusal(&response, 400, "missing Sec-WebSocket-Key\n");
        assert_eq!(response.headers()["connection"], "close");
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 400);
        assert_eq!(answered, Answered::Refused(wshake_proto::Error::MissingKey));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_post_is_answered_405_with_allow_get_through_hyper() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = accepting_server(ServerConfig::new()).await;
        let mut request = handshake_request(&address, |b| b);
        *request.method_mut() = http::Method::POST;
        let response = send(&address, request).await;
        assert_refusal(
            &response,
            405,
            "method POST not allowed, a WebSocket handshake is a GET\n",
        );
        assert_eq!(response.headers()["allow"], "GET");
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 405);
        assert!(matches!(
            answered,
            Answered::Refused(wshake_proto::Error::MethodNotAllowed { .. })
        ));
    })
    .await
    .unwrap();
}

/// A server whose service awaits the application's decision, with `wshake_hyper::accept_with`.
async fn deciding_server(
    config: ServerConfig,
    decide: fn(&Request<'_>) -> Answer,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let config = Arc::new(config);
    hyper_server(move |mut request| {
        let config = Arc::clone(&config);
        async move {
            wshake_hyper::accept_with(&config, &mut request, async |request: &Request<'_>| {
                // Stands in for an awaited session store or token check.
                tokio::time::sleep(Duration::from_millis(10)).await;
                decide(request)
            })
            .await
        }
    })
    .await
}

#[tokio::test]
async fn s13_accept_with_rejects_401_with_www_authenticate() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = deciding_server(ServerConfig::new(), |request| {
            match request.query_param("token").as_deref() {
                Some("let-me-in") => Answer::policy(),
                _ => Answer::reject(401)
                    .header("WWW-Authenticate", "Bearer")
                    .body("a token, please\n"),
            }
        })
        .await;
        let request = handshake_request(&address, |b| b.uri("/chat?token=wrong"));
        let response = send(&address, request).await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.body().as_ref(), b"a token, please\n");
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 401);
        assert_eq!(answered, Answered::Rejected { status: 401 });
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s14_accept_with_picks_a_subprotocol_the_client_offered() {
    tokio::time::timeout(LIMIT, async {
        // The configured preference would say "chat"; the application says "chat.v2".
        let (address, mut seen) =
            deciding_server(ServerConfig::new().protocols(["chat"]), |request| {
                if request.offers_protocol("chat.v2") {
                    Answer::accept().protocol("chat.v2")
                } else {
                    Answer::policy()
                }
            })
            .await;
        let client = tokio::spawn(async move {
            let (mut ws, response) = tungstenite_client(&address, "/chat", "chat, chat.v2").await;
            assert_eq!(response.headers()["sec-websocket-protocol"], "chat.v2");
            ws.send(Message::text("v2")).await.unwrap();
            assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("v2"));
        });
        let upgrade = accepted(&mut seen).await;
        assert_eq!(upgrade.protocol(), Some("chat.v2"));
        let upgraded = upgrade.await.unwrap();
        assert_eq!(upgraded.protocol(), Some("chat.v2"));
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
        let message = ws.next().await.unwrap().unwrap();
        ws.send(message).await.unwrap();
        client.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s16_accept_with_a_reserved_header_is_answered_500() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut seen) = deciding_server(ServerConfig::new(), |_| {
            Answer::policy().header("Sec-WebSocket-Accept", "chosen by the application")
        })
        .await;
        let response = send(&address, handshake_request(&address, |b| b)).await;
        assert_refusal(&response, 500, "internal server error\n");
        assert!(response.headers().get("sec-websocket-accept").is_none());
        let (status, answered) = refused(&mut seen).await;
        assert_eq!(status, 500);
        assert_eq!(answered, Answered::Failed(LocalError::ReservedHeader));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_respond_answers_a_request_validated_before() {
    tokio::time::timeout(LIMIT, async {
        let config = Arc::new(ServerConfig::new().protocols(["chat"]));
        // As an extractor does: hyper's upgrade taken first, the request validated, and
        // the answer given later.
        let (address, mut seen) = hyper_server(move |mut request| {
            let config = Arc::clone(&config);
            async move {
                let on_upgrade = hyper::upgrade::on(&mut request);
                let incoming = Validated::from_http(&config, &request).expect("a valid request");
                assert_eq!(incoming.request().path(), "/later");
                wshake_hyper::respond(incoming, &Answer::policy(), on_upgrade)
            }
        })
        .await;
        let client = tokio::spawn(async move {
            let (mut ws, response) = tungstenite_client(&address, "/later", "chat").await;
            assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
            ws.send(Message::text("later")).await.unwrap();
            assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("later"));
        });
        let upgraded = accepted(&mut seen).await.await.unwrap();
        assert_eq!(upgraded.protocol(), Some("chat"));
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
        let message = ws.next().await.unwrap().unwrap();
        ws.send(message).await.unwrap();
        client.await.unwrap();
    })
    .await
    .unwrap();
}

/// An HTTP/2 request as hyper's HTTP/2 server hands it over (built here, not read from a
/// socket: tests/http2.rs has those), with `:protocol` in its extensions when given.
fn http2_request(method: http::Method, protocol: Option<&'static str>) -> http::Request<()> {
    let mut request = http::Request::builder()
        .method(method)
        .uri("https://example.com/chat")
        .version(http::Version::HTTP_2)
        .header("sec-websocket-version", "13")
        .body(())
        .unwrap();
    if let Some(protocol) = protocol {
        request
            .extensions_mut()
            .insert(hyper::ext::Protocol::from_static(protocol));
    }
    request
}

#[test]
fn e31_an_http2_get_is_answered_405_with_allow_connect() {
    let mut request = http2_request(http::Method::GET, None);
    let refused = wshake_hyper::accept(&ServerConfig::new(), &mut request).unwrap_err();
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.into_response().headers()["allow"], "CONNECT");
}

#[test]
fn e31_accept_reads_protocol_from_hypers_extension() {
    let config = ServerConfig::new();
    let mut request = http2_request(http::Method::CONNECT, Some("websocket"));
    let (response, _upgrade) = wshake_hyper::accept(&config, &mut request).unwrap();
    assert_eq!(response.status(), 200);
    let mut request = http2_request(http::Method::CONNECT, None);
    let refused = wshake_hyper::accept(&config, &mut request).unwrap_err();
    assert_eq!(
        refused.answered(),
        &Answered::Refused(wshake_proto::Error::MissingConnectProtocol)
    );
    // With `Tls(false)` (a cleartext connection), `:scheme: https` is refused.
    let mut request = http2_request(http::Method::CONNECT, Some("websocket"));
    request.extensions_mut().insert(wshake_hyper::Tls(false));
    let refused = wshake_hyper::accept(&config, &mut request).unwrap_err();
    assert_eq!(refused.status(), 400, "{refused}");
}
