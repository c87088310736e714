//! Running commands and timing steps.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The workspace root (xtask lives one level below it).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A `cargo` command run from the workspace root.
pub(crate) fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args).current_dir(root());
    command
}

/// Runs a command to completion, failing on a non-zero exit.
pub(crate) fn status(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|error| format!("could not start {shown}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Builds `wshake` in release (the server measured end to end).
pub(crate) fn build_release_cli() -> Result<(), String> {
    status(&mut cargo(&[
        "build",
        "--release",
        "-q",
        "-p",
        "wshake-cli",
    ]))
}

/// Builds these examples of wshake-benches in release (the measuring programs).
pub(crate) fn build_bench_examples(examples: &[&str]) -> Result<(), String> {
    let mut command = cargo(&["build", "--release", "-q", "-p", "wshake-benches"]);
    for example in examples {
        command.args(["--example", example]);
    }
    status(&mut command)
}

/// Runs one named step and prints its duration, whatever the outcome.
pub(crate) fn step<T>(name: &str, body: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    println!("==> {name}");
    let started = Instant::now();
    let result = body();
    let verdict = if result.is_ok() { "ok" } else { "FAILED" };
    println!(
        "==> {name}: {verdict} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    result.map_err(|error| format!("step `{name}`: {error}"))
}

/// `cargo xtask bench [NAME]`: runs the criterion benches (all, or one).
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let mut command = cargo(&["bench", "-p", "wshake-benches"]);
    if let Some(name) = args.first() {
        command.args(["--bench", name]);
    }
    status(&mut command)
}

/// `cargo xtask load`: the load example, with the open-file limit raised for its sockets.
pub(crate) fn load() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    status(
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -n 65536 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec \"{cargo}\" run --release -q -p wshake-benches --example load"
            ))
            .current_dir(root()),
    )
}

/// Sums the `test result:` lines of libtest output while passing it through.
#[derive(Debug, Default)]
pub(crate) struct TestTally {
    /// Tests that passed, over every test binary run so far.
    pub(crate) passed: u64,
    /// Tests that failed.
    pub(crate) failed: u64,
}

impl TestTally {
    /// Runs a test command, echoing its stdout and counting its results.
    pub(crate) fn run(&mut self, command: &mut Command) -> Result<(), String> {
        let shown = format!("{command:?}");
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("could not start {shown}: {error}"))?;
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("{line}");
                self.count(&line);
            }
        }
        let status = child
            .wait()
            .map_err(|error| format!("{shown} did not finish: {error}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{shown} failed with {status}"))
        }
    }

    fn count(&mut self, line: &str) {
        // "test result: ok. 13 passed; 0 failed; 0 ignored; ..."
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            if let (Some(number), Some(what)) = (words.next(), words.next()) {
                let Ok(number) = number.parse::<u64>() else {
                    continue;
                };
                match what {
                    "passed" => self.passed += number,
                    "failed" => self.failed += number,
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TestTally;

    #[test]
    fn tally_reads_libtest_summaries() {
        let mut tally = TestTally::default();
        tally.count("test result: ok. 13 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        tally.count(
            "test result: FAILED. 2 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        tally.count("test something ... ok");
        assert_eq!((tally.passed, tally.failed), (15, 3));
    }
}
