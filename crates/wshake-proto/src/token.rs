//! HTTP grammar shared by both roles: tokens, comma-separated lists, optional whitespace.

/// RFC 9110 `tchar`: the characters of a `token`.
pub(crate) const fn is_tchar(byte: u8) -> bool {
    matches!(byte,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
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
