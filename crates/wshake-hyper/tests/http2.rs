//! WebSocket over HTTP/2 (RFC 8441) through real hyper and h2 peers on loopback TCP:
//! wshake-hyper's `Server` (hyper-util's automatic builder, extended CONNECT enabled)
//! with `accept` in the service, and `Http2Connection` (the h2 client) opening
//! WebSockets on it; the streams handed to tokio-tungstenite and fastwebsockets in the
//! right roles; several WebSockets on one connection; refusals as HTTP/2 answers; a
//! server without the setting; HTTP/1.1 and HTTP/2 on one TLS port chosen by ALPN.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::service::service_fn;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
use wshake_hyper::wshake_proto::server::{OriginPolicy, ServerConfig};
use wshake_hyper::wshake_proto::{Error as ProtoError, Key};
use wshake_hyper::{Error, Http2Connection, Http2Stream, Server};

const LIMIT: Duration = Duration::from_secs(10);

/// Which framing library the server hands the upgraded stream to.
#[derive(Clone, Copy)]
enum Framing {
    Tungstenite,
    FastWebSockets,
}

/// Serves every connection on `listener` with wshake-hyper's `Server`, `accept` with
/// `config`, and an echo in `framing`; `tls` wraps each connection in TLS first (ALPN
/// `h2`, `http/1.1`). Every echo task reports the HTTP version its request came with.
fn serve(
    listener: TcpListener,
    config: ServerConfig,
    framing: Framing,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> tokio::sync::mpsc::UnboundedReceiver<http::Version> {
    let config = Arc::new(config);
    let (told, versions) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let config = Arc::clone(&config);
            let told = told.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = service_fn(move |mut request| {
                    let config = Arc::clone(&config);
                    let told = told.clone();
                    async move {
                        let version = request.version();
                        Ok::<_, Infallible>(match wshake_hyper::accept(&config, &mut request) {
                            Ok((response, upgrade)) => {
                                tokio::spawn(async move {
                                    let upgraded = upgrade.await.unwrap();
                                    let _ = told.send(version);
                                    match framing {
                                        Framing::Tungstenite => tungstenite_echo(upgraded).await,
                                        Framing::FastWebSockets => {
                                            fastwebsockets_echo(upgraded).await;
                                        }
                                    }
                                });
                                response
                            }
                            Err(refused) => refused.into_response(),
                        })
                    }
                });
                let server = Server::new();
                let _ = match tls {
                    Some(tls) => {
                        let stream = tokio_rustls::TlsAcceptor::from(tls)
                            .accept(tcp)
                            .await
                            .unwrap();
                        server.serve(stream, true, service).await
                    }
                    None => server.serve(tcp, false, service).await,
                };
            });
        }
    });
    versions
}

async fn tungstenite_echo(upgraded: wshake_hyper::Upgraded) {
    let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
    while let Some(Ok(message)) = ws.next().await {
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            break;
        }
    }
}

async fn fastwebsockets_echo(upgraded: wshake_hyper::Upgraded) {
    let mut ws = fastwebsockets::FragmentCollector::new(
        fastwebsockets::WebSocket::after_handshake(upgraded, fastwebsockets::Role::Server),
    );
    while let Ok(frame) = ws.read_frame().await {
        match frame.opcode {
            fastwebsockets::OpCode::Close => break,
            fastwebsockets::OpCode::Text | fastwebsockets::OpCode::Binary => {}
            _ => continue,
        }
        if ws.write_frame(frame).await.is_err() {
            break;
        }
    }
}

async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

/// A text and a binary message through the stream (client role), then a close.
async fn echo_twice(stream: Http2Stream, text: &str) {
    let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
    ws.send(Message::text(text)).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
    let binary = Bytes::from(text.as_bytes().to_vec());
    ws.send(Message::binary(binary.clone())).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::binary(binary));
    ws.close(None).await.unwrap();
}

#[tokio::test]
async fn e30_e31_e32_echo_over_http2_through_tungstenite_and_fastwebsockets() {
    tokio::time::timeout(LIMIT, async {
        for framing in [Framing::Tungstenite, Framing::FastWebSockets] {
            let (listener, address) = listen().await;
            let config = ServerConfig::new().protocols(["chat"]);
            let mut versions = serve(listener, config, framing, None);
            let tcp = TcpStream::connect(&address).await.unwrap();
            let connection = Http2Connection::handshake(tcp, false).await.unwrap();
            assert!(connection.extended_connect(), "E30: the server enabled it");
            let target = Target::new(&address, "/chat").unwrap();
            let config = ClientConfig::new().protocol("chat").unwrap();
            let (stream, outcome) = connection.open(config, target).await.unwrap();
            assert_eq!(outcome.view().protocol(), Some("chat"));
            assert_eq!(outcome.view().response().status(), 200);
            echo_twice(stream, "over h2").await;
            assert_eq!(versions.recv().await, Some(http::Version::HTTP_2));
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e32_several_websockets_share_one_http2_connection() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listen().await;
        let mut versions = serve(listener, ServerConfig::new(), Framing::Tungstenite, None);
        let tcp = TcpStream::connect(&address).await.unwrap();
        let connection = Http2Connection::handshake(tcp, false).await.unwrap();
        let mut opened = Vec::new();
        for n in 0..5 {
            let target = Target::new(&address, &format!("/room/{n}")).unwrap();
            opened.push(
                connection
                    .open(ClientConfig::new(), target)
                    .await
                    .unwrap()
                    .0,
            );
        }
        // All five open at once, echoing concurrently over the one connection.
        let echoes = opened.into_iter().enumerate().map(|(n, stream)| {
            tokio::spawn(echo_twice(
                stream,
                Box::leak(format!("stream {n}").into_boxed_str()),
            ))
        });
        for echo in echoes.collect::<Vec<_>>() {
            echo.await.unwrap();
        }
        for _ in 0..5 {
            assert_eq!(versions.recv().await, Some(http::Version::HTTP_2));
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e37_a_policy_refusal_is_an_http2_answer_and_the_connection_stays_usable() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listen().await;
        let config = ServerConfig::new().origin_policy(OriginPolicy::same_origin());
        serve(listener, config, Framing::Tungstenite, None);
        let tcp = TcpStream::connect(&address).await.unwrap();
        let connection = Http2Connection::handshake(tcp, false).await.unwrap();
        let target = Target::new(&address, "/chat").unwrap();
        let foreign = ClientConfig::new().origin("https://evil.test").unwrap();
        let refused = connection.open(foreign, target.clone()).await.unwrap_err();
        assert!(
            matches!(
                refused,
                Error::Handshake(ProtoError::NotSwitchingProtocols { status: 403, .. })
            ),
            "{refused:?}"
        );
        // Only that stream was refused: the next WebSocket opens on the same connection.
        let (stream, _) = connection.open(ClientConfig::new(), target).await.unwrap();
        echo_twice(stream, "still here").await;
    })
    .await
    .unwrap();
}

/// A raw h2 client request to `address`: its status and headers.
async fn raw_h2(
    address: &str,
    build: impl FnOnce(http::request::Builder) -> http::request::Builder,
    protocol: Option<&'static str>,
) -> (http::StatusCode, http::HeaderMap) {
    let tcp = TcpStream::connect(address).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut send = send.ready().await.unwrap();
    let mut request = build(
        http::Request::builder()
            .method(http::Method::CONNECT)
            .uri(format!("http://{address}/chat")),
    )
    .body(())
    .unwrap();
    if let Some(protocol) = protocol {
        request
            .extensions_mut()
            .insert(h2::ext::Protocol::from_static(protocol));
    }
    let (response, _stream) = send.send_request(request, false).unwrap();
    let response = response.await.unwrap();
    (response.status(), response.headers().clone())
}

#[tokio::test]
async fn e31_e35_refusals_over_http2_from_a_raw_h2_client() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listen().await;
        serve(listener, ServerConfig::new(), Framing::Tungstenite, None);
        let versioned = |b: http::request::Builder| b.header("sec-websocket-version", "13");
        // No version: 400 carrying the version to use, no connection-specific header.
        let (status, headers) = raw_h2(&address, |b| b, Some("websocket")).await;
        assert_eq!(status, 400);
        assert_eq!(headers["sec-websocket-version"], "13");
        assert!(headers.get("connection").is_none() && headers.get("upgrade").is_none());
        // Version 8: the same.
        let (status, headers) = raw_h2(
            &address,
            |b| b.header("sec-websocket-version", "8"),
            Some("websocket"),
        )
        .await;
        assert_eq!(
            (status, &headers["sec-websocket-version"]),
            (
                http::StatusCode::BAD_REQUEST,
                &"13".parse::<http::HeaderValue>().unwrap()
            )
        );
        // Another :protocol.
        let (status, _) = raw_h2(&address, versioned, Some("chat")).await;
        assert_eq!(status, 400);
        // A GET over HTTP/2: 405, Allow: CONNECT.
        let (status, headers) =
            raw_h2(&address, |b| versioned(b.method(http::Method::GET)), None).await;
        assert_eq!(status, 405);
        assert_eq!(headers["allow"], "CONNECT");
        // A cleartext connection said `:scheme: https`.
        let (status, _) = raw_h2(
            &address,
            |b| versioned(b.uri(format!("https://{address}/chat"))),
            Some("websocket"),
        )
        .await;
        assert_eq!(status, 400);
        // A `host` naming another authority than `:authority`.
        let (status, _) = raw_h2(
            &address,
            |b| versioned(b.header("host", "other.test")),
            Some("websocket"),
        )
        .await;
        assert_eq!(status, 400);
        // And the valid request, for contrast.
        let (status, _) = raw_h2(&address, versioned, Some("websocket")).await;
        assert_eq!(status, 200);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e30_a_server_without_extended_connect_gets_no_websocket_request() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listen().await;
        // hyper's own HTTP/2 server, the setting left off.
        tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let service = service_fn(|_request| async {
                Ok::<_, Infallible>(http::Response::new(http_body_util::Empty::<Bytes>::new()))
            });
            let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                .await;
        });
        let tcp = TcpStream::connect(&address).await.unwrap();
        let connection = Http2Connection::handshake(tcp, false).await.unwrap();
        assert!(!connection.extended_connect());
        let target = Target::new(&address, "/chat").unwrap();
        let error = connection
            .open(ClientConfig::new(), target)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::ExtendedConnectDisabled), "{error:?}");
    })
    .await
    .unwrap();
}

// --- One TLS port, HTTP/1.1 and HTTP/2 by ALPN --------------------------------------------

/// A server config for `localhost` with a certificate made now (ALPN `h2`, `http/1.1`),
/// and a client config trusting it that offers `alpn`.
fn tls_server() -> (Arc<rustls::ServerConfig>, rustls::RootCertStore) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = certified.cert.der().clone();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let mut server = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    (Arc::new(server), roots)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_client(roots: &rustls::RootCertStore, alpn: &[&[u8]]) -> Arc<rustls::ClientConfig> {
    let mut client = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    client.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(client)
}

async fn tls_connect(
    address: &str,
    client: Arc<rustls::ClientConfig>,
) -> (
    impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    Option<Vec<u8>>,
) {
    let tcp = TcpStream::connect(address).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = tokio_rustls::TlsConnector::from(client)
        .connect(name, tcp)
        .await
        .unwrap();
    let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    (tls, alpn)
}

#[tokio::test]
async fn e34_one_tls_port_serves_http1_and_http2_chosen_by_alpn() {
    tokio::time::timeout(LIMIT, async {
        let (server_tls, roots) = tls_server();
        let h2_client = tls_client(&roots, &[b"h2", b"http/1.1"]);
        let h1_client = tls_client(&roots, &[b"http/1.1"]);
        let (listener, address) = listen().await;
        let port = address.rsplit(':').next().unwrap().to_string();
        let mut versions = serve(
            listener,
            ServerConfig::new(),
            Framing::Tungstenite,
            Some(server_tls.clone()),
        );
        let authority = format!("localhost:{port}");

        // HTTP/2, `:scheme: https` over TLS.
        let (tls, alpn) = tls_connect(&address, Arc::clone(&h2_client)).await;
        assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));
        let connection = Http2Connection::handshake(tls, true).await.unwrap();
        let target = Target::new(&authority, "/secure").unwrap();
        let (stream, _) = connection
            .open(ClientConfig::new(), target.clone())
            .await
            .unwrap();
        echo_twice(stream, "h2 over tls").await;
        assert_eq!(versions.recv().await, Some(http::Version::HTTP_2));

        // E34: `:scheme: http` on that TLS connection is refused.
        let (tls, _) = tls_connect(&address, Arc::clone(&h2_client)).await;
        let lying = Http2Connection::handshake(tls, false).await.unwrap();
        let refused = lying
            .open(ClientConfig::new(), target.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                Error::Handshake(ProtoError::NotSwitchingProtocols { status: 400, .. })
            ),
            "{refused:?}"
        );

        // HTTP/1.1 on the same port, the client having offered only that.
        let (tls, alpn) = tls_connect(&address, h1_client).await;
        assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
        let key = Key::from_nonce(*b"the sample nonce");
        let (upgraded, outcome) = wshake_hyper::connect(tls, ClientConfig::new(), target, key)
            .await
            .unwrap();
        assert_eq!(outcome.view().response().status(), 101);
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        ws.send(Message::text("h1 over tls")).await.unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::text("h1 over tls")
        );
        assert_eq!(versions.recv().await, Some(http::Version::HTTP_11));
    })
    .await
    .unwrap();
}
