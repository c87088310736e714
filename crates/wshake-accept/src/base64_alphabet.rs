//! Classification of bytes against the standard base64 alphabet (RFC 4648 §4).

/// The standard alphabet as a table: one load per byte on the hot path.
const STANDARD: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte: u8 = 0;
    loop {
        table[byte as usize] = byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/';
        if byte == u8::MAX {
            break;
        }
        byte += 1;
    }
    table
};

/// `true` for `A-Z a-z 0-9 + /`: the standard alphabet, without padding.
pub(crate) const fn is_standard(byte: u8) -> bool {
    STANDARD[byte as usize]
}

/// `true` when this character, placed right before `==`, carries no bits beyond the
/// 16 decoded bytes. Only `A Q g w` (values 0, 16, 32, 48) do: RFC 6455 erratum 3150.
pub(crate) const fn ends_sixteen_bytes(byte: u8) -> bool {
    matches!(byte, b'A' | b'Q' | b'g' | b'w')
}
