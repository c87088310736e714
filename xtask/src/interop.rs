//! `cargo xtask interop`: wshake against real peers, both directions, as a table.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::clients;
use crate::http2;
use crate::nginx;
use crate::peers::{self, Running, node_modules, python, run_bounded, scripts, start};
use crate::run::{cargo, root, status, step};
use crate::stacks;

pub(crate) const LIMIT: Duration = Duration::from_secs(30);

pub(crate) struct Row {
    pub(crate) peer: &'static str,
    pub(crate) direction: &'static str,
    pub(crate) case: &'static str,
    pub(crate) result: Result<String, String>,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let write_docs = args.iter().any(|a| a == "--write-docs");
    step("interop: install peers", || {
        peers::ensure_language_peers()?;
        peers::ensure_apt(&[("chromium", "chromium"), ("nginx", "nginx")])
    })?;
    step("interop: build wshake", || {
        status(&mut cargo(&["build", "-q", "-p", "wshake-cli"]))?;
        status(&mut cargo(&[
            "build",
            "-q",
            "-p",
            "wshake-benches",
            "--example",
            "axum_builtin_echo",
            "-p",
            "wshake-cli",
            "--example",
            "tungstenite_client",
            "-p",
            "wshake-tokio",
            "--example",
            "deflate_echo",
            "--example",
            "deflate_client",
        ]))?;
        stacks::build(false)
    })?;
    let mut rows = Vec::new();
    step("interop: wshake serve with real clients", || {
        server_side(&mut rows)
    })?;
    step(
        "interop: wshake serve, wshake-hyper and wshake-axum: clients and wshake check",
        || stacks::run(&mut rows),
    )?;
    step(
        "interop: real clients through nginx to wshake serve",
        || {
            nginx::proxy_side(&mut rows);
            nginx::doctor_side(&mut rows);
            Ok(())
        },
    )?;
    step("interop: wshake probe against real servers", || {
        client_side(&mut rows)
    })?;
    let h2_checks = step("interop: WebSocket over HTTP/2, both roles", || {
        http2::run(&mut rows)
    })?;
    step(
        "interop: permessage-deflate, both roles, through soketto",
        || crate::deflate::run(&mut rows),
    )?;
    let client_checks = step("interop: wshake check-client against real clients", || {
        clients::run(&mut rows)
    })?;
    print_table(&rows);
    let checks = step("interop: wshake check against peers (information)", checks)?;
    if write_docs {
        write_report(&rows, &checks, &h2_checks, &client_checks)?;
    }
    let failed = rows.iter().filter(|r| r.result.is_err()).count();
    println!("interop: {} passed, {failed} failed", rows.len() - failed);
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} interop case(s) failed"))
    }
}

pub(crate) fn wshake() -> PathBuf {
    root().join("target/debug/wshake")
}

pub(crate) fn node(script: &str) -> Command {
    let mut command = Command::new("node");
    command
        .arg(scripts().join(script))
        .env("NODE_PATH", node_modules());
    command
}

pub(crate) fn py(script: &str) -> Command {
    let mut command = Command::new(python());
    command.arg(scripts().join(script));
    command
}

fn serve() -> Result<(Running, String), String> {
    serve_with(&["--protocol", "chat"])
}

/// `wshake serve` on a free 127.0.0.1 port with these extra options, and its `ws://` URL.
pub(crate) fn serve_with(extra: &[&str]) -> Result<(Running, String), String> {
    let mut command = Command::new(wshake());
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra);
    let running = start(command)?;
    let url = running
        .first_line
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line: {}", running.first_line))?
        .to_string();
    Ok((running, url))
}

fn server_side(rows: &mut Vec<Row>) -> Result<(), String> {
    let (_server, url) = serve()?;
    let address = url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_string();
    let (host, port) = address.split_once(':').ok_or("bad address")?;
    let mut add = |peer, case, command: Command| {
        rows.push(Row {
            peer,
            direction: "client → wshake serve",
            case,
            result: run_bounded(command, LIMIT),
        });
    };
    let mut c = py("py_client.py");
    c.arg(&url);
    add("python websockets", "plain + echo", c);
    let mut c = py("py_client.py");
    c.args([&url, "--protocol", "chat"]);
    add("python websockets", "subprotocol chat + echo", c);
    let mut c = py("py_client.py");
    c.args([&url, "--deflate"]);
    add("python websockets", "permessage-deflate offered + echo", c);
    let mut c = py("wsproto_client.py");
    c.args([host, port, "/"]);
    add("python wsproto", "sans-IO client + echo", c);
    let mut c = node("node_client.js");
    c.arg(&url);
    add("node ws", "plain + echo", c);
    let mut c = node("node_client.js");
    c.args([url.as_str(), "chat"]);
    add("node ws", "subprotocol chat + echo", c);
    for (case, page, needle) in [
        (
            "page: its handshake shown, echo in the DOM",
            String::new(),
            "<span id=\"http\">HTTP/1.1</span>",
        ),
        (
            "page offering subprotocol chat",
            "?protocols=chat".to_string(),
            "<span id=\"protocol\">chat</span>",
        ),
    ] {
        rows.push(Row {
            peer: "headless chromium",
            direction: "client → wshake serve",
            case,
            result: chromium_page(&format!("http://{address}/{page}"), needle, &[]),
        });
    }
    // A token passed as a subprotocol, the one way a browser has (issue 21): accepted
    // with `chat` alone when right, refused when wrong.
    let (_server, url) = serve_with(&["--protocol", "chat", "--require-token", "s3cret-t0ken"])?;
    let address = url.trim_start_matches("ws://").trim_end_matches('/');
    rows.push(Row {
        peer: "headless chromium",
        direction: "client → wshake serve",
        case: "token as subprotocol bearer.TOKEN: answered chat alone",
        result: chromium_page(
            &format!("http://{address}/?protocols=chat,bearer.s3cret-t0ken"),
            "<span id=\"protocol\">chat</span>",
            &[],
        ),
    });
    rows.push(Row {
        peer: "headless chromium",
        direction: "client → wshake serve",
        case: "token as subprotocol, wrong token: refused",
        result: match chromium_page(
            &format!("http://{address}/?protocols=chat,bearer.guess"),
            "<span id=\"protocol\">chat</span>",
            &[],
        ) {
            Ok(_) => Err("a wrong token was accepted".to_string()),
            Err(why) => Ok(format!("not connected ({why})")),
        },
    });
    Ok(())
}

/// Loads `url` in headless Chromium (with `flags`) and checks that its DOM shows the echo
/// and `needle`. Chromium's virtual time does not wait for a WebSocket handshake or its
/// messages as it waits for a resource load, so on a busy machine the budget can run out
/// while the page still says `connecting` or `open`: those states alone are tried again,
/// up to three times. Any other state (an error, a wrong echo, no subprotocol) fails at
/// once.
pub(crate) fn chromium_page(url: &str, needle: &str, flags: &[&str]) -> Result<String, String> {
    static PROFILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut result = Err("not run".to_string());
    for attempt in 0..3 {
        let profile = root().join(format!(
            "target/peers/chromium-profile-{}-{}",
            std::process::id(),
            PROFILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut c = Command::new("chromium");
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=10000",
        ])
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url);
        let dom = run_bounded(c, Duration::from_secs(60));
        // Not finished within the budget: still connecting, or open and waiting for the
        // handshake message or the echo.
        let still_connecting = dom.as_ref().is_ok_and(|dom| {
            dom.contains("<span id=\"status\">connecting</span>")
                || dom.contains("<span id=\"status\">open</span>")
        });
        result = dom.and_then(|dom| {
            if dom.contains(needle) && dom.contains("<span id=\"status\">echoed</span>") {
                Ok(match attempt {
                    0 => "echo shown in the DOM".to_string(),
                    _ => format!("echo shown in the DOM (try {})", attempt + 1),
                })
            } else {
                Err(format!("DOM lacks {needle}"))
            }
        });
        if !still_connecting {
            break;
        }
    }
    result
}

fn probe(url: &str, protocol: Option<&str>) -> Result<String, String> {
    let mut command = Command::new(wshake());
    command.args([
        "probe",
        url,
        "--send",
        "hello from wshake",
        "--timeout",
        "10",
    ]);
    if let Some(protocol) = protocol {
        command.args(["--protocol", protocol]);
    }
    let out = run_bounded(command, LIMIT)?;
    let wanted = protocol.map_or("protocol: (none)".to_string(), |p| format!("protocol: {p}"));
    if out.contains("received: hello from wshake") && out.contains(&wanted) {
        Ok(wanted)
    } else {
        Err(format!(
            "unexpected probe output: {}",
            out.lines().last().unwrap_or("")
        ))
    }
}

fn client_side(rows: &mut Vec<Row>) -> Result<(), String> {
    let servers: [(&'static str, Command, Command); 3] = [
        ("python websockets", py("py_server.py"), {
            let mut c = py("py_server.py");
            c.args(["--protocol", "chat"]);
            c
        }),
        (
            "python wsproto",
            py("wsproto_server.py"),
            py("wsproto_server.py"),
        ),
        ("node ws", node("node_server.js"), {
            let mut c = node("node_server.js");
            c.arg("chat");
            c
        }),
    ];
    // Credentials in the URL, as HTTP Basic, against websockets' own `basic_auth`.
    let mut c = py("py_server.py");
    c.args(["--basic-auth", "wshake user:p@ss"]);
    let server = start(c)?;
    let port = &server.first_line;
    rows.push(Row {
        peer: "python websockets",
        direction: "wshake probe → server",
        case: "basic_auth: URL credentials (percent-encoded) + echo",
        result: probe(
            &format!("ws://wshake%20user:p%40ss@127.0.0.1:{port}/"),
            None,
        ),
    });
    rows.push(Row {
        peer: "python websockets",
        direction: "wshake probe → server",
        case: "basic_auth: a wrong password is refused 401",
        result: match probe(&format!("ws://wshake%20user:wrong@127.0.0.1:{port}/"), None) {
            Err(error) if error.contains("401") => Ok("refused 401".to_string()),
            Err(error) => Err(format!("not a 401: {error}")),
            Ok(_) => Err("accepted a wrong password".to_string()),
        },
    });
    drop(server);
    for (peer, plain, with_protocol) in servers {
        let server = start(plain)?;
        rows.push(Row {
            peer,
            direction: "wshake probe → server",
            case: "handshake + echo",
            result: probe(&format!("ws://127.0.0.1:{}/", server.first_line), None),
        });
        drop(server);
        if peer != "python wsproto" {
            let server = start(with_protocol)?;
            rows.push(Row {
                peer,
                direction: "wshake probe → server",
                case: "subprotocol chat + echo",
                result: probe(
                    &format!("ws://127.0.0.1:{}/", server.first_line),
                    Some("chat"),
                ),
            });
        }
    }
    Ok(())
}

fn print_table(rows: &[Row]) {
    let width = |column: fn(&Row) -> &str, title: &str| {
        rows.iter()
            .map(|row| column(row).chars().count())
            .fold(title.len(), usize::max)
    };
    let (peer, direction, case) = (
        width(|r| r.peer, "peer"),
        width(|r| r.direction, "direction"),
        width(|r| r.case, "case"),
    );
    println!(
        "{:<peer$} {:<direction$} {:<case$} result",
        "peer", "direction", "case"
    );
    for row in rows {
        let result = match &row.result {
            Ok(detail) => format!("pass  {}", first_line(detail)),
            Err(error) => format!("FAIL  {}", first_line(error)),
        };
        println!(
            "{:<peer$} {:<direction$} {:<case$} {result}",
            row.peer, row.direction, row.case
        );
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `wshake check` against peers' servers: their deviations, as information.
fn checks() -> Result<Vec<(&'static str, String)>, String> {
    let mut reports = Vec::new();
    for (peer, command) in [
        ("python websockets", py("py_server.py")),
        ("node ws", node("node_server.js")),
    ] {
        let server = start(command)?;
        let mut check = Command::new(wshake());
        check.args([
            "check",
            "--case-timeout",
            "15",
            &format!("ws://127.0.0.1:{}/", server.first_line),
        ]);
        // Exit 1 means MUST failures: information here, not a gate.
        let output = check.output().map_err(|e| e.to_string())?;
        let table = String::from_utf8_lossy(&output.stdout).to_string();
        println!("-- wshake check against {peer}");
        print!("{table}");
        reports.push((peer, table));
    }
    Ok(reports)
}

fn write_report(
    rows: &[Row],
    checks: &[(&'static str, String)],
    h2_checks: &[(&'static str, String)],
    client_checks: &[(&'static str, String)],
) -> Result<(), String> {
    let mut text = String::from(
        "# Interop\n\nProduced by `cargo xtask interop --write-docs` (also part of `cargo xtask ci`).\n\n## Matrix\n\n| peer | direction | case | result |\n|---|---|---|---|\n",
    );
    for row in rows {
        let result = match &row.result {
            Ok(detail) => format!("pass: {}", first_line(detail)),
            Err(error) => format!("FAIL: {}", first_line(error)),
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} |",
            row.peer,
            row.direction,
            row.case,
            result.replace('|', "\\|")
        );
    }
    text.push_str(&nginx::report(rows));
    text.push_str(&crate::deflate::report());
    text.push_str("\n## `wshake check` against peers' servers\n\nInformation, not a gate: peers have known deviations (see `docs/conformance.md`). Rows that are not `pass`:\n");
    for (peer, table) in checks {
        let _ = write!(text, "\n### {peer}\n\n```text\n");
        let mut lines = table.lines();
        if let Some(header) = lines.next() {
            text.push_str(header);
            text.push('\n');
        }
        for line in lines {
            if !line.ends_with(" pass") {
                text.push_str(line);
                text.push('\n');
            }
        }
        text.push_str("```\n");
    }
    text.push_str(&http2::report(h2_checks));
    text.push_str(&clients::report(client_checks));
    std::fs::write(root().join("docs/interop.md"), text).map_err(|e| e.to_string())
}
