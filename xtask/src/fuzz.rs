//! `cargo xtask fuzz [TARGET] [--time SECS] [--smoke]`: the cargo-fuzz targets on nightly.

use std::path::Path;
use std::process::Command;

use crate::run::{root, status, step};

/// Every target in `fuzz/fuzz_targets/`.
pub(crate) const TARGETS: [&str; 8] = [
    "server_request",
    "client_response",
    "key_and_accept",
    "extensions",
    "roundtrip",
    "http_request",
    "http2_request",
    "server_fields",
];

/// Seconds per target in a smoke run.
const SMOKE_SECONDS: u64 = 30;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut targets: Vec<&str> = Vec::new();
    let mut seconds = None;
    let mut smoke = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--time" => {
                let value = args.next().ok_or("--time needs a number of seconds")?;
                seconds = Some(
                    value
                        .parse::<u64>()
                        .map_err(|e| format!("--time {value}: {e}"))?,
                );
            }
            target if TARGETS.contains(&target) => targets.push(target),
            other => {
                return Err(format!(
                    "unknown fuzz argument `{other}` (targets: {})",
                    TARGETS.join(", ")
                ));
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let seconds = seconds.unwrap_or(if smoke { SMOKE_SECONDS } else { 600 });
    step("fuzz: install cargo-fuzz", ensure_cargo_fuzz)?;
    step("fuzz: build", || {
        status(
            Command::new("cargo")
                .args(["+nightly", "fuzz", "build"])
                .current_dir(root()),
        )
    })?;
    for target in targets {
        step(&format!("fuzz: {target} for {seconds}s"), || {
            fuzz(target, seconds, smoke)
        })?;
    }
    Ok(())
}

/// Installs cargo-fuzz from crates.io when it is missing.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if installed {
        return Ok(());
    }
    status(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

/// Runs one target. A smoke run writes new inputs to a scratch folder (the committed
/// corpus stays as it is); a long run adds them to `fuzz/corpus/<target>`.
fn fuzz(target: &str, seconds: u64, smoke: bool) -> Result<(), String> {
    let root = root();
    let corpus = root.join("fuzz/corpus").join(target);
    let scratch = root.join("target/fuzz-smoke").join(target);
    let first = if smoke { &scratch } else { &corpus };
    std::fs::create_dir_all(first).map_err(|e| format!("{}: {e}", first.display()))?;
    let mut command = Command::new("cargo");
    command
        .args(["+nightly", "fuzz", "run", target])
        .arg(first)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-dict={}", Path::new("fuzz/wshake.dict").display()))
        .arg("-print_final_stats=1")
        .current_dir(&root);
    status(&mut command)
}
