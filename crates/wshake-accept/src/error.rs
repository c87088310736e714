//! Why a `Sec-WebSocket-Key` value was refused.

use core::fmt;

/// What is wrong with a `Sec-WebSocket-Key` value, in the peer's terms.
///
/// Positions count bytes from 0 within the header value.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyError {
    /// The value is not base64 of any length: its length is not a multiple of 4 (padding
    /// included), so it cannot be the 24 characters a key needs.
    Length {
        /// Number of bytes received.
        found: usize,
    },
    /// A byte outside the standard base64 alphabet (`A-Z a-z 0-9 + /`), such as the
    /// URL-safe `-` or `_`, whitespace inside the value, or a non-ASCII byte.
    InvalidCharacter {
        /// The offending byte.
        byte: u8,
        /// Its position in the value.
        position: usize,
    },
    /// `=` padding where it does not belong: followed by data, or more than two of them.
    Padding {
        /// Position of the first `=`.
        position: usize,
    },
    /// Well-formed base64 that decodes to some other number of bytes than the 16 that
    /// RFC 6455 §4.2.1 requires.
    DecodedLength {
        /// Number of bytes the value decodes to.
        found: usize,
    },
    /// Not canonical: the character before `==` sets bits beyond the 16th byte, so it
    /// must be one of `A`, `Q`, `g`, `w` (RFC 6455 erratum 3150).
    TrailingBits {
        /// The character at position 21.
        character: u8,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Length { found } => write!(
                f,
                "Sec-WebSocket-Key is {found} bytes long, expected 24 (base64 of 16 bytes)"
            ),
            Self::InvalidCharacter { byte, position } => {
                if byte.is_ascii_graphic() {
                    write!(
                        f,
                        "Sec-WebSocket-Key has '{}' at position {position}, which is not standard base64",
                        char::from(byte)
                    )
                } else {
                    write!(
                        f,
                        "Sec-WebSocket-Key has byte 0x{byte:02X} at position {position}, which is not standard base64"
                    )
                }
            }
            Self::Padding { position } => write!(
                f,
                "Sec-WebSocket-Key has misplaced '=' padding at position {position}"
            ),
            Self::DecodedLength { found } => {
                write!(f, "Sec-WebSocket-Key decodes to {found} bytes, expected 16")
            }
            Self::TrailingBits { character } => write!(
                f,
                "Sec-WebSocket-Key is not canonical base64: '{}' before '==' must be one of A, Q, g, w",
                char::from(character)
            ),
        }
    }
}

impl core::error::Error for KeyError {}
