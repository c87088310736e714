//! `cargo xtask bench e2e-peers [--rounds N] [--seconds S] [--also 'NAME=COMMAND']`: the
//! same handshake load
//! (`benches/examples/e2e_load.rs`: 8 loops of connect → a Chromium-shaped request → the
//! 101 → a masked close → drop) against `wshake serve` and against echo servers on other
//! libraries and languages, each started fresh, in an order that rotates every round;
//! medians over the rounds. CPU per handshake is the server process's own user and system
//! time over the measured window (`/proc/PID/stat`).
//!
//! Servers: `wshake serve` (defaults: its log on, written to a file) and two of its
//! runtime layouts; soketto, fastwebsockets on hyper, tokio-tungstenite and
//! tokio-websockets (`benches/examples/peer_echo.rs`); axum's own `WebSocketUpgrade`
//! (`benches/examples/axum_builtin_echo.rs`); wshake-hyper's and wshake-axum's echo
//! examples; Bun (uWebSockets inside, npm `bun`). Go's
//! gobwas/ws is reported as not built when no Go toolchain and module proxy are at hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::peers::{self, Running};
use crate::run::{root, status};

/// One server to measure: a name for the table and how to start it (listening on
/// 127.0.0.1:0, printing `listening on ws://IP:PORT/` first).
pub(crate) struct Server {
    pub(crate) name: String,
    pub(crate) command: Vec<String>,
}

/// One run's figures, from `e2e_load`'s JSON line.
#[derive(Clone, Copy, Default)]
struct Figures {
    per_second: f64,
    p50_us: f64,
    p99_us: f64,
    user_us: f64,
    system_us: f64,
    failures: f64,
    /// Resident memory per pending handshake, bytes.
    pending_bytes: f64,
    /// Resident memory per idle WebSocket after the handshake, bytes.
    idle_bytes: f64,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let rounds: usize = option(args, "--rounds")?.unwrap_or(3);
    let seconds: f64 = option(args, "--seconds")?.unwrap_or(5.0);
    let mut servers = servers()?;
    // `--also 'NAME=COMMAND ARGS…'`: one more row, e.g. an earlier build of `wshake serve`.
    for (i, arg) in args.iter().enumerate() {
        if arg == "--also" {
            let (name, command) = args
                .get(i + 1)
                .and_then(|spec| spec.split_once('='))
                .ok_or("--also needs NAME=COMMAND")?;
            let mut command: Vec<String> = command.split_whitespace().map(String::from).collect();
            command.extend(["--listen".to_string(), "127.0.0.1:0".to_string()]);
            servers.push(Server {
                name: name.to_string(),
                command,
            });
        }
    }
    let load = root()
        .join("target/release/examples/e2e_load")
        .to_string_lossy()
        .into_owned();
    let logs = root().join("target/e2e-peers");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let mut results: BTreeMap<&str, Vec<Figures>> = BTreeMap::new();
    for round in 0..rounds {
        // Rotate the order, so that no server always runs first or right after another.
        for i in 0..servers.len() {
            let server = &servers[(i + round) % servers.len()];
            let figures = measure(server, &load, seconds, &logs)?;
            println!(
                "round {}: {:<32} {:>7.0}/s  p50 {:>5.0} µs  p99 {:>6.0} µs  CPU {:>5.1} µs (user {:>4.1}, system {:>4.1})  pending {:>5.0} B  idle {:>6.0} B{}",
                round + 1,
                server.name,
                figures.per_second,
                figures.p50_us,
                figures.p99_us,
                figures.user_us + figures.system_us,
                figures.user_us,
                figures.system_us,
                figures.pending_bytes,
                figures.idle_bytes,
                if figures.failures > 0.0 {
                    format!("  {} failed", figures.failures)
                } else {
                    String::new()
                }
            );
            results
                .entry(server.name.as_str())
                .or_default()
                .push(figures);
        }
    }
    table(&servers, &results, rounds, seconds);
    Ok(())
}

/// Builds the servers and says how to start each.
fn servers() -> Result<Vec<Server>, String> {
    crate::run::build_release_cli()?;
    crate::run::build_bench_examples(&["peer_echo", "e2e_load", "axum_builtin_echo"])?;
    let release = root().join("target/release");
    let examples = release.join("examples");
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    let wshake = path(release.join("wshake"));
    let peer = path(examples.join("peer_echo"));
    let listen = ["--listen", "127.0.0.1:0"].map(String::from);
    let with_listen = |mut command: Vec<String>| {
        command.extend(listen.iter().cloned());
        command
    };
    let mut servers = vec![
        Server {
            name: "wshake serve".into(),
            command: with_listen(vec![wshake.clone(), "serve".into()]),
        },
        Server {
            name: "wshake serve --threads 2".into(),
            command: with_listen(vec![
                wshake.clone(),
                "serve".into(),
                "--threads".into(),
                "2".into(),
            ]),
        },
        Server {
            name: "wshake serve --shared-runtime --threads 2".into(),
            command: with_listen(vec![
                wshake,
                "serve".into(),
                "--shared-runtime".into(),
                "--threads".into(),
                "2".into(),
            ]),
        },
    ];
    for (name, library) in [
        ("soketto", "soketto"),
        ("fastwebsockets + hyper", "fastwebsockets"),
        ("tokio-tungstenite", "tokio-tungstenite"),
        ("tokio-websockets", "tokio-websockets"),
    ] {
        servers.push(Server {
            name: name.to_string(),
            command: with_listen(vec![peer.clone(), library.into()]),
        });
    }
    servers.push(Server {
        name: "axum WebSocketUpgrade".into(),
        command: with_listen(vec![path(examples.join("axum_builtin_echo"))]),
    });
    // wshake's own hyper and axum paths: their echo examples (the same contract).
    crate::stacks::build(true)?;
    for (name, example) in [("wshake-hyper", "hyper_echo"), ("wshake-axum", "axum_echo")] {
        servers.push(Server {
            name: name.to_string(),
            command: with_listen(vec![path(examples.join(example))]),
        });
    }
    match bun() {
        Ok(command) => servers.push(Server {
            name: "Bun (uWebSockets)".into(),
            command,
        }),
        Err(why) => println!("Bun: not measured: {why}"),
    }
    println!(
        "gobwas/ws (Go): not built: {}",
        if peers::on_path("go") {
            "a Go toolchain is here but its module proxy is not reachable from this machine"
        } else {
            "no Go toolchain on this machine, its module proxy is not reachable and Debian has no gobwas/ws package"
        }
    );

    Ok(servers)
}

/// The medians, as a Markdown table.
fn table(servers: &[Server], results: &BTreeMap<&str, Vec<Figures>>, rounds: usize, seconds: f64) {
    println!();
    println!(
        "| server | handshakes/s | p50 | p99 | CPU per handshake | user | system | memory per pending handshake | per idle WebSocket |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for server in servers {
        let runs = &results[server.name.as_str()];
        let median = |f: fn(&Figures) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(f).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        println!(
            "| {} | {:.0} | {:.0} µs | {:.0} µs | {:.1} µs | {:.1} µs | {:.1} µs | {:.2} KiB | {:.2} KiB |",
            server.name,
            median(|f| f.per_second),
            median(|f| f.p50_us),
            median(|f| f.p99_us),
            median(|f| f.user_us + f.system_us),
            median(|f| f.user_us),
            median(|f| f.system_us),
            median(|f| f.pending_bytes) / 1024.0,
            median(|f| f.idle_bytes) / 1024.0,
        );
    }
    println!(
        "\n{rounds} rounds of {seconds} s per server (medians), 8 loops; CPU from /proc/PID/stat; memory: resident size grown for {HELD} connections held, each on a fresh server."
    );
}

/// Starts `server` fresh three times: for its memory per pending handshake, per idle
/// WebSocket, then for the load.
fn measure(
    server: &Server,
    load: &str,
    seconds: f64,
    logs: &std::path::Path,
) -> Result<Figures, String> {
    let pending = drive(server, load, &["--pending", HELD], logs)?;
    let idle = drive(server, load, &["--idle", HELD], logs)?;
    let seconds = seconds.to_string();
    let loaded = drive(server, load, &["--seconds", &seconds], logs)?;
    Ok(Figures {
        per_second: loaded("per_second"),
        p50_us: loaded("p50_us"),
        p99_us: loaded("p99_us"),
        user_us: loaded("user_us"),
        system_us: loaded("system_us"),
        failures: loaded("failures"),
        pending_bytes: pending("bytes_each"),
        idle_bytes: idle("bytes_each"),
    })
}

/// Connections held open for the memory figures.
const HELD: &str = "2000";

/// Starts `server`, runs `e2e_load` against it with `args`, stops it; the figures of the
/// JSON line it printed, by name.
pub(crate) fn drive(
    server: &Server,
    load: &str,
    args: &[&str],
    logs: &std::path::Path,
) -> Result<impl Fn(&str) -> f64 + use<>, String> {
    let mut command = Command::new(&server.command[0]);
    command.args(&server.command[1..]);
    let log = logs.join(format!("{}.log", server.name.replace([' ', '/', '+'], "_")));
    let (running, address) = start_echo(command, &log)?;
    let mut load_command = Command::new(load);
    load_command
        .arg(&address)
        .args(args)
        .args(["--pid", &running.pid().to_string()]);
    let output = peers::run_bounded(load_command, Duration::from_secs(60))?;
    drop(running);
    // Let the closed connections' sockets drain before the next server starts.
    std::thread::sleep(Duration::from_millis(500));
    Ok(move |name: &str| json_field(&output, name))
}

/// Starts an echo server (its log to `log`): the process and the `IP:PORT` of its first
/// line, `listening on ws://IP:PORT/`.
fn start_echo(command: Command, log: &Path) -> Result<(Running, String), String> {
    let running: Running = peers::start_logging(command, Some(log))?;
    let address = running
        .first_line
        .strip_prefix("listening on ws://")
        .and_then(|rest| rest.strip_suffix('/'))
        .ok_or_else(|| format!("unexpected first line {:?}", running.first_line))?
        .to_string();
    Ok((running, address))
}

/// A number of `e2e_load`'s one-line JSON, by name (NaN when absent).
fn json_field(output: &str, name: &str) -> f64 {
    output
        .split(&format!("\"{name}\":"))
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Bun's echo server (installed from npm into `target/peers/node`), as its docs write one.
fn bun() -> Result<Vec<String>, String> {
    let binary = peers::node_modules().join(".bin/bun");
    if !binary.exists() {
        status(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(root().join("target/peers/node"))
                .arg("bun@1"),
        )?;
    }
    let script = root().join("target/e2e-peers/bun_echo.js");
    std::fs::create_dir_all(root().join("target/e2e-peers")).map_err(|e| e.to_string())?;
    std::fs::write(
        &script,
        r#"// Bun.serve with a WebSocket handler: every path upgrades, messages echoed.
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, server) {
    if (server.upgrade(request)) return;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: { message(ws, message) { ws.send(message); } },
});
console.log(`listening on ws://127.0.0.1:${server.port}/`);
"#,
    )
    .map_err(|e| e.to_string())?;
    Ok(vec![
        binary.to_string_lossy().into_owned(),
        script.to_string_lossy().into_owned(),
    ])
}

/// `--name VALUE` from `args`, parsed.
fn option<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{name} needs a number")),
        None => Ok(None),
    }
}
