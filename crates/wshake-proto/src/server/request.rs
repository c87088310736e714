//! Validating a complete request head (RFC 6455 §4.2.1) and the borrowed view of it.

use core::ops::Range;

use wshake_accept::Key;

use crate::Error;
use crate::error::Excerpt;
use crate::extension::{Extension, Extensions};
use crate::head::{Field, Fields};
use crate::token::{FieldSet, Known, ascii_str, classify, is_token, list_contains, list_elements};

/// What validation learnt about a request, as positions in the head.
#[derive(Clone, Debug)]
pub(crate) struct Parsed {
    pub(crate) method: Range<usize>,
    pub(crate) target: Range<usize>,
    pub(crate) path: Range<usize>,
    pub(crate) query: Option<Range<usize>>,
    pub(crate) host: Range<usize>,
    pub(crate) origin: Option<Range<usize>>,
    pub(crate) key: Key,
    pub(crate) protocol_fields: FieldSet,
    pub(crate) extension_fields: FieldSet,
}

/// Checks the request line and every header, in the order they were read, then what is
/// missing. The first problem found is the one reported.
#[allow(
    clippy::too_many_lines,
    reason = "one pass, in the order a request is read"
)]
pub(crate) fn validate(
    head: &[u8],
    fields: &[Field],
    method: Range<usize>,
    target: Range<usize>,
    version: u8,
) -> Result<Parsed, Error> {
    if &head[method.clone()] != b"GET" {
        return Err(Error::MethodNotAllowed {
            method: Excerpt::new(&head[method]),
        });
    }
    let (path, query) = split_target(head, target.clone())?;
    if version == 0 {
        // H21: an Upgrade in an HTTP/1.0 request is ignored, so this is no handshake.
        return Err(Error::Http10);
    }

    let mut host = None;
    let mut origin = None;
    let mut key = None;
    let mut version_seen = false;
    let (mut upgrade, mut upgrade_websocket) = (false, false);
    let (mut connection, mut connection_upgrade) = (false, false);
    let mut protocol_fields = FieldSet::default();
    let mut extension_fields = FieldSet::default();
    for (index, field) in fields.iter().enumerate() {
        let kind = classify(&head[field.name.clone()]);
        if kind == Known::Other {
            continue;
        }
        let value = &head[field.value.clone()];
        if kind == Known::Host {
            if host.is_some() {
                return Err(Error::DuplicateHost);
            }
            if !is_valid_host(value) {
                return Err(Error::InvalidHost);
            }
            host = Some(field.value.clone());
        } else if kind == Known::Upgrade {
            upgrade = true;
            upgrade_websocket |= list_contains(value, "websocket");
        } else if kind == Known::Connection {
            connection = true;
            connection_upgrade |= list_contains(value, "upgrade");
        } else if kind == Known::Key {
            if key.is_some() {
                return Err(Error::DuplicateKey);
            }
            key = Some(Key::parse(value)?);
        } else if kind == Known::Version {
            if version_seen {
                return Err(Error::DuplicateVersion);
            }
            version_seen = true;
            check_version(value)?;
        } else if kind == Known::Protocol {
            let mut elements = list_elements(value).peekable();
            if elements.peek().is_none() || !elements.all(is_token) {
                return Err(Error::InvalidProtocol);
            }
            protocol_fields.insert(index);
        } else if kind == Known::Extensions {
            if Extensions::parse(value).is_none() {
                return Err(Error::InvalidExtensions);
            }
            extension_fields.insert(index);
        } else if kind == Known::Origin {
            if origin.is_some() {
                return Err(Error::DuplicateOrigin);
            }
            origin = Some(field.value.clone());
        } else if kind == Known::ContentLength {
            if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
                return Err(Error::InvalidContentLength);
            }
            if value.iter().any(|&b| b != b'0') {
                return Err(Error::UnexpectedBody);
            }
        } else if kind == Known::TransferEncoding {
            return Err(Error::UnexpectedBody);
        }
    }
    let host = host.ok_or(Error::MissingHost)?;
    if !upgrade {
        return Err(Error::MissingUpgrade);
    }
    if !upgrade_websocket {
        return Err(Error::UpgradeNotWebSocket);
    }
    if !connection {
        return Err(Error::MissingConnection);
    }
    if !connection_upgrade {
        return Err(Error::ConnectionNotUpgrade);
    }
    let key = key.ok_or(Error::MissingKey)?;
    if !version_seen {
        return Err(Error::MissingVersion);
    }
    Ok(Parsed {
        method,
        target,
        path,
        query,
        host,
        origin,
        key,
        protocol_fields,
        extension_fields,
    })
}

/// S17: `1*DIGIT` from 0 to 255 without leading zeros; S13v: only 13 is spoken.
fn check_version(value: &[u8]) -> Result<(), Error> {
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

/// Origin-form (`/path?query`) or absolute-form (`http://host/path?query`, also `https`,
/// `ws`, `wss`): anything else, or a fragment, is refused.
fn split_target(
    head: &[u8],
    target: Range<usize>,
) -> Result<(Range<usize>, Option<Range<usize>>), Error> {
    let bytes = &head[target.clone()];
    if bytes.contains(&b'#') {
        return Err(Error::InvalidTarget);
    }
    let path_start = if bytes.first() == Some(&b'/') {
        target.start
    } else {
        let scheme_end = bytes
            .windows(3)
            .position(|w| w == b"://")
            .ok_or(Error::InvalidTarget)?;
        let scheme = &bytes[..scheme_end];
        if !["http", "https", "ws", "wss"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s.as_bytes()))
        {
            return Err(Error::InvalidTarget);
        }
        let authority_start = scheme_end + 3;
        let authority_len = bytes[authority_start..]
            .iter()
            .position(|&b| b == b'/' || b == b'?')
            .unwrap_or(bytes.len() - authority_start);
        if authority_len == 0 || !is_valid_host(&bytes[authority_start..][..authority_len]) {
            return Err(Error::InvalidTarget);
        }
        target.start + authority_start + authority_len
    };
    let rest = &head[path_start..target.end];
    Ok(match rest.iter().position(|&b| b == b'?') {
        Some(q) => (
            path_start..path_start + q,
            Some(path_start + q + 1..target.end),
        ),
        None => (path_start..target.end, None),
    })
}

/// RFC 3986 `reg-name` characters (IPv4 literals included): unreserved, sub-delims, `%`.
const REG_NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte: u8 = 0;
    loop {
        table[byte as usize] = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if byte == u8::MAX {
            break;
        }
        byte += 1;
    }
    table
};

/// `host[:port]` (RFC 9110 §7.2): a reg-name or IPv4 of RFC 3986 characters, or a
/// bracketed IPv6 literal, then an optional decimal port.
pub(crate) fn is_valid_host(value: &[u8]) -> bool {
    let (host, port) = if value.first() == Some(&b'[') {
        let Some(close) = value.iter().position(|&b| b == b']') else {
            return false;
        };
        let literal = &value[1..close];
        if literal.is_empty()
            || !literal
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return false;
        }
        match &value[close + 1..] {
            [] => (&value[..=close], None),
            [b':', port @ ..] => (&value[..=close], Some(port)),
            _ => return false,
        }
    } else {
        let (host, port) = match value.iter().rposition(|&b| b == b':') {
            Some(colon) => (&value[..colon], Some(&value[colon + 1..])),
            None => (value, None),
        };
        let reg_name = host.iter().all(|&b| REG_NAME[usize::from(b)]);
        if host.is_empty() || !reg_name {
            return false;
        }
        (host, port)
    };
    let _ = host;
    port.is_none_or(|port| {
        !port.is_empty()
            && port.len() <= 5
            && port.iter().all(u8::is_ascii_digit)
            && ascii_str(port).parse::<u32>().is_ok_and(|p| p <= 65_535)
    })
}

/// A validated upgrade request, borrowed from the machine's buffer: nothing is copied.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub(crate) head: &'a [u8],
    pub(crate) parsed: &'a Parsed,
    pub(crate) fields: &'a [Field],
}

impl<'a> Request<'a> {
    /// The method: always `GET` once validated.
    pub fn method(&self) -> &'a str {
        ascii_str(&self.head[self.parsed.method.clone()])
    }

    /// The request-target exactly as sent (origin-form or absolute-form).
    pub fn target(&self) -> &'a str {
        ascii_or_empty(&self.head[self.parsed.target.clone()])
    }

    /// The path, without the query (`/` for an absolute-form target without a path).
    pub fn path(&self) -> &'a str {
        let path = ascii_or_empty(&self.head[self.parsed.path.clone()]);
        if path.is_empty() { "/" } else { path }
    }

    /// The query, without the `?`.
    pub fn query(&self) -> Option<&'a str> {
        self.parsed
            .query
            .clone()
            .map(|q| ascii_or_empty(&self.head[q]))
    }

    /// The `Host` value.
    pub fn host(&self) -> &'a str {
        ascii_str(&self.head[self.parsed.host.clone()])
    }

    /// The `Origin` value, if sent.
    pub fn origin(&self) -> Option<&'a [u8]> {
        self.parsed.origin.clone().map(|o| &self.head[o])
    }

    /// The validated `Sec-WebSocket-Key`.
    pub fn key(&self) -> Key {
        self.parsed.key
    }

    /// The offered subprotocols in the client's order, merged across header lines (S18).
    pub fn protocols(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.values(self.parsed.protocol_fields)
            .flat_map(list_elements)
            .map(ascii_str)
    }

    /// Whether the client offered this subprotocol (compared exactly: tokens are
    /// case-sensitive).
    pub fn offers_protocol(&self, protocol: &str) -> bool {
        self.protocols().any(|offered| offered == protocol)
    }

    /// The offered extensions in the client's order, merged across header lines (S18).
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'a>> + 'a {
        self.values(self.parsed.extension_fields)
            .flat_map(Extensions::already_valid)
    }

    fn values(&self, set: FieldSet) -> impl Iterator<Item = &'a [u8]> + 'a {
        let (head, fields) = (self.head, self.fields);
        set.iter()
            .map(move |index| &head[fields[index].value.clone()])
    }

    /// The first value of a header, by name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.header_all(name).next()
    }

    /// Every value of a header, in order, duplicates kept.
    pub fn header_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.view().all(name)
    }

    /// All headers in order, duplicates and non-UTF-8 values included.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.view().iter()
    }

    fn view(&self) -> Fields<'a> {
        Fields {
            head: self.head,
            fields: self.fields,
        }
    }

    /// The whole head as received, request line to blank line.
    pub fn raw(&self) -> &'a [u8] {
        self.head
    }
}

fn ascii_or_empty(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h23_host_values() {
        for good in [
            &b"example.com"[..],
            b"example.com:8080",
            b"127.0.0.1:9001",
            b"[::1]",
            b"[::1]:443",
            b"xn--bcher-kva.example",
        ] {
            assert!(is_valid_host(good), "{}", String::from_utf8_lossy(good));
        }
        for bad in [
            &b""[..],
            b":80",
            b"example.com:",
            b"example.com:99999",
            b"example.com:8a",
            b"exa mple.com",
            b"user@example.com",
            b"example.com/path",
            b"[::1",
            b"[::1]x",
            b"[]",
        ] {
            assert!(!is_valid_host(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    use alloc::string::String;

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
}
