//! wshake's servers on other stacks (wshake-hyper's and wshake-axum's echo examples)
//! beside `wshake serve`: the same real clients, and `wshake check` as a gate, since
//! they apply the same rules.

use std::path::PathBuf;
use std::process::Command;

use crate::interop::{LIMIT, Row, node, py, wshake};
use crate::peers::{Running, run_bounded, start};
use crate::run::{cargo, root, status};

/// Cases a hyper server cannot answer as wshake does, because hyper's own HTTP/1.1
/// parser answers them before any service runs, with why.
const HYPER_ANSWERS_FIRST: &[(&str, &str)] = &[(
    "HTTP/2.0 in the request line",
    "hyper answers an unknown HTTP version with 400 itself (proto/h1/role.rs), not 505",
)];

/// The servers: the direction in the table, the program, whether it runs on hyper.
fn servers() -> [(&'static str, PathBuf, &'static [&'static str], bool); 3] {
    let examples = root().join("target/debug/examples");
    [
        ("client → wshake serve", wshake(), &["serve"], false),
        (
            "client → hyper_echo (wshake-hyper)",
            examples.join("hyper_echo"),
            &[],
            true,
        ),
        (
            "client → axum_echo (wshake-axum)",
            examples.join("axum_echo"),
            &[],
            true,
        ),
    ]
}

/// Builds wshake-hyper's and wshake-axum's echo examples (in release for measuring).
pub(crate) fn build(release: bool) -> Result<(), String> {
    let mut command = cargo(&["build", "-q"]);
    if release {
        command.arg("--release");
    }
    command.args([
        "-p",
        "wshake-hyper",
        "--example",
        "hyper_echo",
        "-p",
        "wshake-axum",
        "--example",
        "axum_echo",
    ]);
    status(&mut command)
}

/// Real clients against each server, then `wshake check` with every case passing but
/// the listed ones hyper answers first (which must still be the only ones).
pub(crate) fn run(rows: &mut Vec<Row>) -> Result<(), String> {
    for (direction, program, args, on_hyper) in servers() {
        let (_server, url) = launch(&program, args)?;
        if !on_hyper {
            // `wshake serve` has its own rows with these clients and more.
            rows.push(Row {
                peer: "wshake check",
                direction,
                case: "every case of the checklist",
                result: check(&url, on_hyper),
            });
            continue;
        }
        let mut add = |peer, case, command: Command| {
            rows.push(Row {
                peer,
                direction,
                case,
                result: run_bounded(command, LIMIT),
            });
        };
        let mut c = py("py_client.py");
        c.args([&url, "--protocol", "chat"]);
        add("python websockets", "subprotocol chat + echo", c);
        let mut c = node("node_client.js");
        c.arg(&url);
        add("node ws", "plain + echo", c);
        let mut c = py("py_client.py");
        c.args([
            url.as_str(),
            "--origin",
            "http://evil.test",
            "--expect-status",
            "403",
        ]);
        add("python websockets", "foreign Origin: 403", c);
        rows.push(Row {
            peer: "wshake check",
            direction,
            case: "every case of the checklist",
            result: check(&url, on_hyper),
        });
    }
    Ok(())
}

fn launch(program: &PathBuf, args: &[&str]) -> Result<(Running, String), String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--protocol", "chat"]);
    let running = start(command)?;
    let url = running
        .first_line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line: {}", running.first_line))?
        .to_string();
    Ok((running, url))
}

/// `wshake check --json`: the cases that did not pass, against those expected not to.
fn check(url: &str, on_hyper: bool) -> Result<String, String> {
    let mut command = Command::new(wshake());
    command.args(["check", "--json", "--case-timeout", "15", url]);
    let output = command.output().map_err(|e| e.to_string())?;
    let json = String::from_utf8_lossy(&output.stdout);
    let results = verdicts(&json);
    if results.is_empty() {
        return Err(format!("no results from wshake check: {json}"));
    }
    let expected: &[(&str, &str)] = if on_hyper { HYPER_ANSWERS_FIRST } else { &[] };
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, verdict)| verdict != "pass")
        .map(|(case, _)| case.as_str())
        .collect();
    let unexpected: Vec<&&str> = failed
        .iter()
        .filter(|case| !expected.iter().any(|(known, _)| known == *case))
        .collect();
    let stale: Vec<&str> = expected
        .iter()
        .map(|(known, _)| *known)
        .filter(|known| !failed.contains(known))
        .collect();
    if !unexpected.is_empty() {
        return Err(format!("failed: {unexpected:?}"));
    }
    if !stale.is_empty() {
        return Err(format!(
            "expected hyper to answer these first, but they pass: {stale:?}"
        ));
    }
    let known = expected
        .iter()
        .map(|(case, why)| format!("{case}: {why}"))
        .collect::<Vec<_>>();
    Ok(format!(
        "{} of {} pass{}",
        results.len() - failed.len(),
        results.len(),
        if known.is_empty() {
            String::new()
        } else {
            format!(" (known: {})", known.join("; "))
        }
    ))
}

/// `(case, verdict)` pairs from `wshake check --json`, in order (one key per line).
fn verdicts(json: &str) -> Vec<(String, String)> {
    let value = |line: &str, key: &str| {
        line.trim()
            .strip_prefix(&format!("\"{key}\": \""))
            .and_then(|rest| rest.strip_suffix("\",").or_else(|| rest.strip_suffix('"')))
            .map(str::to_string)
    };
    let mut case = None;
    let mut results = Vec::new();
    for line in json.lines() {
        if let Some(name) = value(line, "case") {
            case = Some(name);
        } else if let Some(verdict) = value(line, "verdict") {
            if let Some(name) = case.take() {
                results.push((name, verdict));
            }
        }
    }
    results
}
