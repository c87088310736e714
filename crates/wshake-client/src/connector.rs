//! RFC 6455 §4.1 (C2): at most one connection per host and port in the CONNECTING state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// The CONNECTING slot of one host and port.
type Slot = Arc<tokio::sync::Mutex<()>>;

/// Serializes connection attempts to the same `host:port`: a second `connect` waits until
/// the first one's handshake finished (either way) before opening its socket. Clones share
/// the same state.
#[derive(Clone, Debug, Default)]
pub struct Connector {
    pending: Arc<Mutex<HashMap<(String, u16), Slot>>>,
}

impl Connector {
    /// A connector with no connections in progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits for the right to be CONNECTING to `host:port`; dropping the guard gives it up.
    pub(crate) async fn permit(&self, host: &str, port: u16) -> OwnedMutexGuard<()> {
        let lock = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget hosts nobody is connecting to, so the map stays small.
            pending.retain(|_, lock| Arc::strong_count(lock) > 1);
            Arc::clone(
                pending
                    .entry((host.to_ascii_lowercase(), port))
                    .or_default(),
            )
        };
        lock.lock_owned().await
    }
}

/// The connector behind [`connect`](crate::connect): one for the whole process.
pub(crate) fn global() -> &'static Connector {
    static GLOBAL: std::sync::OnceLock<Connector> = std::sync::OnceLock::new();
    GLOBAL.get_or_init(Connector::new)
}
