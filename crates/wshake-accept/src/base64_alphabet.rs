//! Classification of bytes against the standard base64 alphabet (RFC 4648 §4).

/// `true` for `A-Z a-z 0-9 + /`: the standard alphabet, without padding.
pub(crate) const fn is_standard(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/'
}

/// `true` when this character, placed right before `==`, carries no bits beyond the
/// 16 decoded bytes. Only `A Q g w` (values 0, 16, 32, 48) do: RFC 6455 erratum 3150.
pub(crate) const fn ends_sixteen_bytes(byte: u8) -> bool {
    matches!(byte, b'A' | b'Q' | b'g' | b'w')
}
