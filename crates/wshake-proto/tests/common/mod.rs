//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;

use wshake_proto::server::{Incoming, ServerConfig, ServerHandshake};
use wshake_proto::{Error, Status};

/// A parsed response: status, lowercased headers in order, body.
pub type Parsed = (u16, Vec<(String, Vec<u8>)>, Vec<u8>);

pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// The lines of a valid request, in order.
pub fn valid_lines() -> Vec<(String, String)> {
    [
        ("Host", "example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", KEY),
        ("Sec-WebSocket-Version", "13"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
    .collect()
}

/// A request: request line, then header lines, then the blank line.
pub fn request(request_line: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut out = format!("{request_line}\r\n");
    for (name, value) in headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The valid request with `name` removed (value `None`), replaced, or appended.
pub fn with(changes: &[(&str, Option<&str>)]) -> Vec<u8> {
    let mut lines = valid_lines();
    for (name, value) in changes {
        let position = lines.iter().position(|(n, _)| n.eq_ignore_ascii_case(name));
        match (position, value) {
            (Some(i), Some(v)) => lines[i].1 = (*v).to_string(),
            (Some(i), None) => {
                lines.remove(i);
            }
            (None, Some(v)) => lines.push(((*name).to_string(), (*v).to_string())),
            (None, None) => {}
        }
    }
    request("GET /chat HTTP/1.1", &lines)
}

/// The valid request with an extra header line appended (duplicates allowed).
pub fn plus(extra: &[(&str, &str)]) -> Vec<u8> {
    let mut lines = valid_lines();
    lines.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_string(), (*v).to_string())),
    );
    request("GET /chat HTTP/1.1", &lines)
}

/// What a poll said, without the borrowed request: comparable with `assert_eq!`.
pub type Polled = Result<Status<()>, Error>;

/// A poll's result with the request (which borrows the machine) dropped.
pub fn settled<T>(polled: Result<Status<T>, Error>) -> Polled {
    polled.map(|status| match status {
        Status::NeedMore => Status::NeedMore,
        Status::Ready(_) => Status::Ready(()),
    })
}

/// Feeds the whole input and polls once. Poll the machine again for the request: once
/// ready, it says so on every call.
pub fn poll_whole(config: ServerConfig, input: &[u8]) -> (ServerHandshake, Polled) {
    let mut server = ServerHandshake::new(config);
    server.feed(input);
    let result = settled(server.poll());
    (server, result)
}

/// The request of a machine that already said it is ready.
pub fn ready(server: &mut ServerHandshake) -> Incoming<'_> {
    match server.poll() {
        Ok(Status::Ready(incoming)) => incoming,
        other => panic!("expected a ready request, got {:?}", settled(other)),
    }
}

/// The error a default server reports for this input.
pub fn error_for(input: &[u8]) -> Error {
    match poll_whole(ServerConfig::new(), input).1 {
        Err(error) => error,
        Ok(status) => panic!(
            "expected an error, got {status:?} for\n{}",
            String::from_utf8_lossy(input)
        ),
    }
}

/// The status a default server answers this input with.
pub fn status_for(input: &[u8]) -> u16 {
    error_for(input)
        .status()
        .expect("a server error has a status")
}

/// Feeds one byte at a time, polling after each; returns the final result and poll count.
pub fn poll_bytewise(server: &mut ServerHandshake, input: &[u8]) -> (Polled, usize) {
    let mut polls = 0;
    for byte in input {
        server.feed(std::slice::from_ref(byte));
        polls += 1;
        match settled(server.poll()) {
            Ok(Status::NeedMore) => {}
            other => return (other, polls),
        }
    }
    (Ok(Status::NeedMore), polls)
}

/// Parses a response with httparse, requiring it to be complete and well-formed.
pub fn parse_response(bytes: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let status = response.parse(bytes).expect("well-formed response");
    let httparse::Status::Complete(len) = status else {
        panic!("incomplete response: {}", String::from_utf8_lossy(bytes));
    };
    let code = response.code.expect("status code");
    let headers = response
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
        .collect();
    (code, headers, bytes[len..].to_vec())
}

pub fn header<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_slice())
}
