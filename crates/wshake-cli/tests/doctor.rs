//! `wshake doctor` (issue 21 item 6) against servers that fail the handshake the ways the
//! trackers report: a 200 page, a 400, a 403, a 101 without or with a wrong accept, a
//! server that never answers, nothing listening, TLS spoken to a plain port, and HTTP/2
//! without extended CONNECT. (Real nginx in each misconfiguration: `cargo xtask interop`.)

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

mod common;

use common::{Served, wshake};

/// A server on a port of its own that reads each request head and answers `answer`
/// (nothing at all when `None`), for a few connections.
fn answering(answer: Option<&'static str>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for _ in 0..4 {
            let Ok((mut socket, _)) = listener.accept() else {
                return;
            };
            std::thread::spawn(move || {
                let _ = socket.set_read_timeout(Some(Duration::from_secs(10)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match socket.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                match answer {
                    Some(answer) => {
                        let _ = socket.write_all(answer.replace('\n', "\r\n").as_bytes());
                    }
                    // Silence: hold the connection until the client gives up.
                    None => std::thread::sleep(Duration::from_secs(8)),
                }
            });
        }
    });
    port
}

/// `wshake doctor` on `url`: its exit code and output.
fn doctor(url: &str, extra: &[&str]) -> (Option<i32>, String) {
    let output = wshake()
        .args(["doctor", url, "--timeout", "2"])
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

fn cause(text: &str) -> &str {
    text.lines()
        .find(|line| line.starts_with("cause: "))
        .unwrap_or_else(|| panic!("no cause in: {text}"))
}

#[test]
fn doctor_names_the_cause_of_each_failed_answer() {
    let cases: [(Option<&'static str>, &str); 6] = [
        (
            Some("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 13\n\n<html></html>"),
            "HTML page",
        ),
        (
            Some(
                "HTTP/1.1 400 Bad Request\nContent-Length: 27\nConnection: close\n\nmissing Upgrade: websocket\n",
            ),
            "did not receive the upgrade",
        ),
        (
            Some("HTTP/1.1 403 Forbidden\nContent-Length: 0\nConnection: close\n\n"),
            "Origin",
        ),
        (
            Some("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\n"),
            "no Sec-WebSocket-Accept",
        ),
        (
            Some(
                "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\
                 Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n",
            ),
            "does not match the key",
        ),
        (None, "never answered"),
    ];
    for (answer, expected) in cases {
        let port = answering(answer);
        let (code, text) = doctor(&format!("ws://127.0.0.1:{port}/chat"), &[]);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            cause(&text).contains(expected),
            "expected `{expected}`: {text}"
        );
        assert!(text.contains("\nfix: "), "{text}");
    }
}

#[test]
fn doctor_shows_the_exact_bytes_with_v() {
    let port = answering(Some(
        "HTTP/1.1 403 Forbidden\nX-Why: origin\nContent-Length: 3\n\nno\n",
    ));
    let (_, text) = doctor(
        &format!("ws://127.0.0.1:{port}/chat"),
        &["-v", "--origin", "http://a.test"],
    );
    assert!(text.contains("> GET /chat HTTP/1.1"), "{text}");
    assert!(text.contains("> Origin: http://a.test"), "{text}");
    assert!(text.contains("< HTTP/1.1 403 Forbidden"), "{text}");
    assert!(text.contains("< X-Why: origin"), "{text}");
}

/// `wshake serve` with these options (log discarded).
fn serve(extra: &[&str]) -> Served {
    Served::serve(extra, Stdio::null())
}

#[test]
fn doctor_passes_a_working_server_and_finds_nothing_listening_and_the_wrong_scheme() {
    let served = serve(&[]);
    let (code, text) = doctor(&served.url, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("ok: the handshake works"), "{text}");

    // TLS to a plain port: no TLS answer, and the ws:// variant works.
    let (code, text) = doctor(&served.url.replacen("ws://", "wss://", 1), &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(cause(&text).contains("TLS"), "{text}");
    assert!(
        text.contains(&format!("HTTP/1.1 {}: works", served.url)),
        "{text}"
    );

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, text) = doctor(&format!("ws://127.0.0.1:{port}/"), &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(cause(&text).contains("nothing listens"), "{text}");
}

#[test]
fn doctor_over_http2_names_a_server_without_extended_connect_and_finds_http1() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doctor-h2");
    std::fs::create_dir_all(&dir).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let served = serve(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--no-http2-websockets",
    ]);
    let url = served.url.replacen("127.0.0.1", "localhost", 1);
    let (code, text) = doctor(&url, &["--http2", "--cacert", cert.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        cause(&text).contains("does not enable WebSockets over it"),
        "{text}"
    );
    assert!(text.contains(&format!("HTTP/1.1 {url}: works")), "{text}");
}
