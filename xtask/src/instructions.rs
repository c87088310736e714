//! `cargo xtask bench --check | --bless | --counts`: instructions per handshake under
//! callgrind, which load and noise cannot move, against the baseline committed in
//! `benches/instructions-baseline.txt`. `--check` (part of `cargo xtask ci`) fails when a
//! scenario grows by more than 3%; `--bless` writes the baseline anew.

use std::fmt::Write as _;
use std::process::Command;

use crate::run::root;

/// The gated scenarios of `benches/examples/instructions.rs`, each with how many rounds
/// are counted (the count for that many minus the count for none, divided).
const SCENARIOS: [(&str, usize); 9] = [
    ("server", 200),
    ("server-policies", 200),
    ("client", 200),
    ("accept", 200),
    ("trickle", 3),
    ("http1-types", 200),
    ("http2-types", 200),
    ("tokio-duplex", 100),
    ("axum-duplex-wshake", 100),
];

/// Growth past this fails `--check`.
const TOLERANCE: f64 = 0.03;

const BASELINE: &str = "benches/instructions-baseline.txt";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Counts,
    Check,
    Bless,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mode = match args.first().map(String::as_str) {
        Some("--check") => Mode::Check,
        Some("--bless") => Mode::Bless,
        Some("--counts") => Mode::Counts,
        other => return Err(format!("unknown bench option {other:?}")),
    };
    crate::peers::ensure_apt(&[("valgrind", "valgrind")])?;
    crate::run::build_bench_examples(&["instructions"])?;
    let counts = SCENARIOS
        .iter()
        .map(|&(scenario, rounds)| Ok((scenario, per_round(scenario, rounds)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let path = root().join(BASELINE);
    if mode == Mode::Bless {
        let mut text = format!(
            "# Instructions per handshake under callgrind: `cargo xtask bench --bless`, {}.\n\
             # `cargo xtask bench --check` fails when a scenario grows by more than 3%.\n",
            rustc_version()
        );
        for (scenario, count) in &counts {
            let _ = writeln!(text, "{scenario} {count}");
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {BASELINE}");
        return Ok(());
    }
    let baseline = std::fs::read_to_string(&path).unwrap_or_default();
    let recorded = |scenario: &str| {
        baseline.lines().find_map(|line| {
            let (name, count) = line.split_once(' ')?;
            (name == scenario).then(|| count.trim().parse::<u64>().ok())?
        })
    };
    let mut grown = Vec::new();
    println!(
        "{:<20} {:>10} {:>10} {:>8}",
        "scenario", "baseline", "now", "change"
    );
    for (scenario, count) in &counts {
        let Some(before) = recorded(scenario) else {
            println!("{scenario:<20} {:>10} {count:>10}", "-");
            grown.push(format!("{scenario}: not in {BASELINE}"));
            continue;
        };
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let change = (*count as f64 - before as f64) / before as f64;
        println!(
            "{scenario:<20} {before:>10} {count:>10} {:>+7.1}%",
            change * 100.0
        );
        if change > TOLERANCE {
            grown.push(format!("{scenario}: {before} -> {count}"));
        }
    }
    if mode == Mode::Check && !grown.is_empty() {
        return Err(format!(
            "instructions per handshake grew more than {}% ({}); if intended, `cargo xtask bench --bless` and commit {BASELINE}",
            TOLERANCE * 100.0,
            grown.join(", ")
        ));
    }
    Ok(())
}

/// Instructions per round of `scenario`: its count for `rounds` minus its count for 0.
pub(crate) fn per_round(scenario: &str, rounds: usize) -> Result<u64, String> {
    let none = collected(scenario, 0)?;
    let some = collected(scenario, rounds)?;
    let rounds = u64::try_from(rounds).unwrap_or(u64::MAX);
    Ok(some.saturating_sub(none) / rounds)
}

/// The instructions callgrind collected for one run of the scenario.
fn collected(scenario: &str, rounds: usize) -> Result<u64, String> {
    let binary = root().join("target/release/examples/instructions");
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&binary)
        .args([scenario, &rounds.to_string()])
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "scenario {scenario} failed under valgrind:\n{stderr}"
        ));
    }
    stderr
        .lines()
        .find_map(|line| line.split("Collected : ").nth(1))
        .and_then(|count| count.trim().parse().ok())
        .ok_or_else(|| format!("no count from callgrind for {scenario}:\n{stderr}"))
}

fn rustc_version() -> String {
    Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map_or_else(
            || "rustc (version unknown)".into(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )
}
