//! The header rules a request and a 101 share, each written once: `Upgrade` and
//! `Connection` tokens over every line (H22), no body-framing headers (S19, C11), and
//! the version a client must send (S13v, S17).

use crate::Error;
use crate::classify::Known;
use crate::error::Excerpt;
use crate::grammar::{ascii_str, list_contains};

/// What the `Upgrade` and `Connection` lines said so far, and the body-framing rule,
/// applied line by line in the order the head is read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct UpgradeHeaders {
    /// `Some` once an `Upgrade` line was seen; `true` once one listed `websocket`.
    upgrade: Option<bool>,
    /// `Some` once a `Connection` line was seen; `true` once one listed `upgrade`.
    connection: Option<bool>,
}

impl UpgradeHeaders {
    /// Applies the shared rules to one header line of `kind`: `Upgrade`, `Connection`,
    /// `Content-Length` or `Transfer-Encoding`. Other kinds are the role's to check.
    #[inline]
    pub(crate) fn field(&mut self, kind: Known, value: &[u8]) -> Result<(), Error> {
        match kind {
            Known::Upgrade => {
                *self.upgrade.get_or_insert(false) |= list_contains(value, "websocket");
            }
            Known::Connection => {
                *self.connection.get_or_insert(false) |= list_contains(value, "upgrade");
            }
            Known::ContentLength => check_content_length(value)?,
            Known::TransferEncoding => return Err(Error::UnexpectedBody),
            _ => {}
        }
        Ok(())
    }

    /// Once every line is read: both headers present with their tokens.
    pub(crate) fn finish(self) -> Result<(), Error> {
        match self.upgrade {
            None => return Err(Error::MissingUpgrade),
            Some(false) => return Err(Error::UpgradeNotWebSocket),
            Some(true) => {}
        }
        match self.connection {
            None => Err(Error::MissingConnection),
            Some(false) => Err(Error::ConnectionNotUpgrade),
            Some(true) => Ok(()),
        }
    }
}

/// RFC 9113 §8.2.2: the connection-specific headers, which make an HTTP/2 message
/// malformed; `TE` only with a value other than `trailers` (which only a request may send).
#[cfg(feature = "http")]
pub(crate) fn is_connection_specific(name: &[u8], value: &[u8]) -> bool {
    [
        &b"connection"[..],
        b"upgrade",
        b"keep-alive",
        b"proxy-connection",
        b"transfer-encoding",
    ]
    .iter()
    .any(|forbidden| name.eq_ignore_ascii_case(forbidden))
        || (name.eq_ignore_ascii_case(b"te") && !value.eq_ignore_ascii_case(b"trailers"))
}

/// `Content-Length`: digits only, and zero (a handshake has no body).
pub(crate) fn check_content_length(value: &[u8]) -> Result<(), Error> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidContentLength);
    }
    if value.iter().any(|&b| b != b'0') {
        return Err(Error::UnexpectedBody);
    }
    Ok(())
}

/// S17: `1*DIGIT` from 0 to 255 without leading zeros; S13v: only 13 is spoken.
#[inline]
pub(crate) fn check_version(value: &[u8]) -> Result<(), Error> {
    if value == b"13" {
        // The only version there is: no number to read.
        Ok(())
    } else {
        check_other_version(value)
    }
}

/// [`check_version`] for anything but `13`: what is wrong with it.
#[cold]
fn check_other_version(value: &[u8]) -> Result<(), Error> {
    let number = (!value.is_empty()
        && value.len() <= 3
        && value.iter().all(u8::is_ascii_digit)
        && (value.len() == 1 || value[0] != b'0'))
        .then(|| ascii_str(value).parse::<u16>().ok())
        .flatten()
        .filter(|&n| n <= 255)
        .ok_or(Error::InvalidVersion)?;
    if number == 13 {
        Ok(())
    } else {
        Err(Error::UnsupportedVersion {
            version: Excerpt::new(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s17_version_grammar() {
        assert_eq!(check_version(b"13"), Ok(()));
        for invalid in [&b""[..], b"013", b"256", b"1000", b"x", b"13, 8", b"-1"] {
            assert_eq!(check_version(invalid), Err(Error::InvalidVersion));
        }
        for unsupported in [&b"8"[..], b"0", b"25", b"255"] {
            assert!(matches!(
                check_version(unsupported),
                Err(Error::UnsupportedVersion { .. })
            ));
        }
    }

    #[test]
    fn h22_tokens_over_every_line() {
        let mut headers = UpgradeHeaders::default();
        assert_eq!(headers.field(Known::Upgrade, b"h2c"), Ok(()));
        assert_eq!(headers.finish(), Err(Error::UpgradeNotWebSocket));
        assert_eq!(headers.field(Known::Upgrade, b"WebSocket"), Ok(()));
        assert_eq!(headers.finish(), Err(Error::MissingConnection));
        assert_eq!(headers.field(Known::Connection, b"keep-alive"), Ok(()));
        assert_eq!(headers.finish(), Err(Error::ConnectionNotUpgrade));
        assert_eq!(headers.field(Known::Connection, b"x, Upgrade"), Ok(()));
        assert_eq!(headers.finish(), Ok(()));
        assert_eq!(headers.field(Known::Host, b"a"), Ok(()));
        assert_eq!(headers.finish(), Ok(()));
    }

    #[test]
    fn s19_no_body() {
        let mut headers = UpgradeHeaders::default();
        assert_eq!(headers.field(Known::ContentLength, b"000"), Ok(()));
        assert_eq!(
            headers.field(Known::ContentLength, b"1"),
            Err(Error::UnexpectedBody)
        );
        assert_eq!(
            headers.field(Known::ContentLength, b"1a"),
            Err(Error::InvalidContentLength)
        );
        assert_eq!(
            headers.field(Known::TransferEncoding, b"chunked"),
            Err(Error::UnexpectedBody)
        );
    }
}
