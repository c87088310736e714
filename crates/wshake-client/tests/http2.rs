//! wshake-client over HTTP/2 (RFC 8441) against real hyper servers on loopback: wshake-
//! hyper's `Server` (HTTP/1.1 and HTTP/2 with extended CONNECT), hyper-util's builder
//! without the setting, TLS servers offering `h2` or only `http/1.1` in ALPN; the modes
//! `Prefer` and `Require`, their fallbacks and errors, and several WebSockets sharing one
//! connection.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use hyper::service::service_fn;
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_client::wshake_proto::server::ServerConfig;
use wshake_client::{Client, ClientStream, ErrorKind, Http2};

const LIMIT: Duration = Duration::from_secs(20);

/// How the test server serves a connection.
#[derive(Clone, Copy)]
enum Serving {
    /// wshake-hyper's `Server`: HTTP/1.1, and HTTP/2 with extended CONNECT.
    Wshake,
    /// hyper-util's automatic builder: HTTP/1.1 and HTTP/2, extended CONNECT not enabled.
    NoExtendedConnect,
}

/// A server on 127.0.0.1:0 (TLS with `alpn` when given) answering with
/// `wshake_hyper::accept` and echoing through tokio-tungstenite. Returns the port, and a
/// count of the TCP connections it accepted.
async fn server(
    serving: Serving,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&accepted);
    let config = Arc::new(ServerConfig::new());
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            counted.fetch_add(1, Ordering::SeqCst);
            let (config, tls) = (Arc::clone(&config), tls.clone());
            tokio::spawn(async move {
                let secure = tls.is_some();
                let service = service_fn(move |mut request| {
                    let config = Arc::clone(&config);
                    async move {
                        Ok::<_, Infallible>(match wshake_hyper::accept(&config, &mut request) {
                            Ok((response, upgrade)) => {
                                tokio::spawn(async move {
                                    let upgraded = upgrade.await.unwrap();
                                    let mut ws = WebSocketStream::from_raw_socket(
                                        upgraded,
                                        Role::Server,
                                        None,
                                    )
                                    .await;
                                    while let Some(Ok(message)) = ws.next().await {
                                        if message.is_close() || ws.send(message).await.is_err() {
                                            break;
                                        }
                                    }
                                });
                                response
                            }
                            Err(refused) => refused.into_response(),
                        })
                    }
                });
                let io: Box<dyn Io> = match tls {
                    Some(tls) => Box::new(
                        tokio_rustls::TlsAcceptor::from(tls)
                            .accept(tcp)
                            .await
                            .unwrap(),
                    ),
                    None => Box::new(tcp),
                };
                let _ = match serving {
                    Serving::Wshake => wshake_hyper::Server::new().serve(io, secure, service).await,
                    Serving::NoExtendedConnect => {
                        hyper_util::server::conn::auto::Builder::new(
                            hyper_util::rt::TokioExecutor::new(),
                        )
                        .serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(io), service)
                        .await
                    }
                };
            });
        }
    });
    (port, accepted)
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

fn tls(server_alpn: &[&[u8]]) -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = certified.cert.der().clone();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    server.alpn_protocols = server_alpn.iter().map(|p| p.to_vec()).collect();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(server), Arc::new(client))
}

async fn echo(stream: ClientStream, text: &str) {
    let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
    ws.send(Message::text(text)).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
}

#[tokio::test]
async fn e30_e32_wss_over_http2_shares_one_connection_between_websockets() {
    tokio::time::timeout(LIMIT, async {
        let (server_tls, client_tls) = tls(&[b"h2", b"http/1.1"]);
        let (port, accepted) = server(Serving::Wshake, Some(server_tls)).await;
        let client = Client::builder()
            .tls_config(client_tls)
            .http2(Http2::Prefer)
            .build()
            .unwrap();
        let url = format!("wss://localhost:{port}/chat");
        let mut streams = Vec::new();
        for _ in 0..3 {
            let (connection, stream) = client.connect(&url).await.unwrap();
            assert!(connection.http2);
            assert_eq!(connection.response.view().response().status(), 200);
            let request = String::from_utf8(connection.request.clone()).unwrap();
            assert!(
                request
                    .starts_with(":method: CONNECT\r\n:protocol: websocket\r\n:scheme: https\r\n"),
                "{request}"
            );
            streams.push(stream);
        }
        for (n, stream) in streams.into_iter().enumerate() {
            echo(stream, &format!("stream {n}")).await;
        }
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "one TCP connection for all three"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e30_prefer_falls_back_to_http1_when_alpn_chooses_it_or_extended_connect_is_off() {
    tokio::time::timeout(LIMIT, async {
        // ALPN chose http/1.1: the WebSocket goes on that very connection.
        let (server_tls, client_tls) = tls(&[b"http/1.1"]);
        let (port, accepted) = server(Serving::Wshake, Some(server_tls)).await;
        let client = Client::builder()
            .tls_config(client_tls)
            .http2(Http2::Prefer)
            .build()
            .unwrap();
        let (connection, stream) = client
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap();
        assert!(!connection.http2);
        echo(stream, "h1 after alpn").await;
        assert_eq!(accepted.load(Ordering::SeqCst), 1);

        // HTTP/2 without extended CONNECT: nothing is sent over it; a new connection
        // offering http/1.1 alone carries the WebSocket.
        let (server_tls, client_tls) = tls(&[b"h2", b"http/1.1"]);
        let (port, accepted) = server(Serving::NoExtendedConnect, Some(server_tls)).await;
        let client = Client::builder()
            .tls_config(client_tls)
            .http2(Http2::Prefer)
            .build()
            .unwrap();
        let (connection, stream) = client
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap();
        assert!(!connection.http2);
        echo(stream, "h1 after settings").await;
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e30_require_is_an_error_without_http2_or_extended_connect() {
    tokio::time::timeout(LIMIT, async {
        let (server_tls, client_tls) = tls(&[b"http/1.1"]);
        let (port, _) = server(Serving::Wshake, Some(server_tls)).await;
        let client = Client::builder()
            .tls_config(client_tls)
            .http2(Http2::Require)
            .build()
            .unwrap();
        let error = client
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, wshake_client::Error::Http2NotNegotiated),
            "{error:?}"
        );
        assert_eq!(error.kind(), ErrorKind::Http2);

        let (server_tls, client_tls) = tls(&[b"h2", b"http/1.1"]);
        let (port, _) = server(Serving::NoExtendedConnect, Some(server_tls)).await;
        let client = Client::builder()
            .tls_config(client_tls)
            .http2(Http2::Require)
            .build()
            .unwrap();
        let error = client
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                wshake_client::Error::Http2(wshake_hyper::Error::ExtendedConnectDisabled)
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("extended CONNECT"), "{error}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e31_require_speaks_cleartext_http2_with_prior_knowledge() {
    tokio::time::timeout(LIMIT, async {
        let (port, _) = server(Serving::Wshake, None).await;
        let client = Client::builder().http2(Http2::Require).build().unwrap();
        let (connection, stream) = client
            .connect(&format!("ws://127.0.0.1:{port}/x"))
            .await
            .unwrap();
        assert!(connection.http2);
        let request = String::from_utf8(connection.request).unwrap();
        assert!(request.contains(":scheme: http\r\n"), "{request}");
        echo(stream, "h2c").await;
        // `Prefer` keeps ws:// on HTTP/1.1.
        let client = Client::builder().http2(Http2::Prefer).build().unwrap();
        let (connection, _) = client
            .connect(&format!("ws://127.0.0.1:{port}/x"))
            .await
            .unwrap();
        assert!(!connection.http2);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn e37_a_refusal_over_http2_is_refused_kind() {
    tokio::time::timeout(LIMIT, async {
        let (port, _) = server(Serving::Wshake, None).await;
        let client = Client::builder()
            .http2(Http2::Require)
            .origin("https://evil.test")
            .build()
            .unwrap();
        let error = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{error:?}");
        assert!(error.to_string().contains("403"), "{error}");
    })
    .await
    .unwrap();
}
