//! `cargo xtask interop`, the clients' side: `wshake check-client` against real clients
//! (Python websockets, Node ws, tokio-tungstenite, headless Chromium through a page) and
//! wshake's own (`wshake probe`, which must pass every case: a gate). The peers' tables
//! are information, in docs/interop.md.

use std::process::Command;

use crate::interop::{Row, wshake};
use crate::peers::{node_modules, python, scripts};
use crate::run::root;

/// The clients, as `wshake check-client` runs them (`{url}`, `{page}` replaced).
fn clients() -> Vec<(&'static str, Vec<String>)> {
    let script = |name: &str| scripts().join(name).display().to_string();
    let profile = root().join("target/peers/chromium-check-client");
    vec![
        (
            "wshake probe (wshake-client)",
            vec![
                wshake().display().to_string(),
                "probe".into(),
                "--timeout".into(),
                "3".into(),
                "--send".into(),
                "hello".into(),
                "{url}".into(),
            ],
        ),
        (
            "python websockets",
            vec![
                python().display().to_string(),
                script("py_client.py"),
                "{url}".into(),
            ],
        ),
        (
            "node ws",
            vec!["node".into(), script("node_client.js"), "{url}".into()],
        ),
        (
            "tokio-tungstenite",
            vec![
                root()
                    .join("target/debug/examples/tungstenite_client")
                    .display()
                    .to_string(),
                "{url}".into(),
            ],
        ),
        (
            "headless chromium",
            vec![
                "chromium".into(),
                "--headless".into(),
                "--no-sandbox".into(),
                "--disable-gpu".into(),
                "--disable-background-networking".into(),
                "--no-first-run".into(),
                format!("--user-data-dir={}", profile.display()),
                "--virtual-time-budget=3000".into(),
                "--dump-dom".into(),
                "{page}".into(),
            ],
        ),
    ]
}

/// Runs `wshake check-client` against each client: the gate row for wshake's own, and
/// every client's table.
pub(crate) fn run(rows: &mut Vec<Row>) -> Result<Vec<(&'static str, String)>, String> {
    let mut tables = Vec::new();
    for (client, command) in clients() {
        let output = Command::new(wshake())
            .args(["check-client", "--timeout", "3", "--"])
            .args(&command)
            .env("NODE_PATH", node_modules())
            .output()
            .map_err(|e| e.to_string())?;
        let table = String::from_utf8_lossy(&output.stdout).to_string();
        println!("-- wshake check-client -- {client}");
        print!("{table}");
        if output.status.code() == Some(2) {
            return Err(format!(
                "wshake check-client could not judge {client}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if client.starts_with("wshake") {
            let summary = table.lines().last().unwrap_or_default().to_string();
            rows.push(Row {
                peer: "wshake check-client",
                direction: "wshake probe → check-client",
                case: "every broken handshake refused, the valid one taken",
                result: if summary.ends_with(" 0 failed") {
                    Ok(summary)
                } else {
                    Err(table.clone())
                },
            });
        }
        tables.push((client, table));
    }
    Ok(tables)
}

/// The section of docs/interop.md with the `wshake check-client` tables.
pub(crate) fn report(tables: &[(&'static str, String)]) -> String {
    use std::fmt::Write as _;
    let mut text = String::from(
        "\n## Clients: `wshake check-client`\n\nEach client runs once per case against a server that answers its handshake with one deviation (or a correct 101, the control) and watches whether the client fails the connection or goes on (sends a frame). Information, except wshake's own client (a gate in the matrix above). Levels: MUST where RFC 6455 §4.1 says the client fails the connection; SHOULD for wshake's stricter reading (a 101 in HTTP/1.0; bytes announced as a body of a 101).\n",
    );
    for (client, table) in tables {
        let _ = write!(text, "\n### {client}\n\n```text\n{table}```\n");
    }
    text
}
