//! Property and differential tests: round trips over random nonces, and the accept value
//! against independent SHA-1 and base64 implementations.

use proptest::prelude::*;
use wshake_accept::{Accept, GUID, Key};

fn independent_accept(key: &[u8]) -> String {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key);
    sha1.update(GUID.as_bytes());
    data_encoding::BASE64.encode(&sha1.digest().bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn c7_parse_of_from_nonce_round_trips(nonce in any::<[u8; 16]>()) {
        let key = Key::from_nonce(nonce);
        prop_assert_eq!(Key::parse(key.as_str().as_bytes()), Ok(key));
        prop_assert_eq!(key.nonce(), nonce);
        // The independent encoder agrees on the text.
        prop_assert_eq!(key.as_str(), data_encoding::BASE64.encode(&nonce));
    }

    #[test]
    fn s16_accept_equals_independent_sha1(nonce in any::<[u8; 16]>()) {
        let key = Key::from_nonce(nonce);
        let expected = independent_accept(key.as_bytes());
        let accept = Accept::for_key(&key);
        prop_assert_eq!(accept.to_string(), expected.clone());
        prop_assert!(accept.matches(expected.as_bytes()));
    }

    #[test]
    fn s16_raw_accept_equals_independent_sha1(raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(Accept::for_raw_key(&raw).to_string(), independent_accept(&raw));
    }

    #[test]
    fn s17_parse_accepts_exactly_canonical_16_byte_base64(raw in proptest::collection::vec(any::<u8>(), 0..40)) {
        // Independent oracle: the strict standard decoder decodes to 16 bytes and
        // re-encodes to the very same text.
        let oracle = data_encoding::BASE64
            .decode(&raw)
            .ok()
            .filter(|d| d.len() == 16 && data_encoding::BASE64.encode(d).as_bytes() == raw.as_slice());
        prop_assert_eq!(Key::parse(&raw).is_ok(), oracle.is_some());
    }

    #[test]
    fn s17_parse_of_alphabet_strings_matches_oracle(
        raw in "[A-Za-z0-9+/]{21,23}={0,3}"
    ) {
        let oracle = data_encoding::BASE64
            .decode(raw.as_bytes())
            .ok()
            .filter(|d| d.len() == 16 && data_encoding::BASE64.encode(d) == raw);
        prop_assert_eq!(Key::parse(raw.as_bytes()).is_ok(), oracle.is_some(), "{}", raw);
    }
}
