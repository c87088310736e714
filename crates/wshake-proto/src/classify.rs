//! Which of the handshake's headers a field is, by name, in both roles.

use crate::grammar::eq_folded;

/// The header names the handshake reads, in both roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    Host,
    Upgrade,
    Connection,
    Key,
    Version,
    Protocol,
    Extensions,
    Accept,
    Origin,
    ContentLength,
    TransferEncoding,
    Other,
}

impl Known {
    /// The name in lower case, as HTTP/2 writes it (`""` for `Other`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Upgrade => "upgrade",
            Self::Connection => "connection",
            Self::Key => "sec-websocket-key",
            Self::Version => "sec-websocket-version",
            Self::Protocol => "sec-websocket-protocol",
            Self::Extensions => "sec-websocket-extensions",
            Self::Accept => "sec-websocket-accept",
            Self::Origin => "origin",
            Self::ContentLength => "content-length",
            Self::TransferEncoding => "transfer-encoding",
            Self::Other => "",
        }
    }
}

/// Classifies a header name (case-insensitive, H22). Length and first letter pick the one
/// candidate worth comparing, so an unknown header usually costs two byte checks.
pub(crate) fn classify(name: &[u8]) -> Known {
    match candidate(name) {
        Known::Other => Known::Other,
        kind if eq_folded(name, kind.name().as_bytes()) => kind,
        _ => Known::Other,
    }
}

/// The one kind `name` may be, by its length and first letter (any case), or `Other`.
fn candidate(name: &[u8]) -> Known {
    let Some(&first) = name.first() else {
        return Known::Other;
    };
    match (name.len(), first | 0x20) {
        (4, b'h') => Known::Host,
        (6, b'o') => Known::Origin,
        (7, b'u') => Known::Upgrade,
        (10, b'c') => Known::Connection,
        (14, b'c') => Known::ContentLength,
        (17, b's') => Known::Key,
        (17, b't') => Known::TransferEncoding,
        (20, b's') => Known::Accept,
        (21, b's') => Known::Version,
        (22, b's') => Known::Protocol,
        (24, b's') => Known::Extensions,
        _ => Known::Other,
    }
}

/// [`classify`] for a name `http` parsed, whose text (`name.as_str()`) the caller has
/// read already: every name the handshake reads is one of `http`'s standard headers,
/// which compare as enum values, so the one candidate its length leaves (two at 17) is
/// confirmed without reading the bytes (a name `http` keeps as custom is never one of
/// them). Gives what `classify` gives on `text`: a test holds them together.
#[cfg(feature = "http")]
#[inline]
pub(crate) fn classify_header_name(name: &http::HeaderName, text: &str) -> Known {
    use http::header;
    debug_assert_eq!(text, name.as_str(), "the text of this very name");
    let (kind, standard) = match text.len() {
        4 => (Known::Host, header::HOST),
        6 => (Known::Origin, header::ORIGIN),
        7 => (Known::Upgrade, header::UPGRADE),
        10 => (Known::Connection, header::CONNECTION),
        14 => (Known::ContentLength, header::CONTENT_LENGTH),
        17 if *name == header::SEC_WEBSOCKET_KEY => return Known::Key,
        17 => (Known::TransferEncoding, header::TRANSFER_ENCODING),
        20 => (Known::Accept, header::SEC_WEBSOCKET_ACCEPT),
        21 => (Known::Version, header::SEC_WEBSOCKET_VERSION),
        22 => (Known::Protocol, header::SEC_WEBSOCKET_PROTOCOL),
        24 => (Known::Extensions, header::SEC_WEBSOCKET_EXTENSIONS),
        _ => return Known::Other,
    };
    if *name == standard {
        kind
    } else {
        Known::Other
    }
}

/// A set of field indices (a head has at most `MAX_HEADERS_CEILING` fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldSet([u64; crate::limits::MAX_HEADERS_CEILING / 64]);

impl FieldSet {
    /// Adds `index`; one past the ceiling is left out (the limits refuse such a head
    /// before any rule counts: a backstop, never a panic).
    pub(crate) fn insert(&mut self, index: usize) {
        if let Some(word) = self.0.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    /// The indices in increasing order.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> + Clone {
        (0..self.0.len()).flat_map(move |word| {
            let mut bits = self.0[word];
            core::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(word * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod known_tests {
    use super::*;

    /// Every header the handshake reads.
    const KNOWN: [Known; 11] = [
        Known::Host,
        Known::Upgrade,
        Known::Connection,
        Known::Key,
        Known::Version,
        Known::Protocol,
        Known::Extensions,
        Known::Accept,
        Known::Origin,
        Known::ContentLength,
        Known::TransferEncoding,
    ];

    /// The word-wise comparison agrees with `eq_ignore_ascii_case` for every name `Known`
    /// has, against every byte at every position (case flips, `-` and its 0x20 twin CR,
    /// and every other byte), so no near miss is taken for a known header.
    #[test]
    fn h22_eq_folded_agrees_with_eq_ignore_ascii_case() {
        // The header names, and the tokens `list_contains` looks for.
        let names = KNOWN
            .iter()
            .map(|kind| kind.name())
            .chain(["websocket", "upgrade"]);
        for kind in names {
            let lower = kind.as_bytes();
            assert!(lower.iter().all(|&b| b.is_ascii_lowercase() || b == b'-'));
            let mut name = lower.to_vec();
            for at in 0..name.len() {
                for byte in 0..=255u8 {
                    name[at] = byte;
                    assert_eq!(
                        eq_folded(&name, lower),
                        name.eq_ignore_ascii_case(lower),
                        "{kind:?} at {at}"
                    );
                }
                name[at] = lower[at].to_ascii_uppercase();
            }
            assert!(eq_folded(&name, lower), "{kind:?} in upper case");
            assert!(!eq_folded(&name[1..], lower));
        }
    }

    #[test]
    fn h22_classify_is_case_insensitive() {
        assert_eq!(classify(b"SEC-WEBSOCKET-KEY"), Known::Key);
        assert_eq!(classify(b"Transfer-Encoding"), Known::TransferEncoding);
        assert_eq!(classify(b"hosts"), Known::Other);
        assert_eq!(classify(b"X-Host"), Known::Other);
    }

    /// Every standard header name of `http` 1.5 (its `standard_headers!`): the handshake's
    /// own and every other, at every length the classifier looks at.
    #[cfg(feature = "http")]
    const STANDARD: [&str; 81] = [
        "accept",
        "accept-charset",
        "accept-encoding",
        "accept-language",
        "accept-ranges",
        "access-control-allow-credentials",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "access-control-max-age",
        "access-control-request-headers",
        "access-control-request-method",
        "age",
        "allow",
        "alt-svc",
        "authorization",
        "cache-control",
        "cache-status",
        "cdn-cache-control",
        "connection",
        "content-disposition",
        "content-encoding",
        "content-language",
        "content-length",
        "content-location",
        "content-range",
        "content-security-policy",
        "content-security-policy-report-only",
        "content-type",
        "cookie",
        "dnt",
        "date",
        "etag",
        "expect",
        "expires",
        "forwarded",
        "from",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "last-modified",
        "link",
        "location",
        "max-forwards",
        "origin",
        "pragma",
        "proxy-authenticate",
        "proxy-authorization",
        "public-key-pins",
        "public-key-pins-report-only",
        "range",
        "referer",
        "referrer-policy",
        "refresh",
        "retry-after",
        "sec-websocket-accept",
        "sec-websocket-extensions",
        "sec-websocket-key",
        "sec-websocket-protocol",
        "sec-websocket-version",
        "server",
        "set-cookie",
        "strict-transport-security",
        "te",
        "trailer",
        "transfer-encoding",
        "user-agent",
        "upgrade",
        "upgrade-insecure-requests",
        "vary",
        "via",
        "warning",
        "www-authenticate",
        "x-content-type-options",
        "x-dns-prefetch-control",
        "x-frame-options",
        "x-xss-protection",
    ];

    /// The `http` path classifies `HeaderName`s without reading bytes: the same answer as
    /// the byte path for every standard name (the handshake's and the others, some of the
    /// same length as one of the handshake's: `if-modified-since` beside
    /// `transfer-encoding`) and custom names (some of the same length as a known one, with
    /// or without its first letter).
    #[cfg(feature = "http")]
    #[test]
    fn h22_classify_header_name_agrees_with_classify() {
        let mut names: alloc::vec::Vec<http::HeaderName> = STANDARD
            .iter()
            .chain(&[
                "hosts",
                "x-host",
                "hxst",
                "abcd",
                "originx",
                "sec-websocket-keys",
                "sec-websocket-kez",
                "transfer-encodinx",
                "content-lengtx",
                "x-forwarded-host",
            ])
            .map(|name| http::HeaderName::from_static(name))
            .collect();
        names.push(http::HeaderName::from_bytes(b"HOST").unwrap());
        names.push(http::HeaderName::from_bytes(b"Sec-WebSocket-Key").unwrap());
        for name in names {
            assert_eq!(
                classify_header_name(&name, name.as_str()),
                classify(name.as_str().as_bytes()),
                "{name}"
            );
        }
        for kind in KNOWN {
            let name = http::HeaderName::from_static(kind.name());
            assert_eq!(classify_header_name(&name, name.as_str()), kind);
        }
    }

    #[test]
    fn field_set_iterates_in_order() {
        let mut set = FieldSet::default();
        for i in [0, 63, 64, 200, 5] {
            set.insert(i);
        }
        assert_eq!(
            set.iter().collect::<alloc::vec::Vec<_>>(),
            [0, 5, 63, 64, 200]
        );
    }
}
