//! What the CLI tests share: the `wshake` binary, and a server it runs, read up to its
//! first line (`listening on ws://IP:PORT/`) and stopped when dropped.

// Each test file uses part of it.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The `wshake` binary under test.
pub(crate) fn wshake() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wshake"))
}

/// A running server and where it listens; killed when dropped.
pub(crate) struct Served {
    pub(crate) child: Child,
    /// `ws://IP:PORT/` or `wss://IP:PORT/`, as its first line said.
    pub(crate) url: String,
    pub(crate) address: SocketAddr,
}

impl Served {
    /// Spawns `command` (its stderr already chosen) and reads its first line.
    pub(crate) fn spawn(mut command: Command) -> Self {
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_string();
        let address = url
            .split_once("://")
            .and_then(|(_, rest)| rest.strip_suffix('/'))
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        Self {
            child,
            url,
            address,
        }
    }

    /// `wshake serve --listen 127.0.0.1:0 EXTRA…`, its log to `stderr`.
    pub(crate) fn serve(extra: &[&str], stderr: impl Into<Stdio>) -> Self {
        let mut command = wshake();
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stderr(stderr);
        Self::spawn(command)
    }

    pub(crate) fn port(&self) -> u16 {
        self.address.port()
    }

    /// SIGTERM, then the exit status (within 30 s): a graceful stop, the log written out.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "no exit within 30 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A response head's status line, read (a byte at a time, at most 4 KiB) up to the blank
/// line; empty when the connection ends first.
pub(crate) fn status_line(stream: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
