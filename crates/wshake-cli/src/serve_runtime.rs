//! How `wshake serve` uses the machine's cores: one thread by default, a current-thread
//! tokio runtime; with `--threads N` on Linux, N threads each with a current-thread
//! runtime and a listener of its own on the same port (`SO_REUSEPORT`); `--shared-runtime`
//! (and other systems) one work-stealing runtime with N workers.
//!
//! Chosen from `cargo xtask bench e2e-peers` (benches/README.md): on a 2-core machine whose
//! cores the clients share, one thread spent the least CPU per handshake (46.8–49.2 µs
//! against 50.0–60.4 µs for a listener per core and 60 µs for the shared runtime) at the
//! same rate. A shared runtime hands each accepted connection to another worker through
//! a wake-up; a listener per thread keeps each connection on the thread that accepted it,
//! the way to use more cores when they are the server's own.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::serve::{self, Args};

/// `wshake serve`: binds, prints the address, serves until ctrl-C or SIGTERM, then lets
/// the handshakes in progress finish within the timeout.
pub(crate) fn main(args: Args) -> ExitCode {
    crate::log::init();
    let tls = match args.tls() {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("wshake: {error}");
            return ExitCode::from(2);
        }
    };
    let threads = args.threads.map_or(1, usize::from);
    // Only Linux spreads one port's connections across `SO_REUSEPORT` listeners;
    // elsewhere several threads share one work-stealing runtime.
    let per_thread = !args.shared_runtime && threads > 1 && SPREADS_CONNECTIONS;
    let runtime = runtime(threads, per_thread);
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("wshake: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The signals are caught from before the first line: a SIGTERM sent as soon as it is
    // read stops the server cleanly.
    let (listener, signals) = match runtime.block_on(async {
        let signals = Signals::new()?;
        Ok::<_, std::io::Error>((listen_once(args.listen, per_thread)?, signals))
    }) {
        Ok(bound) => bound,
        Err(error) => {
            eprintln!("wshake: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let Ok(address) = listener.local_addr() else {
        eprintln!("wshake: cannot read the listening address");
        return ExitCode::FAILURE;
    };
    let scheme = if tls.is_some() { "wss" } else { "ws" };
    println!("listening on {scheme}://{address}/");
    let _ = std::io::Write::flush(&mut std::io::stdout());

    let args = Arc::new(args);
    let admission = serve::Admission::new(args.pending_limit());
    let limit = admission.pending.clone();
    let (stop, stopped) = watch::channel(false);
    let others = spawn_others(
        if per_thread { threads - 1 } else { 0 },
        address,
        &args,
        tls.as_ref(),
        &admission,
        &stopped,
    );
    let first = {
        let limit = limit.clone();
        async move {
            // Spawned, so that on a shared runtime the accept loop runs on a worker and
            // the connections it spawns start on that worker's own queue.
            let serving = {
                let args = Arc::clone(&args);
                tokio::spawn(async move {
                    serve_until(listener, &args, tls, admission, stopped).await;
                })
            };
            // The log's batches, written from this runtime alone.
            let flusher = crate::log::batched().then(|| tokio::spawn(crate::log::flush_every()));
            signals.recv().await;
            let _ = stop.send(true);
            tracing::info!(
                pending = limit.pending(),
                "stopping: no new connections, finishing handshakes in progress"
            );
            let _ = serving.await;
            if let Some(flusher) = flusher {
                flusher.abort();
            }
        }
    };
    runtime.block_on(first);
    for other in others {
        if other.join().is_err() {
            tracing::warn!("a serving thread panicked");
        }
    }
    if limit.pending() > 0 {
        tracing::warn!(
            pending = limit.pending(),
            "handshakes still in progress at exit"
        );
    }
    crate::log::flush();
    ExitCode::SUCCESS
}

/// The first thread's runtime: a work-stealing one when several threads share it.
fn runtime(threads: usize, per_thread: bool) -> std::io::Result<tokio::runtime::Runtime> {
    if threads > 1 && !per_thread {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
}

/// `count` more threads, each with a runtime and a listener of its own on `address`.
fn spawn_others(
    count: usize,
    address: SocketAddr,
    args: &Arc<Args>,
    tls: Option<&Arc<rustls::ServerConfig>>,
    admission: &serve::Admission,
    stopped: &watch::Receiver<bool>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..count)
        .map(|_| {
            let (args, tls, admission, stopped) = (
                Arc::clone(args),
                tls.cloned(),
                admission.clone(),
                stopped.clone(),
            );
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let served = runtime.and_then(|runtime| {
                    runtime.block_on(async {
                        let listener = listen(address, true)?;
                        serve_until(listener, &args, tls, admission, stopped).await;
                        Ok(())
                    })
                });
                // Said at once: the other threads serve on without this one.
                if let Err(error) = served {
                    tracing::warn!(%error, "a serving thread could not start; the others serve");
                }
            })
        })
        .collect()
}

/// Whether the kernel spreads one port's connections across the listeners that share it
/// with `SO_REUSEPORT` (macOS and the BSDs deliver them all to one; Solaris has no such
/// option).
const SPREADS_CONNECTIONS: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// One thread's (or the shared runtime's) serving: accepts until `stopped`, then waits for
/// the handshakes in progress, within the timeout.
async fn serve_until(
    listener: TcpListener,
    args: &Args,
    tls: Option<Arc<rustls::ServerConfig>>,
    admission: serve::Admission,
    mut stopped: watch::Receiver<bool>,
) {
    let limit = admission.pending.clone();
    tokio::select! {
        () = serve::serve(listener, args, tls, admission) => {}
        _ = stopped.wait_for(|stopped| *stopped) => {}
    }
    // The listener is closed: let the handshakes in progress finish, within the timeout.
    // Over TLS a handshake may take the TLS timeout and then its own.
    let grace = 2 * Duration::from_secs(args.timeout) + Duration::from_secs(1);
    let _ = tokio::time::timeout(grace, limit.idle()).await;
}

/// The first listener. A port given by number is first bound without `SO_REUSEPORT`, so
/// that a port another server holds is refused as it was before listeners were shared
/// (sockets that share a port must all ask for it).
fn listen_once(address: SocketAddr, share_port: bool) -> std::io::Result<TcpListener> {
    if share_port && address.port() != 0 {
        drop(listen(address, false)?);
    }
    listen(address, share_port)
}

/// A listener (`TCP_NODELAY` on: its connections write small answers and echoes at once)
/// with room for 1,024 connections not yet accepted (capped by the system's
/// `somaxconn`), rather than the 128 of `TcpListener::bind`: a burst, or a moment out of
/// file descriptors, waits in the kernel instead of having its connections dropped. With
/// `share_port`, other listeners may bind the same port (`SO_REUSEPORT`).
pub(crate) fn listen(address: SocketAddr, share_port: bool) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    if share_port {
        socket.set_reuseport(true)?;
    }
    let _ = share_port;
    // Linux hands this to every accepted socket: no `setsockopt` per connection.
    socket.set_nodelay(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

/// Whether sockets accepted from [`listen`]'s listeners come with `TCP_NODELAY` set
/// already (on Linux they inherit it from the listener).
pub(crate) const ACCEPTED_NODELAY: bool = cfg!(target_os = "linux");

/// Ctrl-C, or SIGTERM on Unix (what service managers and `kill` send), caught from the
/// moment this is made.
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.interrupt.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_sockets_inherit_nodelay_where_we_count_on_it() {
        let listener = listen("127.0.0.1:0".parse().unwrap(), false).unwrap();
        let address = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(address).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(
            !client.nodelay().unwrap(),
            "a fresh socket starts with Nagle on"
        );
        if ACCEPTED_NODELAY {
            assert!(accepted.nodelay().unwrap());
        }
    }
}
