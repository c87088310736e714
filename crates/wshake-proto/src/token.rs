//! HTTP grammar shared by both roles: tokens, comma-separated lists, optional whitespace.

/// RFC 9110 `tchar`: the characters of a `token`, as a table (checked per byte on the
/// hot path).
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte: u8 = 0;
    loop {
        table[byte as usize] = matches!(byte,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
            | b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z');
        if byte == u8::MAX {
            break;
        }
        byte += 1;
    }
    table
};

/// Whether `byte` is an RFC 9110 `tchar`.
pub(crate) const fn is_tchar(byte: u8) -> bool {
    TCHAR[byte as usize]
}

/// `true` for a non-empty RFC 9110 `token`.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// `true` for bytes allowed in a field value we write: HTAB, SP, VCHAR, obs-text. No CR, LF,
/// NUL or other controls, so a value can never end the line or the head early.
pub(crate) fn is_field_value(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
}

/// Removes optional whitespace (SP, HTAB) on both sides.
pub(crate) fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// The elements of an RFC 9110 `#list`, whitespace trimmed, empty elements skipped
/// (`Upgrade, , keep-alive` has two elements).
pub(crate) fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|element| !element.is_empty())
}

/// Whether a `#list` value contains `wanted`, compared case-insensitively.
pub(crate) fn list_contains(value: &[u8], wanted: &str) -> bool {
    list_elements(value).any(|element| element.eq_ignore_ascii_case(wanted.as_bytes()))
}

/// Converts bytes already checked to be ASCII tokens into `&str`.
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h22_list_tolerates_empty_elements() {
        let elements: alloc::vec::Vec<&[u8]> = list_elements(b"Upgrade, , keep-alive,,").collect();
        assert_eq!(elements, [&b"Upgrade"[..], b"keep-alive"]);
        assert!(list_elements(b" , ,").next().is_none());
    }

    #[test]
    fn h22_list_match_is_case_insensitive_and_whole_element() {
        assert!(list_contains(b"keep-alive, UPGRADE", "upgrade"));
        assert!(!list_contains(b"notupgrade", "upgrade"));
        assert!(!list_contains(b"upgrade-insecure", "upgrade"));
    }

    #[test]
    fn tokens_and_values() {
        assert!(is_token(b"chat.v2"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a,b"));
        assert!(is_field_value(b"text\twith obs-text \xFF"));
        assert!(!is_field_value(b"a\r\nInjected: yes"));
        assert!(!is_field_value(b"nul\0"));
    }
}

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

/// Classifies a header name (case-insensitive, H22). Length and first letter pick the one
/// candidate worth comparing, so an unknown header usually costs two byte checks.
pub(crate) fn classify(name: &[u8]) -> Known {
    let Some(&first) = name.first() else {
        return Known::Other;
    };
    let (known, kind): (&[u8], Known) = match (name.len(), first | 0x20) {
        (4, b'h') => (b"host", Known::Host),
        (6, b'o') => (b"origin", Known::Origin),
        (7, b'u') => (b"upgrade", Known::Upgrade),
        (10, b'c') => (b"connection", Known::Connection),
        (14, b'c') => (b"content-length", Known::ContentLength),
        (17, b's') => (b"sec-websocket-key", Known::Key),
        (17, b't') => (b"transfer-encoding", Known::TransferEncoding),
        (20, b's') => (b"sec-websocket-accept", Known::Accept),
        (21, b's') => (b"sec-websocket-version", Known::Version),
        (22, b's') => (b"sec-websocket-protocol", Known::Protocol),
        (24, b's') => (b"sec-websocket-extensions", Known::Extensions),
        _ => return Known::Other,
    };
    if name.eq_ignore_ascii_case(known) {
        kind
    } else {
        Known::Other
    }
}

/// A set of field indices (a head has at most `MAX_HEADERS_CEILING` fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldSet([u64; crate::limits::MAX_HEADERS_CEILING / 64]);

impl FieldSet {
    pub(crate) fn insert(&mut self, index: usize) {
        self.0[index / 64] |= 1 << (index % 64);
    }

    /// The indices in increasing order.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
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

    #[test]
    fn h22_classify_is_case_insensitive() {
        assert_eq!(classify(b"SEC-WEBSOCKET-KEY"), Known::Key);
        assert_eq!(classify(b"Transfer-Encoding"), Known::TransferEncoding);
        assert_eq!(classify(b"hosts"), Known::Other);
        assert_eq!(classify(b"X-Host"), Known::Other);
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
