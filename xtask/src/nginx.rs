//! The reverse-proxy rows of `cargo xtask interop`: nginx in front of `wshake serve`.
//!
//! nginx rewrites `Host` to its upstream (`$proxy_host`, the default) and passes the
//! client's own host in `X-Forwarded-Host` and `Forwarded`. A server that trusts the proxy
//! (`--trust-proxy 127.0.0.1`) checks `Origin` against the forwarded host; one that does not
//! compares it with the rewritten `Host` and refuses a browser's same-origin request.
//!
//! nginx runs in the foreground (`daemon off;`) under `timeout`, with its prefix, pid file,
//! logs and temporary directories in `target/nginx/<xtask pid>/`, listening on 127.0.0.1
//! only. It is stopped when its handle drops, on every path.

use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::interop::{LIMIT, Row, node, py, serve_with, wshake};
use crate::peers::{on_path, run_bounded};
use crate::run::root;

/// The longest nginx may live, even if xtask itself is killed.
const NGINX_LIFETIME: &str = "300";

const DIRECTION: &str = "client → nginx → wshake serve";

/// The proxying part of the configuration: the usual WebSocket reverse proxy, `Host` left
/// to nginx's default (`$proxy_host`, the upstream's address), the client's host forwarded.
/// The `Forwarded` host is a quoted string: `host:port` is not a token (RFC 7239 §4).
pub(crate) fn proxy_config(listen: &str, upstream: &str) -> String {
    format!(
        r#"map $http_upgrade $connection_upgrade {{
    default upgrade;
    ''      close;
}}
server {{
    listen {listen};
    location / {{
        proxy_pass http://{upstream};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header X-Forwarded-Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Forwarded 'host="$http_host";proto=$scheme';
        proxy_connect_timeout 5s;
        proxy_read_timeout 30s;
    }}
}}
"#
    )
}

/// The whole configuration: everything nginx writes stays under `prefix`; `server` is
/// the `server` block (and what it needs) for this `listen` address.
fn config(prefix: &str, listen: &str, server: &dyn Fn(&str) -> String) -> String {
    let mut text = format!(
        "daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log notice;\nevents {{\n    worker_connections 64;\n}}\nhttp {{\n    access_log {prefix}/access.log;\n"
    );
    for temp in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        let _ = writeln!(text, "    {temp}_temp_path {prefix}/temp/{temp};");
    }
    for line in server(listen).lines() {
        let _ = writeln!(text, "    {line}");
    }
    text.push_str("}\n");
    text
}

/// A running nginx, stopped (and its directory removed) when dropped.
pub(crate) struct Nginx {
    /// `timeout` running nginx; its own process group, which holds nginx and its worker.
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Nginx {
    /// Starts nginx on a free 127.0.0.1 port, proxying to `upstream` (`127.0.0.1:PORT`).
    pub(crate) fn start(upstream: &str) -> Result<Self, String> {
        Self::start_with(&|listen| proxy_config(listen, upstream))
    }

    /// Starts nginx on a free 127.0.0.1 port with this `server` block. A port taken
    /// between choosing and binding is chosen again (three tries).
    pub(crate) fn start_with(server: &dyn Fn(&str) -> String) -> Result<Self, String> {
        let binary = if on_path("nginx") {
            "nginx"
        } else {
            "/usr/sbin/nginx"
        };
        let dir = root().join(format!("target/nginx/{}", std::process::id()));
        let mut last_error = String::new();
        for _ in 0..3 {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("temp")).map_err(|e| e.to_string())?;
            let port = free_port()?;
            let prefix = dir.to_str().ok_or("target path is not UTF-8")?;
            let conf = dir.join("nginx.conf");
            std::fs::write(&conf, config(prefix, &format!("127.0.0.1:{port}"), server))
                .map_err(|e| e.to_string())?;
            let child = Command::new("timeout")
                .args(["-k", "5", NGINX_LIFETIME, binary, "-p"])
                .arg(&dir)
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("timeout {binary}: {e}"))?;
            let mut nginx = Self {
                child,
                port,
                dir: dir.clone(),
            };
            match nginx.wait_ready() {
                Ok(()) => return Ok(nginx),
                Err(error) => {
                    // nginx retries bind() itself, then ends with `still could not bind()`.
                    let in_use = nginx.log().contains("Address already in use");
                    last_error = error;
                    if !in_use {
                        break;
                    }
                }
            }
        }
        Err(format!("nginx did not start: {last_error}"))
    }

    /// Waits (10 s at most) for the pid file, written once the port is bound, and a connection.
    fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(exit) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("exited with {exit}: {}", self.last_log_line()));
            }
            let pid_written = std::fs::read_to_string(self.dir.join("nginx.pid"))
                .is_ok_and(|pid| !pid.trim().is_empty());
            if pid_written && TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!("not ready within 10 s: {}", self.last_log_line()))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    fn last_log_line(&self) -> String {
        self.log()
            .lines()
            .rfind(|line| line.contains("[emerg]") || line.contains("[alert]"))
            .unwrap_or("(nothing in error.log)")
            .to_string()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // `timeout` passes SIGTERM on to nginx and its group: nginx's fast shutdown.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // `timeout` leads its own process group: kill all of it, nginx's worker included.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port free on 127.0.0.1 a moment ago (nginx binds it itself; see the retry above).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    Ok(port)
}

/// Whether this build of `wshake serve` has `--trust-proxy`.
fn has_trust_proxy() -> bool {
    let mut help = Command::new(wshake());
    help.args(["serve", "--help"]);
    run_bounded(help, LIMIT).is_ok_and(|text| text.contains("--trust-proxy"))
}

/// One nginx case: which server, which Origin, what the client must see.
struct Case {
    name: &'static str,
    trusted: bool,
    /// `None`: the proxy's own origin, `http://127.0.0.1:NGINX_PORT`.
    origin: Option<&'static str>,
    /// `None`: handshake and echo; `Some(status)`: refused with this status.
    refused: Option<&'static str>,
}

const CASES: [Case; 3] = [
    Case {
        name: "--trust-proxy, proxy's origin + echo",
        trusted: true,
        origin: None,
        refused: None,
    },
    Case {
        name: "--trust-proxy, Origin evil.test: 403",
        trusted: true,
        origin: Some("http://evil.test"),
        refused: Some("403"),
    },
    Case {
        name: "no --trust-proxy, proxy's origin: 403",
        trusted: false,
        origin: None,
        refused: Some("403"),
    },
];

/// The nginx rows: each case with Python `websockets` and Node `ws`.
pub(crate) fn proxy_side(rows: &mut Vec<Row>) {
    let flag = has_trust_proxy();
    for trusted in [true, false] {
        let cases: Vec<&Case> = CASES.iter().filter(|c| c.trusted == trusted).collect();
        let setup = if trusted && !flag {
            Err("wshake serve has no --trust-proxy (not built yet)".to_string())
        } else {
            let extra: &[&str] = if trusted {
                &["--trust-proxy", "127.0.0.1"]
            } else {
                &[]
            };
            serve_with(extra).and_then(|(server, url)| {
                let upstream = url
                    .trim_start_matches("ws://")
                    .trim_end_matches('/')
                    .to_string();
                Nginx::start(&upstream).map(|nginx| (server, nginx))
            })
        };
        let (_server, nginx) = match setup {
            Ok(running) => running,
            Err(error) => {
                for case in cases {
                    for peer in ["nginx + python websockets", "nginx + node ws"] {
                        rows.push(Row {
                            peer,
                            direction: DIRECTION,
                            case: case.name,
                            result: Err(error.clone()),
                        });
                    }
                }
                continue;
            }
        };
        let url = format!("ws://127.0.0.1:{}/", nginx.port);
        let own_origin = format!("http://127.0.0.1:{}", nginx.port);
        for case in cases {
            let origin = case.origin.unwrap_or(&own_origin);
            let mut python = py("py_client.py");
            python.args([url.as_str(), "--origin", origin]);
            let mut node = node("node_client.js");
            node.args([url.as_str(), "--origin", origin]);
            if let Some(status) = case.refused {
                python.args(["--expect-status", status]);
                node.args(["--expect-status", status]);
            }
            for (peer, command) in [
                ("nginx + python websockets", python),
                ("nginx + node ws", node),
            ] {
                rows.push(Row {
                    peer,
                    direction: DIRECTION,
                    case: case.name,
                    result: run_bounded(command, LIMIT),
                });
            }
        }
    }
}

/// nginx misconfigured the ways the trackers report, in front of a backend, and what
/// `wshake doctor` must name as the cause of each.
const DOCTOR_CASES: [(&str, &str, &str); 4] = [
    (
        "doctor: proxy_pass without the Upgrade headers",
        "location / { proxy_pass http://UPSTREAM; }",
        "did not receive the upgrade",
    ),
    (
        "doctor: the location answers a page (200 HTML)",
        "location / { default_type text/html; return 200 '<html><body>app</body></html>'; }",
        "HTML page",
    ),
    (
        "doctor: backend down (502)",
        "location / { proxy_pass http://127.0.0.1:DEAD; proxy_http_version 1.1; \
         proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; }",
        "backend is down",
    ),
    (
        "doctor: backend silent, proxy timeout (504)",
        "location / { proxy_pass http://SILENT; proxy_http_version 1.1; \
         proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; \
         proxy_read_timeout 1s; }",
        "did not answer in time",
    ),
];

/// `wshake doctor` through nginx in each misconfiguration of [`DOCTOR_CASES`]: its
/// `cause:` line must name the case.
pub(crate) fn doctor_side(rows: &mut Vec<Row>) {
    let backends = serve_with(&["--any-host"]).and_then(|(server, url)| {
        let upstream = url
            .trim_start_matches("ws://")
            .trim_end_matches('/')
            .to_string();
        // A backend that accepts and never answers; and a port where nothing listens.
        let silent = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let dead = free_port()?;
        Ok((server, upstream, silent, dead))
    });
    for (case, location, expected) in DOCTOR_CASES {
        let result =
            backends
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|(_, upstream, silent, dead)| {
                    let silent = silent.local_addr().map_err(|e| e.to_string())?.to_string();
                    let location = location
                        .replace("UPSTREAM", upstream)
                        .replace("SILENT", &silent)
                        .replace("DEAD", &dead.to_string());
                    let nginx = Nginx::start_with(&|listen| {
                        format!("server {{\n    listen {listen};\n    {location}\n}}\n")
                    })?;
                    let mut doctor = Command::new(wshake());
                    doctor.args([
                        "doctor",
                        &format!("ws://127.0.0.1:{}/chat", nginx.port),
                        "--timeout",
                        "5",
                    ]);
                    let output = doctor.output().map_err(|e| e.to_string())?;
                    let text = String::from_utf8_lossy(&output.stdout).into_owned();
                    let cause = text
                        .lines()
                        .find(|l| l.starts_with("cause:"))
                        .unwrap_or("(no cause line)");
                    if output.status.code() == Some(1) && cause.contains(expected) {
                        Ok(cause.to_string())
                    } else {
                        Err(format!(
                            "expected a cause with `{expected}`, got: {}",
                            text.trim()
                        ))
                    }
                });
        rows.push(Row {
            peer: "nginx (misconfigured) + wshake doctor",
            direction: "wshake doctor → nginx → backend",
            case,
            result,
        });
    }
}

/// The docs section: the setup, the cases and their results from this run.
pub(crate) fn report(rows: &[Row]) -> String {
    let mut text = String::from(
        "\n## Behind nginx (reverse proxy)\n\n\
         nginx 1.22 (Debian's `nginx`) runs in the foreground with its prefix, pid file, logs and \
         temporary directories under `target/nginx/`, listening on a free 127.0.0.1 port and \
         proxying to `wshake serve --listen 127.0.0.1:0`. `Host` is left to nginx's default, \
         `$proxy_host`, so the server sees its own address there; the client's host travels in \
         `X-Forwarded-Host` and `Forwarded` (quoted: `host:port` is not a token, RFC 7239 §4). \
         The proxying part of the configuration:\n\n```nginx\n",
    );
    text.push_str(&proxy_config(
        "127.0.0.1:NGINX_PORT",
        "127.0.0.1:SERVER_PORT",
    ));
    text.push_str(
        "```\n\nEach case runs with Python `websockets` and Node `ws`, connecting to nginx's \
         `ws://` URL with an explicit `Origin`:\n\n\
         - `--trust-proxy, proxy's origin + echo`: the server runs with `--trust-proxy 127.0.0.1`, \
         `Origin: http://127.0.0.1:NGINX_PORT`; the origin check uses the forwarded host, the \
         handshake succeeds and a text message echoes.\n\
         - `--trust-proxy, Origin evil.test: 403`: same server, `Origin: http://evil.test`; \
         refused with 403.\n\
         - `no --trust-proxy, proxy's origin: 403`: the server runs without `--trust-proxy`, \
         `Origin: http://127.0.0.1:NGINX_PORT`; it ignores the forwarding headers, compares the \
         origin with the rewritten `Host` and refuses with 403.\n\n\
         Both forwarding headers carry the same host, so these cases do not tell which of the \
         two the server read. Results (also in the matrix above):\n\n\
         | client | case | result |\n|---|---|---|\n",
    );
    for row in rows.iter().filter(|r| r.direction == DIRECTION) {
        let result = match &row.result {
            Ok(detail) => format!("pass: {}", detail.lines().next().unwrap_or("")),
            Err(error) => format!("FAIL: {}", error.lines().next().unwrap_or("")),
        };
        let client = row.peer.trim_start_matches("nginx + ");
        let _ = writeln!(
            text,
            "| {client} | {} | {} |",
            row.case,
            result.replace('|', "\\|")
        );
    }
    text
}
