//! `wshake`: the WebSocket opening handshake from the command line.
//!
//! ```text
//! $ wshake accept dGhlIHNhbXBsZSBub25jZQ==
//! s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//! $ wshake serve --listen 127.0.0.1:0
//! listening on ws://127.0.0.1:40123/
//! $ wshake check ws://127.0.0.1:40123/
//! ```

mod check;
mod check_client;
mod demo;
mod doctor;
mod handshake_json;
mod log;
mod page;
mod probe;
mod serve;
mod serve_h2;
mod serve_runtime;
mod tls;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wshake_client::wshake_proto::{Accept, Key};

/// The WebSocket opening handshake (RFC 6455 §4), correct to the letter.
#[derive(Debug, Parser)]
#[command(name = "wshake", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the Sec-WebSocket-Accept value for a Sec-WebSocket-Key.
    Accept {
        /// The Sec-WebSocket-Key value, as the client sent it.
        key: String,
    },
    /// Print a fresh random Sec-WebSocket-Key.
    Key,
    /// Run an echo server: wshake handshake, tokio-tungstenite frames.
    Serve(serve::Args),
    /// Connect to a server, show the handshake, optionally send one message.
    Probe(probe::Args),
    /// Check any server's handshake against the RFC 6455 checklist (`--http2`: RFC 8441).
    ///
    /// Exit codes: 0 when every MUST passed, 1 when a MUST failed, 2 when the check could
    /// not run (bad arguments, the server unreachable, no case judged).
    Check(check::Args),
    /// Check a WebSocket client: each case answers its handshake with one deviation (or a
    /// correct 101) and watches whether the client fails the connection or goes on.
    ///
    /// Exit codes: 0 when the client failed every broken handshake and went on after the
    /// correct one, 1 otherwise, 2 when nothing could be judged.
    CheckClient(check_client::Args),
    /// Say why a handshake fails, in plain words, and what to change: runs it (and the
    /// variants that tell causes apart: the other scheme, the other HTTP version, an
    /// Origin), `-v` for the exact bytes.
    ///
    /// Exit codes: 0 when the handshake works, 1 when it fails (the cause printed), 2 when
    /// the arguments are wrong.
    Doctor(doctor::Args),
    /// Serve, probe and check in one process: the tour.
    Demo,
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = Cli::parse();
    match cli.command {
        Command::Accept { key } => match Key::parse(key.as_bytes()) {
            Ok(key) => {
                println!("{}", Accept::for_key(&key));
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("wshake: invalid key: {error}");
                ExitCode::from(2)
            }
        },
        Command::Key => match Key::random() {
            Ok(key) => {
                println!("{key}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("wshake: no randomness available: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Serve(args) => serve_runtime::main(args),
        Command::Probe(args) => run(probe::run(args)),
        Command::Check(args) => run(check::run(args)),
        Command::CheckClient(args) => run(check_client::run(args)),
        Command::Doctor(args) => run(doctor::run(args)),
        Command::Demo => run(demo::run()),
    }
}

/// Runs an async subcommand on a multi-threaded runtime.
fn run(future: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => {
            eprintln!("wshake: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `host:port` for `--listen`.
fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    value
        .parse()
        .map_err(|e| format!("`{value}` is not IP:PORT ({e})"))
}

/// A `--header` value, `Name: value`, split and trimmed.
fn parse_header(header: &str) -> Result<(&str, &str), String> {
    header
        .split_once(':')
        .map(|(name, value)| (name.trim(), value.trim()))
        .ok_or_else(|| format!("--header `{header}` is not `Name: value`"))
}

/// Output piped into a command that stops reading (`wshake check … | head`) ends the
/// process quietly, as a Unix tool does on SIGPIPE (exit 141), instead of with a panic
/// message: Rust ignores SIGPIPE, so `println!` panics on the closed pipe.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
