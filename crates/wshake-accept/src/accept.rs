//! `Sec-WebSocket-Accept`: the server's proof that it read the key.

use core::fmt;

use sha1::{Digest as _, Sha1};

use crate::{ACCEPT_LEN, GUID, KEY_LEN, Key};

/// SHA-1's initial state (FIPS 180-4 §5.3.1).
const SHA1_INITIAL: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// The length of the message a valid key makes: the key, then the GUID.
const MESSAGE_LEN: usize = KEY_LEN + GUID.len();
// One block and the padding's first byte, with no room left for the 8-byte length: the
// layout below (the length alone in a second block) holds only for such a length.
const _: () = assert!(
    MESSAGE_LEN >= 56 && MESSAGE_LEN < 64,
    "two blocks, the length in the second"
);

/// The first block of that message with the key's bytes zero: the GUID, then the
/// padding's leading 1 bit (FIPS 180-4 §5.1.1); the length does not fit after them.
const FIRST_BLOCK: [u8; 64] = {
    let mut block = [0; 64];
    let guid = GUID.as_bytes();
    let mut i = 0;
    while i < guid.len() {
        block[KEY_LEN + i] = guid[i];
        i += 1;
    }
    block[MESSAGE_LEN] = 0x80;
    block
};

/// The second and last block: zeros, then the message's length in bits, big-endian.
const LAST_BLOCK: [u8; 64] = {
    let mut block = [0; 64];
    let bits = (MESSAGE_LEN as u64 * 8).to_be_bytes();
    let mut i = 0;
    while i < 8 {
        block[56 + i] = bits[i];
        i += 1;
    }
    block
};

/// A `Sec-WebSocket-Accept` value: `base64(SHA-1(key + GUID))`, 28 bytes on the stack.
///
/// ```
/// use wshake_accept::{Accept, Key};
///
/// let accept = Accept::for_raw_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(accept, *b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".as_slice());
/// assert_eq!(accept.to_string(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accept([u8; ACCEPT_LEN]);

impl Accept {
    /// The accept value for a validated key.
    pub fn for_key(key: &Key) -> Self {
        // A valid key makes the message 60 bytes: its two blocks are known but for the
        // key's 24, so they go to SHA-1's compression function as they are (no hasher's
        // buffer to fill and pad).
        let mut first = FIRST_BLOCK;
        first[..KEY_LEN].copy_from_slice(key.as_bytes());
        let mut state = SHA1_INITIAL;
        sha1::block_api::compress(&mut state, &[first, LAST_BLOCK]);
        let mut digest = [0; 20];
        for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        Self::encode(digest)
    }

    /// The accept value for a key exactly as received, without validating or decoding it
    /// (RFC 6455 §4.2.2: the server hashes the key as sent, surrounding whitespace removed).
    pub fn for_raw_key(key: &[u8]) -> Self {
        let mut sha1 = Sha1::new();
        sha1.update(key);
        sha1.update(GUID.as_bytes());
        Self::encode(sha1.finalize().into())
    }

    fn encode(digest: [u8; 20]) -> Self {
        let mut bytes = [0; ACCEPT_LEN];
        crate::base64_alphabet::encode(&digest, &mut bytes);
        Self(bytes)
    }

    /// Whether a received `Sec-WebSocket-Accept` value equals this one.
    ///
    /// Optional whitespace (space, tab) around the value is ignored; the comparison of
    /// the 28 bytes takes the same time wherever they differ.
    pub fn matches(&self, received: &[u8]) -> bool {
        let received = trim_ows(received);
        if received.len() != ACCEPT_LEN {
            return false;
        }
        let difference = self
            .0
            .iter()
            .zip(received)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        core::hint::black_box(difference) == 0
    }

    /// The 28 ASCII characters of the value.
    pub fn as_bytes(&self) -> &[u8; ACCEPT_LEN] {
        &self.0
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        crate::ascii(&self.0)
    }
}

fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

impl PartialEq<[u8]> for Accept {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<str> for Accept {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for Accept {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Display for Accept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Accept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Accept").field(&self.as_str()).finish()
    }
}

impl AsRef<[u8]> for Accept {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<str> for Accept {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_only_ows() {
        assert_eq!(trim_ows(b" \tab\t "), b"ab");
        assert_eq!(trim_ows(b"\r\nab"), b"\r\nab");
        assert_eq!(trim_ows(b"   "), b"");
    }

    #[test]
    fn matches_rejects_any_single_byte_change() {
        let accept = Accept::for_raw_key(b"dGhlIHNhbXBsZSBub25jZQ==");
        for i in 0..ACCEPT_LEN {
            let mut wrong = *accept.as_bytes();
            wrong[i] ^= 0x01;
            assert!(
                !accept.matches(&wrong),
                "byte {i} changed but still matched"
            );
        }
        assert!(accept.matches(accept.as_bytes()));
        assert!(!accept.matches(&accept.as_bytes()[..27]));
    }
}
