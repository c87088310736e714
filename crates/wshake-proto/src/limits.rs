//! Limits on what a peer may send, configured before the first byte arrives.

use crate::LocalError;

/// The largest `max_headers`: header positions are parsed into a stack array of this many
/// entries, so no allocation depends on what a peer sends.
pub(crate) const MAX_HEADERS_CEILING: usize = 256;

/// Bounds on a request or response head. Each is enforced as soon as it is crossed, not
/// after the whole head arrived.
///
/// ```
/// use wshake_proto::{Limits, LocalError};
///
/// let limits = Limits::new().max_head_bytes(4096).max_headers(32)?.max_target_bytes(1024);
/// assert_eq!(
///     Limits::new().max_headers(10_000),
///     Err(LocalError::HeaderLimitTooLarge { ceiling: Limits::HEADERS_CEILING })
/// );
/// # let _ = limits;
/// # Ok::<(), LocalError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    clippy::struct_field_names,
    reason = "each field is a maximum, named as its setter"
)]
pub struct Limits {
    pub(crate) max_head_bytes: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_target_bytes: usize,
}

impl Limits {
    /// 16 KiB head, 64 header lines, 8 KiB request-target.
    pub const DEFAULT: Self = Self {
        max_head_bytes: 16 * 1024,
        max_headers: 64,
        max_target_bytes: 8 * 1024,
    };

    /// The largest number of header lines a head may be allowed.
    pub const HEADERS_CEILING: usize = MAX_HEADERS_CEILING;

    /// The defaults: see [`DEFAULT`](Self::DEFAULT).
    pub fn new() -> Self {
        Self::DEFAULT
    }

    /// Bytes in the head, from the first byte to the blank line included. Over it: 431.
    #[must_use]
    pub fn max_head_bytes(mut self, bytes: usize) -> Self {
        self.max_head_bytes = bytes;
        self
    }

    /// Header lines (the request or status line not counted). Over it: 431. At most
    /// [`HEADERS_CEILING`](Self::HEADERS_CEILING); more is an error, not clamped.
    pub fn max_headers(mut self, lines: usize) -> Result<Self, LocalError> {
        if lines > MAX_HEADERS_CEILING {
            return Err(LocalError::HeaderLimitTooLarge {
                ceiling: MAX_HEADERS_CEILING,
            });
        }
        self.max_headers = lines;
        Ok(self)
    }

    /// Bytes in the request-target. Over it: 414. Not used for responses.
    #[must_use]
    pub fn max_target_bytes(mut self, bytes: usize) -> Self {
        self.max_target_bytes = bytes;
        self
    }
}

impl Limits {
    /// The limits as the byte path's scan meets them, for a head another stack parsed,
    /// measured as HTTP/1.1 would carry it: `first_line` bytes (CRLF included), the
    /// request-target at (offset, length) within it, then `count` header lines of `bytes`
    /// in all (CRLF included; `lines` yields each one's length, read only when a limit is
    /// near) and the blank line. The scan reads at
    /// most `max_head_bytes`: a target too long within them is 414, a line past `max_headers`
    /// ending within them 431, and a head not ending within them 431.
    #[cfg(feature = "http")]
    #[inline]
    pub(crate) fn check_parsed<I: Iterator<Item = usize>>(
        &self,
        first_line: usize,
        target: (usize, usize),
        (count, bytes): (usize, usize),
        lines: impl Fn() -> I,
    ) -> Result<(), crate::Error> {
        let total = first_line + bytes + 2;
        if total <= self.max_head_bytes && target.1 <= self.max_target_bytes {
            // The common case: the scan would read the whole head, so every line counts.
            return if count > self.max_headers {
                Err(crate::Error::TooManyHeaders {
                    limit: self.max_headers,
                })
            } else {
                Ok(())
            };
        }
        self.check_parsed_past_limits(first_line, target, total, lines)
    }

    /// [`check_parsed`](Self::check_parsed) for a head past the head or target limit:
    /// which limit the byte path's scan would meet first.
    #[cfg(feature = "http")]
    #[cold]
    fn check_parsed_past_limits<I: Iterator<Item = usize>>(
        &self,
        first_line: usize,
        (target_offset, target_length): (usize, usize),
        total: usize,
        lines: impl Fn() -> I,
    ) -> Result<(), crate::Error> {
        let read = total.min(self.max_head_bytes);
        if target_length.min(read.saturating_sub(target_offset)) > self.max_target_bytes {
            return Err(crate::Error::TargetTooLong {
                limit: self.max_target_bytes,
            });
        }
        let mut end = first_line;
        for (index, length) in lines().enumerate() {
            end += length;
            if end > read {
                break;
            }
            if index + 1 > self.max_headers {
                return Err(crate::Error::TooManyHeaders {
                    limit: self.max_headers,
                });
            }
        }
        if total > self.max_head_bytes {
            return Err(crate::Error::HeadTooLarge {
                limit: self.max_head_bytes,
            });
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
