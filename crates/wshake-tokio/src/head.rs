//! An owned copy of a message head: one buffer and the positions of its fields, so that
//! keeping the headers after the handshake costs two allocations, not two per header.

use std::ops::Range;

/// A request or response head, owned, with its header fields indexed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedHead {
    bytes: Vec<u8>,
    fields: Vec<(Range<usize>, Range<usize>)>,
}

impl OwnedHead {
    /// Copies `raw` (the whole head) and indexes `headers`, which must borrow from it.
    pub(crate) fn new<'a>(
        raw: &'a [u8],
        headers: impl Iterator<Item = (&'a str, &'a [u8])>,
    ) -> Self {
        let base = raw.as_ptr().addr();
        let position = |part: &[u8]| {
            // Empty values may not point into the head; they index nothing.
            if part.is_empty() {
                return 0..0;
            }
            let start = part.as_ptr().addr() - base;
            start..start + part.len()
        };
        Self {
            fields: headers
                .map(|(name, value)| (position(name.as_bytes()), position(value)))
                .collect(),
            bytes: raw.to_vec(),
        }
    }

    /// The head as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Every header in order, duplicates included.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.fields.iter().map(|(name, value)| {
            (
                std::str::from_utf8(&self.bytes[name.clone()]).unwrap_or_default(),
                &self.bytes[value.clone()],
            )
        })
    }

    /// Every value of a header (case-insensitive name), in order.
    pub fn header_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s [u8]> + 's {
        self.headers()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }
}
