//! `wshake serve` under overload: the pending-handshake limit (503 with `Retry-After`),
//! running out of file descriptors, and a graceful stop on SIGTERM. Each test runs its
//! own server process; every wait is bounded.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{Served, status_line};

/// Starts `wshake serve` on port 0 through `sh -c "PREFIX exec wshake serve …"` (so that a
/// `ulimit` applies to the server alone), stderr to `log`, and reads its first line.
fn serve(prefix: &str, extra: &[&str], log: &std::path::Path) -> Served {
    let script = format!("{prefix} exec \"$0\" serve --listen 127.0.0.1:0 \"$@\"");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_wshake"))
        .args(extra)
        .stderr(std::fs::File::create(log).unwrap());
    Served::spawn(command)
}

fn log_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("wshake-overload-{name}-{}.log", std::process::id()))
}

/// The request's head up to (not including) the blank line.
fn head_start(address: SocketAddr) -> String {
    format!(
        "GET /chat HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    )
}

const HEAD_END: &str = "Sec-WebSocket-Version: 13\r\n\r\n";

fn connect(address: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// A complete handshake on a new connection: its status line.
fn handshake(address: SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(format!("{}{HEAD_END}", head_start(address)).as_bytes())?;
    Ok(status_line(&mut stream))
}

#[test]
fn max_pending_answers_503_with_retry_after_and_serves_again_once_a_slot_frees() {
    let log = log_file("max-pending");
    // One thread, one accept loop: connections are admitted in the order they arrive
    // (with a listener per thread, each thread's queue is taken in its own order).
    let server = serve(
        "",
        &["--max-pending", "2", "--timeout", "10", "--threads", "1"],
        &log,
    );
    let address = server.address;
    // Two handshakes in progress: half a head each.
    let mut pending: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect(address);
            stream.write_all(head_start(address).as_bytes()).unwrap();
            stream
        })
        .collect();
    // Accepted after those two (one accept loop, in order): past the limit.
    let mut third = connect(address);
    third
        .write_all(format!("{}{HEAD_END}", head_start(address)).as_bytes())
        .unwrap();
    let mut answer = String::new();
    third.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{answer}"
    );
    assert!(answer.contains("\r\nRetry-After: 1\r\n"), "{answer}");
    assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");

    // One of the two completes: upgraded, it no longer counts.
    pending[0].write_all(HEAD_END.as_bytes()).unwrap();
    assert_eq!(
        status_line(&mut pending[0]),
        "HTTP/1.1 101 Switching Protocols"
    );
    // The slot is freed once the server's task has written the 101: a few tries at most.
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let status = handshake(address).unwrap();
        let upgraded = status == "HTTP/1.1 101 Switching Protocols";
        statuses.push(status);
        if upgraded {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("HTTP/1.1 101 Switching Protocols"),
        "{statuses:?}"
    );
    // Until then: a 503, or (while the few 503 writers are all busy) a plain close.
    assert!(
        statuses[..statuses.len() - 1]
            .iter()
            .all(|s| s.starts_with("HTTP/1.1 503") || s.is_empty()),
        "{statuses:?}"
    );
    drop(pending);
    let _ = std::fs::remove_file(log);
}

/// User plus system CPU time of `pid`, in clock ticks, from `/proc/PID/stat`.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn out_of_file_descriptors_the_accept_loop_neither_dies_nor_spins_and_serves_again() {
    let log = log_file("fds");
    // 64 descriptors, and a pending limit above them: the descriptors run out first.
    let server = serve(
        "ulimit -n 64 &&",
        &["--max-pending", "1000", "--timeout", "30"],
        &log,
    );
    let address = server.address;
    // 500 connections (the listen backlog holds those the server cannot accept), each
    // with half a head, so every accepted one stays pending.
    let clients: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut stream = connect(address);
            let _ = stream.write_all(head_start(address).as_bytes());
            stream
        })
        .collect();
    // Wait (bounded) until the server has run out and said so.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("accept failed")
    {
        assert!(
            Instant::now() < deadline,
            "no accept failure logged: {}",
            std::fs::read_to_string(&log).unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Out of descriptors for a second: alive, and not spinning on accept.
    let pid = server.child.id();
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1));
    let ticks = cpu_ticks(pid) - before;
    assert!(
        ticks < 30,
        "{ticks} ticks of CPU in one second while out of fds"
    );
    let mut server = server;
    assert!(server.child.try_wait().unwrap().is_none(), "server died");
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        log_text.matches("accept failed").count(),
        1,
        "one line per run of failures: {log_text}"
    );

    // The clients leave: descriptors free up, and a new handshake is served.
    drop(clients);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        match handshake(address) {
            Ok(status) if status == "HTTP/1.1 101 Switching Protocols" => {
                last = status;
                break;
            }
            Ok(status) => last = status,
            Err(error) => last = error.to_string(),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(last, "HTTP/1.1 101 Switching Protocols");
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("accepting again"),
        "recovery logged"
    );
    drop(server);
    let _ = std::fs::remove_file(log);
}

#[test]
#[cfg(unix)]
fn sigterm_stops_accepting_and_lets_a_handshake_in_progress_finish() {
    let log = log_file("sigterm");
    // One accept loop, so that the order below holds (see the test above).
    let mut server = serve("", &["--timeout", "10", "--threads", "1"], &log);
    let address = server.address;
    let mut in_progress = connect(address);
    in_progress
        .write_all(head_start(address).as_bytes())
        .unwrap();
    // A handshake accepted after it proves it was accepted too (one loop, in order).
    assert_eq!(
        handshake(address).unwrap(),
        "HTTP/1.1 101 Switching Protocols"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The listener closes: new connections are refused.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect_timeout(&address, Duration::from_secs(1)) {
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => break,
            _ => {
                assert!(Instant::now() < deadline, "still accepting after SIGTERM");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a handshake in progress"
    );
    // The handshake in progress still completes.
    in_progress.write_all(HEAD_END.as_bytes()).unwrap();
    assert_eq!(
        status_line(&mut in_progress),
        "HTTP/1.1 101 Switching Protocols"
    );
    // Then the server exits by itself, successfully.
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "no exit after the last handshake"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_file(log);
}
