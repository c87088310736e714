//! `wshake serve`'s runtime layouts (`--threads`, `--shared-runtime`) and its log: every
//! layout serves and stops on SIGTERM, a thread per core means a listener per thread, and
//! access lines reach a log file while the server runs. Every wait is bounded.

use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

mod common;

use common::{Served, status_line};

/// `wshake serve --listen 127.0.0.1:0 EXTRA…`, stderr to `log`.
fn start(extra: &[&str], log: &std::path::Path) -> Served {
    Served::serve(extra, std::fs::File::create(log).unwrap())
}

fn log_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("wshake-threads-{name}-{}.log", std::process::id()))
}

/// One handshake on a new connection: the status line.
fn handshake(address: SocketAddr) -> String {
    let mut socket = TcpStream::connect(address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        socket,
        "GET /chat HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    status_line(&mut socket)
}

/// Sockets listening on `port` on 127.0.0.1, from `/proc/net/tcp` (state 0A).
#[cfg(target_os = "linux")]
fn listeners_on(port: u16) -> usize {
    let local = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap()
        .lines()
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1) == Some(&local.as_str()) && fields.get(3) == Some(&"0A")
        })
        .count()
}

#[test]
#[cfg(unix)]
fn every_runtime_layout_serves_and_stops_on_sigterm() {
    for layout in [
        &[][..],
        &["--threads", "1"],
        &["--threads", "3"],
        &["--shared-runtime", "--threads", "2"],
    ] {
        let log = log_file("layouts");
        let mut server = start(layout, &log);
        for _ in 0..60 {
            assert_eq!(
                handshake(server.address),
                "HTTP/1.1 101 Switching Protocols",
                "{layout:?}"
            );
        }
        let status = server.terminate();
        assert!(status.success(), "{layout:?}: {status:?}");
        let _ = std::fs::remove_file(log);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_thread_per_core_is_a_listener_per_thread_and_one_when_shared() {
    for (layout, listeners) in [
        (&["--threads", "3"][..], 3),
        (&["--threads", "1"], 1),
        (&["--shared-runtime", "--threads", "3"], 1),
    ] {
        let log = log_file("listeners");
        let server = start(layout, &log);
        // The other threads bind right after the first line is printed.
        let deadline = Instant::now() + Duration::from_secs(10);
        while listeners_on(server.address.port()) < listeners {
            assert!(
                Instant::now() < deadline,
                "{layout:?}: fewer than {listeners}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Handshakes land on every listener the kernel picks, and all are answered.
        for _ in 0..30 {
            assert_eq!(
                handshake(server.address),
                "HTTP/1.1 101 Switching Protocols"
            );
        }
        assert_eq!(listeners_on(server.address.port()), listeners, "{layout:?}");
        drop(server);
        let _ = std::fs::remove_file(log);
    }
}

#[test]
fn access_lines_reach_a_log_file_while_the_server_runs() {
    let log = log_file("access");
    let mut server = start(&[], &log);
    assert_eq!(
        handshake(server.address),
        "HTTP/1.1 101 Switching Protocols"
    );
    // Batched off a terminal, written within the batch delay (50 ms), not at exit.
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let text = std::fs::read_to_string(&log).unwrap();
        if let Some(line) = text.lines().find(|l| l.contains("handshake accepted")) {
            break line.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no access line while serving: {text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // `2026-12-02T06:26:50.800995Z  INFO handshake accepted peer=127.0.0.1:44422
    // path=/chat http="HTTP/1.1" outcome="101" protocol="-"`, as tracing writes its lines.
    let (stamp, rest) = line.split_once("  INFO ").unwrap();
    assert_eq!(stamp.len(), 27, "{line}");
    assert!(
        stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
        "{line}"
    );
    assert!(
        rest.starts_with("handshake accepted peer=127.0.0.1:")
            && rest.ends_with(r#" path=/chat http="HTTP/1.1" outcome="101" protocol="-""#),
        "{line}"
    );
    // Written while serving, not by the exit.
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server exited"
    );
    drop(server);
    let _ = std::fs::remove_file(log);
}

#[test]
#[cfg(target_os = "linux")]
fn a_port_another_server_holds_is_refused_though_listeners_share_ports() {
    let log = log_file("port-in-use");
    let first = start(&["--threads", "2"], &log);
    let second = common::wshake()
        .args(["serve", "--threads", "2", "--listen"])
        .arg(first.address.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(String::from_utf8_lossy(&second.stdout).is_empty());
    drop(first);
    let _ = std::fs::remove_file(log);
}

#[test]
#[cfg(unix)]
fn sigterm_right_after_the_first_line_stops_the_server_cleanly() {
    for _ in 0..10 {
        let log = log_file("early-sigterm");
        let mut server = start(&[], &log);
        let status = server.terminate();
        assert!(status.success(), "{status:?}");
        let _ = std::fs::remove_file(log);
    }
}
