//! `Sec-WebSocket-Extensions` (RFC 6455 §9.1) parsed in place, permessage-deflate
//! (RFC 7692) negotiation, and the rule both roles apply to an answer: a subset of the
//! offer, in its order, with at most one extension on the RSV1 bit.
//!
//! The grammar:
//!
//! ```text
//! extension-list = 1#extension
//! extension      = extension-token *( ";" extension-param )
//! extension-param = token [ "=" (token | quoted-string) ]
//! ```
//! A quoted value must be a token once unescaped. Whitespace is allowed around `,` `;` `=`.

use core::fmt;

mod answer;
mod deflate;

pub use crate::error::DeflateError;
pub(crate) use answer::AnswerCheck;
pub(crate) use deflate::deflate_offers;
pub use deflate::{DeflateConfig, DeflateOffer, DeflateParams, PERMESSAGE_DEFLATE};

use crate::grammar::{ascii_str, is_tchar};

/// One extension of a `Sec-WebSocket-Extensions` list: a name and its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension<'a> {
    name: &'a [u8],
    params: &'a [u8],
}

impl<'a> Extension<'a> {
    /// The extension's name, e.g. `permessage-deflate`.
    pub fn name(&self) -> &'a str {
        ascii_str(self.name)
    }

    /// Whether the name equals `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }

    /// The parameters, in order.
    pub fn params(&self) -> Params<'a> {
        Params { rest: self.params }
    }
}

impl fmt::Display for Extension<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        for param in self.params() {
            write!(f, "; {param}")?;
        }
        Ok(())
    }
}

/// One `name[=value]` parameter of an extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    name: &'a [u8],
    value: Option<ParamValue<'a>>,
}

impl<'a> Param<'a> {
    /// The parameter's name.
    pub fn name(&self) -> &'a str {
        ascii_str(self.name)
    }

    /// The name as bytes (always ASCII `tchar`s).
    pub fn name_bytes(&self) -> &'a [u8] {
        self.name
    }

    /// Its value, if it has one.
    pub fn value(&self) -> Option<ParamValue<'a>> {
        self.value
    }
}

impl fmt::Display for Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        if let Some(value) = self.value {
            write!(f, "={value}")?;
        }
        Ok(())
    }
}

/// A parameter value: a token, or a quoted-string whose unescaped content is a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamValue<'a> {
    /// Between the quotes when quoted, escapes still in.
    raw: &'a [u8],
    quoted: bool,
}

impl ParamValue<'_> {
    /// The unescaped bytes (`"1\5"` gives `1`, `5`).
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let mut escaped = false;
        self.raw.iter().copied().filter(move |&b| {
            if self.quoted && !escaped && b == b'\\' {
                escaped = true;
                return false;
            }
            escaped = false;
            true
        })
    }

    /// The value as a plain decimal with no leading zero, if it is one (at most 3 digits).
    pub fn as_number(&self) -> Option<u16> {
        let mut value: u16 = 0;
        let mut digits = 0;
        for byte in self.bytes() {
            if !byte.is_ascii_digit() || (digits == 1 && value == 0) || digits == 3 {
                return None;
            }
            value = value * 10 + u16::from(byte - b'0');
            digits += 1;
        }
        (digits > 0).then_some(value)
    }
}

impl fmt::Display for ParamValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.bytes() {
            fmt::Write::write_char(f, char::from(byte))?;
        }
        Ok(())
    }
}

/// Iterator over the parameters of an [`Extension`].
#[derive(Clone, Debug)]
pub struct Params<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Params<'a> {
    type Item = Param<'a>;

    fn next(&mut self) -> Option<Param<'a>> {
        let mut cursor = Cursor {
            bytes: self.rest,
            at: 0,
        };
        cursor.skip_ows();
        if !cursor.eat(b';') {
            return None;
        }
        let param = cursor.param()?;
        self.rest = &self.rest[cursor.at..];
        Some(param)
    }
}

/// Iterator over the extensions in one validated header value.
#[derive(Clone, Debug)]
pub struct Extensions<'a> {
    cursor: Cursor<'a>,
}

impl<'a> Extensions<'a> {
    /// Parses a whole header value; `None` if it is malformed (S17, S19).
    /// An empty list (`""` or `", ,"`) is malformed: the grammar wants at least one.
    #[inline]
    pub fn parse(value: &'a [u8]) -> Option<Self> {
        is_valid_list(value).then_some(Self::already_valid(value))
    }

    /// Iterates a value that [`parse`](Self::parse) already accepted, without checking it
    /// again.
    pub(crate) fn already_valid(value: &'a [u8]) -> Self {
        Self {
            cursor: Cursor {
                bytes: value,
                at: 0,
            },
        }
    }
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        self.cursor.extension().ok().flatten()
    }
}

/// The offers the common clients send, byte for byte (the captured and written requests
/// of `tests/fixtures`: Chromium, Node `ws` and Python `websockets` send the first,
/// Firefox and Safari the second): valid without the scan, a comparison of lengths for
/// any other value. A test holds them to the grammar.
const COMMON_OFFERS: [&[u8]; 2] = [
    b"permessage-deflate; client_max_window_bits",
    b"permessage-deflate",
];

/// Whether `value` is an extension list (the grammar at the top): what
/// [`Extensions::parse`] accepts. One pass, table lookups and no value built; the
/// [`Cursor`] then walks a list accepted here, and a test holds the two to the same
/// language.
#[inline]
fn is_valid_list(value: &[u8]) -> bool {
    COMMON_OFFERS.contains(&value) || scans_as_list(value)
}

/// [`is_valid_list`] by the grammar alone: the scan.
fn scans_as_list(value: &[u8]) -> bool {
    const { assert!(list::TCHAR == 0, "token characters' classes OR to 0") };
    let class = |at: usize| list::CLASS[usize::from(value[at])];
    let mut state = list::START;
    let mut at = 0;
    while at < value.len() {
        let first = class(at);
        state = list::NEXT[usize::from(state | first)];
        at += 1;
        if first == list::TCHAR {
            // More token characters leave the state as the first one left it (asserted
            // on the tables): the rest of a name or value is skipped by its class alone,
            // without a transition waiting on the one before; eight bytes a step while
            // they are all token characters (`TCHAR` is 0: their classes OR to 0).
            while let Some(chunk) = value.get(at..at + 8) {
                if chunk
                    .iter()
                    .fold(0, |all, &byte| all | list::CLASS[usize::from(byte)])
                    != list::TCHAR
                {
                    break;
                }
                at += 8;
            }
            while at < value.len() && class(at) == list::TCHAR {
                at += 1;
            }
        }
    }
    list::accepts(state)
}

/// The scan's tables. A state is a multiple of 8 below 128 and a byte class is below 8,
/// so `state | class` indexes the 256-entry transition table with no bounds to check.
mod list {
    use crate::grammar::is_tchar;

    // Byte classes.
    pub(super) const TCHAR: u8 = 0;
    const OWS: u8 = 1;
    const COMMA: u8 = 2;
    const SEMI: u8 = 3;
    const EQ: u8 = 4;
    const QUOTE: u8 = 5;
    const BACKSLASH: u8 = 6;
    const OTHER: u8 = 7;

    /// Each byte's class.
    pub(super) const CLASS: [u8; 256] = {
        let mut table = [OTHER; 256];
        let mut byte: u8 = 0;
        loop {
            table[byte as usize] = match byte {
                b if is_tchar(b) => TCHAR,
                b' ' | b'\t' => OWS,
                b',' => COMMA,
                b';' => SEMI,
                b'=' => EQ,
                b'"' => QUOTE,
                b'\\' => BACKSLASH,
                _ => OTHER,
            };
            if byte == u8::MAX {
                break table;
            }
            byte += 1;
        }
    };

    // States, what the last byte ended or began, as multiples of 8.
    /// Nothing yet but `,`s and whitespace.
    pub(super) const START: u8 = 0;
    /// After a `,` that followed an extension.
    const LIST: u8 = 8;
    /// In an extension's name.
    const NAME: u8 = 16;
    /// After a name, a parameter or a value, in whitespace: `;`, `,` or the end next.
    const ITEM: u8 = 24;
    /// After `;`, before a parameter's name.
    const PARAM: u8 = 32;
    /// In a parameter's name.
    const PARAM_NAME: u8 = 40;
    /// After a parameter's name, in whitespace: `=`, `;`, `,` or the end next.
    const AFTER_PARAM_NAME: u8 = 48;
    /// After `=`, before the value.
    const VALUE: u8 = 56;
    /// In a token value.
    const TOKEN: u8 = 64;
    /// Just after the opening quote of a value.
    const QUOTED_EMPTY: u8 = 72;
    /// In a quoted value with content.
    const QUOTED: u8 = 80;
    /// After `\\` in a quoted value.
    const ESCAPED: u8 = 88;
    /// Not a list, whatever follows.
    const REJECT: u8 = 96;

    const fn next(state: u8, class: u8) -> u8 {
        match (state, class) {
            (START, OWS | COMMA) => START,
            (LIST, OWS | COMMA) | (NAME | ITEM | PARAM_NAME | AFTER_PARAM_NAME | TOKEN, COMMA) => {
                LIST
            }
            (START | LIST, TCHAR) => NAME,
            // Staying: in a name or value, or in whitespace before a parameter or value.
            (NAME | PARAM_NAME | TOKEN, TCHAR) | (PARAM | VALUE, OWS) => state,
            (NAME | ITEM | TOKEN, OWS) | (QUOTED, QUOTE) => ITEM,
            (PARAM_NAME | AFTER_PARAM_NAME, OWS) => AFTER_PARAM_NAME,
            (PARAM_NAME | AFTER_PARAM_NAME, EQ) => VALUE,
            (NAME | ITEM | PARAM_NAME | AFTER_PARAM_NAME | TOKEN, SEMI) => PARAM,
            (PARAM, TCHAR) => PARAM_NAME,
            (VALUE, TCHAR) => TOKEN,
            (VALUE, QUOTE) => QUOTED_EMPTY,
            (QUOTED_EMPTY | QUOTED, BACKSLASH) => ESCAPED,
            (QUOTED_EMPTY | QUOTED | ESCAPED, TCHAR) => QUOTED,
            _ => REJECT,
        }
    }

    /// The next state, at `state | class`.
    pub(super) const NEXT: [u8; 256] = {
        let mut table = [REJECT; 256];
        let mut index: u8 = 0;
        loop {
            table[index as usize] = next(index & !7, index & 7);
            if index == u8::MAX {
                break table;
            }
            index += 1;
        }
    };

    // What lets `scans_as_list` skip a run of token characters: whatever state a token
    // character leads to, another leaves it there.
    const _: () = {
        let mut state = START;
        while state <= REJECT {
            let after = next(state, TCHAR);
            assert!(next(after, TCHAR) == after);
            state += 8;
        }
    };

    /// Where a list may end: after an extension, a parameter or a value (or a `,`).
    pub(super) const fn accepts(state: u8) -> bool {
        matches!(
            state,
            LIST | NAME | ITEM | PARAM_NAME | AFTER_PARAM_NAME | TOKEN
        )
    }
}

#[derive(Clone, Debug)]
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        let (start, bytes) = (self.at, self.bytes);
        let mut end = start;
        while end < bytes.len() && is_tchar(bytes[end]) {
            end += 1;
        }
        self.at = end;
        (end > start).then(|| &bytes[start..end])
    }

    /// `"…"` with `\` escapes; the unescaped content must be a token.
    fn quoted(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        let mut content_len = 0;
        loop {
            let byte = self.peek()?;
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let escaped = self.peek()?;
                    self.at += 1;
                    if !is_tchar(escaped) {
                        return None;
                    }
                }
                other if is_tchar(other) => {}
                _ => return None,
            }
            content_len += 1;
        }
        (content_len > 0).then(|| &self.bytes[start..self.at - 1])
    }

    fn param(&mut self) -> Option<Param<'a>> {
        self.skip_ows();
        let name = self.token()?;
        self.skip_ows();
        if !self.eat(b'=') {
            return Some(Param { name, value: None });
        }
        self.skip_ows();
        let value = if self.eat(b'"') {
            ParamValue {
                raw: self.quoted()?,
                quoted: true,
            }
        } else {
            ParamValue {
                raw: self.token()?,
                quoted: false,
            }
        };
        Some(Param {
            name,
            value: Some(value),
        })
    }

    /// The next extension, skipping empty list elements; `Ok(None)` at the end.
    fn extension(&mut self) -> Result<Option<Extension<'a>>, ()> {
        loop {
            self.skip_ows();
            if !self.eat(b',') {
                break;
            }
        }
        if self.peek().is_none() {
            return Ok(None);
        }
        let name = self.token().ok_or(())?;
        let params_start = self.at;
        loop {
            self.skip_ows();
            match self.peek() {
                None | Some(b',') => break,
                Some(b';') => {
                    self.at += 1;
                    self.param().ok_or(())?;
                }
                Some(_) => return Err(()),
            }
        }
        let params = &self.bytes[params_start..self.at];
        if self.peek().is_some() && !self.eat(b',') {
            return Err(());
        }
        Ok(Some(Extension { name, params }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    fn names(value: &str) -> Option<Vec<(&str, Vec<alloc::string::String>)>> {
        Some(
            Extensions::parse(value.as_bytes())?
                .map(|e| (e.name(), e.params().map(|p| p.to_string()).collect()))
                .collect(),
        )
    }

    /// What the cursor, walking, accepts: the reference for `scans_as_list`.
    fn cursor_accepts(value: &[u8]) -> bool {
        let mut cursor = Cursor {
            bytes: value,
            at: 0,
        };
        let mut count = 0;
        loop {
            match cursor.extension() {
                Ok(Some(_)) => count += 1,
                Ok(None) => return count > 0,
                Err(()) => return false,
            }
        }
    }

    /// The one-pass check and the cursor accept the same language: every string of up to
    /// six bytes over an alphabet with a token byte, each separator, the quote, the
    /// backslash, both whitespaces and a byte no token holds, then 200,000 longer ones.
    /// The alphabet is every class there is: both treat all bytes of a class alike (any
    /// token byte as any other, space as tab, every other byte refused everywhere), so a
    /// string over it stands for every string of its classes. (A review also ran every
    /// string of 7 to 9 classes, 153 million, in release: no difference.)
    #[test]
    fn s17_s19_the_one_pass_check_accepts_what_the_cursor_walks() {
        const ALPHABET: &[u8] = b"a;,=\" \\\t@";
        fn every(value: &mut Vec<u8>, left: usize) {
            assert_eq!(
                scans_as_list(value),
                cursor_accepts(value),
                "{:?}",
                alloc::string::String::from_utf8_lossy(value)
            );
            if left == 0 {
                return;
            }
            for &byte in ALPHABET {
                value.push(byte);
                every(value, left - 1);
                value.pop();
            }
        }
        every(&mut Vec::new(), 6);
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut value = Vec::new();
        for _ in 0..200_000 {
            value.clear();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = 7 + usize::try_from(state % 24).expect("small");
            for i in 0..len {
                let pick = usize::try_from((state >> (i % 16 * 4)) & 0xff).expect("a byte") + i;
                // Mostly token bytes, as real lists are.
                value.push(if pick % 3 == 0 {
                    ALPHABET[pick / 3 % ALPHABET.len()]
                } else {
                    b'a'
                });
            }
            assert_eq!(scans_as_list(&value), cursor_accepts(&value), "{value:?}");
        }
        // Long runs of token bytes, which the check skips eight at a time: each class
        // at each place in and around them, after a name, a parameter, a value or the
        // opening quote of a quoted value.
        for prefix in [&b""[..], b"a;", b"a; b=", b"a, ", b"a; b=\""] {
            for run in 1..=26 {
                for place in 0..=run {
                    for &byte in ALPHABET {
                        value.clear();
                        value.extend_from_slice(prefix);
                        value.extend(core::iter::repeat_n(b'a', run));
                        value.insert(prefix.len() + place, byte);
                        assert_eq!(scans_as_list(&value), cursor_accepts(&value), "{value:?}");
                    }
                }
            }
        }
        for real in [
            &b"permessage-deflate; client_max_window_bits"[..],
            b"permessage-deflate; client_max_window_bits=15; server_no_context_takeover",
            b"x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=\"10\"",
        ] {
            assert!(is_valid_list(real) && cursor_accepts(real));
        }
    }

    /// The common offers taken without the scan are lists by the grammar, both ways.
    #[test]
    fn s17_common_offers_are_valid_lists() {
        for offer in COMMON_OFFERS {
            assert!(scans_as_list(offer) && cursor_accepts(offer), "{offer:?}");
            assert_eq!(Extensions::parse(offer).map(Iterator::count), Some(1));
        }
    }

    #[test]
    fn s17_extension_list_grammar() {
        assert_eq!(
            names("permessage-deflate; client_max_window_bits, foo;bar=\"1\\5\" ; baz=x"),
            Some(alloc::vec![
                (
                    "permessage-deflate",
                    alloc::vec!["client_max_window_bits".into()]
                ),
                ("foo", alloc::vec!["bar=15".into(), "baz=x".into()]),
            ])
        );
        assert_eq!(names(" a , , b ").map(|v| v.len()), Some(2));
    }

    #[test]
    fn s19_malformed_extension_lists() {
        for bad in [
            "",
            ", ,",
            "a;",
            "a;=1",
            "a; b=",
            "a; b=\"\"",
            "a; b=\"x y\"",
            "a; b=\"unterminated",
            "a b",
            "a;b=c d",
            "\"a\"",
            "a; b=\"1\\\"",
            "a;b==1",
            "a;b=1=2",
        ] {
            assert!(
                Extensions::parse(bad.as_bytes()).is_none(),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn numbers_without_leading_zeros() {
        let value = |raw: &'static str| ParamValue {
            raw: raw.as_bytes(),
            quoted: false,
        };
        assert_eq!(value("15").as_number(), Some(15));
        assert_eq!(value("0").as_number(), Some(0));
        assert_eq!(value("08").as_number(), None);
        assert_eq!(value("1000").as_number(), None);
        assert_eq!(value("x").as_number(), None);
    }
}
