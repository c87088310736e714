//! Admission: how many handshakes a server has in progress, and the answer past that.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::Notify;

use crate::linger::linger;

/// A bound on the handshakes a server has in progress (accepted, not yet upgraded or
/// refused), shared by its accept loop and its connection tasks. Past it, a new connection
/// is answered with [`refuse_busy`] (`503` with `Retry-After`) instead of being queued:
/// what a flood of slow clients can hold is bounded by the limit times what one pending
/// handshake holds (about 3 KiB with this crate's defaults), never by the flood.
///
/// ```
/// use std::time::Duration;
/// use wshake_tokio::wshake_proto::server::ServerConfig;
/// use wshake_tokio::{Options, PendingLimit, accept, refuse_busy};
///
/// # async fn serve(listener: tokio::net::TcpListener) {
/// let limit = PendingLimit::for_open_files();
/// let config = std::sync::Arc::new(ServerConfig::new());
/// loop {
///     let Ok((socket, peer)) = listener.accept().await else {
///         // Out of file descriptors, say: wait instead of spinning.
///         tokio::time::sleep(Duration::from_millis(50)).await;
///         continue;
///     };
///     let Some(admitted) = limit.try_admit() else {
///         tokio::spawn(refuse_busy(socket, Duration::from_secs(1)));
///         continue;
///     };
///     let config = config.clone();
///     tokio::spawn(async move {
///         let options = Options::new().peer(peer.ip());
///         let handshake = accept(socket, config, &options).await;
///         drop(admitted); // no longer pending: upgraded or refused
///         if let Ok((_accepted, _stream)) = handshake { /* frames */ }
///     });
/// }
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct PendingLimit {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    max: usize,
    pending: AtomicUsize,
    idle: Notify,
}

impl PendingLimit {
    /// At most `max` handshakes in progress (at least 1).
    pub fn new(max: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                max: max.max(1),
                pending: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
        }
    }

    /// Sized for this process: half its limit on open files (each pending handshake
    /// holds one; the other half is left to upgraded connections and everything else),
    /// between 16 and 65,536; 512 where the limit cannot be read (it is read from
    /// `/proc/self/limits` on Linux).
    pub fn for_open_files() -> Self {
        Self::new(Self::default_max(open_files_limit()))
    }

    /// The default for a limit of `open_files` descriptors: see [`for_open_files`](Self::for_open_files).
    pub fn default_max(open_files: Option<u64>) -> usize {
        open_files.map_or(512, |files| {
            usize::try_from(files / 2)
                .unwrap_or(usize::MAX)
                .clamp(16, 65_536)
        })
    }

    /// Counts one more handshake in progress, until the returned guard is dropped; `None`
    /// when `max` are already.
    pub fn try_admit(&self) -> Option<Admitted> {
        self.shared
            .pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |pending| {
                (pending < self.shared.max).then_some(pending + 1)
            })
            .ok()
            .map(|_| Admitted {
                shared: Arc::clone(&self.shared),
            })
    }

    /// The handshakes in progress now.
    pub fn pending(&self) -> usize {
        self.shared.pending.load(Ordering::Acquire)
    }

    /// The most handshakes admitted at once.
    pub fn max(&self) -> usize {
        self.shared.max
    }

    /// Resolves once no handshake is in progress: for a graceful shutdown, after the
    /// accept loop has stopped (under a timeout of the caller's).
    pub async fn idle(&self) {
        loop {
            let notified = self.shared.idle.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the count is read: a drop in between still wakes us.
            notified.as_mut().enable();
            if self.pending() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// One handshake counted by a [`PendingLimit`], until dropped.
#[must_use = "the handshake counts as pending only while this guard lives"]
#[derive(Debug)]
pub struct Admitted {
    shared: Arc<Shared>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if self.shared.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.idle.notify_waiters();
        }
    }
}

/// Answers a connection the server will not serve now: `503 Service Unavailable` with
/// `Retry-After` (whole seconds, rounded up), written without reading the request, then
/// the write side shut down and a brief lingering close (so the peer reads the answer
/// rather than a reset). Everything within one second, whatever the peer does.
pub async fn refuse_busy<IO>(mut io: IO, retry_after: Duration)
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let mut out = Vec::with_capacity(192);
    wshake_proto::server::write_busy_response(u32::try_from(secs).unwrap_or(u32::MAX), &mut out);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        if io.write_all(&out).await.is_ok() && io.shutdown().await.is_ok() {
            linger(&mut io).await;
        }
    })
    .await;
}

/// The soft limit on open files, where the platform tells it.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&limits)
}

/// `Max open files  <soft>  <hard>  files` from `/proc/self/limits`; `None` when unlimited.
fn parse_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_max_and_again_once_a_guard_drops() {
        let limit = PendingLimit::new(2);
        let first = limit.try_admit().expect("first");
        let second = limit.try_admit().expect("second");
        assert!(limit.try_admit().is_none());
        assert_eq!(limit.pending(), 2);
        drop(first);
        let third = limit.try_admit().expect("a slot freed");
        assert_eq!(limit.pending(), 2);
        drop((second, third));
        assert_eq!(limit.pending(), 0);
    }

    #[test]
    fn default_is_half_the_open_files_within_bounds() {
        assert_eq!(PendingLimit::default_max(Some(1024)), 512);
        assert_eq!(PendingLimit::default_max(Some(64)), 32);
        assert_eq!(PendingLimit::default_max(Some(10)), 16);
        assert_eq!(PendingLimit::default_max(Some(1 << 20)), 65_536);
        assert_eq!(PendingLimit::default_max(None), 512);
    }

    #[test]
    fn reads_the_soft_open_files_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             95633                95633                processes \n\
                      Max open files            1024                 524288               files     \n";
        assert_eq!(parse_open_files(limits), Some(1024));
        assert_eq!(
            parse_open_files(
                "Max open files            unlimited            unlimited            files\n"
            ),
            None
        );
        if cfg!(target_os = "linux") {
            assert!(open_files_limit().is_some());
        }
    }

    #[tokio::test]
    async fn idle_resolves_when_the_last_guard_drops() {
        let limit = PendingLimit::new(4);
        limit.idle().await; // nothing pending
        let admitted = limit.try_admit().unwrap();
        let waiter = tokio::spawn({
            let limit = limit.clone();
            async move { limit.idle().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(admitted);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("idle once nothing is pending")
            .unwrap();
    }

    #[tokio::test]
    async fn refuse_busy_writes_a_503_and_closes() {
        use tokio::io::AsyncReadExt as _;
        let (mut client, server) = tokio::io::duplex(4096);
        let refusing = tokio::spawn(refuse_busy(server, Duration::from_millis(1500)));
        client.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8(answer).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{answer}"
        );
        assert!(answer.contains("\r\nRetry-After: 2\r\n"), "{answer}");
        drop(client);
        refusing.await.unwrap();
    }
}
