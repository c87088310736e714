//! Shared inputs for the criterion benches in `benches/benches/`.

/// The RFC 6455 §1.3 example key.
pub const RFC_KEY: &[u8] = b"dGhlIHNhbXBsZSBub25jZQ==";
