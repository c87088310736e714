//! The load of `cargo xtask bench e2e-peers` (issue 16): `--connections` loops, each doing
//! connect → a Chromium-shaped request → read the 101 → a masked close → drop, for
//! `--warmup` then `--seconds` seconds, against one server. Prints one JSON line: the
//! handshakes completed in the measured window, their rate, latency percentiles, and the
//! server's CPU time over the same window (from `/proc/PID/stat`, user and system apart)
//! per handshake.
//!
//! ```sh
//! cargo run --release -p wshake-benches --example e2e_load -- 127.0.0.1:9001 --pid PID
//! ```
//!
//! Plain threads and blocking sockets: the load generator shares the machine's cores with
//! the server, so it does as little as it can per handshake (no runtime, no parsing beyond
//! finding the end of the head).

// Counts and rates: far below 2^52, where f64 is exact.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use clap::Parser;

/// Handshakes against one server, as fast as `--connections` loops go.
#[derive(Debug, Parser)]
struct Args {
    /// The server's address.
    address: SocketAddr,
    /// Concurrent loops.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Seconds of load before the measured window.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Seconds measured.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// The server's process id, to read its CPU time.
    #[arg(long)]
    pid: Option<u32>,
    /// Instead of the load: open this many connections, upgrade them and hold them idle,
    /// and report the server's resident memory per connection (needs `--pid`; start the
    /// server fresh: memory freed by earlier connections would hide the cost).
    #[arg(long, value_name = "N", conflicts_with = "pending")]
    idle: Option<usize>,
    /// Instead of the load: open this many connections that send the request's first two
    /// lines and stop, and report the server's resident memory per pending handshake.
    #[arg(long, value_name = "N")]
    pending: Option<usize>,
}

/// The most handshakes one loop does, whatever the clock says (a bound on every loop).
const MAX_PER_LOOP: usize = 5_000_000;

fn main() {
    let args = Args::parse();
    let request = request(args.address);
    if let Some(count) = args.idle.or(args.pending) {
        return memory(&args, &request, count);
    }
    let start = Instant::now();
    let window_start = start + Duration::from_secs_f64(args.warmup);
    let window_end = window_start + Duration::from_secs_f64(args.seconds);
    let loops: Vec<_> = (0..args.connections)
        .map(|_| {
            let request = request.clone();
            std::thread::spawn(move || one_loop(args.address, &request, window_start, window_end))
        })
        .collect();
    std::thread::sleep(window_start.saturating_duration_since(Instant::now()));
    let cpu_before = args.pid.map(cpu_ticks);
    std::thread::sleep(window_end.saturating_duration_since(Instant::now()));
    let cpu_after = args.pid.map(cpu_ticks);
    let mut latencies = Vec::new();
    let mut failures = 0u64;
    let mut handshakes = 0usize;
    for handle in loops {
        let mut measured = handle.join().expect("a load loop panicked");
        latencies.append(&mut measured.latencies);
        failures += measured.failures;
        handshakes += measured.completed;
    }
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let per = |ticks: u64| {
        // Clock ticks (USER_HZ, 100 on Linux) to microseconds per handshake.
        ticks as f64 * 10_000.0 / handshakes.max(1) as f64
    };
    let (user, system) = match (cpu_before, cpu_after) {
        (Some((u0, s0)), Some((u1, s1))) => (per(u1 - u0), per(s1 - s0)),
        _ => (f64::NAN, f64::NAN),
    };
    println!(
        "{{\"handshakes\":{handshakes},\"per_second\":{:.0},\"p50_us\":{},\"p99_us\":{},\"user_us\":{user:.1},\"system_us\":{system:.1},\"failures\":{failures}}}",
        handshakes as f64 / args.seconds,
        percentile(0.50),
        percentile(0.99),
    );
}

/// The captured Chromium request (no subprotocol offered, so every server answers the
/// same way), its `Host` and `Origin` the server's address: 499 bytes for a 15-byte
/// address.
fn request(address: SocketAddr) -> Vec<u8> {
    format!(
        "GET /chat HTTP/1.1\r\n\
         Host: {address}\r\n\
         Connection: Upgrade\r\n\
         Pragma: no-cache\r\n\
         Cache-Control: no-cache\r\n\
         User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36\r\n\
         Upgrade: websocket\r\n\
         Origin: http://{address}\r\n\
         Sec-WebSocket-Version: 13\r\n\
         Accept-Encoding: gzip, deflate, br, zstd\r\n\
         Accept-Language: en-US,en;q=0.9\r\n\
         Sec-WebSocket-Key: IIEITT8hVP1Nasro5+QsDg==\r\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
         \r\n"
    )
    .into_bytes()
}

/// One loop until `end`: the latencies (µs) of the handshakes that completed inside the
/// window, and how many attempts failed (anything but a 101, or an I/O error).
fn one_loop(address: SocketAddr, request: &[u8], start: Instant, end: Instant) -> Loop {
    // A close frame from the client: FIN + close, masked, 2 bytes of payload (1000).
    const MASK: [u8; 4] = [0x12, 0x34, 0x56, 0x78];
    let close = [
        0x88,
        0x82,
        MASK[0],
        MASK[1],
        MASK[2],
        MASK[3],
        0x03 ^ MASK[0],
        0xE8 ^ MASK[1],
    ];
    let mut latencies = Vec::with_capacity(100_000);
    let mut completed = 0;
    let mut failures = 0;
    let mut response = [0u8; 1024];
    for _ in 0..MAX_PER_LOOP {
        let began = Instant::now();
        if began >= end {
            break;
        }
        let ok = (|| -> std::io::Result<bool> {
            let mut socket = TcpStream::connect(address)?;
            socket.set_nodelay(true)?;
            socket.set_read_timeout(Some(Duration::from_secs(5)))?;
            socket.write_all(request)?;
            let switched = read_101(&mut socket, &mut response)?;
            socket.write_all(&close)?;
            Ok(switched)
        })();
        let done = Instant::now();
        if matches!(ok, Ok(true)) {
            // Every handshake that ends in the window counts for the rate and the CPU per
            // handshake (the CPU was measured over the window); latencies only from those
            // that also began in it.
            if done >= start && done <= end {
                completed += 1;
                if began >= start {
                    latencies.push(
                        u32::try_from(done.duration_since(began).as_micros()).unwrap_or(u32::MAX),
                    );
                }
            }
        } else if done >= start && done <= end {
            failures += 1;
        }
    }
    Loop {
        completed,
        latencies,
        failures,
    }
}

/// Reads a response head into `buffer`: whether it is a 101 (false when it does not end
/// within the buffer or the connection ends first).
fn read_101(socket: &mut TcpStream, buffer: &mut [u8]) -> std::io::Result<bool> {
    let mut filled = 0;
    while !buffer[..filled].windows(4).any(|w| w == b"\r\n\r\n") {
        if filled == buffer.len() {
            return Ok(false);
        }
        let read = socket.read(&mut buffer[filled..])?;
        if read == 0 {
            return Ok(false);
        }
        filled += read;
    }
    Ok(buffer[..filled].starts_with(b"HTTP/1.1 101 "))
}

/// What one loop saw inside the measured window.
struct Loop {
    /// Handshakes that ended in the window.
    completed: usize,
    /// Latencies (µs) of those that also began in it.
    latencies: Vec<u32>,
    /// Attempts that ended in the window without a 101.
    failures: u64,
}

/// `--idle` or `--pending`: the server's resident memory per connection held.
fn memory(args: &Args, request: &[u8], count: usize) {
    let pid = args.pid.expect("--idle and --pending need --pid");
    // The request's first lines: a handshake the server must wait on.
    let partial = &request[..request
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"\r\n")
        .nth(1)
        .map_or(request.len(), |(i, _)| i + 2)];
    let settle = || std::thread::sleep(Duration::from_millis(500));
    settle();
    let before = resident_bytes(pid);
    let mut held = Vec::with_capacity(count);
    let mut response = [0u8; 1024];
    for _ in 0..count {
        let Ok(mut socket) = TcpStream::connect(args.address) else {
            continue;
        };
        let _ = socket.set_read_timeout(Some(Duration::from_secs(5)));
        if args.idle.is_some() {
            if socket.write_all(request).is_err()
                || !matches!(read_101(&mut socket, &mut response), Ok(true))
            {
                continue;
            }
        } else if socket.write_all(partial).is_err() {
            continue;
        }
        held.push(socket);
    }
    settle();
    let after = resident_bytes(pid);
    // Only connections the server still holds count: one it refused (a 503 past its
    // limit) or closed has sent something or ended.
    held.retain(|socket| {
        let _ = socket.set_nonblocking(true);
        matches!(
            socket.peek(&mut [0u8; 1]),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock
        )
    });
    let kind = if args.idle.is_some() {
        "idle"
    } else {
        "pending"
    };
    println!(
        "{{\"{kind}\":{},\"bytes_each\":{:.0}}}",
        held.len(),
        (after.saturating_sub(before)) as f64 / held.len().max(1) as f64
    );
}

/// The process's resident memory, from `/proc/PID/statm` (pages of 4 KiB, as on this
/// machine's `x86_64` kernel).
fn resident_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// The process's user and system CPU time so far, in clock ticks.
fn cpu_ticks(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let field = |i: usize| fields.get(i).and_then(|f| f.parse().ok()).unwrap_or(0);
    (field(11), field(12))
}
