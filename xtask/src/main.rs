//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask ci`: every check CI runs, in order, failing fast, one timed line per step.
//! - `cargo xtask fuzz [TARGET] [--time SECS] [--smoke]`: the cargo-fuzz targets.
//! - `cargo xtask interop [--write-docs]`: wshake against real peers, both directions.
//! - `cargo xtask examples`: every README and crate-doc example built as a user pastes it.
//! - `cargo xtask bench [NAME]`: the criterion benches; `bench --check | --bless |
//!   --counts`: instructions per handshake under callgrind against the committed baseline;
//!   `bench e2e-peers`: handshakes end to end against echo servers on other libraries;
//!   `bench --curves`: cost against size, headers, feed size and connections, as SVG.
//! - `cargo xtask load`: 5,000 concurrent handshakes and 1,000 slow clients on loopback.

mod ci;
mod clients;
mod curves;
mod deflate;
mod deps;
mod e2e_peers;
mod examples;
mod fuzz;
mod http2;
mod instructions;
mod interop;
mod msrv;
mod nginx;
mod peers;
mod run;
mod stacks;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "ci" => ci::run(rest),
        "bench" if rest.first().is_some_and(|a| a == "e2e-peers") => e2e_peers::run(&rest[1..]),
        "bench" if rest.first().is_some_and(|a| a == "--curves") => curves::run(),
        "bench" if rest.first().is_some_and(|a| a.starts_with("--")) => instructions::run(rest),
        "bench" => run::bench(rest),
        "fuzz" => fuzz::run(rest),
        "interop" => interop::run(rest),
        "examples" => examples::run(),
        "load" => run::load(),
        "help" | "--help" | "-h" => {
            println!(
                "usage: cargo xtask <ci | examples | fuzz [TARGET] [--time SECS] [--smoke] | interop [--write-docs] | bench [NAME] | bench --check|--bless|--counts | bench e2e-peers [--rounds N] [--seconds S] | bench --curves | load>"
            );
            Ok(())
        }
        other => Err(format!(
            "unknown xtask command `{other}` (try `cargo xtask help`)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
