//! Limits on what a peer may send, configured before the first byte arrives.

/// The largest `max_headers` accepted: header positions are parsed into a stack array of
/// this many entries, so no allocation depends on what a peer sends.
pub const MAX_HEADERS_CEILING: usize = 256;

/// Bounds on a request or response head. Each is enforced as soon as it is crossed, not
/// after the whole head arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in the head, from the first byte to the blank line included. Over it: 431.
    pub max_head_bytes: usize,
    /// Header lines (the request or status line not counted). Over it: 431. At most
    /// [`MAX_HEADERS_CEILING`]; larger values are clamped.
    pub max_headers: usize,
    /// Bytes in the request-target. Over it: 414. Not used for responses.
    pub max_target_bytes: usize,
}

impl Limits {
    /// 16 KiB head, 64 header lines, 8 KiB request-target.
    pub const DEFAULT: Self = Self {
        max_head_bytes: 16 * 1024,
        max_headers: 64,
        max_target_bytes: 8 * 1024,
    };

    pub(crate) fn header_slots(&self) -> usize {
        self.max_headers.min(MAX_HEADERS_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
