//! `cargo xtask interop`, WebSocket over HTTP/2 (RFC 8441): headless Chromium and Node's
//! http2 client against `wshake serve --tls-cert` (the server's log says which HTTP
//! version each handshake came with), the negative control without the setting, and
//! `wshake probe --http2` / `wshake check --http2` against Node's http2 server, Python
//! hypercorn and axum 0.8. The certificate is made here with rcgen, under `target/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::interop::{LIMIT, Row, chromium_page, node, py, wshake};
use crate::peers::{Running, run_bounded, start, start_logging};
use crate::run::root;

/// A certificate for `localhost` and its key, as PEM files under `target/peers/h2/`.
fn certificate() -> Result<(PathBuf, PathBuf), String> {
    let dir = root().join("target/peers/h2");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .map_err(|e| e.to_string())?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).map_err(|e| e.to_string())?;
    std::fs::write(&key, certified.signing_key.serialize_pem()).map_err(|e| e.to_string())?;
    Ok((cert, key))
}

/// `wshake serve` with TLS and `extra` options, its log in `log`; the port.
fn serve_tls(
    cert: &Path,
    key: &Path,
    log: &Path,
    extra: &[&str],
) -> Result<(Running, u16), String> {
    let mut command = Command::new(wshake());
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--protocol", "chat"])
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .args(extra);
    let running = start_logging(command, Some(log))?;
    let port = port_of(&running.first_line)?;
    Ok((running, port))
}

/// The port of a `listening on ws(s)://IP:PORT/` line.
fn port_of(line: &str) -> Result<u16, String> {
    line.trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .ok_or_else(|| format!("unexpected first line: {line}"))
}

/// Whether the server's log has a line with all of `needles`.
fn logged(log: &Path, needles: &[&str]) -> bool {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .any(|line| needles.iter().all(|needle| line.contains(needle)))
}

/// Every row, and the `wshake check --http2` tables (information, but the one against
/// `wshake serve` is a gate: every case must pass).
pub(crate) fn run(rows: &mut Vec<Row>) -> Result<Vec<(&'static str, String)>, String> {
    let (cert, key) = certificate()?;
    let mut tables = vec![clients(rows, &cert, &key)?];
    negative_control(rows, &cert, &key)?;
    tables.extend(servers(rows, &cert, &key)?);
    Ok(tables)
}

const IGNORE_CERTIFICATE: [&str; 1] = ["--ignore-certificate-errors"];

/// Real clients against `wshake serve --tls-cert`, and `wshake check --http2` (a gate):
/// its table.
fn clients(rows: &mut Vec<Row>, cert: &Path, key: &Path) -> Result<(&'static str, String), String> {
    let cert_arg = cert.display().to_string();
    let direction = "client → wshake serve --tls-cert";
    // Chromium: the page over HTTP/2, its WebSocket an extended CONNECT on that connection.
    let log = root().join("target/peers/h2/serve.log");
    let (server, port) = serve_tls(cert, key, &log, &[])?;
    let url = format!("https://localhost:{port}/");
    let result = chromium_page(&url, "<span id=\"http\">HTTP/2</span>", &IGNORE_CERTIFICATE)
        .and_then(|shown| {
            if logged(&log, &["path=/echo", "http=\"HTTP/2\"", "outcome=\"200\""]) {
                Ok(format!(
                    "{shown}; the server saw an HTTP/2 extended CONNECT"
                ))
            } else {
                Err("the echo worked, but not as an HTTP/2 extended CONNECT".into())
            }
        });
    rows.push(Row {
        peer: "headless chromium",
        direction,
        case: "page over HTTP/2, WebSocket as extended CONNECT",
        result,
    });
    for (case, protocol) in [
        ("extended CONNECT + echo", None),
        ("subprotocol chat + echo", Some("chat")),
    ] {
        let mut c = node("node_h2_client.js");
        c.arg(format!("https://localhost:{port}/chat"))
            .args(["--ca", &cert_arg]);
        if let Some(protocol) = protocol {
            c.args(["--protocol", protocol]);
        }
        rows.push(Row {
            peer: "node http2",
            direction,
            case,
            result: run_bounded(c, LIMIT),
        });
    }
    let table = check(&format!("wss://localhost:{port}/"), &cert_arg)?;
    rows.push(Row {
        peer: "wshake check --http2",
        direction,
        case: "every HTTP/2 case",
        result: if table.contains(" 0 failed") {
            Ok(table.lines().last().unwrap_or_default().to_string())
        } else {
            Err(table.clone())
        },
    });
    drop(server);
    Ok(("wshake serve --tls-cert", table))
}

/// The negative control: without the setting, Chromium opens the WebSocket over HTTP/1.1
/// (a connection of its own), the page still over HTTP/2.
fn negative_control(rows: &mut Vec<Row>, cert: &Path, key: &Path) -> Result<(), String> {
    let log = root().join("target/peers/h2/serve-no-setting.log");
    let (server, port) = serve_tls(cert, key, &log, &["--no-http2-websockets"])?;
    let url = format!("https://localhost:{port}/");
    let result = chromium_page(&url, "<span id=\"http\">HTTP/1.1</span>", &IGNORE_CERTIFICATE).and_then(
        |shown| {
            let page_h2 = logged(&log, &["200 page", "http=\"HTTP/2\""]);
            let ws_h1 = logged(&log, &["path=/echo", "http=\"HTTP/1.1\"", "outcome=\"101\""]);
            let ws_h2 = logged(&log, &["http=\"HTTP/2\"", "outcome=\"200\""]);
            if page_h2 && ws_h1 && !ws_h2 {
                Ok(format!("{shown}; page over HTTP/2, WebSocket over HTTP/1.1"))
            } else {
                Err(format!(
                    "page over HTTP/2: {page_h2}, WebSocket over HTTP/1.1: {ws_h1}, over HTTP/2: {ws_h2}"
                ))
            }
        },
    );
    rows.push(Row {
        peer: "headless chromium",
        direction: "client → wshake serve --no-http2-websockets",
        case: "negative control: no setting, WebSocket over HTTP/1.1",
        result,
    });
    drop(server);
    Ok(())
}

/// `wshake probe --http2` against third-party RFC 8441 servers, and `wshake check
/// --http2` against each: their tables.
fn servers(
    rows: &mut Vec<Row>,
    cert: &Path,
    key: &Path,
) -> Result<Vec<(&'static str, String)>, String> {
    let cert_arg = cert.display().to_string();
    let mut tables = Vec::new();
    let servers: [(&'static str, Command, bool); 3] = [
        (
            "node http2 (enableConnectProtocol)",
            {
                let mut c = node("node_h2_server.js");
                c.args(["--cert", &cert_arg, "--key"]).arg(key);
                c
            },
            true,
        ),
        (
            "python hypercorn",
            {
                let mut c = py("hypercorn_server.py");
                c.args(["--cert", &cert_arg, "--key"]).arg(key);
                c
            },
            true,
        ),
        (
            "axum 0.8 WebSocketUpgrade (h2c)",
            {
                let mut c = Command::new(root().join("target/debug/examples/axum_builtin_echo"));
                c.args(["--listen", "127.0.0.1:0", "--protocol", "chat"]);
                c
            },
            false,
        ),
    ];
    for (peer, command, tls) in servers {
        let server = start(command)?;
        let port = port_of(&server.first_line)?;
        // hypercorn's script names its port before hypercorn has bound it.
        wait_listening(port);
        let url = if tls {
            format!("wss://localhost:{port}/")
        } else {
            format!("ws://127.0.0.1:{port}/")
        };
        let mut probe = Command::new(wshake());
        probe
            .args([
                "probe",
                "--http2",
                "--protocol",
                "chat",
                "--send",
                "hello over h2",
            ])
            .args(["--cacert", &cert_arg, "--timeout", "10", &url]);
        let result = run_bounded(probe, LIMIT).and_then(|out| {
            if out.contains("http: HTTP/2") && out.contains("received: hello over h2") {
                Ok("extended CONNECT + echo".to_string())
            } else {
                Err(format!(
                    "unexpected probe output: {}",
                    out.lines().last().unwrap_or("")
                ))
            }
        });
        rows.push(Row {
            peer,
            direction: "wshake probe --http2 → server",
            case: "subprotocol chat + echo",
            result,
        });
        tables.push((peer, check(&url, &cert_arg)?));
    }
    Ok(tables)
}

/// `wshake check --http2` against `url`: its table (exit 1, MUST failures, is
/// information here).
fn check(url: &str, cert: &str) -> Result<String, String> {
    let output = Command::new(wshake())
        .args([
            "check",
            "--http2",
            "--case-timeout",
            "15",
            "--cacert",
            cert,
            url,
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let table = String::from_utf8_lossy(&output.stdout).to_string();
    if output.status.code() == Some(2) {
        return Err(format!(
            "wshake check --http2 {url} could not run: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    println!("-- wshake check --http2 {url}");
    print!("{table}");
    Ok(table)
}

/// The section of docs/interop.md with the `wshake check --http2` tables.
pub(crate) fn report(tables: &[(&'static str, String)]) -> String {
    let mut text = String::from(
        "\n## WebSocket over HTTP/2: `wshake check --http2`\n\nEvery case of `wshake check --http2` (RFC 8441; IDs in `docs/conformance.md`) against each HTTP/2 server of the matrix, run by `cargo xtask interop`; the row against `wshake serve --tls-cert` is a gate. See `docs/http2.md` for what the cases mean.\n",
    );
    for (peer, table) in tables {
        let _ = write!(text, "\n### {peer}\n\n```text\n{table}```\n");
    }
    text
}

/// Waits (10 s at most) until something accepts connections on 127.0.0.1:`port`.
fn wait_listening(port: u16) {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(10) {
        if std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_secs(1)).is_ok()
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
