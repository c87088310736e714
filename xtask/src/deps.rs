//! The dependency edges each published crate may have: a stray dependency fails CI.

use std::collections::BTreeSet;

use crate::run::{cargo, root};

/// Each crate and the direct normal dependencies it may have (default features on).
const ALLOWED: &[(&str, &[&str])] = &[
    ("wshake-accept", &["sha1"]),
    ("wshake-proto", &["wshake-accept", "httparse", "bytes"]),
    ("wshake-tokio", &["wshake-proto", "tokio", "bytes"]),
    (
        "wshake-hyper",
        &[
            "wshake-proto",
            "hyper",
            "hyper-util",
            "http-body-util",
            "http",
            "bytes",
            "tokio",
            // The HTTP/2 client: hyper's own HTTP/2, used directly for what hyper does not
            // expose (a PING after which the server's SETTINGS are known).
            "h2",
        ],
    ),
    (
        "wshake-axum",
        &[
            "wshake-hyper",
            "axum",
            "http",
            "hyper",
            "tokio",
            "pin-project-lite",
        ],
    ),
    (
        "wshake-client",
        &[
            "wshake-tokio",
            // WebSockets over HTTP/2 (`Http2Connection`).
            "wshake-hyper",
            "tokio",
            "tokio-rustls",
            "rustls",
            "webpki-roots",
            "url",
            "base64",
            "percent-encoding",
        ],
    ),
    (
        "wshake-cli",
        &[
            "wshake-client",
            "tokio",
            "tokio-tungstenite",
            "futures-util",
            "clap",
            "tracing",
            "tracing-subscriber",
            "serde_json",
            // `serve --tls-cert` (rustls, HTTP/2 through wshake-hyper's `Server` and a
            // hyper service) and `check --http2` (raw h2 requests, the default roots).
            "wshake-hyper",
            "hyper",
            "http",
            "http-body-util",
            "bytes",
            "h2",
            "rustls",
            "tokio-rustls",
            // The DNS names of a verified client certificate (`serve --tls-client-ca`).
            "rustls-webpki",
        ],
    ),
];

/// Crates that must never appear in these crates' full trees, all features on.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("wshake-accept", &["tokio", "std-only-marker"]),
    ("wshake-proto", &["tokio", "futures-util", "hyper", "axum"]),
    ("wshake-hyper", &["axum", "wshake-tokio", "wshake-client"]),
    ("wshake-axum", &["wshake-tokio", "wshake-client"]),
    ("wshake-client", &["openssl", "openssl-sys", "native-tls"]),
];

/// The published crates, bottom layer first.
pub(crate) const CRATES: [&str; 7] = [
    "wshake-accept",
    "wshake-proto",
    "wshake-tokio",
    "wshake-hyper",
    "wshake-axum",
    "wshake-client",
    "wshake-cli",
];

fn tree(package: &str, extra: &[&str]) -> Result<BTreeSet<String>, String> {
    let mut args = vec![
        "tree", "-q", "-e", "normal", "--prefix", "none", "-p", package,
    ];
    args.extend_from_slice(extra);
    let output = cargo(&args)
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != package)
        .map(str::to_string)
        .collect())
}

pub(crate) fn check() -> Result<(), String> {
    let mut problems = Vec::new();
    for (package, allowed) in ALLOWED {
        let direct = tree(package, &["--depth", "1"])?;
        for name in &direct {
            if !allowed.contains(&name.as_str()) {
                problems.push(format!(
                    "{package} depends on {name}, which is not in its allowed list"
                ));
            }
        }
        println!(
            "{package}: {}",
            direct.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    for (package, forbidden) in FORBIDDEN {
        let all = tree(package, &["--all-features"])?;
        for name in *forbidden {
            if all.contains(*name) {
                problems.push(format!("{package} pulls {name}"));
            }
        }
    }
    // rust-version: declared once in the workspace and inherited by every crate.
    for package in CRATES {
        let manifest = root().join("crates").join(package).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        if !text.contains("rust-version.workspace = true") {
            problems.push(format!(
                "{package} does not inherit the workspace rust-version"
            ));
        }
        for field in [
            "description",
            "license",
            "repository",
            "readme",
            "keywords",
            "categories",
        ] {
            if !text.lines().any(|line| line.starts_with(field)) {
                problems.push(format!("{package} has no `{field}`"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
