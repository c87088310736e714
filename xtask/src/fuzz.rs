//! `cargo xtask fuzz [TARGET] [--time SECS] [--smoke]`: the cargo-fuzz targets on nightly;
//! `--minimize` shrinks each target's corpus to the inputs that add coverage (`cargo fuzz
//! cmin`), `--coverage` prints the lines each target's corpus covers, file by file
//! (`cargo fuzz coverage` and `llvm-cov report`, llvm-tools from rustup).

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
    let mut minimize = false;
    let mut coverage = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--minimize" => minimize = true,
            "--coverage" => coverage = true,
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
    if minimize || coverage {
        for target in targets {
            if minimize {
                step(&format!("fuzz: minimize the {target} corpus"), || {
                    cargo_fuzz(&["cmin", target])
                })?;
            }
            if coverage {
                step(&format!("fuzz: coverage of the {target} corpus"), || {
                    report_coverage(target)
                })?;
            }
        }
        return Ok(());
    }
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

fn cargo_fuzz(args: &[&str]) -> Result<(), String> {
    status(
        Command::new("cargo")
            .args(["+nightly", "fuzz"])
            .args(args)
            .current_dir(root()),
    )
}

/// Runs the target over its corpus with coverage instrumentation and prints, for each of
/// wshake's source files it reaches, the lines covered.
fn report_coverage(target: &str) -> Result<(), String> {
    status(Command::new("rustup").args([
        "component",
        "add",
        "--toolchain",
        "nightly",
        "llvm-tools-preview",
    ]))?;
    // One line per input: kept quiet unless it fails.
    let run = Command::new("cargo")
        .args(["+nightly", "fuzz", "coverage", target])
        .current_dir(root())
        .output()
        .map_err(|e| e.to_string())?;
    if !run.status.success() {
        return Err(format!(
            "cargo fuzz coverage {target}: {}",
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let sysroot = Command::new("rustc")
        .args(["+nightly", "--print", "sysroot"])
        .output()
        .map_err(|e| e.to_string())?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let host = Command::new("rustc")
        .args(["+nightly", "-vV"])
        .output()
        .map_err(|e| e.to_string())?;
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .ok_or("no host triple from rustc -vV")?;
    let llvm_cov = Path::new(&sysroot).join(format!("lib/rustlib/{host}/bin/llvm-cov"));
    let binary = root().join(format!("target/{host}/coverage/{host}/release/{target}"));
    let profile = root().join(format!("fuzz/coverage/{target}/coverage.profdata"));
    status(
        Command::new(llvm_cov)
            .arg("report")
            .arg(binary)
            .arg(format!("-instr-profile={}", profile.display()))
            .arg("-ignore-filename-regex=(\\.cargo|rustc|/fuzz/)")
            .current_dir(root()),
    )
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
