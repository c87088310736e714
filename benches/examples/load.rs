//! Load on loopback (run with `cargo xtask load`, which raises the fd limit): not a timed
//! test, a measurement.
//!
//! 1. 5,000 clients handshake concurrently with one wshake server; all must succeed.
//! 2. Fresh handshakes' latency with the server idle, then again while 1,000 connections
//!    trickle their request one byte per second; every trickler must be cut at the
//!    handshake timeout. Reports p50/p99 both ways and the resident memory each pending
//!    handshake costs (client and server side together, kernel socket buffers excluded).

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::too_many_lines,
    reason = "a measurement script: counts to floats for reporting, one main telling the story"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wshake_proto::{ClientConfig, Key, ServerConfig};
use wshake_tokio::Options;

const CONCURRENT: usize = 5_000;
const TRICKLERS: usize = 1_000;
const FRESH: usize = 2_000;
const TIMEOUT: Duration = Duration::from_secs(8);

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
    let (_, upgraded) =
        wshake_tokio::handshake(socket, config, Key::from_nonce(nonce), &Options::default())
            .await
            .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    drop(upgraded);
    Ok(elapsed)
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
    // Ten clients at a time: latency, not throughput, is measured.
    for batch in 0..FRESH / 10 {
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
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let server_config = Arc::new(ServerConfig::new());
    let options = Options {
        timeout: TIMEOUT,
        ..Options::default()
    };
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
    let config = Arc::new(ClientConfig::new(&address.to_string(), "/").expect("config"));

    // Phase 1: 5,000 concurrent handshakes; each connection stays open until all are
    // done, so at the end 5,000 upgraded connections exist at once.
    let started = Instant::now();
    let (release, held) = tokio::sync::watch::channel(false);
    let (report, mut reports) = tokio::sync::mpsc::channel(CONCURRENT);
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|n| {
            let (config, mut held, report) = (Arc::clone(&config), held.clone(), report.clone());
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
        match tokio::time::timeout(Duration::from_mins(1), reports.recv()).await {
            Ok(Some(Ok(()))) => successes += 1,
            Ok(Some(Err(error))) => failures.push(error),
            _ => break,
        }
    }
    let phase_1 = started.elapsed();
    let _ = release.send(true);
    for task in tasks {
        let _ = task.await;
    }
    println!(
        "phase 1: {successes}/{CONCURRENT} concurrent handshakes succeeded in {:.2}s, all held open together ({} failed{})",
        phase_1.as_secs_f64(),
        failures.len(),
        failures
            .first()
            .map(|f| format!(", first: {f}"))
            .unwrap_or_default()
    );

    // Phase 2: fresh-handshake latency idle, then beside 1,000 tricklers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = fresh_latencies(address, &config, 1_000_000).await;
    let rss_before = rss_kib();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    let trickle_started = Instant::now();
    let tricklers: Vec<_> = (0..TRICKLERS)
        .map(|_| {
            let request = request.clone().into_bytes();
            tokio::spawn(async move {
                let mut socket = TcpStream::connect(address)
                    .await
                    .map_err(|e| e.to_string())?;
                let connected = Instant::now();
                for byte in request {
                    if socket.write_all(&[byte]).await.is_err() {
                        break;
                    }
                    // One byte a second, until the server cuts the connection.
                    let mut probe = [0u8; 256];
                    match tokio::time::timeout(Duration::from_secs(1), socket.read(&mut probe))
                        .await
                    {
                        Ok(Ok(0) | Err(_)) => return Ok(connected.elapsed()),
                        Ok(Ok(_)) => {
                            // The 408: read to the close.
                            let mut rest = Vec::new();
                            let _ = socket.read_to_end(&mut rest).await;
                            return Ok(connected.elapsed());
                        }
                        Err(_) => {}
                    }
                }
                Err::<Duration, String>("trickler finished its request without being cut".into())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_pending = rss_kib();
    let loaded = fresh_latencies(address, &config, 2_000_000).await;
    let mut cut = Vec::new();
    let mut not_cut = 0;
    for trickler in tricklers {
        match trickler.await.expect("task") {
            Ok(after) => cut.push(after),
            Err(_) => not_cut += 1,
        }
    }
    cut.sort_unstable();
    let (idle_p50, idle_p99) = (percentile(&idle, 0.5), percentile(&idle, 0.99));
    let (loaded_p50, loaded_p99) = (percentile(&loaded, 0.5), percentile(&loaded, 0.99));
    println!(
        "phase 2: fresh handshakes idle p50 {:.0} us p99 {:.0} us; beside {TRICKLERS} tricklers p50 {:.0} us p99 {:.0} us (p99 ratio {:.2})",
        idle_p50.as_secs_f64() * 1e6,
        idle_p99.as_secs_f64() * 1e6,
        loaded_p50.as_secs_f64() * 1e6,
        loaded_p99.as_secs_f64() * 1e6,
        loaded_p99.as_secs_f64() / idle_p99.as_secs_f64()
    );
    println!(
        "phase 2: {}/{TRICKLERS} tricklers cut by the {}s timeout (earliest {:.1}s, latest {:.1}s after connecting); {not_cut} not cut; phase took {:.1}s",
        cut.len(),
        TIMEOUT.as_secs(),
        cut.first().map_or(0.0, Duration::as_secs_f64),
        cut.last().map_or(0.0, Duration::as_secs_f64),
        trickle_started.elapsed().as_secs_f64()
    );
    println!(
        "phase 2: resident memory {} KiB before the tricklers, {} KiB with {TRICKLERS} pending: {:.2} KiB per pending handshake (client and server tasks together)",
        rss_before,
        rss_pending,
        rss_pending.saturating_sub(rss_before) as f64 / TRICKLERS as f64
    );
    let ok = successes == CONCURRENT
        && not_cut == 0
        && cut.len() == TRICKLERS
        && loaded_p99 <= idle_p99 * 2;
    println!(
        "load: {}",
        if ok { "all goals met" } else { "GOALS MISSED" }
    );
    if !ok {
        std::process::exit(1);
    }
}
