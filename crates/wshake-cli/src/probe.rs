//! `wshake probe`: connect with wshake-client, show both heads and what was negotiated.

use std::process::ExitCode;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_client::wshake_proto::client::Response;
use wshake_client::wshake_proto::{Accept, Key};
use wshake_client::{Client, Http2};

/// `wshake probe` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// The `ws://` or `wss://` URL.
    pub(crate) url: String,
    /// A subprotocol to offer (repeatable, in order of preference).
    #[arg(long = "protocol", value_name = "NAME")]
    pub(crate) protocols: Vec<String>,
    /// Offer the subprotocol `bearer.TOKEN` after the others, as browsers pass a token
    /// (`new WebSocket(url, ["chat", "bearer." + token])`); printed as `(redacted)`.
    #[arg(long, value_name = "TOKEN")]
    pub(crate) bearer_protocol: Option<String>,
    /// An extra request header, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The `Origin` to send.
    #[arg(long)]
    pub(crate) origin: Option<String>,
    /// Send this text message and print the reply.
    #[arg(long)]
    pub(crate) send: Option<String>,
    /// Seconds allowed for connecting and for the handshake, each.
    #[arg(long, default_value_t = 10)]
    pub(crate) timeout: u64,
    /// Open the WebSocket over HTTP/2 (RFC 8441 extended CONNECT): `wss://` with ALPN
    /// `h2`, `ws://` with prior knowledge; an error if the server does not offer it.
    #[arg(long)]
    pub(crate) http2: bool,
    /// Follow redirects (up to MAX, 5 when no number is given), never from `wss://` to
    /// `ws://`; credentials (the URL's, `Authorization`, `Cookie`) go on only within the
    /// origin.
    #[arg(long, value_name = "MAX", num_args = 0..=1, default_missing_value = "5")]
    pub(crate) follow_redirects: Option<usize>,
    /// Which servers' certificates to trust.
    #[command(flatten)]
    pub(crate) trust: crate::tls::Trust,
}

pub(crate) async fn run(args: Args) -> ExitCode {
    match probe(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wshake: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the probe, printing the transcript; the error is the typed failure, as text.
pub(crate) async fn probe(args: &Args) -> Result<(), String> {
    let client = client(args)?;
    let (connection, stream) = match client.connect(&args.url).await {
        Ok(connected) => connected,
        Err(error) => {
            if let Some(refusal) = error.refusal() {
                println!("< response");
                print_response(refusal.response());
                if !refusal.body().is_empty() {
                    println!("< body");
                    for line in String::from_utf8_lossy(refusal.body()).lines() {
                        println!("< {line}");
                    }
                }
            }
            return Err(error.to_string());
        }
    };

    for redirect in &connection.redirects {
        println!("redirected: {redirect}");
    }
    println!("> request");
    let request = String::from_utf8_lossy(&connection.request);
    let request = match &args.bearer_protocol {
        Some(token) => request.replace(&format!("bearer.{token}"), "bearer.(redacted)"),
        None => request.into_owned(),
    };
    print_head(request.as_bytes(), "> ");
    println!("< response");
    print_response(connection.response.view().response());
    println!(
        "http: {}",
        if connection.http2 {
            "HTTP/2 (extended CONNECT)"
        } else {
            "HTTP/1.1 (Upgrade)"
        }
    );
    let key = connection
        .request
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"Sec-WebSocket-Key: "))
        .map(|key| key.strip_suffix(b"\r").unwrap_or(key));
    if let Some(key) = key.and_then(|k| Key::parse(k).ok()) {
        println!(
            "accept: ok ({} = base64(sha1(key + GUID)))",
            Accept::for_key(&key)
        );
    }
    println!(
        "protocol: {}",
        connection.protocol.as_deref().unwrap_or("(none)")
    );
    match &connection.deflate {
        Some(params) => println!("extensions: {params}"),
        None => println!("extensions: (none)"),
    }
    if let Some(text) = &args.send {
        let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
        ws.send(Message::text(text.as_str()))
            .await
            .map_err(|e| format!("send failed: {e}"))?;
        println!("sent: {text}");
        let reply = tokio::time::timeout(Duration::from_secs(args.timeout), ws.next())
            .await
            .map_err(|_| "no reply before the timeout".to_string())?
            .ok_or("connection closed before a reply")?
            .map_err(|e| format!("receive failed: {e}"))?;
        match reply {
            Message::Text(reply) => println!("received: {reply}"),
            Message::Binary(reply) => println!("received: {} binary bytes", reply.len()),
            other => println!("received: {other:?}"),
        }
        let _ = ws.close(None).await;
    }
    Ok(())
}

/// The client the options describe.
fn client(args: &Args) -> Result<Client, String> {
    let mut builder = Client::builder()
        .connect_timeout(Duration::from_secs(args.timeout))
        .handshake_timeout(Duration::from_secs(args.timeout));
    for protocol in &args.protocols {
        builder = builder.protocol(protocol);
    }
    if let Some(token) = &args.bearer_protocol {
        builder = builder.protocol_token("bearer.", token);
    }
    for header in &args.headers {
        let (name, value) = crate::parse_header(header)?;
        builder = builder.header(name, value);
    }
    if let Some(origin) = &args.origin {
        builder = builder.origin(origin);
    }
    if args.http2 {
        builder = builder.http2(Http2::Require);
    }
    if let Some(max) = args.follow_redirects {
        builder = builder.follow_redirects(max);
    }
    if let Some(tls) = args.trust.client_config()? {
        builder = builder.tls_config(tls);
    }
    builder.build().map_err(|e| e.to_string())
}

/// A response as received, or as `http` types gave it (HTTP/2): status line and headers.
fn print_response(response: Response<'_>) {
    if let Some(raw) = response.raw() {
        return print_head(raw, "< ");
    }
    let version = if response.is_http2() {
        "HTTP/2"
    } else {
        "HTTP/1.1"
    };
    println!("< {version} {}", response.status());
    for (name, value) in response.headers().iter() {
        println!("< {name}: {}", String::from_utf8_lossy(value));
    }
}

/// A head line by line; credentials (`Authorization`, `Proxy-Authorization`) shown by
/// their scheme alone.
fn print_head(head: &[u8], prefix: &str) {
    for line in String::from_utf8_lossy(head).split("\r\n") {
        if !line.is_empty() {
            println!("{prefix}{}", redacted(line));
        }
    }
}

/// `line`, with the value of a credentials header reduced to its scheme.
pub(crate) fn redacted(line: &str) -> std::borrow::Cow<'_, str> {
    let Some((name, value)) = line.split_once(':') else {
        return line.into();
    };
    let secret = ["authorization", "proxy-authorization"]
        .iter()
        .any(|n| name.trim().eq_ignore_ascii_case(n));
    if !secret {
        return line.into();
    }
    let scheme = value.split_whitespace().next().unwrap_or("");
    format!("{name}: {scheme} (redacted)").into()
}
