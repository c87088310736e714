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
    /// The user's headers (`--header`, `--origin`, `--protocol`), after the standard ones.
    extra: &'a [(String, String)],
}

impl Builder<'_> {
    /// The standard headers, in order, with `Sec-WebSocket-Key` for this builder's key.
    fn lines(&self) -> Vec<(String, String)> {
        let mut lines = vec![
            ("Host".into(), self.host.into()),
            ("Upgrade".into(), "websocket".into()),
            ("Connection".into(), "Upgrade".into()),
            ("Sec-WebSocket-Key".into(), self.key.as_str().into()),
            ("Sec-WebSocket-Version".into(), "13".into()),
        ];
        lines.extend(self.extra.iter().cloned());
        lines
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

/// How a case's request is built, from the server's `Host` value, path and a fresh key.
type Build = for<'a> fn(&Builder<'a>) -> Vec<u8>;

/// One row of [`CASES`].
struct Spec {
    name: &'static str,
    id: &'static str,
    build: Build,
    expect: Expect,
    trickle: bool,
}

/// Every case, for a server at `host` (the `Host` value) and `path`, each with a fresh key.
/// Every case for a server at `host` (the `Host` value) and `path`, each request carrying
/// `extra` headers after the standard ones (a case that sets one of them replaces it).
pub(crate) fn all(host: &str, path: &str, extra: &[(String, String)]) -> Vec<Case> {
    CASES
        .iter()
        .map(|spec| {
            let key = Key::random().unwrap_or_else(|_| Key::from_nonce(*b"wshake check key"));
            let builder = Builder {
                host,
                path,
                key,
                extra,
            };
            Case {
                name: spec.name,
                id: spec.id,
                request: (spec.build)(&builder),
                trickle: spec.trickle,
                expect: spec.expect,
                key,
            }
        })
        .collect()
}

/// The cases, in the order they are reported.
const CASES: &[Spec] = &[
    // --- valid variants: 101 with a correct accept ---
    Spec {
        name: "plain valid request",
        id: "S16",
        build: |b| b.with(&[]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "header names lower case",
        id: "H22",
        build: |b| {
            let lines: Vec<_> = b
                .lines()
                .into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect();
            render(&b.get(), &lines, b"")
        },
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "header names upper case",
        id: "H22",
        build: |b| {
            let lines: Vec<_> = b
                .lines()
                .into_iter()
                .map(|(n, v)| (n.to_ascii_uppercase(), v))
                .collect();
            render(&b.get(), &lines, b"")
        },
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "Connection: keep-alive, Upgrade",
        id: "S12",
        build: |b| b.with(&[("Connection", Some("keep-alive, Upgrade"))]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "Connection split over two lines",
        id: "S12",
        build: |b| {
            let mut lines = b.lines();
            lines.retain(|(n, _)| n != "Connection");
            lines.push(("Connection".into(), "keep-alive".into()));
            lines.push(("Connection".into(), "Upgrade".into()));
            render(&b.get(), &lines, b"")
        },
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "Upgrade: WebSocket (mixed case)",
        id: "S12",
        build: |b| b.with(&[("Upgrade", Some("WebSocket"))]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "empty list elements in Connection",
        id: "H22",
        build: |b| b.with(&[("Connection", Some(", Upgrade, ,keep-alive"))]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "whitespace around values",
        id: "H22",
        build: |b| b.with(&[("Upgrade", Some("  websocket \t"))]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "absolute-form request-target",
        id: "H23",
        build: |b| {
            let target = format!("GET http://{}{} HTTP/1.1", b.host, b.path);
            render(&target, &b.lines(), b"")
        },
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "first frame pipelined after the head",
        id: "H24",
        build: |b| render(&b.get(), &b.lines(), b"\x89\x80\x00\x00\x00\x00"),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "request sent one byte per write",
        id: "H24",
        build: |b| b.with(&[]),
        expect: accept(),
        trickle: true,
    },
    Spec {
        name: "unknown headers are ignored",
        id: "S12",
        build: |b| b.plus(&[("X-Check", "1"), ("Sec-WebSocket-Unknown", "?")]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "Expect: 100-continue",
        id: "H21",
        build: |b| b.plus(&[("Expect", "100-continue")]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "Content-Length: 0",
        id: "H21",
        build: |b| b.plus(&[("Content-Length", "0")]),
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "valid extension offer",
        id: "S15",
        build: |b| {
            b.plus(&[(
                "Sec-WebSocket-Extensions",
                "permessage-deflate; client_max_window_bits",
            )])
        },
        expect: accept(),
        trickle: false,
    },
    Spec {
        name: "unknown subprotocol offered",
        id: "S14",
        build: |b| b.plus(&[("Sec-WebSocket-Protocol", "wshake-check-unknown")]),
        expect: Expect::Accept { no_protocol: true },
        trickle: false,
    },
    Spec {
        name: "subprotocols over two lines",
        id: "S18",
        build: |b| {
            b.plus(&[
                ("Sec-WebSocket-Protocol", "wshake-a"),
                ("Sec-WebSocket-Protocol", "wshake-b"),
            ])
        },
        expect: Expect::Accept { no_protocol: true },
        trickle: false,
    },
    Spec {
        name: "query string in the target",
        id: "C4",
        build: |b| {
            let separator = if b.path.contains('?') { '&' } else { '?' };
            render(
                &format!("GET {}{separator}wshake=check HTTP/1.1", b.path),
                &b.lines(),
                b"",
            )
        },
        expect: accept(),
        trickle: false,
    },
    // --- invalid variants: never 101, ideally the named status ---
    Spec {
        name: "method POST",
        id: "S12",
        build: |b| render(&format!("POST {} HTTP/1.1", b.path), &b.lines(), b""),
        expect: reject(405),
        trickle: false,
    },
    Spec {
        name: "method in lower case (get)",
        id: "S12",
        build: |b| render(&format!("get {} HTTP/1.1", b.path), &b.lines(), b""),
        expect: reject(405),
        trickle: false,
    },
    Spec {
        name: "HTTP/1.0",
        id: "S12",
        build: |b| render(&format!("GET {} HTTP/1.0", b.path), &b.lines(), b""),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "missing Host",
        id: "S12",
        build: |b| b.with(&[("Host", None)]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "duplicate Host",
        id: "S12",
        build: |b| b.plus(&[("Host", b.host)]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "missing Upgrade",
        id: "S12",
        build: |b| b.with(&[("Upgrade", None)]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "Upgrade: h2c",
        id: "S12",
        build: |b| b.with(&[("Upgrade", Some("h2c"))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "missing Connection",
        id: "S12",
        build: |b| b.with(&[("Connection", None)]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "Connection: notupgrade",
        id: "S12",
        build: |b| b.with(&[("Connection", Some("notupgrade"))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "missing Sec-WebSocket-Key",
        id: "S12",
        build: |b| b.with(&[("Sec-WebSocket-Key", None)]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "duplicate Sec-WebSocket-Key",
        id: "S18",
        build: |b| b.plus(&[("Sec-WebSocket-Key", b.key.as_str())]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "key decoding to 12 bytes",
        id: "S12",
        build: |b| b.with(&[("Sec-WebSocket-Key", Some("AAAAAAAAAAAAAAAA"))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "key of 23 characters",
        id: "S17",
        build: |b| b.with(&[("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25jZQ="))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "key not base64",
        id: "S17",
        build: |b| b.with(&[("Sec-WebSocket-Key", Some("!!!!!!!!!!!!!!!!!!!!!!=="))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "key in the URL-safe alphabet",
        id: "S17",
        build: |b| b.with(&[("Sec-WebSocket-Key", Some("dGhlIHNh_XBsZSBub25jZQ=="))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "Sec-WebSocket-Version: 8",
        id: "S13v",
        build: |b| b.with(&[("Sec-WebSocket-Version", Some("8"))]),
        expect: Expect::Reject {
            status: 426,
            version_header: true,
        },
        trickle: false,
    },
    Spec {
        name: "Sec-WebSocket-Version: 25",
        id: "S13v",
        build: |b| b.with(&[("Sec-WebSocket-Version", Some("25"))]),
        expect: Expect::Reject {
            status: 426,
            version_header: true,
        },
        trickle: false,
    },
    Spec {
        name: "missing Sec-WebSocket-Version",
        id: "S13v",
        build: |b| b.with(&[("Sec-WebSocket-Version", None)]),
        expect: Expect::Reject {
            status: 426,
            version_header: true,
        },
        trickle: false,
    },
    Spec {
        name: "Sec-WebSocket-Version: 013",
        id: "S17",
        build: |b| b.with(&[("Sec-WebSocket-Version", Some("013"))]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "malformed subprotocol list",
        id: "S17",
        build: |b| b.plus(&[("Sec-WebSocket-Protocol", "a b")]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "malformed extension list",
        id: "S19",
        build: |b| b.plus(&[("Sec-WebSocket-Extensions", "permessage-deflate;")]),
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "body announced by Content-Length",
        id: "H21",
        build: |b| {
            render(
                &b.get(),
                &[b.lines(), vec![("Content-Length".into(), "5".into())]].concat(),
                b"hello",
            )
        },
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "Transfer-Encoding: chunked",
        id: "H21",
        build: |b| {
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
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "NUL in a header value",
        id: "H22",
        build: |b| {
            let mut bytes = b.plus(&[("X-Nul", "a_b")]);
            if let Some(at) = bytes.windows(3).position(|w| w == b"a_b") {
                bytes[at + 1] = 0;
            }
            bytes
        },
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "whitespace before a colon",
        id: "H23",
        build: |b| {
            let mut bytes = b.with(&[]);
            let text = String::from_utf8_lossy(&bytes).replacen("Upgrade:", "Upgrade :", 1);
            bytes = text.into_bytes();
            bytes
        },
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "obsolete line folding",
        id: "H23",
        build: |b| {
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
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "bare CR inside a value",
        id: "H23",
        build: |b| {
            let mut bytes = b.plus(&[("X-Cr", "a_b")]);
            if let Some(at) = bytes.windows(3).position(|w| w == b"a_b") {
                bytes[at + 1] = b'\r';
            }
            bytes
        },
        expect: reject(400),
        trickle: false,
    },
    Spec {
        name: "HTTP/2.0 in the request line",
        id: "S12",
        build: |b| render(&format!("GET {} HTTP/2.0", b.path), &b.lines(), b""),
        expect: reject(505),
        trickle: false,
    },
    Spec {
        name: "request-target of 10 KiB",
        id: "H23",
        build: |b| {
            let long = format!("GET /{} HTTP/1.1", "a".repeat(10 * 1024));
            render(&long, &b.lines(), b"")
        },
        expect: Expect::Limit { status: 414 },
        trickle: false,
    },
    Spec {
        name: "header block of 64 KiB",
        id: "H23",
        build: |b| {
            let padding: Vec<(String, String)> = (0..64)
                .map(|i| (format!("X-Pad-{i}"), "p".repeat(1000)))
                .collect();
            render(&b.get(), &[b.lines(), padding].concat(), b"")
        },
        expect: Expect::Limit { status: 431 },
        trickle: false,
    },
];
