//! How a handshake runs over a stream.

use std::net::IpAddr;
use std::time::Duration;

/// How a handshake runs over a stream: its time limit, how the read buffer grows, and
/// where the connection came from.
///
/// ```
/// use std::time::Duration;
/// use wshake_tokio::Options;
///
/// let options = Options::new().timeout(Duration::from_secs(5)).read_chunk(2048);
/// assert_eq!(options.handshake_timeout(), Duration::from_secs(5));
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub(crate) timeout: Duration,
    pub(crate) read_chunk: usize,
    pub(crate) peer: Option<IpAddr>,
}

impl Options {
    /// A 10 s handshake timeout, 1 KiB read chunks.
    pub fn new() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            read_chunk: 1024,
            peer: None,
        }
    }

    /// The whole exchange must finish within this; a server answers 408 when it expires.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How much the read buffer grows by when it is full: reads are in chunks, never per
    /// byte, and a pending handshake holds one chunk until its head outgrows it.
    #[must_use]
    pub fn read_chunk(mut self, bytes: usize) -> Self {
        self.read_chunk = bytes.max(1);
        self
    }

    /// The address the connection came from, so that the origin policy can trust
    /// forwarding headers from the proxies the config trusts
    /// ([`ServerConfig::trust_proxies`](wshake_proto::server::ServerConfig::trust_proxies)).
    #[must_use]
    pub fn peer(mut self, address: IpAddr) -> Self {
        self.peer = Some(address);
        self
    }

    /// The handshake timeout in force.
    pub fn handshake_timeout(&self) -> Duration {
        self.timeout
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}
