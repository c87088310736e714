//! The standard base64 alphabet (RFC 4648 §4): which bytes belong to it, and the two
//! fixed-size conversions the handshake needs (a 20-byte digest and a 16-byte nonce to
//! text, a valid key back to its nonce). Sized by the types, they need neither a length
//! check nor a general engine: every group of three bytes is four table lookups.

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

/// The 64 characters, by value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The value of each character of the alphabet, and 0 for every other byte: only a key
/// that [`is_standard`] accepted is decoded, and the 0 of its `=` is what makes the
/// padding's bits zero in the last group.
const VALUES: [u8; 256] = {
    let mut table = [0; 256];
    let mut value: u8 = 0;
    while value < 64 {
        table[ALPHABET[value as usize] as usize] = value;
        value += 1;
    }
    table
};
const _: () = assert!(VALUES[b'=' as usize] == 0, "padding decodes as zero bits");

/// Writes the padded base64 of `input` into `out`, whose length the compiler checks:
/// four characters for every three bytes or fewer.
pub(crate) fn encode<const N: usize, const M: usize>(input: &[u8; N], out: &mut [u8; M]) {
    const {
        assert!(
            M == N.div_ceil(3) * 4,
            "out holds exactly the base64 of input"
        );
    };
    let mut groups = input.chunks_exact(3);
    let mut quads = out.chunks_exact_mut(4);
    for (group, quad) in (&mut groups).zip(&mut quads) {
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        quad[0] = ALPHABET[(bits >> 18) as usize];
        quad[1] = ALPHABET[(bits >> 12) as usize & 63];
        quad[2] = ALPHABET[(bits >> 6) as usize & 63];
        quad[3] = ALPHABET[bits as usize & 63];
    }
    if let Some(quad) = quads.next() {
        // One or two bytes left: two or three characters, then padding.
        let rest = groups.remainder();
        let second = rest.get(1).copied().unwrap_or(0);
        let bits = u32::from(rest[0]) << 16 | u32::from(second) << 8;
        quad[0] = ALPHABET[(bits >> 18) as usize];
        quad[1] = ALPHABET[(bits >> 12) as usize & 63];
        quad[2] = if rest.len() == 2 {
            ALPHABET[(bits >> 6) as usize & 63]
        } else {
            b'='
        };
        quad[3] = b'=';
    }
}

/// The 16 bytes a valid key's 22 characters and `==` encode.
pub(crate) fn decode_nonce(key: &[u8; 24]) -> [u8; 16] {
    let mut nonce = [0; 16];
    for (quad, group) in key.chunks_exact(4).zip(nonce.chunks_mut(3)) {
        let bits = quad.iter().fold(0u32, |bits, &character| {
            bits << 6 | u32::from(VALUES[usize::from(character)])
        });
        let bytes = bits.to_be_bytes();
        // The last group holds one byte (the rest of `bits` is the padding's zeros).
        group.copy_from_slice(&bytes[1..=group.len()]);
    }
    nonce
}
