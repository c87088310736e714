//! What a reverse proxy says the client addressed: `Forwarded` (RFC 7239) or the
//! de-facto `X-Forwarded-Host` / `X-Forwarded-Proto`. Read only when the peer is a
//! proxy the configuration trusts: anyone else could send these headers.

use crate::Headers;
use crate::grammar::{list_elements, trim_ows};

/// The host and scheme the nearest proxy forwarded, as far as it said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Forwarded<'a> {
    pub(crate) host: Option<&'a [u8]>,
    pub(crate) proto: Option<&'a [u8]>,
}

/// The nearest proxy's word: the last element of `Forwarded` when there is one (each
/// proxy appends its own), else the last values of `X-Forwarded-Host` and
/// `X-Forwarded-Proto`.
pub(crate) fn forwarded<'a>(headers: &Headers<'a>) -> Forwarded<'a> {
    let last_element = headers.get_all("forwarded").flat_map(split_elements).last();
    if let Some(element) = last_element {
        let mut forwarded = Forwarded::default();
        for pair in element.split(|&b| b == b';') {
            let pair = trim_ows(pair);
            let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                continue;
            };
            let (name, value) = (&pair[..eq], unquote(&pair[eq + 1..]));
            if name.eq_ignore_ascii_case(b"host") {
                forwarded.host = Some(value);
            } else if name.eq_ignore_ascii_case(b"proto") {
                forwarded.proto = Some(value);
            }
        }
        return forwarded;
    }
    Forwarded {
        host: last_value(headers, "x-forwarded-host"),
        proto: last_value(headers, "x-forwarded-proto"),
    }
}

/// The elements of a `Forwarded` value: split at commas outside quoted strings.
fn split_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(value);
    core::iter::from_fn(move || {
        let value = rest?;
        let mut quoted = false;
        let mut escaped = false;
        let end = value.iter().position(|&b| {
            if escaped {
                escaped = false;
            } else if quoted && b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                quoted = !quoted;
            } else if b == b',' && !quoted {
                return true;
            }
            false
        });
        let (element, next) = match end {
            Some(end) => (&value[..end], Some(&value[end + 1..])),
            None => (value, None),
        };
        rest = next;
        Some(trim_ows(element))
    })
    .filter(|element| !element.is_empty())
}

/// A token as is, a quoted string without its quotes (a host with a port is quoted).
fn unquote(value: &[u8]) -> &[u8] {
    match value {
        [b'"', inner @ .., b'"'] => inner,
        value => value,
    }
}

/// The last element of a header's comma-separated values, over every line.
fn last_value<'a>(headers: &Headers<'a>, name: &str) -> Option<&'a [u8]> {
    headers.get_all(name).flat_map(list_elements).last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::Field;

    fn headers_of(head: &[u8]) -> (alloc::vec::Vec<Field>, &[u8]) {
        let mut fields = alloc::vec::Vec::new();
        let mut at = 0;
        for line in head.split(|&b| b == b'\n') {
            if let Some(colon) = line.iter().position(|&b| b == b':') {
                let value_start = at + colon + 1;
                let value = trim_ows(&line[colon + 1..]);
                let lead = line[colon + 1..].len() - line[colon + 1..].trim_ascii_start().len();
                fields.push(Field {
                    name: at..at + colon,
                    value: value_start + lead..value_start + lead + value.len(),
                });
            }
            at += line.len() + 1;
        }
        (fields, head)
    }

    #[test]
    fn s13_forwarded_last_element_wins() {
        let head = b"Forwarded: for=1.2.3.4;host=evil.test\nForwarded: for=10.0.0.1;host=\"app.test:8443\";proto=https\nX-Forwarded-Host: ignored.test";
        let (fields, head) = headers_of(head);
        let found = forwarded(&Headers::from_head(head, &fields));
        assert_eq!(found.host, Some(&b"app.test:8443"[..]));
        assert_eq!(found.proto, Some(&b"https"[..]));
    }

    #[test]
    fn s13_forwarded_commas_inside_quotes_do_not_split() {
        let head = b"Forwarded: for=\"a,b\";host=one.test, for=c;host=two.test";
        let (fields, head) = headers_of(head);
        let found = forwarded(&Headers::from_head(head, &fields));
        assert_eq!(found.host, Some(&b"two.test"[..]));
        assert_eq!(found.proto, None);
    }

    #[test]
    fn s13_x_forwarded_last_values() {
        let head = b"X-Forwarded-Host: client.test, proxy.test\nX-Forwarded-Proto: https";
        let (fields, head) = headers_of(head);
        let found = forwarded(&Headers::from_head(head, &fields));
        assert_eq!(found.host, Some(&b"proxy.test"[..]));
        assert_eq!(found.proto, Some(&b"https"[..]));
    }
}
