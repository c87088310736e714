//! The `wshake` binary itself: output, exit codes, and `check` against good and
//! deliberately broken servers.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wshake_client::wshake_proto::Status;
use wshake_client::wshake_proto::server::{ServerConfig, ServerHandshake};

mod common;

use common::{Served, wshake};

#[test]
fn accept_prints_the_rfc_value() {
    let output = wshake()
        .args(["accept", "dGhlIHNhbXBsZSBub25jZQ=="])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n"
    );
}

#[test]
fn accept_with_an_invalid_key_says_why_and_exits_2() {
    let output = wshake()
        .args(["accept", "AAAAAAAAAAAAAAAA"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "wshake: invalid key: Sec-WebSocket-Key decodes to 12 bytes, expected 16\n"
    );
}

#[test]
fn key_prints_a_fresh_valid_key() {
    let first = wshake().arg("key").output().unwrap();
    let second = wshake().arg("key").output().unwrap();
    assert!(first.status.success());
    let first = String::from_utf8(first.stdout).unwrap();
    assert_eq!(first.trim().len(), 24);
    assert_ne!(first, String::from_utf8(second.stdout).unwrap());
    let check = wshake().args(["accept", first.trim()]).output().unwrap();
    assert!(check.status.success());
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [
        &["frobnicate"][..],
        &["serve", "--listen", "nonsense"],
        &["probe"],
        &[],
    ] {
        let output = wshake().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("Usage") || stderr.contains("error: invalid value"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn probe_of_an_unreachable_url_exits_1_with_the_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = wshake()
        .args([
            "probe",
            &format!("ws://127.0.0.1:{port}/"),
            "--timeout",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("could not connect to 127.0.0.1"),
        "{stderr}"
    );
    let output = wshake()
        .args(["probe", "http://example.com/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

/// `wshake serve` on port 0 (log discarded), read up to its first line.
fn serve(extra: &[&str]) -> Served {
    let served = Served::serve(extra, Stdio::null());
    assert!(
        served.url.starts_with("ws://127.0.0.1:") && served.url.ends_with('/'),
        "{}",
        served.url
    );
    served
}

#[test]
fn serve_then_probe_send_echoes() {
    let served = serve(&["--protocol", "chat", "--protocol", "superchat"]);
    let output = wshake()
        .args([
            "probe",
            &served.url,
            "--protocol",
            "superchat",
            "--send",
            "ping me",
            "--header",
            "X-Test: 1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("> GET / HTTP/1.1"), "{stdout}");
    assert!(stdout.contains("> X-Test: 1"), "{stdout}");
    assert!(
        stdout.contains("< HTTP/1.1 101 Switching Protocols"),
        "{stdout}"
    );
    assert!(stdout.contains("accept: ok"), "{stdout}");
    assert!(stdout.contains("protocol: superchat"), "{stdout}");
    assert!(stdout.contains("received: ping me"), "{stdout}");
}

#[test]
fn serve_answers_a_plain_get_with_the_page_and_bad_origins_with_403() {
    let served = serve(&[]);
    let address = served
        .url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_string();
    let mut socket = std::net::TcpStream::connect(&address).unwrap();
    std::io::Write::write_all(
        &mut socket,
        format!("GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut page = String::new();
    std::io::Read::read_to_string(&mut socket, &mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("new WebSocket("));
    let output = wshake()
        .args(["probe", &served.url, "--origin", "https://evil.test"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("403"));
    // The refusal itself is shown: its head, then its body.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("< HTTP/1.1 403 Forbidden\n"), "{stdout}");
    assert!(stdout.contains("< Content-Length: "), "{stdout}");
    assert!(
        stdout.contains("< body\n< origin https://evil.test not allowed\n"),
        "{stdout}"
    );
    let served = serve(&["--allow-origin", "https://evil.test"]);
    let output = wshake()
        .args(["probe", &served.url, "--origin", "https://evil.test"])
        .output()
        .unwrap();
    assert!(output.status.success());
}

#[test]
fn check_against_wshake_serve_passes_every_case() {
    let served = serve(&[]);
    let output = wshake()
        .args(["check", &served.url, "--case-timeout", "20"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    let last = stdout.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 40, "{last}");
    assert_eq!(last, format!("{passed} passed, 0 failed"));
}

#[test]
fn demo_passes() {
    let output = wshake().arg("demo").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("received: hello, wshake"));
    assert!(stdout.contains("== demo passed"));
}

// --- broken servers ----------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Breakage {
    /// Answers 101 without `Sec-WebSocket-Accept`.
    NoAccept,
    /// Answers 400 without `Sec-WebSocket-Version` where 426 with it is due.
    VersionAs400,
    /// Answers every valid request with 429 (rate limited), the rest as wshake does.
    RateLimited,
}

async fn broken_server(listener: TcpListener, breakage: Breakage) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut machine = ServerHandshake::new(ServerConfig::new());
            let mut chunk = [0u8; 4096];
            let mut out = Vec::new();
            let status = loop {
                match machine.poll() {
                    Ok(Status::NeedMore) => {}
                    Ok(Status::Ready(incoming)) => {
                        let answer = incoming.decide().unwrap();
                        incoming.accept(&answer, &mut out).unwrap();
                        break Ok(());
                    }
                    Err(error) => break Err(error),
                }
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => machine.feed(&chunk[..n]),
                }
            };
            match status {
                Ok(()) if matches!(breakage, Breakage::RateLimited) => {
                    out = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec();
                }
                Ok(()) => {
                    if matches!(breakage, Breakage::NoAccept) {
                        let text = String::from_utf8(out).unwrap();
                        out = text
                            .split_inclusive("\r\n")
                            .filter(|line| !line.starts_with("Sec-WebSocket-Accept"))
                            .collect::<String>()
                            .into_bytes();
                    }
                }
                Err(error)
                    if error.status() == Some(426)
                        && matches!(breakage, Breakage::VersionAs400) =>
                {
                    out = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec();
                }
                Err(error) => error.write_response(&mut out),
            }
            let _ = socket.write_all(&out).await;
            let _ = socket.shutdown().await;
            // Drain briefly so unread input does not reset the answer away.
            let _ = tokio::time::timeout(Duration::from_millis(200), async {
                while socket.read(&mut chunk).await.is_ok_and(|n| n > 0) {}
            })
            .await;
        });
    }
}

async fn check_json(breakage: Breakage) -> (Option<i32>, serde_json::Value) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(broken_server(listener, breakage));
    let output = tokio::task::spawn_blocking(move || {
        wshake()
            .args(["check", &url, "--json", "--case-timeout", "20"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    server.abort();
    let json = serde_json::from_slice(&output.stdout).unwrap();
    (output.status.code(), json)
}

fn failures(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] != "pass")
        .map(|c| {
            (
                c["case"].as_str().unwrap().to_string(),
                c["got"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_exactly_a_missing_accept_header() {
    let (code, json) = check_json(Breakage::NoAccept).await;
    assert_eq!(code, Some(1));
    let failures = failures(&json);
    let expected_cases: Vec<String> = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["expected"].as_str().unwrap().starts_with("101"))
        .map(|c| c["case"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        failures.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        expected_cases
    );
    for (case, got, verdict) in &failures {
        assert_eq!(
            (got.as_str(), verdict.as_str()),
            ("101 without Sec-WebSocket-Accept", "MUST-fail"),
            "{case}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_exactly_a_400_without_version_header() {
    let (code, json) = check_json(Breakage::VersionAs400).await;
    assert_eq!(code, Some(1));
    let failures = failures(&json);
    let names: Vec<&str> = failures.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "Sec-WebSocket-Version: 8",
            "Sec-WebSocket-Version: 25",
            "missing Sec-WebSocket-Version"
        ]
    );
    for (case, got, verdict) in &failures {
        assert_eq!(
            (got.as_str(), verdict.as_str()),
            ("400 without Version: 13", "MUST-fail"),
            "{case}"
        );
    }
    assert_eq!(json["must_failures"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_rate_limited_cases_as_not_judged_not_failed() {
    let (code, json) = check_json(Breakage::RateLimited).await;
    let cases = json["cases"].as_array().unwrap();
    let not_judged: Vec<_> = cases
        .iter()
        .filter(|c| c["verdict"] == "not judged")
        .collect();
    assert!(!not_judged.is_empty());
    assert!(
        not_judged.iter().all(|c| c["got"] == "429 (rate limited)"
            && c["expected"].as_str().unwrap().starts_with("101")),
        "{not_judged:#?}"
    );
    assert_eq!(json["not_judged"], not_judged.len());
    assert_eq!(json["must_failures"], 0, "{json:#}");
    assert_eq!(code, Some(0));
}

#[test]
fn check_offers_the_users_subprotocol_and_headers_on_every_case() {
    let served = serve(&["--protocol", "chat"]);
    let output = wshake()
        .args([
            "check",
            &served.url,
            "--case-timeout",
            "20",
            "--protocol",
            "chat",
            "--header",
            "Cookie: session=1",
            "-v",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The server chooses the offered `chat` where the case offers only unknown ones
    // besides: that is no failure.
    assert!(stdout.contains("48 passed, 0 failed"), "{stdout}");
    assert_eq!(output.status.code(), Some(0));
    let requests = stdout.matches("> GET / HTTP/1.1").count();
    assert!(requests >= 40, "{requests}");
    assert!(
        stdout.matches("> Cookie: session=1").count() >= 40,
        "{stdout}"
    );
    assert!(stdout.matches("> Sec-WebSocket-Protocol: chat").count() >= 40);
}

#[test]
fn check_of_an_unreachable_server_exits_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = wshake()
        .args(["check", &format!("ws://127.0.0.1:{port}/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no case could be judged: connect"),
        "{stderr}"
    );
}

/// The status line `wshake serve` at `url` answers a valid handshake addressed to `host`.
fn status_for_host(url: &str, host: &str) -> String {
    use std::io::{Read as _, Write as _};
    let address = url.trim_start_matches("ws://").trim_end_matches('/');
    let mut socket = std::net::TcpStream::connect(address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        socket,
        "GET / HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut answer = [0; 64];
    let n = socket.read(&mut answer).unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn s21_serve_on_loopback_answers_only_its_own_names() {
    let served = serve(&[]);
    let port = served
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        assert_eq!(
            status_for_host(&served.url, &host),
            "HTTP/1.1 101 Switching Protocols",
            "{host}"
        );
    }
    // A DNS-rebinding page: its own name as Host and Origin, pointed at 127.0.0.1.
    let rebound = format!("evil.example:{port}");
    assert_eq!(
        status_for_host(&served.url, &rebound),
        "HTTP/1.1 421 Misdirected Request"
    );
    drop(served);
    let served = serve(&["--allow-host", "evil.example"]);
    let port = served
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        status_for_host(&served.url, &format!("evil.example:{port}")),
        "HTTP/1.1 101 Switching Protocols"
    );
    assert_eq!(
        status_for_host(&served.url, &format!("other.example:{port}")),
        "HTTP/1.1 421 Misdirected Request"
    );
    drop(served);
    let served = serve(&["--any-host"]);
    assert_eq!(
        status_for_host(&served.url, "other.example"),
        "HTTP/1.1 101 Switching Protocols"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_gets_its_handshake_first_when_it_asks_other_clients_a_plain_echo() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    let served = tokio::task::spawn_blocking(|| serve(&["--protocol", "chat"]))
        .await
        .unwrap();
    let address = served
        .url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_string();
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{address}/echo?handshake=1"
        ))
        .unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "chat".parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    let first = ws.next().await.unwrap().unwrap().into_text().unwrap();
    let json: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(json["http"], "HTTP/1.1");
    assert_eq!(json["request"]["line"], "GET /echo?handshake=1 HTTP/1.1");
    assert_eq!(json["response"]["line"], "HTTP/1.1 101 Switching Protocols");
    // The answer shown is the one the client received.
    let accept = response.headers()["sec-websocket-accept"].to_str().unwrap();
    let headers = json["response"]["headers"].as_array().unwrap();
    assert!(
        headers.contains(&serde_json::json!(["Sec-WebSocket-Accept", accept])),
        "{headers:?}"
    );
    assert!(headers.contains(&serde_json::json!(["Sec-WebSocket-Protocol", "chat"])));
    ws.send(Message::text("then the echo")).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::text("then the echo")
    );

    // Without the query: no handshake message, the first message back is the echo.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{address}/echo"))
        .await
        .unwrap();
    ws.send(Message::text("plain")).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("plain"));
    drop(served);
}

#[test]
fn check_list_prints_every_case_with_its_id_and_level() {
    for (args, at_least, first) in [
        (
            &["check", "--list"][..],
            48,
            "S16   MUST   plain valid request",
        ),
        (
            &["check", "--list", "--http2"][..],
            13,
            "E30   MUST   SETTINGS_ENABLE_CONNECT_PROTOCOL",
        ),
    ] {
        let output = wshake().args(args).output().unwrap();
        assert!(output.status.success());
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.lines().count() >= at_least, "{stdout}");
        assert!(stdout.starts_with(first), "{stdout}");
        assert!(
            stdout
                .lines()
                .all(|line| line.contains(" MUST ") || line.contains(" SHOULD ")),
            "{stdout}"
        );
    }
}

fn check_client(command: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = wshake()
        .args(["check-client", "--json", "--timeout", "3", "--"])
        .args(command)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status.code(), json)
}

fn verdicts(json: &serde_json::Value) -> Vec<(String, String)> {
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["case"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_client_passes_wshake_probe_on_every_case() {
    let probe = env!("CARGO_BIN_EXE_wshake");
    let (code, json) = check_client(&[probe, "probe", "--timeout", "2", "--send", "hi", "{url}"]);
    let verdicts = verdicts(&json);
    assert!(verdicts.len() >= 15, "{verdicts:?}");
    assert!(verdicts.iter().all(|(_, v)| v == "pass"), "{verdicts:?}");
    assert_eq!(code, Some(0));
}

/// A client that checks nothing: it sends the request, ignores the answer and sends a
/// masked text frame.
const NAIVE_CLIENT: &str = r#"
import socket, sys, time
host, port = sys.argv[1].removeprefix("ws://").split("/")[0].split(":")
path = "/" + sys.argv[1].removeprefix("ws://").split("/", 1)[1]
s = socket.create_connection((host, int(port)), timeout=2)
s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
try:
    s.recv(4096)
    s.sendall(bytes([0x81, 0x82, 1, 2, 3, 4]) + bytes([ord("h") ^ 1, ord("i") ^ 2]))
    time.sleep(0.2)
except OSError:
    pass
"#;

#[test]
fn check_client_catches_a_client_that_ignores_the_answer() {
    let (code, json) = check_client(&["python3", "-c", NAIVE_CLIENT, "{url}"]);
    let verdicts = verdicts(&json);
    for must in [
        "wrong Sec-WebSocket-Accept",
        "no Upgrade",
        "subprotocol not offered",
        "200 OK",
    ] {
        assert!(
            verdicts.contains(&(must.to_string(), "MUST-fail".to_string())),
            "{must}: {verdicts:?}"
        );
    }
    assert!(verdicts.contains(&("valid 101".to_string(), "pass".to_string())));
    assert_eq!(code, Some(1));
}

/// Issue 21 items 2 and 3: `probe` sends a URL's credentials as Basic, shows them only
/// as `(redacted)`, and follows a redirect to another origin without them.
#[tokio::test(flavor = "multi_thread")]
async fn probe_sends_url_credentials_redacted_and_not_across_origins() {
    let served = serve(&[]);
    let target = served.url.clone();
    // Another origin (another port) that redirects to the server.
    let redirector = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirector_port = redirector.local_addr().unwrap().port();
    let location = target.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = redirector.accept().await {
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
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    let probe = |url: String, extra: &'static [&'static str]| {
        tokio::task::spawn_blocking(move || {
            let output = wshake().arg("probe").arg(url).args(extra).output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            (output.status.success(), text)
        })
    };
    let with_credentials = target.replacen("ws://", "ws://user:s3cret@", 1);
    let (ok, text) = probe(with_credentials, &[]).await.unwrap();
    assert!(ok, "{text}");
    assert!(text.contains("> Authorization: Basic (redacted)"), "{text}");
    // base64("user:s3cret") is dXNlcjpzM2NyZXQ=
    assert!(
        !text.contains("s3cret") && !text.contains("dXNlcjpzM2NyZXQ"),
        "{text}"
    );

    let via_other_origin = format!("ws://user:s3cret@127.0.0.1:{redirector_port}/");
    let (ok, text) = probe(via_other_origin.clone(), &[]).await.unwrap();
    assert!(!ok, "a redirect is not followed unless asked: {text}");
    assert!(text.contains("302"), "{text}");
    let (ok, text) = probe(via_other_origin, &["--follow-redirects"])
        .await
        .unwrap();
    assert!(ok, "{text}");
    assert!(text.contains(&format!("redirected: {target}")), "{text}");
    assert!(
        !text.contains("Authorization"),
        "credentials crossed origins: {text}"
    );
    assert!(
        !text.contains("s3cret") && !text.contains("dXNlcjpzM2NyZXQ"),
        "{text}"
    );
}

/// Issue 21 item 1: a token offered as the subprotocol `bearer.TOKEN` (what browsers
/// can send) is checked by `serve --require-token`, answered with the real subprotocol
/// only, never echoed, and printed by `probe` as `(redacted)`.
#[test]
fn serve_requires_a_bearer_protocol_token_and_never_echoes_it() {
    let served = serve(&["--protocol", "chat", "--require-token", "s3cret-t0ken"]);
    let probe = |extra: &[&str]| {
        let output = wshake()
            .args(["probe", &served.url, "--protocol", "chat", "--send", "hi"])
            .args(extra)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    let (ok, text) = probe(&["--bearer-protocol", "s3cret-t0ken"]);
    assert!(ok, "{text}");
    assert!(text.contains("< Sec-WebSocket-Protocol: chat"), "{text}");
    assert!(
        text.contains("> Sec-WebSocket-Protocol: chat, bearer.(redacted)"),
        "{text}"
    );
    assert!(
        !text.contains("s3cret-t0ken"),
        "the token was shown: {text}"
    );
    assert!(text.contains("received: hi"), "{text}");
    for wrong in [&["--bearer-protocol", "guess"][..], &[]] {
        let (ok, text) = probe(wrong);
        assert!(!ok, "{text}");
        assert!(text.contains("401"), "{text}");
        assert!(text.contains("< WWW-Authenticate: Bearer"), "{text}");
    }
}
