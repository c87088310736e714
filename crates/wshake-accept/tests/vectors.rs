//! Test vectors for keys and accept values, named by checklist ID
//! (`docs/conformance.md`).

use wshake_accept::{Accept, Key, KeyError};

const RFC_KEY: &[u8] = b"dGhlIHNhbXBsZSBub25jZQ==";
const RFC_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

#[test]
fn s16_rfc_6455_example_vector() {
    let key = Key::parse(RFC_KEY).unwrap();
    assert_eq!(Accept::for_key(&key).as_str(), RFC_ACCEPT);
    assert_eq!(Accept::for_raw_key(RFC_KEY).as_str(), RFC_ACCEPT);
    assert_eq!(key.nonce(), *b"the sample nonce");
}

#[test]
fn s16_accept_hashes_the_key_as_received() {
    // §4.2.2: the server need not decode the key; any bytes hash.
    let accept = Accept::for_raw_key(b"not a valid key at all");
    assert_eq!(accept.as_bytes().len(), 28);
    assert_ne!(accept.as_str(), RFC_ACCEPT);
}

#[test]
fn c7_from_nonce_is_24_chars_ending_in_padding() {
    for nonce in [[0u8; 16], [0xFF; 16], *b"the sample nonce"] {
        let key = Key::from_nonce(nonce);
        let text = key.as_str();
        assert_eq!(text.len(), 24);
        assert!(text.ends_with("=="), "{text}");
        // Erratum 3150: the character before the padding is one of A Q g w.
        assert!("AQgw".contains(&text[21..22]), "{text}");
        assert_eq!(Key::parse(text.as_bytes()), Ok(key));
    }
}

#[test]
fn c7_erratum_3150_every_valid_last_character() {
    for last in ['A', 'Q', 'g', 'w'] {
        let text = format!("AAAAAAAAAAAAAAAAAAAAA{last}==");
        assert!(Key::parse(text.as_bytes()).is_ok(), "{text}");
    }
}

#[test]
fn s17_key_with_nonzero_trailing_bits_is_refused() {
    for last in ['B', 'R', 'h', 'x', '/', '+', '9'] {
        let text = format!("AAAAAAAAAAAAAAAAAAAAA{last}==");
        assert_eq!(
            Key::parse(text.as_bytes()),
            Err(KeyError::TrailingBits {
                character: last as u8
            }),
            "{text}"
        );
    }
}

#[test]
fn s12_key_one_char_short_or_long() {
    assert_eq!(
        Key::parse(&RFC_KEY[..23]),
        Err(KeyError::Length { found: 23 })
    );
    assert_eq!(
        Key::parse(b"dGhlIHNhbXBsZSBub25jZQ==A"),
        Err(KeyError::Padding { position: 22 })
    );
    assert_eq!(
        Key::parse(b"AdGhlIHNhbXBsZSBub25jZQ=="),
        Err(KeyError::Length { found: 25 })
    );
    assert_eq!(
        Key::parse(b"dGhlIHNhbXBsZSBub25jZQ="),
        Err(KeyError::Length { found: 23 })
    );
}

#[test]
fn s12_key_must_decode_to_16_bytes() {
    // 16 characters: 12 bytes.
    assert_eq!(
        Key::parse(b"AAAAAAAAAAAAAAAA"),
        Err(KeyError::DecodedLength { found: 12 })
    );
    // 24 characters, no padding: 18 bytes.
    assert_eq!(
        Key::parse(b"AAAAAAAAAAAAAAAAAAAAAAAA"),
        Err(KeyError::DecodedLength { found: 18 })
    );
    // 24 characters, one `=`: 17 bytes.
    assert_eq!(
        Key::parse(b"AAAAAAAAAAAAAAAAAAAAAAA="),
        Err(KeyError::DecodedLength { found: 17 })
    );
    assert_eq!(Key::parse(b""), Err(KeyError::DecodedLength { found: 0 }));
    let message = Key::parse(b"AAAAAAAAAAAAAAAA").unwrap_err().to_string();
    assert_eq!(
        message,
        "Sec-WebSocket-Key decodes to 12 bytes, expected 16"
    );
}

#[test]
fn s12_key_of_a_million_chars_is_refused() {
    let long = vec![b'A'; 1_000_000];
    assert_eq!(
        Key::parse(&long),
        Err(KeyError::DecodedLength { found: 750_000 })
    );
}

#[test]
fn s17_key_must_be_standard_base64() {
    assert_eq!(
        Key::parse(b"dGhlIHNhbXBsZSBub25jZQ-_"),
        Err(KeyError::InvalidCharacter {
            byte: b'-',
            position: 22
        })
    );
    // URL-safe alphabet inside the data.
    assert_eq!(
        Key::parse(b"dGhlIHNh_XBsZSBub25jZQ=="),
        Err(KeyError::InvalidCharacter {
            byte: b'_',
            position: 8
        })
    );
    // Inner whitespace, non-ASCII, NUL.
    assert_eq!(
        Key::parse(b"dGhlIHNh XBsZSBub25jZQ=="),
        Err(KeyError::InvalidCharacter {
            byte: b' ',
            position: 8
        })
    );
    assert_eq!(
        Key::parse("dGhlIHNhé".as_bytes()),
        Err(KeyError::InvalidCharacter {
            byte: 0xC3,
            position: 8
        })
    );
    assert_eq!(
        Key::parse(b"dGhlIHNhbXBsZSBub25jZQ=\0"),
        Err(KeyError::InvalidCharacter {
            byte: 0,
            position: 23
        })
    );
}

#[test]
fn s17_key_padding_must_be_canonical() {
    assert_eq!(
        Key::parse(b"dGhl=HNhbXBsZSBub25jZQ=="),
        Err(KeyError::Padding { position: 4 })
    );
    assert_eq!(
        Key::parse(b"dGhlIHNhbXBsZSBub25jZ==="),
        Err(KeyError::Padding { position: 21 })
    );
    assert_eq!(
        Key::parse(b"========================"),
        Err(KeyError::Padding { position: 0 })
    );
}

#[test]
fn key_errors_read_in_the_peers_terms() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"abc",
            "Sec-WebSocket-Key is 3 bytes long, expected 24 (base64 of 16 bytes)",
        ),
        (
            b"ab-c",
            "Sec-WebSocket-Key has '-' at position 2, which is not standard base64",
        ),
        (
            b"ab\x01c",
            "Sec-WebSocket-Key has byte 0x01 at position 2, which is not standard base64",
        ),
        (
            b"a=bc",
            "Sec-WebSocket-Key has misplaced '=' padding at position 1",
        ),
        (
            b"AAAAAAAAAAAAAAAAAAAAAB==",
            "Sec-WebSocket-Key is not canonical base64: 'B' before '==' must be one of A, Q, g, w",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(Key::parse(input).unwrap_err().to_string(), message);
    }
}

#[test]
fn accept_matching_ignores_ows_only() {
    let accept = Accept::for_raw_key(RFC_KEY);
    assert!(accept.matches(RFC_ACCEPT.as_bytes()));
    assert!(accept.matches(b"\t s3pPLMBiTxaQ9kYGzzhZRbK+xOo= \t"));
    assert!(!accept.matches(b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r"));
    assert!(!accept.matches(b"s3pPLMBiTxaQ9kYGzzhZRbK+xOO="));
    assert!(!accept.matches(b"S3PPLMBITXAQ9KYGZZHZRBK+XOO="));
    assert!(!accept.matches(b""));
    assert!(!accept.matches(b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

#[test]
fn key_parses_through_from_str_and_try_from() {
    let from_str: Key = "dGhlIHNhbXBsZSBub25jZQ==".parse().unwrap();
    let try_from = Key::try_from(RFC_KEY).unwrap();
    assert_eq!(from_str, try_from);
    assert_eq!(format!("{from_str}"), "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(format!("{from_str:?}"), "Key(\"dGhlIHNhbXBsZSBub25jZQ==\")");
}
