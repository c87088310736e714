//! Extra headers an application adds to a response or request, validated, kept inline.

use crate::Error;
use crate::token::{is_field_value, is_token};

const EXTRA_HEADERS_CAPACITY: usize = 16;

/// Up to [`ExtraHeaders::CAPACITY`] validated `(name, value)` pairs, stored inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraHeaders<'a> {
    entries: [(&'a str, &'a str); EXTRA_HEADERS_CAPACITY],
    len: usize,
}

impl Default for ExtraHeaders<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> ExtraHeaders<'a> {
    /// How many headers fit.
    pub const CAPACITY: usize = EXTRA_HEADERS_CAPACITY;

    /// No headers.
    pub const fn new() -> Self {
        Self {
            entries: [("", ""); Self::CAPACITY],
            len: 0,
        }
    }

    /// Adds a header after checking it: the name a token, the value free of CR, LF, NUL and
    /// other controls, the name not in `reserved` (compared case-insensitively).
    pub(crate) fn push(
        &mut self,
        name: &'a str,
        value: &'a str,
        reserved: &[&str],
    ) -> Result<(), Error> {
        if !is_token(name.as_bytes()) || !is_field_value(value.as_bytes()) {
            return Err(Error::InvalidExtraHeader);
        }
        if reserved.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(Error::ReservedHeader);
        }
        let slot = self
            .entries
            .get_mut(self.len)
            .ok_or(Error::InvalidExtraHeader)?;
        *slot = (name, value);
        self.len += 1;
        Ok(())
    }

    /// The headers in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.entries[..self.len].iter().copied()
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
