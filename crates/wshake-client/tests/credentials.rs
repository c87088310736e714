//! Credentials (issue 21 items 2 and 3): a URL's user information sent as `Authorization:
//! Basic` and never shown; across redirects, kept within the origin and dropped, with
//! `Cookie` and the headers marked sensitive, on the way to another origin. Two loopback
//! origins (two ports), each recording what it received.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use wshake_client::wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_client::wshake_tokio::{self, Answer, Options};
use wshake_client::{Client, Error, ErrorKind};

const LIMIT: Duration = Duration::from_secs(20);

/// What a server received: the path and every header, names in lower case.
#[derive(Debug)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
}

impl Received {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A wshake server on a port of its own that records each request; `/old` is answered
/// `302` to `redirect` (when given), `/refuse` with `401`, anything else accepted.
async fn recording_server(redirect: Option<String>) -> (u16, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, requests) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let sender = sender.clone();
            let redirect = redirect.clone();
            tokio::spawn(async move {
                let _ = wshake_tokio::accept_with(
                    socket,
                    ServerConfig::new(),
                    &Options::default(),
                    async |request| {
                        let received = Received {
                            path: request.path().to_string(),
                            headers: request
                                .headers()
                                .iter()
                                .map(|(name, value)| {
                                    (
                                        name.to_ascii_lowercase(),
                                        String::from_utf8_lossy(value).into_owned(),
                                    )
                                })
                                .collect(),
                        };
                        let path = received.path.clone();
                        let _ = sender.send(received);
                        match (path.as_str(), &redirect) {
                            ("/old", Some(location)) => {
                                Answer::reject(302).header("Location", location.clone())
                            }
                            ("/refuse", _) => Answer::reject(401),
                            _ => Answer::policy(),
                        }
                    },
                )
                .await;
            });
        }
    });
    (port, requests)
}

fn client_with_credentials() -> Client {
    Client::builder()
        .protocol_token("bearer.", "t0k3n")
        .header("Cookie", "session=s3cr3t")
        .header("X-Api-Key", "k3y")
        .sensitive_header("X-Api-Key")
        .header("X-Trace", "7")
        .follow_redirects(3)
        .build()
        .unwrap()
}

#[tokio::test]
async fn url_credentials_are_sent_as_basic_percent_decoded_and_never_shown() {
    tokio::time::timeout(LIMIT, async {
        let (port, mut received) = recording_server(None).await;
        let url = format!("ws://us%20er:p%40ss@127.0.0.1:{port}/chat");
        let (connection, _stream) = Client::builder()
            .build()
            .unwrap()
            .connect(&url)
            .await
            .unwrap();
        let request = received.recv().await.unwrap();
        // base64("us er:p@ss")
        assert_eq!(request.get("authorization"), Some("Basic dXMgZXI6cEBzcw=="));
        assert_eq!(connection.url, format!("ws://127.0.0.1:{port}/chat"));

        // A refusal's error names neither the password nor its encoding.
        let url = format!("ws://us%20er:p%40ss@127.0.0.1:{port}/refuse");
        let error = Client::builder()
            .build()
            .unwrap()
            .connect(&url)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused);
        let text = format!("{error} {error:?}");
        for secret in ["p%40ss", "p@ss", "dXMgZXI6cEBzcw"] {
            assert!(!text.contains(secret), "{text}");
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn url_credentials_and_an_authorization_header_are_refused_together() {
    let error = Client::builder()
        .header("Authorization", "Bearer t")
        .build()
        .unwrap()
        .connect("ws://user:pass@127.0.0.1:9/")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::DuplicateCredentials), "{error}");
    assert!(!error.to_string().contains("pass"));
}

#[tokio::test]
async fn a_redirect_to_another_origin_carries_no_credentials_on() {
    tokio::time::timeout(LIMIT, async {
        let (other, mut at_other) = recording_server(None).await;
        let (first, mut at_first) =
            recording_server(Some(format!("ws://127.0.0.1:{other}/new"))).await;
        let client = client_with_credentials();
        let shown = format!("{client:?}");
        for secret in ["s3cr3t", "k3y", "t0k3n"] {
            assert!(!shown.contains(secret), "Debug shows a secret: {shown}");
        }
        let url = format!("ws://user:pass@127.0.0.1:{first}/old");
        let (connection, _stream) = client.connect(&url).await.unwrap();
        assert_eq!(
            connection.redirects,
            [format!("ws://127.0.0.1:{other}/new")]
        );

        let before = at_first.recv().await.unwrap();
        assert_eq!(before.get("authorization"), Some("Basic dXNlcjpwYXNz"));
        assert_eq!(before.get("cookie"), Some("session=s3cr3t"));
        assert_eq!(before.get("x-api-key"), Some("k3y"));
        assert_eq!(before.get("sec-websocket-protocol"), Some("bearer.t0k3n"));
        let after = at_other.recv().await.unwrap();
        assert_eq!(after.path, "/new");
        for dropped in [
            "authorization",
            "cookie",
            "x-api-key",
            "sec-websocket-protocol",
        ] {
            assert_eq!(
                after.get(dropped),
                None,
                "{dropped} crossed origins: {after:?}"
            );
        }
        assert_eq!(after.get("x-trace"), Some("7"), "a plain header goes on");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_the_credentials() {
    tokio::time::timeout(LIMIT, async {
        let (port, mut received) = recording_server(Some("/new".to_string())).await;
        let client = client_with_credentials();
        let url = format!("ws://user:pass@127.0.0.1:{port}/old");
        let (connection, _stream) = client.connect(&url).await.unwrap();
        assert_eq!(connection.url, format!("ws://127.0.0.1:{port}/new"));
        let (before, after) = (
            received.recv().await.unwrap(),
            received.recv().await.unwrap(),
        );
        assert_eq!(
            (before.path.as_str(), after.path.as_str()),
            ("/old", "/new")
        );
        for request in [&before, &after] {
            assert_eq!(request.get("authorization"), Some("Basic dXNlcjpwYXNz"));
            assert_eq!(request.get("cookie"), Some("session=s3cr3t"));
            assert_eq!(request.get("x-api-key"), Some("k3y"));
            assert_eq!(request.get("sec-websocket-protocol"), Some("bearer.t0k3n"));
        }
    })
    .await
    .unwrap();
}
