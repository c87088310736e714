//! Real peers for the interop matrix and the tests, installed by the project itself into
//! `target/peers/` (Python `websockets`, `wsproto` and `hypercorn`, Node `ws`) and, when running as
//! root, from Debian's packages (`chromium`, `tinyproxy`).

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::run::{root, status};

pub(crate) fn python() -> PathBuf {
    root().join("target/peers/py/bin/python")
}

pub(crate) fn node_modules() -> PathBuf {
    root().join("target/peers/node/node_modules")
}

pub(crate) fn scripts() -> PathBuf {
    root().join("xtask/peers")
}

/// Installs Debian packages that provide these commands, if any is missing.
pub(crate) fn ensure_apt(packages: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(command, _)| !on_path(command))
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        return Err(format!(
            "missing {} and not root: install them with apt-get",
            missing.join(", ")
        ));
    }
    status(Command::new("apt-get").arg("update").arg("-q"))?;
    status(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

pub(crate) fn on_path(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The Python venv with `websockets` and `wsproto`, and Node `ws`.
pub(crate) fn ensure_language_peers() -> Result<(), String> {
    let venv = root().join("target/peers/py");
    let ready = Command::new(python())
        .args(["-c", "import websockets, wsproto, hypercorn"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        status(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        status(Command::new(python()).args([
            "-m",
            "pip",
            "install",
            "-q",
            "websockets>=15",
            "wsproto>=1.2",
            "hypercorn>=0.17",
        ]))?;
    }
    if !node_modules().join("ws").exists() {
        status(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(root().join("target/peers/node"))
                .arg("ws@8"),
        )?;
    }
    Ok(())
}

/// A child process killed when dropped.
pub(crate) struct Running {
    child: Child,
    /// The first line it printed (a port, a URL).
    pub(crate) first_line: String,
}

impl Running {
    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a long-running peer and waits (bounded) for its first line of output.
pub(crate) fn start(command: Command) -> Result<Running, String> {
    start_logging(command, None)
}

/// [`start`], its standard error written to `log` when given (a server's log, to read
/// what it saw).
pub(crate) fn start_logging(
    mut command: Command,
    log: Option<&std::path::Path>,
) -> Result<Running, String> {
    let shown = format!("{command:?}");
    let stderr = match log {
        Some(path) => Stdio::from(std::fs::File::create(path).map_err(|e| e.to_string())?),
        None => Stdio::null(),
    };
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("{shown}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let mut running = Running {
        child,
        first_line: String::new(),
    };
    let line = receiver
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| format!("{shown} printed nothing within 20 s"))?;
    running.first_line = line.trim().to_string();
    if running.first_line.is_empty() {
        return Err(format!("{shown} exited before printing"));
    }
    Ok(running)
}

/// Runs a command to completion within `limit`; returns its stdout, or why it failed.
pub(crate) fn run_bounded(mut command: Command, limit: Duration) -> Result<String, String> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{shown}: {e}"))?;
    let started = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().map_err(|e| e.to_string())? {
            let output = child.wait_with_output().map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
            return if exit.success() {
                Ok(stdout)
            } else {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr.lines().last().unwrap_or("").trim();
                Err(format!("{exit}: {stdout} {last}").trim().to_string())
            };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no result within {}s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
