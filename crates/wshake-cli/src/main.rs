//! `wshake`: the WebSocket opening handshake from the command line.
//!
//! ```text
//! $ wshake accept dGhlIHNhbXBsZSBub25jZQ==
//! s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//! ```

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wshake_accept::{Accept, Key};

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
}

fn main() -> ExitCode {
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
    }
}
