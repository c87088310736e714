//! Header fields: the one borrowed view of a received head's fields, and the checks on
//! headers an application adds to what the handshake writes.

use core::fmt;

use crate::LocalError;
use crate::either;
#[cfg(feature = "http")]
use crate::either::Either;
use crate::grammar::{ascii_str, is_field_value, is_token};
use crate::head::Field;

/// The header fields of a received head, in order, duplicates and non-UTF-8 values kept.
/// Borrowed from the buffer the head was read into (or from an `http::HeaderMap` with the
/// `http` feature): nothing is copied.
///
/// ```
/// use wshake_proto::server::{ServerConfig, ServerHandshake};
/// use wshake_proto::Status;
///
/// let mut server = ServerHandshake::new(ServerConfig::new());
/// server.feed(b"GET / HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
///     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
///     Cookie: a=1\r\ncookie: b=2\r\n\r\n");
/// let Status::Ready(incoming) = server.poll()? else { unreachable!() };
/// let headers = incoming.request().headers();
/// assert_eq!(headers.get("COOKIE"), Some(&b"a=1"[..]));
/// assert_eq!(headers.get_all("cookie").count(), 2);
/// assert_eq!(headers.len(), 7);
/// # Ok::<(), wshake_proto::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Headers<'a> {
    source: Source<'a>,
}

/// Where the fields are: lines of a head read by wshake, or a map parsed by another stack.
#[derive(Clone, Copy)]
enum Source<'a> {
    Head {
        head: &'a [u8],
        fields: &'a [Field],
    },
    #[cfg(feature = "http")]
    Http(HttpLines<'a>),
}

/// The lines of a message in `http` types: the map another stack parsed, or the list an
/// owned copy keeps (a list of `Bytes`-backed clones costs one allocation, a map's clone
/// two and a hash table).
#[cfg(feature = "http")]
#[derive(Clone, Copy, Debug)]
pub(crate) enum HttpLines<'a> {
    Map(&'a http::HeaderMap),
    List(&'a [(http::HeaderName, http::HeaderValue)]),
}

#[cfg(feature = "http")]
impl<'a> HttpLines<'a> {
    /// Every line, in order (lines of one name together, as the map holds them).
    pub(crate) fn iter(
        self,
    ) -> impl Iterator<Item = (&'a http::HeaderName, &'a http::HeaderValue)> + 'a {
        match self {
            Self::Map(map) => Either::Left(map.iter()),
            Self::List(list) => Either::Right(list.iter().map(|(name, value)| (name, value))),
        }
    }

    /// The number of lines.
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Map(map) => map.len(),
            Self::List(list) => list.len(),
        }
    }

    /// The first value of `name`.
    pub(crate) fn get(self, name: &http::HeaderName) -> Option<&'a http::HeaderValue> {
        match self {
            Self::Map(map) => map.get(name),
            Self::List(list) => list.iter().find(|(n, _)| n == name).map(|(_, value)| value),
        }
    }

    /// Every value of `name`, in order.
    pub(crate) fn values(
        self,
        name: http::HeaderName,
    ) -> impl Iterator<Item = &'a [u8]> + Clone + 'a {
        match self {
            Self::Map(map) => Either::Left(MapValues::new(map, name)),
            Self::List(list) => Either::Right(
                list.iter()
                    .filter(move |(n, _)| *n == name)
                    .map(|(_, value)| value.as_bytes()),
            ),
        }
    }

    /// Every value of the header `name`, compared without case (H22).
    fn values_named<'n>(self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.iter()
            .filter(move |(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_bytes())
    }
}

/// The values of one header, in order: a `Clone` iterator (`http`'s own is not), whose
/// clone resumes where it was.
#[cfg(feature = "http")]
struct MapValues<'a> {
    map: &'a http::HeaderMap,
    name: http::HeaderName,
    values: http::header::ValueIter<'a, http::HeaderValue>,
    taken: usize,
}

#[cfg(feature = "http")]
impl<'a> MapValues<'a> {
    fn new(map: &'a http::HeaderMap, name: http::HeaderName) -> Self {
        Self {
            map,
            values: map.get_all(&name).iter(),
            name,
            taken: 0,
        }
    }
}

#[cfg(feature = "http")]
impl<'a> Iterator for MapValues<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let value = self.values.next()?;
        self.taken += 1;
        Some(value.as_bytes())
    }
}

#[cfg(feature = "http")]
impl Clone for MapValues<'_> {
    fn clone(&self) -> Self {
        let mut values = self.map.get_all(&self.name).iter();
        for _ in 0..self.taken {
            values.next();
        }
        Self {
            map: self.map,
            name: self.name.clone(),
            values,
            taken: self.taken,
        }
    }
}

impl<'a> Headers<'a> {
    /// The fields of a head read by wshake.
    pub(crate) fn from_head(head: &'a [u8], fields: &'a [Field]) -> Self {
        Self {
            source: Source::Head { head, fields },
        }
    }

    /// The fields of a message parsed into `http` types: in the map's order (lines of
    /// the same name together, in the order received).
    #[cfg(feature = "http")]
    pub(crate) fn from_map(map: &'a http::HeaderMap) -> Self {
        Self::from_http(HttpLines::Map(map))
    }

    /// The lines of a message in `http` types, as a map or a list.
    #[cfg(feature = "http")]
    pub(crate) fn from_http(lines: HttpLines<'a>) -> Self {
        Self {
            source: Source::Http(lines),
        }
    }

    /// The first value of the header `name` (case-insensitive, H22).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.get_all(name).next()
    }

    /// Every value of the header `name` (case-insensitive, H22), in order.
    pub fn get_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        match self.source {
            Source::Head { head, fields } => either::left!(
                fields
                    .iter()
                    .filter(move |f| head[f.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
                    .map(move |f| &head[f.value.clone()]),
            ),
            #[cfg(feature = "http")]
            Source::Http(lines) => Either::Right(lines.values_named(name)),
        }
    }

    /// Every header in order: names as sent (always ASCII tokens; lower case from `http`
    /// types), values as bytes.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        match self.source {
            Source::Head { head, fields } => either::left!(
                fields
                    .iter()
                    .map(move |f| (ascii_str(&head[f.name.clone()]), &head[f.value.clone()])),
            ),
            #[cfg(feature = "http")]
            Source::Http(lines) => Either::Right(
                lines
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_bytes())),
            ),
        }
    }

    /// Every line as bytes, name and value: what the rules read.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        match self.source {
            Source::Head { head, fields } => either::left!(
                fields
                    .iter()
                    .map(move |f| (&head[f.name.clone()], &head[f.value.clone()])),
            ),
            #[cfg(feature = "http")]
            Source::Http(lines) => Either::Right(
                lines
                    .iter()
                    .map(|(name, value)| (name.as_str().as_bytes(), value.as_bytes())),
            ),
        }
    }

    /// The head and its fields, for a head read by wshake.
    #[cfg_attr(not(feature = "http"), allow(clippy::unnecessary_wraps))]
    pub(crate) fn head_and_fields(&self) -> Option<(&'a [u8], &'a [Field])> {
        match self.source {
            Source::Head { head, fields } => Some((head, fields)),
            #[cfg(feature = "http")]
            Source::Http(_) => None,
        }
    }

    /// How many header lines there are (values, for `http` types).
    pub fn len(&self) -> usize {
        match self.source {
            Source::Head { fields, .. } => fields.len(),
            #[cfg(feature = "http")]
            Source::Http(lines) => lines.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .map(|(name, value)| (name, alloc::string::String::from_utf8_lossy(value))),
            )
            .finish()
    }
}

/// Which message an application adds a header to: each reserves different names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Message {
    /// The client's request.
    Request,
    /// The server's 101.
    Accept,
    /// A server's rejection.
    Reject,
}

/// The headers the handshake writes itself, and in which messages: an application may
/// not add them there (it would override or contradict the handshake).
const RESERVED: &[(&str, &[Message])] = {
    use Message::{Accept, Reject, Request};
    &[
        ("host", &[Request]),
        ("upgrade", &[Request, Accept]),
        ("connection", &[Request, Accept, Reject]),
        ("sec-websocket-key", &[Request]),
        ("sec-websocket-version", &[Request, Accept]),
        ("sec-websocket-protocol", &[Request, Accept]),
        ("sec-websocket-extensions", &[Request, Accept]),
        ("sec-websocket-accept", &[Accept]),
        ("origin", &[Request]),
        ("content-length", &[Request, Accept, Reject]),
        ("transfer-encoding", &[Request, Accept, Reject]),
    ]
};

/// Checks a header an application adds to `message`: the name a token not reserved
/// there, the value free of CR, LF, NUL and other controls.
pub(crate) fn check_extra(message: Message, name: &str, value: &str) -> Result<(), LocalError> {
    if !is_token(name.as_bytes()) {
        return Err(LocalError::InvalidHeaderName);
    }
    if !is_field_value(value.as_bytes()) {
        return Err(LocalError::InvalidHeaderValue);
    }
    let reserved = RESERVED.iter().any(|(reserved, messages)| {
        messages.contains(&message) && reserved.eq_ignore_ascii_case(name)
    });
    if reserved {
        return Err(LocalError::ReservedHeader);
    }
    Ok(())
}

/// How many headers an answer adds, at most.
const EXTRA_HEADERS: usize = 16;

/// Up to [`CAPACITY`](Self::CAPACITY) checked `(name, value)` pairs, kept inline so that
/// an answer with a few headers allocates nothing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExtraHeaders<'a> {
    /// `None` past `len`: an empty slot is one zero word to write, not two empty strings.
    entries: [Option<(&'a str, &'a str)>; EXTRA_HEADERS],
    len: usize,
}

/// The headers added, in order (not the empty slots).
impl fmt::Debug for ExtraHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Default for ExtraHeaders<'_> {
    fn default() -> Self {
        Self {
            entries: [None; EXTRA_HEADERS],
            len: 0,
        }
    }
}

impl<'a> ExtraHeaders<'a> {
    pub(crate) const CAPACITY: usize = EXTRA_HEADERS;

    /// Adds a header after [`check_extra`].
    pub(crate) fn push(
        &mut self,
        message: Message,
        name: &'a str,
        value: &'a str,
    ) -> Result<(), LocalError> {
        check_extra(message, name, value)?;
        let slot = self
            .entries
            .get_mut(self.len)
            .ok_or(LocalError::TooManyHeaders {
                capacity: Self::CAPACITY,
            })?;
        *slot = Some((name, value));
        self.len += 1;
        Ok(())
    }

    /// The headers in the order added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.entries[..self.len].iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_reserves_its_own_headers() {
        assert_eq!(
            check_extra(Message::Accept, "Sec-WebSocket-Accept", "x"),
            Err(LocalError::ReservedHeader)
        );
        assert_eq!(
            check_extra(Message::Request, "Sec-WebSocket-Accept", "x"),
            Ok(())
        );
        assert_eq!(
            check_extra(Message::Request, "HOST", "x"),
            Err(LocalError::ReservedHeader)
        );
        assert_eq!(check_extra(Message::Reject, "Upgrade", "x"), Ok(()));
        assert_eq!(
            check_extra(Message::Reject, "content-length", "1"),
            Err(LocalError::ReservedHeader)
        );
        assert_eq!(
            check_extra(Message::Accept, "a b", "x"),
            Err(LocalError::InvalidHeaderName)
        );
        assert_eq!(
            check_extra(Message::Accept, "X", "a\r\nInjected: 1"),
            Err(LocalError::InvalidHeaderValue)
        );
    }
}
