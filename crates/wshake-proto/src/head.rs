//! The head of an HTTP/1.1 message: bytes buffered as they arrive, the blank line that
//! ends the head found by scanning each byte once, limits enforced as soon as crossed, then
//! one `httparse` pass that records where every field is.

use core::mem::MaybeUninit;
use core::ops::Range;

use alloc::vec::Vec;
use bytes::BytesMut;

use crate::Error;
use crate::grammar::is_tchar;
use crate::limits::{Limits, MAX_HEADERS_CEILING};

/// A parsed request line: where the method and target are, and the minor version.
pub(crate) type RequestLine = (Range<usize>, Range<usize>, u8);

/// A parsed status line: the code, where the reason is, and the minor version.
pub(crate) type StatusLine = (u16, Range<usize>, u8);

/// Which kind of head is being read: the limits and the first line differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Request,
    Response,
}

/// Where a header field lies in the head: byte ranges of its name and (trimmed) value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub(crate) name: Range<usize>,
    pub(crate) value: Range<usize>,
}

/// The most [`Head::spare`] grows the buffer by at once: more than any head limit needs,
/// little enough that no argument can ask for an allocation that fails.
pub(crate) const MAX_GROWTH: usize = 1 << 20;

/// The first error a machine met: once a head failed, every later poll fails the same way.
#[derive(Clone, Debug, Default)]
pub(crate) struct Failure(Option<Error>);

impl Failure {
    /// The error met before, if any.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.0 {
            None => Ok(()),
            Some(error) => Err(error.clone()),
        }
    }

    /// Remembers `error` and passes it on.
    pub(crate) fn fail(&mut self, error: Error) -> Error {
        self.0 = Some(error.clone());
        error
    }

    /// Whether the error met is `error`.
    pub(crate) fn is(&self, error: &Error) -> bool {
        self.0.as_ref() == Some(error)
    }
}

/// An incoming head: the buffered bytes, the scan position and, once complete, the fields.
#[derive(Debug)]
pub(crate) struct Head {
    /// The bytes read so far (`..filled`), then zeroed room handed out by [`spare`] and
    /// not yet filled.
    ///
    /// [`spare`]: Head::spare
    buf: BytesMut,
    filled: usize,
    /// Bytes already examined for line ends: each is looked at once (no O(n²) rescans).
    scanned: usize,
    line_start: usize,
    /// Non-empty lines completed so far, the first line included.
    lines: usize,
    /// Position of the first space in the first line (the end of the method).
    first_space: Option<usize>,
    /// Position of the second space (the end of the request-target).
    target_end: Option<usize>,
    /// Length of the head, the blank line included, once found.
    end: Option<usize>,
    fields: Vec<Field>,
}

impl Head {
    pub(crate) fn new() -> Self {
        Self {
            buf: BytesMut::new(),
            filled: 0,
            scanned: 0,
            line_start: 0,
            lines: 0,
            first_space: None,
            target_end: None,
            end: None,
            // Grown on the first parse and kept: a pending handshake holds only its bytes.
            fields: Vec::new(),
        }
    }

    /// Forgets everything but the allocations, for the next connection.
    pub(crate) fn reset(&mut self) {
        self.buf.clear();
        self.filled = 0;
        self.scanned = 0;
        self.line_start = 0;
        self.lines = 0;
        self.first_space = None;
        self.target_end = None;
        self.end = None;
        self.fields.clear();
    }

    pub(crate) fn feed(&mut self, data: &[u8]) {
        if self.buf.len() > self.filled {
            // Room handed out by `spare` and not filled: the fed bytes go first.
            self.buf.truncate(self.filled);
        }
        self.buf.extend_from_slice(data);
        self.filled = self.buf.len();
    }

    /// Room to read into: what is left of the last room handed out, or `grow_by` more
    /// bytes (1 to [`MAX_GROWTH`]) once the buffer is full. Growing only when full keeps
    /// a peer that trickles its head one byte at a time at one chunk, not a chunk per read.
    pub(crate) fn spare(&mut self, grow_by: usize) -> &mut [u8] {
        if self.buf.len() == self.filled {
            self.buf
                .resize(self.filled + grow_by.clamp(1, MAX_GROWTH), 0);
        }
        &mut self.buf[self.filled..]
    }

    /// Marks `n` bytes of the room from [`spare`](Self::spare) as read; more than that
    /// room counts as all of it.
    pub(crate) fn advance(&mut self, n: usize) {
        self.filled = self.buf.len().min(self.filled.saturating_add(n));
    }

    /// The bytes read so far.
    fn input(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.input()
    }

    pub(crate) fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The complete head, once the blank line arrived.
    pub(crate) fn complete(&self) -> Option<&[u8]> {
        self.end.map(|end| &self.buf[..end])
    }

    /// Bytes after the head: they belong to the WebSocket connection.
    pub(crate) fn leftover(&self) -> &[u8] {
        self.end.map_or(&[][..], |end| &self.buf[end..self.filled])
    }

    /// Splits the leftover off as `Bytes` (no copy; no allocation when it is empty).
    pub(crate) fn take_leftover(&mut self) -> bytes::Bytes {
        self.buf.truncate(self.filled);
        match self.end {
            Some(end) if self.filled > end => {
                let leftover = self.buf.split_off(end).freeze();
                self.filled = end;
                leftover
            }
            _ => bytes::Bytes::new(),
        }
    }

    /// Looks at the bytes not seen before for the blank line that ends the head, enforcing
    /// the limits on the way. `Ok(Some(length))` once the head is complete.
    pub(crate) fn scan(&mut self, limits: &Limits, kind: Kind) -> Result<Option<usize>, Error> {
        if self.end.is_some() {
            return Ok(self.end);
        }
        // Nothing past the size limit can be part of an acceptable head.
        let stop = self.filled.min(limits.max_head_bytes);
        while self.scanned < stop {
            if kind == Kind::Request && self.lines == 0 {
                self.find_target_bounds(stop);
            }
            let Some(at) = find_lf(&self.buf[self.scanned..stop]) else {
                self.scanned = stop;
                break;
            };
            let lf = self.scanned + at;
            self.scanned = lf + 1;
            let line = &self.buf[self.line_start..lf];
            self.line_start = lf + 1;
            if line.is_empty() || line == b"\r" {
                if self.lines > 0 {
                    self.end = Some(lf + 1);
                    return Ok(self.end);
                }
                // RFC 9112 §2.2: empty lines before the start line are ignored.
                continue;
            }
            self.lines += 1;
            if self.lines == 1 && kind == Kind::Request {
                let line_end = if line.ends_with(b"\r") { lf - 1 } else { lf };
                self.check_target(line_end, limits)?;
            }
            if self.lines - 1 > limits.max_headers {
                return Err(Error::TooManyHeaders {
                    limit: limits.max_headers,
                });
            }
        }
        if kind == Kind::Request && self.lines == 0 {
            // The request line is still arriving: refuse a target as soon as it is too
            // long, by the same measure as a complete line (a trailing CR may be the
            // line's own, so it is not counted yet).
            let end = if self.buf[..self.scanned].ends_with(b"\r") {
                self.scanned - 1
            } else {
                self.scanned
            };
            self.check_target(end, limits)?;
        }
        if self.filled > limits.max_head_bytes {
            return Err(Error::HeadTooLarge {
                limit: limits.max_head_bytes,
            });
        }
        Ok(None)
    }

    /// Finds the spaces around the request-target in the not yet examined part of the
    /// request line, each byte once.
    fn find_target_bounds(&mut self, stop: usize) {
        if self.target_end.is_some() {
            return;
        }
        let region = &self.buf[self.scanned..stop];
        let line = &region[..find_lf(region).unwrap_or(region.len())];
        for (offset, &byte) in line.iter().enumerate() {
            if byte != b' ' {
                continue;
            }
            let at = self.scanned + offset;
            if self.first_space.is_none() {
                self.first_space = Some(at);
            } else {
                self.target_end = Some(at);
                return;
            }
        }
    }

    /// 414 when the request-target (from the first space to the next one, or to `end`
    /// while there is none) is longer than the limit. The same measure whatever the read
    /// boundaries, so a split request fails exactly as a whole one does.
    fn check_target(&self, end: usize, limits: &Limits) -> Result<(), Error> {
        let Some(first) = self.first_space else {
            return Ok(());
        };
        let target_end = self.target_end.unwrap_or(end).max(first + 1);
        if target_end - first - 1 > limits.max_target_bytes {
            return Err(Error::TargetTooLong {
                limit: limits.max_target_bytes,
            });
        }
        Ok(())
    }

    /// The fast path for a head that arrives in one piece: one httparse pass instead of the
    /// scan plus a parse. Taken only before anything was scanned, and only when httparse
    /// finds a complete head within the size limit; otherwise `None`, and the caller scans
    /// as usual, so every outcome (errors included) is the one the scan would give,
    /// whatever the read boundaries.
    pub(crate) fn request_at_once(
        &mut self,
        limits: &Limits,
    ) -> Option<Result<(usize, RequestLine), Error>> {
        if self.scanned != 0 || self.end.is_some() {
            return None;
        }
        let window = &self.buf[..self.filled.min(limits.max_head_bytes)];
        let Ok(Some((end, line))) = request_head(window, limits, &mut self.fields) else {
            return None;
        };
        self.end = Some(end);
        self.scanned = end;
        if line.1.len() > limits.max_target_bytes {
            return Some(Err(Error::TargetTooLong {
                limit: limits.max_target_bytes,
            }));
        }
        Some(Ok((end, line)))
    }

    /// The same fast path for a response head.
    pub(crate) fn response_at_once(
        &mut self,
        limits: &Limits,
    ) -> Option<Result<(usize, StatusLine), Error>> {
        if self.scanned != 0 || self.end.is_some() {
            return None;
        }
        let window = &self.buf[..self.filled.min(limits.max_head_bytes)];
        let Ok(Some((end, line))) = response_head(window, limits, &mut self.fields) else {
            return None;
        };
        self.end = Some(end);
        self.scanned = end;
        Some(Ok((end, line)))
    }

    /// Parses the request head the scan found complete.
    pub(crate) fn parse_request(
        &mut self,
        limits: &Limits,
        end: usize,
    ) -> Result<RequestLine, Error> {
        let head = &self.buf[..end];
        match request_head(head, limits, &mut self.fields) {
            Ok(Some((_, line))) => Ok(line),
            Err(httparse::Error::TooManyHeaders) => Err(Error::TooManyHeaders {
                limit: limits.max_headers,
            }),
            // The scan found the blank line, so Partial means httparse disagrees on it.
            Ok(None) | Err(_) => Err(diagnose(head, Kind::Request)),
        }
    }

    /// Parses the response head the scan found complete.
    pub(crate) fn parse_response(
        &mut self,
        limits: &Limits,
        end: usize,
    ) -> Result<StatusLine, Error> {
        let head = &self.buf[..end];
        match response_head(head, limits, &mut self.fields) {
            Ok(Some((_, line))) => Ok(line),
            Err(httparse::Error::TooManyHeaders) => Err(Error::TooManyHeaders {
                limit: limits.max_headers,
            }),
            Ok(None) | Err(_) => Err(diagnose(head, Kind::Response)),
        }
    }
}

/// One httparse pass over `bytes` as a request: the head's length and where its method and
/// target are, the fields recorded; `Ok(None)` while incomplete.
fn request_head(
    bytes: &[u8],
    limits: &Limits,
    fields: &mut Vec<Field>,
) -> Result<Option<(usize, RequestLine)>, httparse::Error> {
    let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS_CEILING];
    let mut request = httparse::Request::new(&mut []);
    let httparse::Status::Complete(end) =
        request.parse_with_uninit_headers(bytes, &mut slots[..limits.max_headers])?
    else {
        return Ok(None);
    };
    let (Some(method), Some(path), Some(version)) = (request.method, request.path, request.version)
    else {
        return Ok(None);
    };
    let head = &bytes[..end];
    record_fields(fields, head, request.headers);
    Ok(Some((
        end,
        (
            span(head, method.as_bytes()),
            span(head, path.as_bytes()),
            version,
        ),
    )))
}

/// One httparse pass over `bytes` as a response: the head's length, status, reason and
/// version, the fields recorded; `Ok(None)` while incomplete.
fn response_head(
    bytes: &[u8],
    limits: &Limits,
    fields: &mut Vec<Field>,
) -> Result<Option<(usize, StatusLine)>, httparse::Error> {
    let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS_CEILING];
    let mut response = httparse::Response::new(&mut []);
    let httparse::Status::Complete(end) = httparse::ParserConfig::default()
        .parse_response_with_uninit_headers(
            &mut response,
            bytes,
            &mut slots[..limits.max_headers],
        )?
    else {
        return Ok(None);
    };
    let (Some(code), Some(reason), Some(version)) =
        (response.code, response.reason, response.version)
    else {
        return Ok(None);
    };
    let head = &bytes[..end];
    record_fields(fields, head, response.headers);
    Ok(Some((end, (code, span(head, reason.as_bytes()), version))))
}

/// The first `\n` in `bytes`, eight bytes at a time (a head is mostly long lines).
fn find_lf(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const LF: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]) ^ LF;
        // A zero byte in `word` is a `\n` in the input (the classic has-zero-byte test).
        if word.wrapping_sub(ONES) & !word & HIGHS != 0 {
            return chunk.iter().position(|&b| b == b'\n').map(|at| offset + at);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|at| offset + at)
}

/// The range `part` occupies inside `whole`. httparse hands out a `'static` empty slice
/// for an empty reason phrase or value, not a subslice: any empty part maps to `0..0`.
fn span(whole: &[u8], part: &[u8]) -> Range<usize> {
    if part.is_empty() {
        return 0..0;
    }
    let start = part.as_ptr().addr().wrapping_sub(whole.as_ptr().addr());
    debug_assert!(start + part.len() <= whole.len(), "not a subslice");
    start..start + part.len()
}

fn record_fields(fields: &mut Vec<Field>, head: &[u8], headers: &[httparse::Header<'_>]) {
    fields.clear();
    fields.extend(headers.iter().map(|header| Field {
        name: span(head, header.name.as_bytes()),
        value: span(head, header.value),
    }));
}

/// httparse says only *that* a head is malformed; find *what* and where, in the peer's
/// terms. Runs on the error path only.
fn diagnose(head: &[u8], kind: Kind) -> Error {
    let mut lines = head
        .split(|&b| b == b'\n')
        .skip_while(|line| line.is_empty() || *line == b"\r");
    let first = lines.next().unwrap_or_default();
    if first.contains(&b'\r') && !first.ends_with(b"\r") || first.contains(&0) {
        return Error::InvalidLineEnding { line: 1 };
    }
    if let Some(error) = diagnose_first_line(first.strip_suffix(b"\r").unwrap_or(first), kind) {
        return error;
    }
    for (index, raw) in lines.enumerate() {
        let line_number = index + 2;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            break;
        }
        if line.contains(&b'\r') {
            return Error::InvalidLineEnding { line: line_number };
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Error::ObsFold { line: line_number };
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Error::InvalidHeaderName { line: line_number };
        };
        let name = &line[..colon];
        if matches!(name.last(), Some(b' ' | b'\t')) && name.iter().any(|&b| is_tchar(b)) {
            return Error::WhitespaceBeforeColon { line: line_number };
        }
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Error::InvalidHeaderName { line: line_number };
        }
        let value = &line[colon + 1..];
        if !crate::grammar::is_field_value(value) {
            return Error::InvalidHeaderValue { line: line_number };
        }
    }
    match kind {
        Kind::Request => Error::InvalidRequestLine,
        Kind::Response => Error::InvalidStatusLine,
    }
}

fn diagnose_first_line(line: &[u8], kind: Kind) -> Option<Error> {
    let mut parts = line.split(|&b| b == b' ');
    match kind {
        Kind::Request => {
            let (method, target, version) = (parts.next()?, parts.next(), parts.next());
            let valid = crate::grammar::is_token(method)
                && target.is_some_and(|t| !t.is_empty())
                && parts.next().is_none();
            if !valid {
                return Some(Error::InvalidRequestLine);
            }
            match version {
                Some(b"HTTP/1.1" | b"HTTP/1.0") => None,
                _ => Some(Error::UnsupportedHttpVersion),
            }
        }
        Kind::Response => {
            let version = parts.next()?;
            if version != b"HTTP/1.1" && version != b"HTTP/1.0" {
                return Some(Error::UnsupportedHttpVersion);
            }
            let code = parts.next().unwrap_or_default();
            if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
                return Some(Error::InvalidStatusLine);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_lf;

    #[test]
    fn find_lf_agrees_with_a_plain_search() {
        let mut bytes = [b'a'; 40];
        assert_eq!(find_lf(&bytes), None);
        for at in 0..40 {
            bytes = [b'a'; 40];
            bytes[at] = b'\n';
            // Bytes with the high bit set must not fool the word test.
            bytes[(at + 1) % 40] = 0x8A;
            for start in 0..=at {
                assert_eq!(
                    find_lf(&bytes[start..]),
                    Some(at - start),
                    "at {at} start {start}"
                );
            }
        }
    }
}
