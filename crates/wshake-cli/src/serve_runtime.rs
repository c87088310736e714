//! How `wshake serve` uses the machine's cores: by default a thread per core, each with a
//! current-thread tokio runtime and a listener of its own on the same port
//! (`SO_REUSEPORT`); `--shared-runtime` for one work-stealing runtime instead.
//!
//! A thread per core was chosen from `cargo xtask bench e2e-peers` (benches/README.md):
//! with one work-stealing runtime, every accepted connection is handed from the thread
//! that accepted it to a worker (a wake-up through a futex about every other handshake)
//! and tasks move between workers; with a runtime per thread a connection is accepted,
//! answered and closed on one thread.

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
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let per_thread = !args.shared_runtime && threads > 1 && cfg!(unix);
    let runtime = if args.shared_runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("wshake: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match runtime.block_on(async { listen(args.listen, per_thread) }) {
        Ok(listener) => listener,
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
    let (stop, stopped) = watch::channel(false);
    // The other threads, each binding its own listener to the port the first one got.
    let others: Vec<_> = (1..if per_thread { threads } else { 1 })
        .map(|_| {
            let (args, tls, admission, stopped) = (
                Arc::clone(&args),
                tls.clone(),
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
        .collect();
    let first = {
        let args = Arc::clone(&args);
        async move {
            // Spawned, so that on a shared runtime the accept loop runs on a worker and
            // the connections it spawns start on that worker's own queue.
            let serving = tokio::spawn(async move {
                serve_until(listener, &args, tls, admission, stopped).await;
            });
            shutdown_signal().await;
            let _ = stop.send(true);
            let _ = serving.await;
        }
    };
    runtime.block_on(first);
    for other in others {
        if other.join().is_err() {
            tracing::warn!("a serving thread panicked");
        }
    }
    crate::log::flush();
    ExitCode::SUCCESS
}

/// One thread's (or the shared runtime's) serving: accepts until `stopped`, then waits for
/// the handshakes in progress, within the timeout. Writes the log's batches meanwhile.
async fn serve_until(
    listener: TcpListener,
    args: &Args,
    tls: Option<Arc<rustls::ServerConfig>>,
    admission: serve::Admission,
    mut stopped: watch::Receiver<bool>,
) {
    let limit = admission.pending.clone();
    let flusher = tokio::spawn(crate::log::flush_every());
    tokio::select! {
        () = serve::serve(listener, args, tls, admission) => {}
        _ = stopped.wait_for(|stopped| *stopped) => {}
    }
    // The listener is closed: let the handshakes in progress finish, within the timeout.
    tracing::info!(
        pending = limit.pending(),
        "stopping: no new connections, finishing handshakes in progress"
    );
    // Over TLS a handshake may take the TLS timeout and then its own.
    let grace = 2 * Duration::from_secs(args.timeout) + Duration::from_secs(1);
    if tokio::time::timeout(grace, limit.idle()).await.is_err() {
        tracing::warn!(
            pending = limit.pending(),
            "handshakes still in progress at exit"
        );
    }
    flusher.abort();
    crate::log::flush();
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

/// Ctrl-C, or SIGTERM on Unix (what service managers and `kill` send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
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
