//! The permessage-deflate rows of `cargo xtask interop` (RFC 7692), both roles: what each
//! real peer offers or answers, what wshake makes of it, and a compressed message round
//! trip through soketto (the framing library of the deflate examples of wshake-tokio) with
//! the negotiated parameters.
//!
//! - wshake as the server (`deflate_echo`): Python `websockets` (its default offer,
//!   several offers whose first limits the server to 8 bits, both `*_no_context_takeover`),
//!   Node `ws` with `perMessageDeflate`, `wsproto`, headless Chromium.
//! - wshake as the client (`deflate_client`): Python `websockets`, Node `ws` and `wsproto`
//!   servers, each with three offer lists: several offers with a fallback (the first
//!   asking for an 8-bit server window), `client_max_window_bits` without a value, and
//!   both `*_no_context_takeover`.

use std::process::Command;

use crate::interop::{LIMIT, Row, chromium_page, node, py};
use crate::peers::{run_bounded, start};
use crate::run::root;

/// The offer lists wshake's client makes, each with its name. soketto compresses every
/// message on its own, so each offer asks for `server_no_context_takeover`.
const CLIENT_OFFERS: [(&str, &[&str]); 3] = [
    (
        "offers: 8-bit server window, then a fallback",
        &[
            "permessage-deflate; server_max_window_bits=8; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_max_window_bits",
        ],
    ),
    (
        "offer: client_max_window_bits without a value",
        &["permessage-deflate; server_no_context_takeover; client_max_window_bits"],
    ),
    (
        "offer: both no_context_takeover",
        &["permessage-deflate; server_no_context_takeover; client_no_context_takeover"],
    ),
];

fn example(name: &str) -> Command {
    Command::new(root().join("target/debug/examples").join(name))
}

/// The deflate rows, both roles.
pub(crate) fn run(rows: &mut Vec<Row>) -> Result<(), String> {
    server_side(rows)?;
    client_side(rows)
}

fn server_side(rows: &mut Vec<Row>) -> Result<(), String> {
    let mut echo = example("deflate_echo");
    echo.args(["--listen", "127.0.0.1:0"]);
    let server = start(echo)?;
    let url = server
        .first_line
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("deflate_echo said: {}", server.first_line))?
        .to_string();
    let address = url.trim_start_matches("ws://").trim_end_matches('/');
    let (host, port) = address.split_once(':').ok_or("bad address")?;
    let direction = "client → wshake (deflate_echo)";
    for (case, python_case) in [
        ("python websockets: its default offer", "default"),
        (
            "python websockets: 8-bit server window, then a fallback",
            "fallback8",
        ),
        ("python websockets: both no_context_takeover", "no-context"),
    ] {
        let mut c = py("deflate_peer.py");
        c.args(["websockets-client", &url, python_case]);
        rows.push(Row {
            peer: "python websockets",
            direction,
            case,
            result: run_bounded(c, LIMIT),
        });
    }
    let mut c = node("deflate_peer.js");
    c.args(["client", &url]);
    rows.push(Row {
        peer: "node ws",
        direction,
        case: "perMessageDeflate: its default offer",
        result: run_bounded(c, LIMIT),
    });
    let mut c = py("deflate_peer.py");
    c.args(["wsproto-client", host, port]);
    rows.push(Row {
        peer: "python wsproto",
        direction,
        case: "PerMessageDeflate(): its default offer",
        result: run_bounded(c, LIMIT),
    });
    rows.push(Row {
        peer: "headless chromium",
        direction,
        case: "the browser's offer, a long text echoed",
        result: chromium_page(
            &format!("http://{address}/"),
            "<span id=\"extensions\">permessage-deflate",
            &[],
        ),
    });
    Ok(())
}

fn client_side(rows: &mut Vec<Row>) -> Result<(), String> {
    // websockets' own server offers permessage-deflate by default.
    let websockets = py("py_server.py");
    let mut ws = node("deflate_peer.js");
    ws.arg("server");
    let mut wsproto = py("wsproto_server.py");
    wsproto.arg("--deflate");
    for (peer, command) in [
        ("python websockets", websockets),
        ("node ws", ws),
        ("python wsproto", wsproto),
    ] {
        let server = start(command)?;
        let url = format!("ws://127.0.0.1:{}/", server.first_line);
        for (case, offers) in CLIENT_OFFERS {
            let mut c = example("deflate_client");
            c.arg(&url).args(offers);
            rows.push(Row {
                peer,
                direction: "wshake (deflate_client) → server",
                case,
                result: run_bounded(c, LIMIT),
            });
        }
    }
    Ok(())
}

/// The docs section: how the rows run and what wshake decided.
pub(crate) fn report() -> String {
    String::from(
        "\n## permessage-deflate (RFC 7692)\n\n\
         The `permessage-deflate` rows of the matrix. wshake negotiates; soketto frames (the \
         deflate examples of wshake-tokio, `deflate_echo` and `deflate_client`), configured \
         with the negotiated parameters, and every row sends a long text message that is \
         compressed both ways and must come back unchanged. soketto compresses each message \
         on its own, so the server answers `client_no_context_takeover` and the client offers \
         `server_no_context_takeover`; a framing library that keeps context needs neither.\n\n\
         - An 8-bit window: zlib cannot compress raw deflate with it. wshake declines an offer \
         that limits the server to 8 bits (the next offer is taken), never limits a client to \
         8, and as a client declines an answer that limits it to 8; a server's own 8-bit window \
         is accepted (decompression works), as Node `ws` answers it. This is \
         `docs/conformance.md` D30, the choice Python `websockets` made.\n\
         - `client_max_window_bits` without a value lets the server choose: Python `websockets` \
         and `wsproto` answer a value, Node `ws` none.\n\
         - A declined offer list gets no `Sec-WebSocket-Extensions` at all, never an empty \
         one.\n\n\
         flate2 is held at 1.1.9 for soketto: 1.1.10 (its PR 556) rejects the unterminated \
         deflate streams RFC 7692 sends, which soketto 0.8 decodes with `finish()`.\n",
    )
}
