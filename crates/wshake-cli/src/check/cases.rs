//! The conformance cases: one crafted request each, with what the checklist expects.

use wshake_client::wshake_proto::Key;

/// What a correct server does with a case's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// 101 with the right accept value (MUST).
    Accept {
        /// No `Sec-WebSocket-Protocol` may be answered (only unknown ones were offered).
        no_protocol: bool,
    },
    /// Anything but 101 (MUST), ideally this status (SHOULD).
    Reject {
        /// The status the checklist names.
        status: u16,
        /// The answer must carry `Sec-WebSocket-Version: 13` (MUST, RFC 6455 §4.2.2).
        version_header: bool,
    },
    /// This status (SHOULD); a 101 is a SHOULD failure only (limits are the server's).
    Limit {
        /// The status the checklist names.
        status: u16,
    },
}

/// One case: its name, checklist ID, what to send and what to expect.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) id: &'static str,
    /// The bytes to send, given the `Host` value and the path.
    pub(crate) request: Vec<u8>,
    /// Send the request one byte per write.
    pub(crate) trickle: bool,
    pub(crate) expect: Expect,
    /// The key in the request, to check the accept value.
    pub(crate) key: Key,
}

/// The subprotocols the check's requests offer; no server is expected to speak them.
pub(crate) const UNKNOWN_PROTOCOLS: [&str; 3] = ["wshake-check-unknown", "wshake-a", "wshake-b"];

struct Builder<'a> {
    host: &'a str,
    path: &'a str,
    key: Key,
}

impl Builder<'_> {
    /// The standard headers, in order, with `Sec-WebSocket-Key` for this builder's key.
    fn lines(&self) -> Vec<(String, String)> {
        vec![
            ("Host".into(), self.host.into()),
            ("Upgrade".into(), "websocket".into()),
            ("Connection".into(), "Upgrade".into()),
            ("Sec-WebSocket-Key".into(), self.key.as_str().into()),
            ("Sec-WebSocket-Version".into(), "13".into()),
        ]
    }

    fn get(&self) -> String {
        format!("GET {} HTTP/1.1", self.path)
    }

    /// The valid request with headers changed: `None` removes, `Some` replaces or appends.
    fn with(&self, changes: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut lines = self.lines();
        for (name, value) in changes {
            let at = lines.iter().position(|(n, _)| n.eq_ignore_ascii_case(name));
            match (at, value) {
                (Some(i), Some(v)) => lines[i].1 = (*v).to_string(),
                (Some(i), None) => {
                    lines.remove(i);
                }
                (None, Some(v)) => lines.push(((*name).to_string(), (*v).to_string())),
                (None, None) => {}
            }
        }
        render(&self.get(), &lines, b"")
    }

    /// The valid request with extra lines appended (duplicates allowed).
    fn plus(&self, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut lines = self.lines();
        lines.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string())),
        );
        render(&self.get(), &lines, b"")
    }
}

fn render(request_line: &str, lines: &[(String, String)], tail: &[u8]) -> Vec<u8> {
    let mut out = format!("{request_line}\r\n");
    for (name, value) in lines {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(tail);
    bytes
}

fn raw_lines(lines: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for line in lines {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

const fn accept() -> Expect {
    Expect::Accept { no_protocol: false }
}

const fn reject(status: u16) -> Expect {
    Expect::Reject {
        status,
        version_header: false,
    }
}

/// Every case, for a server at `host` (the `Host` value) and `path`.
#[allow(
    clippy::too_many_lines,
    reason = "one entry per case reads best as a table"
)]
pub(crate) fn all(host: &str, path: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &'static str,
                   id: &'static str,
                   build: &dyn Fn(&Builder<'_>) -> Vec<u8>,
                   expect: Expect,
                   trickle: bool| {
        let key = Key::random().unwrap_or_else(|_| Key::from_nonce(*b"wshake check key"));
        let builder = Builder { host, path, key };
        cases.push(Case {
            name,
            id,
            request: build(&builder),
            trickle,
            expect,
            key,
        });
    };
    let k = |b: &Builder<'_>| b.key.as_str().to_string();

    // --- valid variants: 101 with a correct accept ---
    add(
        "plain valid request",
        "S16",
        &|b| b.with(&[]),
        accept(),
        false,
    );
    add(
        "header names lower case",
        "H22",
        &|b| {
            let lines: Vec<_> = b
                .lines()
                .into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect();
            render(&b.get(), &lines, b"")
        },
        accept(),
        false,
    );
    add(
        "header names upper case",
        "H22",
        &|b| {
            let lines: Vec<_> = b
                .lines()
                .into_iter()
                .map(|(n, v)| (n.to_ascii_uppercase(), v))
                .collect();
            render(&b.get(), &lines, b"")
        },
        accept(),
        false,
    );
    add(
        "Connection: keep-alive, Upgrade",
        "S12",
        &|b| b.with(&[("Connection", Some("keep-alive, Upgrade"))]),
        accept(),
        false,
    );
    add(
        "Connection split over two lines",
        "S12",
        &|b| {
            let mut lines = b.lines();
            lines.retain(|(n, _)| n != "Connection");
            lines.push(("Connection".into(), "keep-alive".into()));
            lines.push(("Connection".into(), "Upgrade".into()));
            render(&b.get(), &lines, b"")
        },
        accept(),
        false,
    );
    add(
        "Upgrade: WebSocket (mixed case)",
        "S12",
        &|b| b.with(&[("Upgrade", Some("WebSocket"))]),
        accept(),
        false,
    );
    add(
        "empty list elements in Connection",
        "H22",
        &|b| b.with(&[("Connection", Some(", Upgrade, ,keep-alive"))]),
        accept(),
        false,
    );
    add(
        "whitespace around values",
        "H22",
        &|b| b.with(&[("Upgrade", Some("  websocket \t"))]),
        accept(),
        false,
    );
    add(
        "absolute-form request-target",
        "H23",
        &|b| {
            let target = format!("GET http://{}{} HTTP/1.1", b.host, b.path);
            render(&target, &b.lines(), b"")
        },
        accept(),
        false,
    );
    add(
        "first frame pipelined after the head",
        "H24",
        &|b| render(&b.get(), &b.lines(), b"\x89\x80\x00\x00\x00\x00"),
        accept(),
        false,
    );
    add(
        "request sent one byte per write",
        "H24",
        &|b| b.with(&[]),
        accept(),
        true,
    );
    add(
        "unknown headers are ignored",
        "S12",
        &|b| b.plus(&[("X-Check", "1"), ("Sec-WebSocket-Unknown", "?")]),
        accept(),
        false,
    );
    add(
        "Expect: 100-continue",
        "H21",
        &|b| b.plus(&[("Expect", "100-continue")]),
        accept(),
        false,
    );
    add(
        "Content-Length: 0",
        "H21",
        &|b| b.plus(&[("Content-Length", "0")]),
        accept(),
        false,
    );
    add(
        "valid extension offer",
        "S15",
        &|b| {
            b.plus(&[(
                "Sec-WebSocket-Extensions",
                "permessage-deflate; client_max_window_bits",
            )])
        },
        accept(),
        false,
    );
    add(
        "unknown subprotocol offered",
        "S14",
        &|b| b.plus(&[("Sec-WebSocket-Protocol", "wshake-check-unknown")]),
        Expect::Accept { no_protocol: true },
        false,
    );
    add(
        "subprotocols over two lines",
        "S18",
        &|b| {
            b.plus(&[
                ("Sec-WebSocket-Protocol", "wshake-a"),
                ("Sec-WebSocket-Protocol", "wshake-b"),
            ])
        },
        Expect::Accept { no_protocol: true },
        false,
    );
    add(
        "query string in the target",
        "C4",
        &|b| {
            let separator = if b.path.contains('?') { '&' } else { '?' };
            render(
                &format!("GET {}{separator}wshake=check HTTP/1.1", b.path),
                &b.lines(),
                b"",
            )
        },
        accept(),
        false,
    );

    // --- invalid variants: never 101, ideally the named status ---
    add(
        "method POST",
        "S12",
        &|b| render(&format!("POST {} HTTP/1.1", b.path), &b.lines(), b""),
        reject(405),
        false,
    );
    add(
        "method in lower case (get)",
        "S12",
        &|b| render(&format!("get {} HTTP/1.1", b.path), &b.lines(), b""),
        reject(405),
        false,
    );
    add(
        "HTTP/1.0",
        "S12",
        &|b| render(&format!("GET {} HTTP/1.0", b.path), &b.lines(), b""),
        reject(400),
        false,
    );
    add(
        "missing Host",
        "S12",
        &|b| b.with(&[("Host", None)]),
        reject(400),
        false,
    );
    add(
        "duplicate Host",
        "S12",
        &|b| b.plus(&[("Host", b.host)]),
        reject(400),
        false,
    );
    add(
        "missing Upgrade",
        "S12",
        &|b| b.with(&[("Upgrade", None)]),
        reject(400),
        false,
    );
    add(
        "Upgrade: h2c",
        "S12",
        &|b| b.with(&[("Upgrade", Some("h2c"))]),
        reject(400),
        false,
    );
    add(
        "missing Connection",
        "S12",
        &|b| b.with(&[("Connection", None)]),
        reject(400),
        false,
    );
    add(
        "Connection: notupgrade",
        "S12",
        &|b| b.with(&[("Connection", Some("notupgrade"))]),
        reject(400),
        false,
    );
    add(
        "missing Sec-WebSocket-Key",
        "S12",
        &|b| b.with(&[("Sec-WebSocket-Key", None)]),
        reject(400),
        false,
    );
    add(
        "duplicate Sec-WebSocket-Key",
        "S18",
        &|b| b.plus(&[("Sec-WebSocket-Key", &k(b))]),
        reject(400),
        false,
    );
    add(
        "key decoding to 12 bytes",
        "S12",
        &|b| b.with(&[("Sec-WebSocket-Key", Some("AAAAAAAAAAAAAAAA"))]),
        reject(400),
        false,
    );
    add(
        "key of 23 characters",
        "S17",
        &|b| b.with(&[("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25jZQ="))]),
        reject(400),
        false,
    );
    add(
        "key not base64",
        "S17",
        &|b| b.with(&[("Sec-WebSocket-Key", Some("!!!!!!!!!!!!!!!!!!!!!!=="))]),
        reject(400),
        false,
    );
    add(
        "key in the URL-safe alphabet",
        "S17",
        &|b| b.with(&[("Sec-WebSocket-Key", Some("dGhlIHNh_XBsZSBub25jZQ=="))]),
        reject(400),
        false,
    );
    add(
        "Sec-WebSocket-Version: 8",
        "S13v",
        &|b| b.with(&[("Sec-WebSocket-Version", Some("8"))]),
        Expect::Reject {
            status: 426,
            version_header: true,
        },
        false,
    );
    add(
        "Sec-WebSocket-Version: 25",
        "S13v",
        &|b| b.with(&[("Sec-WebSocket-Version", Some("25"))]),
        Expect::Reject {
            status: 426,
            version_header: true,
        },
        false,
    );
    add(
        "missing Sec-WebSocket-Version",
        "S13v",
        &|b| b.with(&[("Sec-WebSocket-Version", None)]),
        Expect::Reject {
            status: 426,
            version_header: true,
        },
        false,
    );
    add(
        "Sec-WebSocket-Version: 013",
        "S17",
        &|b| b.with(&[("Sec-WebSocket-Version", Some("013"))]),
        reject(400),
        false,
    );
    add(
        "malformed subprotocol list",
        "S17",
        &|b| b.plus(&[("Sec-WebSocket-Protocol", "a b")]),
        reject(400),
        false,
    );
    add(
        "malformed extension list",
        "S19",
        &|b| b.plus(&[("Sec-WebSocket-Extensions", "permessage-deflate;")]),
        reject(400),
        false,
    );
    add(
        "body announced by Content-Length",
        "H21",
        &|b| {
            render(
                &b.get(),
                &[b.lines(), vec![("Content-Length".into(), "5".into())]].concat(),
                b"hello",
            )
        },
        reject(400),
        false,
    );
    add(
        "Transfer-Encoding: chunked",
        "H21",
        &|b| {
            render(
                &b.get(),
                &[
                    b.lines(),
                    vec![("Transfer-Encoding".into(), "chunked".into())],
                ]
                .concat(),
                b"0\r\n\r\n",
            )
        },
        reject(400),
        false,
    );
    add(
        "NUL in a header value",
        "H22",
        &|b| {
            let mut bytes = b.plus(&[("X-Nul", "a_b")]);
            if let Some(at) = bytes.windows(3).position(|w| w == b"a_b") {
                bytes[at + 1] = 0;
            }
            bytes
        },
        reject(400),
        false,
    );
    add(
        "whitespace before a colon",
        "H23",
        &|b| {
            let mut bytes = b.with(&[]);
            let text = String::from_utf8_lossy(&bytes).replacen("Upgrade:", "Upgrade :", 1);
            bytes = text.into_bytes();
            bytes
        },
        reject(400),
        false,
    );
    add(
        "obsolete line folding",
        "H23",
        &|b| {
            let key = b.key.as_str().to_string();
            let host = b.host.to_string();
            raw_lines(&[
                &b.get(),
                &format!("Host: {host}"),
                "X-Folded: a",
                " b",
                "Upgrade: websocket",
                "Connection: Upgrade",
                &format!("Sec-WebSocket-Key: {key}"),
                "Sec-WebSocket-Version: 13",
            ])
        },
        reject(400),
        false,
    );
    add(
        "bare CR inside a value",
        "H23",
        &|b| {
            let mut bytes = b.plus(&[("X-Cr", "a_b")]);
            if let Some(at) = bytes.windows(3).position(|w| w == b"a_b") {
                bytes[at + 1] = b'\r';
            }
            bytes
        },
        reject(400),
        false,
    );
    add(
        "HTTP/2.0 in the request line",
        "S12",
        &|b| render(&format!("GET {} HTTP/2.0", b.path), &b.lines(), b""),
        reject(505),
        false,
    );
    add(
        "request-target of 10 KiB",
        "H23",
        &|b| {
            let long = format!("GET /{} HTTP/1.1", "a".repeat(10 * 1024));
            render(&long, &b.lines(), b"")
        },
        Expect::Limit { status: 414 },
        false,
    );
    add(
        "header block of 64 KiB",
        "H23",
        &|b| {
            let padding: Vec<(String, String)> = (0..64)
                .map(|i| (format!("X-Pad-{i}"), "p".repeat(1000)))
                .collect();
            render(&b.get(), &[b.lines(), padding].concat(), b"")
        },
        Expect::Limit { status: 431 },
        false,
    );
    cases
}
