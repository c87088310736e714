//! `server_fields`: a structure-aware server target. The input is not bytes from a client
//! but a handshake described field by field (`arbitrary`): a valid Chromium-like request
//! whose every part the fuzzer may keep, drop, repeat, recase or replace, with values
//! drawn from what real clients and broken ones send. Most inputs therefore get past the
//! HTTP parser into the header rules, the origin policy and negotiation, where bytes
//! mutated at random rarely arrive.
//!
//! Checks: everything `server_request` checks (the same outcome fed whole, in the
//! fuzzer's pieces and on a reset machine; valid error responses and 101s), and, on
//! the request the fields describe:
//! - a request left intact (only its header names recased, its optional lines drawn from
//!   valid values) is accepted;
//! - an accepted request's 101 carries the accept value of its key (an independent
//!   SHA-1 and base64), a subprotocol that was both offered and configured (or none when
//!   there is no common one), and permessage-deflate parameters that one of the offers
//!   accepts;
//! - the policies never produce an answer that cannot be sent.

use arbitrary::{Arbitrary, Unstructured};
use wshake_proto::extensions::{DeflateOffer, DeflateParams, Extensions, PERMESSAGE_DEFLATE};
use wshake_proto::server::ServerHandshake;

use crate::checks::{NoAnswer, ServerOutcome, pieces, run_server, server_config};

/// What the fuzzer does to one line of the request: kept for half the bytes, so that
/// most requests keep most lines and the rest of the handshake is reached.
#[derive(Clone, Copy, Debug)]
enum Tweak {
    Keep,
    Drop,
    Twice,
    UpperName,
    LowerName,
    /// One of the header's plausible values (valid or not) instead of the valid one.
    Value(u8),
    /// Arbitrary bytes as the value.
    Bytes,
    /// Whitespace around the value (allowed, RFC 9110 §5.5).
    Padded,
}

impl<'a> Arbitrary<'a> for Tweak {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let byte = u8::arbitrary(u)?;
        Ok(match byte {
            0..=127 => Self::Keep,
            128..=143 => Self::Drop,
            144..=151 => Self::Twice,
            152..=159 => Self::UpperName,
            160..=167 => Self::LowerName,
            168..=175 => Self::Padded,
            176..=191 => Self::Bytes,
            _ => Self::Value(byte),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

impl Tweak {
    /// Whether the line stays valid: kept, recased (names are case-insensitive, H22) or
    /// padded with optional whitespace.
    fn keeps_valid(self) -> bool {
        matches!(
            self,
            Self::Keep | Self::UpperName | Self::LowerName | Self::Padded
        )
    }
}

/// One `Sec-WebSocket-Extensions` offer.
#[derive(Clone, Copy, Debug, Arbitrary)]
struct OfferShape {
    name: u8,
    server_no_context_takeover: bool,
    client_no_context_takeover: bool,
    server_max_window_bits: Option<u8>,
    client_max_window_bits: Option<Option<u8>>,
    quoted: bool,
    unknown_param: bool,
}

#[derive(Debug, Arbitrary)]
struct Fields {
    method: u8,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    absolute_form: bool,
    version: u8,
    host: Tweak,
    upgrade: Tweak,
    connection: Tweak,
    key: Tweak,
    nonce: [u8; 16],
    websocket_version: Tweak,
    origin: Option<(u8, Tweak)>,
    protocol_lines: Vec<(Vec<u8>, Tweak)>,
    extension_lines: Vec<(Vec<OfferShape>, Tweak)>,
    others: Vec<(u8, u8)>,
    /// Rotates the lines: the rules must not depend on their order.
    rotate: u8,
    bare_lf: bool,
    plan: u8,
    frame: Vec<u8>,
    /// The bytes a `Tweak::Bytes` uses.
    bytes: Vec<u8>,
}

const METHODS: [&str; 6] = ["GET", "get", "POST", "CONNECT", "HEAD", "GE T"];
const VERSIONS: [&str; 5] = ["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/11"];
/// Path bytes: mostly ordinary, a few that targets may not hold raw.
const PATH_BYTES: &[u8] = b"abcxyz019/._~-%!$&'()*+,;=:@{}|^<>`\" #";
/// The first this many of [`PATH_BYTES`] are accepted raw in a path and a query (H23).
const PATH_SAFE: usize = 32;

const HOSTS: [&str; 7] = [
    "127.0.0.1:9001",
    "a.example.com",
    "[::1]:80",
    "",
    "exa mple.com",
    "host:99999",
    "h\u{e9}.example",
];
const UPGRADES: [&str; 6] = [
    "websocket",
    "WebSocket",
    "h2c, websocket",
    "websocket/13",
    "",
    "foo",
];
const CONNECTIONS: [&str; 6] = [
    "Upgrade",
    "keep-alive, Upgrade",
    "upgrade",
    "close",
    ", , Upgrade,",
    "Upgrade keep-alive",
];
const KEYS: [&str; 5] = [
    "",
    "dGhlIHNhbXBsZSBub25jZQ",
    "AAAAAAAAAAAAAAAAAAAAAA==",
    "dGhlIHNhbXBsZSBub25jZQ==x",
    "dGhlIHNhbXBsZSBub25jZR==",
];
const WEBSOCKET_VERSIONS: [&str; 6] = ["13", "8", "13, 8", "1 3", "013", ""];
/// The first two are allowed by the fuzzed config (same origin as the first host, and
/// `*.example.com`); the rest are not, or are malformed.
const ORIGINS: [&str; 6] = [
    "http://127.0.0.1:9001",
    "https://a.example.com",
    "null",
    "http://evil.test",
    "",
    "http://127.0.0.1:9001/path",
];
const PROTOCOLS: [&str; 5] = ["chat", "superchat", "v1.json", "mqtt", "x"];
const BAD_PROTOCOL_VALUES: [&str; 4] = ["", "a b", ",", "chat, , superchat"];
const EXTENSION_NAMES: [&str; 3] = [PERMESSAGE_DEFLATE, "x-webkit-deflate-frame", "foo"];
const BAD_EXTENSION_VALUES: [&str; 4] = ["", ";", "permessage-deflate;", "a=b"];
const OTHERS: [(&str, &str); 6] = [
    ("User-Agent", "Mozilla/5.0 (fields)"),
    ("Cookie", "a=b; c=d"),
    ("Pragma", "no-cache"),
    ("Content-Length", "0"),
    ("Transfer-Encoding", "chunked"),
    ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
];

fn pick<'a>(list: &[&'a str], index: u8) -> &'a str {
    list[usize::from(index) % list.len()]
}

fn base64(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(bytes)
}

/// A window-bits value: mostly 8 to 15, sometimes out of range.
fn window_bits(raw: u8) -> u8 {
    if raw < 200 { 8 + raw % 8 } else { raw % 20 }
}

impl OfferShape {
    fn text(&self) -> String {
        let mut text = pick(&EXTENSION_NAMES, self.name).to_string();
        let value = |bits: u8| {
            if self.quoted {
                format!("\"{bits}\"")
            } else {
                bits.to_string()
            }
        };
        if self.server_no_context_takeover {
            text.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            text.push_str("; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            text.push_str(&format!(
                "; server_max_window_bits={}",
                value(window_bits(bits))
            ));
        }
        match self.client_max_window_bits {
            Some(Some(bits)) => {
                text.push_str(&format!(
                    "; client_max_window_bits={}",
                    value(window_bits(bits))
                ));
            }
            Some(None) => text.push_str("; client_max_window_bits"),
            None => {}
        }
        if self.unknown_param {
            text.push_str("; x=1");
        }
        text
    }
}

/// One header line as the fields describe it: `None` when dropped.
struct Line {
    name: String,
    value: Vec<u8>,
    twice: bool,
}

fn line(name: &str, valid: String, plausible: &[&str], tweak: Tweak, bytes: &[u8]) -> Option<Line> {
    let (name, value) = match tweak {
        Tweak::Drop => return None,
        Tweak::Keep | Tweak::Twice => (name.to_string(), valid.into_bytes()),
        Tweak::UpperName => (name.to_ascii_uppercase(), valid.into_bytes()),
        Tweak::LowerName => (name.to_ascii_lowercase(), valid.into_bytes()),
        Tweak::Padded => (name.to_string(), format!(" \t{valid} ").into_bytes()),
        Tweak::Value(index) => (name.to_string(), pick(plausible, index).as_bytes().to_vec()),
        Tweak::Bytes => (name.to_string(), bytes.to_vec()),
    };
    Some(Line {
        name,
        value,
        twice: matches!(tweak, Tweak::Twice),
    })
}

/// The request the fields describe, and whether it must be accepted.
fn build(fields: &Fields) -> (Vec<u8>, bool) {
    let bytes = &fields.bytes[..fields.bytes.len().min(64)];
    let mut intact = true;
    let method = if fields.method < 224 {
        "GET"
    } else {
        pick(&METHODS, fields.method)
    };
    intact &= method == "GET";
    let version = if fields.version < 224 {
        "HTTP/1.1"
    } else {
        pick(&VERSIONS, fields.version)
    };
    intact &= version == "HTTP/1.1";
    let mut target = String::new();
    if fields.absolute_form {
        target.push_str("http://127.0.0.1:9001");
    }
    target.push('/');
    for &b in fields.path.iter().take(32) {
        let index = usize::from(b) % PATH_BYTES.len();
        intact &= index < PATH_SAFE;
        target.push(char::from(PATH_BYTES[index]));
    }
    if let Some(query) = &fields.query {
        target.push('?');
        for &b in query.iter().take(32) {
            let index = usize::from(b) % PATH_BYTES.len();
            intact &= index < PATH_SAFE;
            target.push(char::from(PATH_BYTES[index]));
        }
    }

    let mut lines = Vec::new();
    let mut required = |name: &str, valid: String, plausible: &[&str], tweak: Tweak| {
        intact &= tweak.keeps_valid();
        lines.extend(line(name, valid, plausible, tweak, bytes));
    };
    required("Host", HOSTS[0].to_string(), &HOSTS, fields.host);
    required(
        "Upgrade",
        "websocket".to_string(),
        &UPGRADES,
        fields.upgrade,
    );
    required(
        "Connection",
        "Upgrade".to_string(),
        &CONNECTIONS,
        fields.connection,
    );
    required(
        "Sec-WebSocket-Key",
        base64(&fields.nonce),
        &KEYS,
        fields.key,
    );
    required(
        "Sec-WebSocket-Version",
        "13".to_string(),
        &WEBSOCKET_VERSIONS,
        fields.websocket_version,
    );
    if let Some((index, tweak)) = fields.origin {
        // Allowed origins keep the request valid; the others do not.
        let origin = pick(&ORIGINS, index);
        intact &= tweak.keeps_valid() && ORIGINS[..2].contains(&origin);
        lines.extend(line("Origin", origin.to_string(), &ORIGINS, tweak, bytes));
    }
    for (picks, tweak) in fields.protocol_lines.iter().take(3) {
        let names: Vec<&str> = picks.iter().take(4).map(|&i| pick(&PROTOCOLS, i)).collect();
        intact &= !names.is_empty() && tweak.keeps_valid();
        let valid = names.join(", ");
        lines.extend(line(
            "Sec-WebSocket-Protocol",
            valid,
            &BAD_PROTOCOL_VALUES,
            *tweak,
            bytes,
        ));
    }
    for (offers, tweak) in fields.extension_lines.iter().take(3) {
        let texts: Vec<String> = offers.iter().take(3).map(OfferShape::text).collect();
        intact &= !texts.is_empty() && tweak.keeps_valid();
        // Quoted values and unknown parameters are valid syntax; the offer may still be
        // one the server declines, which is no error.
        lines.extend(line(
            "Sec-WebSocket-Extensions",
            texts.join(", "),
            &BAD_EXTENSION_VALUES,
            *tweak,
            bytes,
        ));
    }
    for &(name, value) in fields.others.iter().take(4) {
        let (name, valid) = OTHERS[usize::from(name) % OTHERS.len()];
        // A body (S20) is refused; `Content-Length: 0` and a response header are not.
        let body = name == "Transfer-Encoding" || (name == "Content-Length" && value >= 128);
        intact &= !body;
        let valid = if name == "Content-Length" && value >= 128 {
            "5"
        } else {
            valid
        };
        lines.push(Line {
            name: name.to_string(),
            value: valid.as_bytes().to_vec(),
            twice: false,
        });
    }
    if !lines.is_empty() {
        let by = usize::from(fields.rotate) % lines.len();
        lines.rotate_left(by);
    }

    let eol: &[u8] = if fields.bare_lf { b"\n" } else { b"\r\n" };
    intact &= !fields.bare_lf;
    let mut head = Vec::new();
    head.extend_from_slice(format!("{method} {target} {version}").as_bytes());
    head.extend_from_slice(eol);
    for line in &lines {
        for _ in 0..=usize::from(line.twice) {
            head.extend_from_slice(line.name.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(&line.value);
            head.extend_from_slice(eol);
        }
    }
    head.extend_from_slice(eol);
    (head, intact)
}

/// The names of a twice-sent line that must appear once (S16, H5…) make a repeated
/// required line invalid: `Twice` keeps a request valid only for list-valued headers.
fn twice_is_valid(fields: &Fields) -> bool {
    let once = [fields.host, fields.key, fields.websocket_version];
    !once.iter().any(|t| matches!(t, Tweak::Twice))
        && !matches!(fields.origin, Some((_, Tweak::Twice)))
}

/// The bytes a `server_fields` input describes (for `corpus_depth`).
pub(crate) fn request(data: &[u8]) -> Option<Vec<u8>> {
    let fields = Fields::arbitrary(&mut Unstructured::new(data)).ok()?;
    Some(build(&fields).0)
}

/// `server_fields`: see the module documentation.
pub fn server_fields(data: &[u8]) {
    let Ok(fields) = Fields::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let (head, intact) = build(&fields);
    let intact = intact && twice_is_valid(&fields);
    let mut input = head.clone();
    input.extend_from_slice(&fields.frame[..fields.frame.len().min(32)]);

    let config = std::sync::Arc::new(server_config());
    let whole = run_server(
        &mut ServerHandshake::new(std::sync::Arc::clone(&config)),
        &[&input],
    );
    let mut reused = ServerHandshake::new(config);
    assert_eq!(
        whole,
        run_server(&mut reused, &pieces(fields.plan, &input)),
        "read boundaries"
    );
    reused.reset();
    assert_eq!(run_server(&mut reused, &[&input]), whole, "reset machine");

    let ServerOutcome::Ready {
        protocols,
        extensions,
        response,
        leftover,
        ..
    } = whole
    else {
        assert!(
            !intact,
            "an intact request was refused: {whole:?}\n{}",
            String::from_utf8_lossy(&head)
        );
        return;
    };
    // The bytes after the head are handed on: exactly the frame, unless a value of
    // arbitrary bytes held a line break that ended the head earlier.
    let frame = &input[head.len()..];
    if fields.bytes.iter().any(|b| matches!(b, b'\r' | b'\n')) {
        assert!(input.ends_with(&leftover) && leftover.ends_with(frame));
    } else {
        assert_eq!(leftover, frame, "the bytes after the head are handed on");
    }
    let response = match response {
        Ok(response) => response,
        Err(NoAnswer::Unsendable(error)) => {
            panic!("the policies answered what cannot be sent: {error}")
        }
        Err(NoAnswer::Refused(error)) => {
            assert!(
                !intact,
                "an intact request was refused by a policy: {error}"
            );
            return;
        }
    };
    check_accepted(&head, &response, &protocols, &extensions);
}

/// The 101's accept, subprotocol and permessage-deflate answer against the request.
fn check_accepted(head: &[u8], response: &[u8], offered: &[String], extensions: &[String]) {
    let mut request_headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut request_headers);
    request.parse(head).expect("an accepted request parses");
    let key = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
        .map(|h| h.value.trim_ascii())
        .expect("an accepted request has a key");
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key);
    sha1.update(wshake_proto::GUID.as_bytes());
    let accept = base64(&sha1.digest().bytes());

    let mut response_headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut response_headers);
    parsed.parse(response).expect("a 101 parses");
    let get = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| std::str::from_utf8(h.value).expect("ASCII"))
    };
    assert_eq!(get("sec-websocket-accept"), Some(accept.as_str()));

    // The fuzzed config speaks chat and superchat, in that order of preference.
    let configured = ["chat", "superchat"];
    let common = configured.iter().find(|p| offered.iter().any(|o| o == *p));
    assert_eq!(
        get("sec-websocket-protocol"),
        common.copied(),
        "offered {offered:?}"
    );

    let offers: Vec<DeflateOffer> = extensions
        .iter()
        .filter_map(|text| Extensions::parse(text.as_bytes())?.next())
        .filter(|e| e.is(PERMESSAGE_DEFLATE))
        .filter_map(|e| DeflateOffer::parse(&e).ok())
        .collect();
    if let Some(answer) = get("sec-websocket-extensions") {
        let answered: Vec<_> = Extensions::parse(answer.as_bytes())
            .expect("answer parses")
            .collect();
        assert_eq!(answered.len(), 1, "{answer}");
        let params = DeflateParams::parse(&answered[0]).expect("a permessage-deflate answer");
        assert!(
            offers.iter().any(|offer| offer.accepts(&params).is_ok()),
            "{answer} answers none of {offers:?}"
        );
    }
}
