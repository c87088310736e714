//! HTTP grammar shared by both roles and every path: tokens, comma-separated lists,
//! optional whitespace, field values, `host[:port]`.

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

/// `name.eq_ignore_ascii_case(lower)` for a `lower` made of lower-case letters and `-`
/// (every header name and token the handshake looks for), eight bytes at a time: a
/// letter matches either case (its `0x20` bit is ignored), a `-` only itself.
pub(crate) fn eq_folded(name: &[u8], lower: &[u8]) -> bool {
    fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
        bytes[at..at + N].try_into().expect("in range")
    }
    fn same8(name: &[u8], lower: &[u8], at: usize) -> bool {
        let (a, b) = (
            u64::from_le_bytes(word(name, at)),
            u64::from_le_bytes(word(lower, at)),
        );
        // Letters (0x61..=0x7A) have the 0x40 bit, `-` (0x2D) has not.
        a | ((b & 0x4040_4040_4040_4040) >> 1) == b
    }
    fn same4(name: &[u8], lower: &[u8], at: usize) -> bool {
        let (a, b) = (
            u32::from_le_bytes(word(name, at)),
            u32::from_le_bytes(word(lower, at)),
        );
        a | ((b & 0x4040_4040) >> 1) == b
    }
    debug_assert!(lower.iter().all(|&b| b.is_ascii_lowercase() || b == b'-'));
    let n = lower.len();
    if name.len() != n {
        return false;
    }
    match n {
        0..4 => name.eq_ignore_ascii_case(lower),
        4..8 => same4(name, lower, 0) && same4(name, lower, n - 4),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if !same8(name, lower, at) {
                    return false;
                }
                at += 8;
            }
            same8(name, lower, n - 8)
        }
    }
}

/// Whether a `#list` value contains `wanted`, compared case-insensitively.
/// `wanted` is a constant of lower-case letters (`websocket`, `upgrade`): what
/// [`eq_folded`] compares with.
#[inline]
pub(crate) fn list_contains(value: &[u8], wanted: &'static str) -> bool {
    // The usual value is the one element alone (`Upgrade: websocket`): no split needed.
    eq_folded(value, wanted.as_bytes()) || list_elements_contain(value, wanted.as_bytes())
}

/// [`list_contains`] for a value that is not `wanted` alone: element by element.
fn list_elements_contain(value: &[u8], wanted: &[u8]) -> bool {
    list_elements(value).any(|element| eq_folded(element, wanted))
}

/// Converts bytes already checked to be ASCII tokens into `&str`.
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).expect("bytes checked to be ASCII tokens")
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
#[inline]
pub(crate) fn is_valid_host(value: &[u8]) -> bool {
    let port = if value.first() == Some(&b'[') {
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
            [] => None,
            [b':', port @ ..] => Some(port),
            _ => return false,
        }
    } else {
        let (host, port) = match value.iter().rposition(|&b| b == b':') {
            Some(colon) => (&value[..colon], Some(&value[colon + 1..])),
            None => (value, None),
        };
        // Folded, not short-circuited: no branch per byte on a valid host.
        let reg_name = host
            .iter()
            .fold(true, |all, &b| all & REG_NAME[usize::from(b)]);
        if host.is_empty() || !reg_name {
            return false;
        }
        port
    };
    port.is_none_or(is_valid_port)
}

/// One to five digits, at most 65535 (leading zeros allowed, as RFC 3986 allows them).
fn is_valid_port(port: &[u8]) -> bool {
    // Folded, not short-circuited, like the host. Digits of the same length compare as
    // their numbers do.
    (1..=5).contains(&port.len())
        && port.iter().fold(true, |all, b| all & b.is_ascii_digit())
        && (port.len() < 5 || port <= &b"65535"[..])
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
        assert!(list_contains(b"WebSocket", "websocket"));
        assert!(list_contains(b" websocket ", "websocket"));
        assert!(!list_contains(b"websockets", "websocket"));
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

    #[test]
    fn h23_ports_are_five_digits_at_most_65535() {
        for number in 0..=100_000u32 {
            for width in 1..=6 {
                let port = alloc::format!("{number:0width$}");
                assert_eq!(
                    is_valid_port(port.as_bytes()),
                    port.len() <= 5 && number <= 65_535,
                    "{port}"
                );
            }
        }
        for bad in [
            &b""[..],
            b"+1",
            b"-1",
            b"1a",
            b" 1",
            b"6553\x3a",
            b"\x2f",
            b"\xff",
        ] {
            assert!(!is_valid_port(bad), "{bad:?}");
        }
    }

    #[test]
    fn h23_host_values() {
        for good in [
            &b"example.com"[..],
            b"example.com:8080",
            b"127.0.0.1:9001",
            b"example.com:65535",
            b"example.com:0",
            b"[::1]",
            b"[::1]:443",
            b"xn--bcher-kva.example",
        ] {
            assert!(
                is_valid_host(good),
                "{}",
                alloc::string::String::from_utf8_lossy(good)
            );
        }
        for bad in [
            &b""[..],
            b":80",
            b"example.com:",
            b"example.com:99999",
            b"example.com:65536",
            b"example.com:123456",
            b"example.com:+80",
            b"example.com:8a",
            b"exa mple.com",
            b"user@example.com",
            b"example.com/path",
            b"[::1",
            b"[::1]x",
            b"[]",
        ] {
            assert!(
                !is_valid_host(bad),
                "{}",
                alloc::string::String::from_utf8_lossy(bad)
            );
        }
    }
}
