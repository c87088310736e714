//! Load on loopback (run with `cargo xtask load`, which raises the fd limit): not a timed
//! test, a measurement.
//!
//! 1. Fresh handshakes' latency with the server idle, then again while 1,000 connections
//!    trickle their request one byte per second; every trickler must be cut at the
//!    handshake timeout. Reports p50/p99 both ways and the resident memory each pending
//!    handshake costs the server (the tricklers run in a child process; kernel socket
//!    buffers are not resident memory).
//! 2. 5,000 clients handshake concurrently with one wshake server; all must succeed.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::too_many_lines,
    reason = "a measurement script: counts to floats for reporting, one main telling the story"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};
use wshake_proto::Key;
use wshake_proto::client::{ClientConfig, Target};
use wshake_proto::server::ServerConfig;
use wshake_tokio::Options;

const CONCURRENT: usize = 5_000;
const TRICKLERS: usize = 1_000;
const FRESH: usize = 2_000;
const TIMEOUT: Duration = Duration::from_secs(8);
/// Goal for the server's resident memory per pending handshake.
const MAX_KIB_PER_PENDING: f64 = 4.0;
/// Runs this example as the trickler process.
const TRICKLER_ARG: &str = "--tricklers";

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Where every client of the run connects.
fn target(address: std::net::SocketAddr) -> Target {
    Target::new(&address.to_string(), "/").expect("a loopback address is a valid Host")
}

async fn handshake(
    address: std::net::SocketAddr,
    config: Arc<ClientConfig>,
    n: u64,
) -> Result<Duration, String> {
    let started = Instant::now();
    let socket = TcpStream::connect(address)
        .await
        .map_err(|e| e.to_string())?;
    let _ = socket.set_nodelay(true);
    let mut nonce = [0u8; 16];
    nonce[..8].copy_from_slice(&n.to_le_bytes());
    let (_, upgraded) = wshake_tokio::handshake(
        socket,
        config,
        target(address),
        Key::from_nonce(nonce),
        &Options::default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    drop(upgraded);
    Ok(elapsed)
}

/// The child process: 1,000 connections trickling a request one byte a second. Prints
/// `connected` once all are connected, then, when all have ended, how many milliseconds
/// after connecting each was cut (a trickler that was never cut prints nothing).
async fn tricklers(address: std::net::SocketAddr) {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    let (connected_tx, mut connected_rx) = tokio::sync::mpsc::channel::<()>(TRICKLERS);
    let tasks: Vec<_> = (0..TRICKLERS)
        .map(|i| {
            let request = request.clone().into_bytes();
            let connected_tx = connected_tx.clone();
            tokio::spawn(async move {
                // Each trickler keeps its own pace, as independent slow clients do: their
                // starts spread over the first second instead of all bytes landing at once.
                tokio::time::sleep(Duration::from_secs(1) * i as u32 / TRICKLERS as u32).await;
                let mut socket = TcpStream::connect(address).await.ok()?;
                let connected = Instant::now();
                let _ = connected_tx.send(()).await;
                for byte in request {
                    if socket.write_all(&[byte]).await.is_err() {
                        break;
                    }
                    // One byte a second, until the server cuts the connection.
                    let mut probe = [0u8; 256];
                    match tokio::time::timeout(Duration::from_secs(1), socket.read(&mut probe))
                        .await
                    {
                        Ok(Ok(0) | Err(_)) => return Some(connected.elapsed()),
                        Ok(Ok(_)) => {
                            // The 408: read to the close.
                            let mut rest = Vec::new();
                            let _ = socket.read_to_end(&mut rest).await;
                            return Some(connected.elapsed());
                        }
                        Err(_) => {}
                    }
                }
                None
            })
        })
        .collect();
    drop(connected_tx);
    for _ in 0..TRICKLERS {
        if connected_rx.recv().await.is_none() {
            break;
        }
    }
    println!("connected");
    let mut cut = Vec::new();
    for task in tasks {
        if let Ok(Some(after)) = task.await {
            cut.push(after.as_millis().to_string());
        }
    }
    println!("{}", cut.join(" "));
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn fresh_latencies(
    address: std::net::SocketAddr,
    config: &Arc<ClientConfig>,
    base: u64,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(FRESH);
    // Ten clients at a time, a batch every 10 ms: latency, not throughput, is measured,
    // and the samples span a few seconds, so whatever the tricklers do each second is
    // sampled in proportion rather than by luck.
    let mut pace = tokio::time::interval(Duration::from_millis(10));
    for batch in 0..FRESH / 10 {
        pace.tick().await;
        let tasks: Vec<_> = (0..10)
            .map(|i| {
                let config = Arc::clone(config);
                tokio::spawn(handshake(address, config, base + (batch * 10 + i) as u64))
            })
            .collect();
        for task in tasks {
            latencies.push(task.await.expect("task").expect("fresh handshake"));
        }
    }
    latencies.sort_unstable();
    latencies
}

#[tokio::main(worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(TRICKLER_ARG) {
        let address = args.next().and_then(|a| a.parse().ok()).expect("address");
        return tricklers(address).await;
    }
    // tokio's `bind` listens with a backlog of 1,024: 5,000 simultaneous connects would
    // overflow it and wait out SYN retransmissions (1 s, 3 s, 7 s…) instead of measuring
    // the server. A server expecting bursts asks for more (the kernel caps it at somaxconn).
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let listener = socket.listen(8192).expect("listen");
    let address = listener.local_addr().expect("address");
    let server_config = Arc::new(ServerConfig::new());
    let options = Options::new().timeout(TIMEOUT);
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let config = Arc::clone(&server_config);
            tokio::spawn(async move {
                if let Ok((_, mut upgraded)) = wshake_tokio::accept(socket, config, &options).await
                {
                    // Hold the connection until the client closes it.
                    let mut sink = [0u8; 64];
                    while upgraded.read(&mut sink).await.is_ok_and(|n| n > 0) {}
                }
            });
        }
    });
    let config = Arc::new(ClientConfig::new());

    // Memory first, while the process has freed nothing the allocator could hand back
    // to the tricklers unseen in the resident size.
    let trickle_ok = trickle(address, &config).await;
    let concurrent_ok = concurrent(address, &config).await;
    let ok = trickle_ok && concurrent_ok;
    println!(
        "load: {}",
        if ok { "all goals met" } else { "GOALS MISSED" }
    );
    if !ok {
        std::process::exit(1);
    }
}

/// Phase 2: 5,000 clients handshake at once; true when all succeed.
async fn concurrent(address: std::net::SocketAddr, config: &Arc<ClientConfig>) -> bool {
    // Each connection stays open until all are done, so at the end 5,000 upgraded
    // connections exist at once.
    let started = Instant::now();
    let (release, held) = tokio::sync::watch::channel(false);
    let (report, mut reports) = tokio::sync::mpsc::channel(CONCURRENT);
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|n| {
            let (config, mut held, report) = (Arc::clone(config), held.clone(), report.clone());
            tokio::spawn(async move {
                let result = async {
                    let socket = TcpStream::connect(address)
                        .await
                        .map_err(|e| e.to_string())?;
                    let mut nonce = [0u8; 16];
                    nonce[..8].copy_from_slice(&(n as u64).to_le_bytes());
                    wshake_tokio::handshake(
                        socket,
                        config,
                        target(address),
                        Key::from_nonce(nonce),
                        &Options::default(),
                    )
                    .await
                    .map_err(|e| e.to_string())
                }
                .await;
                let _ = report
                    .send(result.as_ref().map(|_| ()).map_err(Clone::clone))
                    .await;
                let _ = held.wait_for(|go| *go).await;
                drop(result);
            })
        })
        .collect();
    let mut successes = 0;
    let mut failures = Vec::new();
    while successes + failures.len() < CONCURRENT {
        match tokio::time::timeout(Duration::from_secs(60), reports.recv()).await {
            Ok(Some(Ok(()))) => successes += 1,
            Ok(Some(Err(error))) => failures.push(error),
            _ => break,
        }
    }
    let took = started.elapsed();
    let _ = release.send(true);
    for task in tasks {
        let _ = task.await;
    }
    println!(
        "phase 2: {successes}/{CONCURRENT} concurrent handshakes succeeded in {:.2}s, all held open together ({} failed{})",
        took.as_secs_f64(),
        failures.len(),
        failures
            .first()
            .map(|f| format!(", first: {f}"))
            .unwrap_or_default()
    );

    successes == CONCURRENT
}

/// Phase 1: fresh handshakes' latency idle and beside 1,000 tricklers, the tricklers cut
/// at the timeout, the memory each pending handshake holds; true when the goals hold.
async fn trickle(address: std::net::SocketAddr, config: &Arc<ClientConfig>) -> bool {
    // Fresh-handshake latency idle, then beside 1,000 tricklers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = fresh_latencies(address, config, 1_000_000).await;
    let rss_before = rss_kib();
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    // The tricklers run in a child process, so this process's resident size grows only by
    // what the server holds for them.
    let mut child = tokio::process::Command::new(std::env::current_exe().expect("own path"))
        .arg(TRICKLER_ARG)
        .arg(address.to_string())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("trickler process");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("piped")).lines();
    let trickle_started = Instant::now();
    let connected = lines.next_line().await.ok().flatten();
    assert_eq!(
        connected.as_deref(),
        Some("connected"),
        "tricklers did not connect"
    );
    // Every server task has read a byte or two by now: its buffer is allocated.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_pending = rss_kib();
    let tasks_pending = metrics.num_alive_tasks();
    let loaded = fresh_latencies(address, config, 2_000_000).await;
    let report = lines.next_line().await.ok().flatten().unwrap_or_default();
    let _ = child.wait().await;
    // Every cut handshake's task has ended and its memory is freed: the server is back to
    // the tasks it had before (given a moment for the last ones to finish).
    let mut tasks_after = metrics.num_alive_tasks();
    for _ in 0..20 {
        if tasks_after <= tasks_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        tasks_after = metrics.num_alive_tasks();
    }
    let mut cut: Vec<Duration> = report
        .split_whitespace()
        .filter_map(|ms| ms.parse().ok().map(Duration::from_millis))
        .collect();
    let not_cut = TRICKLERS.saturating_sub(cut.len());
    cut.sort_unstable();
    let (idle_p50, idle_p99) = (percentile(&idle, 0.5), percentile(&idle, 0.99));
    let (loaded_p50, loaded_p99) = (percentile(&loaded, 0.5), percentile(&loaded, 0.99));
    println!(
        "phase 1: fresh handshakes idle p50 {:.0} us p99 {:.0} us; beside {TRICKLERS} tricklers p50 {:.0} us p99 {:.0} us (p99 ratio {:.2})",
        idle_p50.as_secs_f64() * 1e6,
        idle_p99.as_secs_f64() * 1e6,
        loaded_p50.as_secs_f64() * 1e6,
        loaded_p99.as_secs_f64() * 1e6,
        loaded_p99.as_secs_f64() / idle_p99.as_secs_f64()
    );
    println!(
        "phase 1: {}/{TRICKLERS} tricklers cut by the {}s timeout (earliest {:.1}s, latest {:.1}s after connecting); {not_cut} not cut; phase took {:.1}s",
        cut.len(),
        TIMEOUT.as_secs(),
        cut.first().map_or(0.0, Duration::as_secs_f64),
        cut.last().map_or(0.0, Duration::as_secs_f64),
        trickle_started.elapsed().as_secs_f64()
    );
    let per_pending_kib = rss_pending.saturating_sub(rss_before) as f64 / TRICKLERS as f64;
    println!(
        "phase 1: resident memory {rss_before} KiB before the tricklers, {rss_pending} KiB with {TRICKLERS} pending: {per_pending_kib:.2} KiB per pending handshake (server side; the tricklers run in another process; goal <= {MAX_KIB_PER_PENDING} KiB)",
    );
    println!(
        "phase 1: server tasks alive: {tasks_before} before the tricklers, {tasks_pending} with them pending, {tasks_after} once they were cut"
    );
    not_cut == 0
        && cut.len() == TRICKLERS
        && tasks_after <= tasks_before
        && loaded_p99 <= idle_p99 * 2
        && per_pending_kib <= MAX_KIB_PER_PENDING
}
