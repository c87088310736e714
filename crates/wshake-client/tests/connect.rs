//! wshake-client against real components on loopback: wshake's and tokio-tungstenite's
//! servers, a TLS server with a certificate made here, tinyproxy, redirecting servers.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_client::wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_client::wshake_tokio::{self, Options};
// Both stream names in one scope, as in most programs: they must not collide (E0252).
use wshake_client::{Client, ClientStream, Connector, Error, ErrorKind};

const LIMIT: Duration = Duration::from_secs(20);

async fn bind() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// A wshake server echoing `connections` connections with tokio-tungstenite.
fn spawn_wshake_echo(listener: TcpListener, connections: usize) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for _ in 0..connections {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let config = Arc::new(ServerConfig::new().protocols(["chat"]));
                let Ok((_, upgraded)) =
                    wshake_tokio::accept(socket, config, &Options::default()).await
                else {
                    return;
                };
                let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
                while let Some(Ok(message)) = ws.next().await {
                    if message.is_close() || ws.send(message).await.is_err() {
                        break;
                    }
                }
            });
        }
    })
}

async fn echo_once(stream: ClientStream, text: &str) {
    let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
    ws.send(Message::text(text)).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
}

#[tokio::test]
async fn connects_to_wshake_server_and_echoes() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        spawn_wshake_echo(listener, 1);
        let client = Client::builder().protocol("chat").build().unwrap();
        let (connection, stream) = client
            .connect(&format!("ws://127.0.0.1:{port}/chat"))
            .await
            .unwrap();
        assert_eq!(connection.protocol.as_deref(), Some("chat"));
        assert!(connection.request.starts_with(b"GET /chat HTTP/1.1\r\n"));
        echo_once(stream, "hello").await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn connects_to_tokio_tungstenite_server() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(socket).await.unwrap();
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
        });
        let (_, stream) = wshake_client::connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap();
        echo_once(stream, "tungstenite").await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn dns_tries_every_address_and_lists_failures() {
    tokio::time::timeout(LIMIT, async {
        // "localhost" may resolve to ::1 and 127.0.0.1; the server is on 127.0.0.1 only.
        let (listener, port) = bind().await;
        spawn_wshake_echo(listener, 1);
        let (connection, stream) = Client::builder()
            .build()
            .unwrap()
            .connect(&format!("ws://localhost:{port}/"))
            .await
            .unwrap();
        assert!(connection.request.windows(9).any(|w| w == b"localhost"));
        echo_once(stream, "dns").await;

        // Nothing listens: every attempt is reported.
        let (listener, port) = bind().await;
        drop(listener);
        let error = wshake_client::connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        match error {
            Error::Connect { attempts, .. } => {
                assert_eq!(attempts.len(), 1);
                assert_eq!(attempts[0].1.kind(), std::io::ErrorKind::ConnectionRefused);
            }
            other => panic!("{other:?}"),
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c1_invalid_urls_fail_before_connecting() {
    for url in ["http://example.com/", "ws://example.com/#x", "nonsense"] {
        let result = wshake_client::connect(url).await;
        assert!(matches!(result, Err(Error::InvalidUrl(_))), "{url}");
        assert_eq!(result.unwrap_err().kind(), ErrorKind::InvalidUrl, "{url}");
    }
}

// --- wss with a certificate made at test time --------------------------------------------

fn tls_pair() -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_der = certified.cert.der().clone();
    let key_der =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key_der)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert_der).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(server), Arc::new(client))
}

#[tokio::test]
async fn c3_wss_with_sni_through_rustls() {
    tokio::time::timeout(LIMIT, async {
        let (server_tls, client_tls) = tls_pair();
        let (listener, port) = bind().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let tls = tokio_rustls::TlsAcceptor::from(server_tls)
                .accept(socket)
                .await
                .unwrap();
            let sni = tls.get_ref().1.server_name().map(str::to_string);
            let (_, upgraded) =
                wshake_tokio::accept(tls, Arc::new(ServerConfig::new()), &Options::default())
                    .await
                    .unwrap();
            let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
            sni
        });
        let client = Client::builder().tls_config(client_tls).build().unwrap();
        let (connection, stream) = client
            .connect(&format!("wss://localhost:{port}/secure"))
            .await
            .unwrap();
        let host_line = format!("\r\nHost: localhost:{port}\r\n");
        assert!(String::from_utf8_lossy(&connection.request).contains(&host_line));
        echo_once(stream, "over tls").await;
        assert_eq!(server.await.unwrap().as_deref(), Some("localhost"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c3_tls_failure_is_a_tls_error() {
    tokio::time::timeout(LIMIT, async {
        let (server_tls, _) = tls_pair();
        let (listener, port) = bind().await;
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let _ = tokio_rustls::TlsAcceptor::from(server_tls)
                .accept(socket)
                .await;
        });
        // Default roots do not trust the self-signed certificate.
        let error = Client::builder()
            .build()
            .unwrap()
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Tls(_)), "{error:?}");
    })
    .await
    .unwrap();
}

// --- HTTP proxy (tinyproxy) --------------------------------------------------------------

struct Tinyproxy {
    child: Child,
    port: u16,
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tinyproxy(auth: Option<(&str, &str)>) -> Tinyproxy {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("wshake-tinyproxy-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\nLogLevel Critical\n"
    );
    if let Some((user, password)) = auth {
        config += &["BasicAuth ", user, " ", password, "\n"].concat();
    }
    let path = dir.join("tinyproxy.conf");
    std::fs::write(&path, config).unwrap();
    let child = Command::new("tinyproxy")
        .arg("-d")
        .arg("-c")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tinyproxy is installed by `cargo xtask ci` (apt-get install tinyproxy)");
    let proxy = Tinyproxy { child, port };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return proxy;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("tinyproxy did not start on port {port}");
}

#[tokio::test]
async fn c3_through_tinyproxy_without_and_with_basic_auth() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        spawn_wshake_echo(listener, 3);
        let open = tinyproxy(None);
        let client = Client::builder()
            .proxy(&format!("http://127.0.0.1:{}", open.port))
            .build()
            .unwrap();
        let (_, stream) = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap();
        echo_once(stream, "via proxy").await;

        let guarded = tinyproxy(Some(("alice", "s3cret")));
        let client = Client::builder()
            .proxy(&format!("http://alice:s3cret@127.0.0.1:{}", guarded.port))
            .build()
            .unwrap();
        let (_, stream) = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap();
        echo_once(stream, "via authenticated proxy").await;

        let client = Client::builder()
            .proxy(&format!("http://127.0.0.1:{}", guarded.port))
            .build()
            .unwrap();
        let error = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Proxy { status: 407, .. }),
            "{error:?}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c3_refusing_proxy_and_unreachable_target_are_errors() {
    tokio::time::timeout(LIMIT, async {
        let open = tinyproxy(None);
        let (listener, port) = bind().await;
        drop(listener);
        let client = Client::builder()
            .proxy(&format!("http://127.0.0.1:{}", open.port))
            .build()
            .unwrap();
        let error = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Proxy {
                    status: 500..=599,
                    ..
                }
            ),
            "{error:?}"
        );
        // A "proxy" that answers garbage.
        let (listener, proxy_port) = bind().await;
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 512];
            let _ = socket.read(&mut buffer).await;
            socket.write_all(b"SSH-2.0-nope\r\n\r\n").await.unwrap();
        });
        let client = Client::builder()
            .proxy(&format!("http://127.0.0.1:{proxy_port}"))
            .build()
            .unwrap();
        let error = client.connect("ws://example.test/").await.unwrap_err();
        assert!(matches!(error, Error::ProxyProtocol(_)), "{error:?}");
    })
    .await
    .unwrap();
}

// --- redirects ---------------------------------------------------------------------------

/// Answers every connection with this status and `Location`.
fn spawn_redirector(listener: TcpListener, status: u16, location: String) {
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let location = location.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
}

#[tokio::test]
async fn c11_redirects_followed_only_when_enabled_and_bounded() {
    tokio::time::timeout(LIMIT, async {
        let (target, target_port) = bind().await;
        spawn_wshake_echo(target, 3);
        for status in [301, 302, 307] {
            let (listener, port) = bind().await;
            spawn_redirector(
                listener,
                status,
                format!("ws://127.0.0.1:{target_port}/moved"),
            );
            let url = format!("ws://127.0.0.1:{port}/");
            let error = Client::builder()
                .build()
                .unwrap()
                .connect(&url)
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Refused);
            let refusal = error.refusal().expect("a refusal");
            assert_eq!(refusal.status(), status);
            assert_eq!(
                refusal.response().headers().get("location"),
                Some(format!("ws://127.0.0.1:{target_port}/moved").as_bytes())
            );
            let (connection, stream) = Client::builder()
                .follow_redirects(5)
                .build()
                .unwrap()
                .connect(&url)
                .await
                .unwrap();
            assert_eq!(
                connection.redirects,
                [format!("ws://127.0.0.1:{target_port}/moved")]
            );
            echo_once(stream, "redirected").await;
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn c11_redirect_loop_and_downgrade_are_refused() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        spawn_redirector(listener, 302, "/again".to_string());
        let error = Client::builder()
            .follow_redirects(3)
            .build()
            .unwrap()
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::TooManyRedirects { limit: 3 }),
            "{error:?}"
        );

        // wss → ws: a TLS server that redirects to plain ws.
        let (server_tls, client_tls) = tls_pair();
        let (listener, port) = bind().await;
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let mut tls = tokio_rustls::TlsAcceptor::from(server_tls)
                .accept(socket)
                .await
                .unwrap();
            let mut chunk = [0u8; 2048];
            let _ = tls.read(&mut chunk).await;
            let _ = tls
                .write_all(
                    b"HTTP/1.1 301 Moved\r\nLocation: ws://localhost/\r\nContent-Length: 0\r\n\r\n",
                )
                .await;
            let _ = tls.shutdown().await;
        });
        let client = Client::builder()
            .tls_config(client_tls)
            .follow_redirects(5)
            .build()
            .unwrap();
        let error = client
            .connect(&format!("wss://localhost:{port}/"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InsecureRedirect { .. }), "{error:?}");
    })
    .await
    .unwrap();
}

// --- C2 ----------------------------------------------------------------------------------

#[tokio::test]
async fn c2_one_connecting_handshake_per_host_and_port() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (in_flight2, peak2) = (Arc::clone(&in_flight), Arc::clone(&peak));
        // A slow server: it waits before answering each handshake and counts how many
        // handshakes are open at once (accepted but not answered).
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (in_flight, peak) = (Arc::clone(&in_flight2), Arc::clone(&peak2));
                tokio::spawn(async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    let result = wshake_tokio::accept(
                        socket,
                        Arc::new(ServerConfig::new()),
                        &Options::default(),
                    )
                    .await;
                    if let Ok((_, upgraded)) = result {
                        // Keep the connection open for a while.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        drop(upgraded);
                    }
                });
            }
        });
        let client = Client::builder()
            .connector(Connector::new())
            .build()
            .unwrap();
        let url = format!("ws://127.0.0.1:{port}/");
        let attempts: Vec<_> = (0..6)
            .map(|_| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move { client.connect(&url).await.map(|_| ()) })
            })
            .collect();
        for attempt in attempts {
            attempt.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 1, "handshakes overlapped");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn connect_timeout_applies_to_a_silent_tls_server() {
    tokio::time::timeout(LIMIT, async {
        let (listener, port) = bind().await;
        let _keep = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        });
        let client = Client::builder()
            .connect_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let error = client
            .connect(&format!("wss://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::ConnectTimeout), "{error:?}");
        // And the handshake timeout for a server that accepts TCP but never answers.
        let (listener, port) = bind().await;
        let _keep = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut sink = [0u8; 1024];
            while socket.read(&mut sink).await.is_ok_and(|n| n > 0) {}
        });
        let client = Client::builder()
            .handshake_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let error = client
            .connect(&format!("ws://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Handshake(wshake_tokio::Error::Timeout)),
            "{error:?}"
        );
    })
    .await
    .unwrap();
}
