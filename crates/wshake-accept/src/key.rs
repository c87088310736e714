//! `Sec-WebSocket-Key`: a validated nonce.

use core::{fmt, str::FromStr};

use crate::base64_alphabet::{ends_sixteen_bytes, is_standard};
use crate::{KEY_LEN, KeyError};

/// A `Sec-WebSocket-Key` value that RFC 6455 allows: 24 characters of standard base64,
/// canonically padded, decoding to exactly 16 bytes.
///
/// ```
/// use wshake_accept::Key;
///
/// let key = Key::from_nonce(*b"the sample nonce");
/// assert_eq!(key.as_str(), "dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(Key::parse(key.as_str().as_bytes()), Ok(key));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; KEY_LEN]);

impl Key {
    /// Validates a header value as received (no surrounding whitespace: HTTP parsers strip it).
    ///
    /// Runs in time linear in `value.len()` and reports the first problem found, in this
    /// order: a byte outside the alphabet, misplaced padding, a length that is not base64,
    /// a decoded length other than 16, non-zero trailing bits.
    #[inline]
    pub fn parse(value: &[u8]) -> Result<Self, KeyError> {
        // Every real key takes this branch; the rest only finds out what is wrong. Checked
        // where it lies, copied once valid.
        let canonical = <&[u8; KEY_LEN]>::try_from(value).ok().filter(|bytes| {
            bytes[KEY_LEN - 2..] == *b"=="
                && ends_sixteen_bytes(bytes[KEY_LEN - 3])
                // Folded, not short-circuited: a real key has no bad byte to stop at,
                // and a branch per byte costs more than the lookups it would skip.
                && bytes[..KEY_LEN - 2]
                    .iter()
                    .fold(true, |all, &b| all & is_standard(b))
        });
        match canonical {
            Some(bytes) => Ok(Self(*bytes)),
            None => Self::diagnose(value),
        }
    }

    /// The first problem with a value the fast path refused, in a fixed order.
    fn diagnose(value: &[u8]) -> Result<Self, KeyError> {
        let data_len = value.iter().position(|&b| b == b'=').unwrap_or(value.len());
        if let Some(position) = value[..data_len].iter().position(|&b| !is_standard(b)) {
            return Err(KeyError::InvalidCharacter {
                byte: value[position],
                position,
            });
        }
        if let Some(offset) = value[data_len..].iter().position(|&b| b != b'=') {
            let position = data_len + offset;
            let byte = value[position];
            return Err(if is_standard(byte) {
                KeyError::Padding { position: data_len }
            } else {
                KeyError::InvalidCharacter { byte, position }
            });
        }
        let padding = value.len() - data_len;
        if padding > 2 {
            return Err(KeyError::Padding { position: data_len });
        }
        if value.len() % 4 != 0 {
            return Err(KeyError::Length { found: value.len() });
        }
        let decoded = value.len() / 4 * 3 - padding;
        if decoded != 16 {
            return Err(KeyError::DecodedLength { found: decoded });
        }
        // Length 24 with two `=`: 22 data characters, the last carrying 2 data bits.
        let last = value[KEY_LEN - 3];
        if !ends_sixteen_bytes(last) {
            return Err(KeyError::TrailingBits { character: last });
        }
        let mut bytes = [0; KEY_LEN];
        bytes.copy_from_slice(value);
        Ok(Self(bytes))
    }

    /// The key for a given 16-byte nonce. A client must use a fresh random nonce for every
    /// connection (RFC 6455 §4.1); fixed nonces are for tests.
    pub fn from_nonce(nonce: [u8; 16]) -> Self {
        let mut bytes = [0; KEY_LEN];
        crate::base64_alphabet::encode(&nonce, &mut bytes);
        Self(bytes)
    }

    /// A key from 16 bytes of operating-system randomness.
    #[cfg(feature = "getrandom")]
    #[cfg_attr(docsrs, doc(cfg(feature = "getrandom")))]
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut nonce = [0; 16];
        getrandom::fill(&mut nonce)?;
        Ok(Self::from_nonce(nonce))
    }

    /// The 16 bytes this key encodes.
    pub fn nonce(&self) -> [u8; 16] {
        crate::base64_alphabet::decode_nonce(&self.0)
    }

    /// The 24 ASCII characters of the key.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        crate::ascii(&self.0)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Key").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl FromStr for Key {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl TryFrom<&[u8]> for Key {
    type Error = KeyError;

    fn try_from(value: &[u8]) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_round_trips() {
        let nonce = *b"0123456789abcdef";
        assert_eq!(Key::from_nonce(nonce).nonce(), nonce);
    }

    #[test]
    fn first_problem_is_reported() {
        // A bad character wins over a bad length.
        assert_eq!(
            Key::parse(b"a-b"),
            Err(KeyError::InvalidCharacter {
                byte: b'-',
                position: 1
            })
        );
        assert_eq!(Key::parse(b""), Err(KeyError::DecodedLength { found: 0 }));
    }
}
