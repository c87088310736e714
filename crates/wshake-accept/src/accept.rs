//! `Sec-WebSocket-Accept`: the server's proof that it read the key.

use core::fmt;

use sha1::{Digest as _, Sha1};

use crate::{ACCEPT_LEN, GUID, KEY_LEN, Key};

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
        // Key and GUID in one 60-byte block: one pass over the input, no buffering.
        let mut input = [0; KEY_LEN + GUID.len()];
        input[..KEY_LEN].copy_from_slice(key.as_bytes());
        input[KEY_LEN..].copy_from_slice(GUID.as_bytes());
        Self::encode(Sha1::digest(input).into())
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
