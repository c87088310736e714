//! `wshake doctor URL`: run the handshake; when it fails, say why in the user's words
//! and what to change, after trying the variants that tell causes apart (the other
//! scheme, the other HTTP version, an `Origin`). `-v` prints the exact bytes.
//!
//! Over HTTP/1.1 the attempt is made here, phase by phase (DNS, TCP, TLS, the request,
//! the answer), so that it knows where it stopped and keeps every byte; the answer is
//! judged by the same client machine as everywhere else. HTTP/2 goes through
//! wshake-client.

mod diagnose;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};
use wshake_client::wshake_proto::client::{ClientConfig, ClientHandshake, ResponseReader, Target};
use wshake_client::wshake_proto::{Headers, Key, Limits, Status};
use wshake_client::{Client, Http2};

use diagnose::{Diagnosis, Observed, Response, diagnose};

/// `wshake doctor` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// The `ws://` or `wss://` URL that fails.
    url: String,
    /// A subprotocol to offer (repeatable).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// An extra request header, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The `Origin` to send (browsers always send one).
    #[arg(long)]
    origin: Option<String>,
    /// Seconds allowed for each phase of each attempt.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// Try HTTP/2 (RFC 8441 extended CONNECT) first.
    #[arg(long)]
    http2: bool,
    /// Print the exact bytes each attempt sent and received.
    #[arg(short, long)]
    verbose: bool,
    /// Which servers' certificates to trust, and a client certificate.
    #[command(flatten)]
    trust: crate::tls::Trust,
}

/// One attempt: what it was, what it saw, and its bytes.
struct Attempt {
    what: String,
    /// Over TLS.
    secure: bool,
    observed: Observed,
    sent: Vec<u8>,
    received: Vec<u8>,
}

pub(crate) async fn run(args: Args) -> ExitCode {
    match doctor(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("wshake: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the attempts and prints the diagnosis; `Ok(true)` when the handshake works.
async fn doctor(args: &Args) -> Result<bool, String> {
    // Not repeated in the error: it may hold credentials.
    let target = Target::from_url(&args.url).map_err(|e| format!("the URL: {e}"))?;
    let offered = Arc::new(offer(args)?);
    let tls = args.trust.client_config()?;
    let secure = target.is_secure();
    let primary = if args.http2 {
        http2(args, &args.url, tls.clone()).await
    } else {
        http1(&args.url, &offered, tls.clone(), args.timeout).await
    };
    print_attempt(&primary, args.verbose);
    let Some(Diagnosis { cause, fix }) = diagnose(
        &primary.observed,
        target.host(),
        secure,
        args.origin.as_deref(),
    ) else {
        println!("ok: the handshake works ({})", primary.what);
        return Ok(true);
    };
    println!("cause: {cause}");
    println!("fix: {fix}");

    // The variants that tell causes apart.
    let mut variants = Vec::new();
    let other_scheme = if secure {
        args.url.replacen("wss://", "ws://", 1)
    } else {
        args.url.replacen("ws://", "wss://", 1)
    };
    let reached_http = matches!(primary.observed, Observed::Response(_));
    if !args.http2 && (!reached_http || is_https_port_answer(&primary.observed)) {
        variants.push(http1(&other_scheme, &offered, tls.clone(), args.timeout).await);
    }
    if args.http2 {
        variants.push(http1(&args.url, &offered, tls.clone(), args.timeout).await);
    } else if secure && reached_http {
        variants.push(http2(args, &args.url, tls.clone()).await);
    }
    if let (Observed::Response(response), None) = (&primary.observed, &args.origin) {
        if response.status == 403 {
            let origin = format!(
                "{}://{}",
                if secure { "https" } else { "http" },
                target.host_header()
            );
            let mut with_origin = args.clone();
            with_origin.origin = Some(origin);
            let with_origin_offer = Arc::new(offer(&with_origin)?);
            let mut attempt = http1(&args.url, &with_origin_offer, tls.clone(), args.timeout).await;
            attempt.what = format!(
                "{} with --origin {}",
                attempt.what,
                with_origin.origin.unwrap_or_default()
            );
            variants.push(attempt);
        }
    }
    if !variants.is_empty() {
        println!("variants:");
    }
    for variant in &variants {
        match diagnose(&variant.observed, target.host(), variant.secure, None) {
            None => println!("  {}: works: use it", variant.what),
            Some(diagnosis) => println!("  {}: fails ({})", variant.what, diagnosis.cause),
        }
        if args.verbose {
            print_bytes(variant);
        }
    }
    Ok(false)
}

/// Whether an answer says the port wants TLS.
fn is_https_port_answer(observed: &Observed) -> bool {
    matches!(observed, Observed::Response(r) if r.status == 400
        && String::from_utf8_lossy(&r.body).contains("plain HTTP request was sent to HTTPS port"))
}

/// What the client offers: the user's subprotocols, headers and `Origin`.
fn offer(args: &Args) -> Result<ClientConfig, String> {
    let mut config = ClientConfig::new();
    for protocol in &args.protocols {
        config = config
            .protocol(protocol)
            .map_err(|e| format!("--protocol {protocol}: {e}"))?;
    }
    for header in &args.headers {
        let (name, value) = crate::parse_header(header)?;
        config = config
            .header(name, value)
            .map_err(|e| format!("--header {name}: {e}"))?;
    }
    if let Some(origin) = &args.origin {
        config = config
            .origin(origin)
            .map_err(|e| format!("--origin: {e}"))?;
    }
    Ok(config)
}

/// One HTTP/1.1 attempt, phase by phase, each within `secs`.
async fn http1(
    url: &str,
    offer: &Arc<ClientConfig>,
    tls: Option<Arc<rustls::ClientConfig>>,
    secs: u64,
) -> Attempt {
    let limit = Duration::from_secs(secs);
    let mut attempt = Attempt {
        what: format!("HTTP/1.1 {url}"),
        secure: url.starts_with("wss://"),
        observed: Observed::Silence,
        sent: Vec::new(),
        received: Vec::new(),
    };
    let target = match Target::from_url(url) {
        Ok(target) => target,
        Err(error) => {
            attempt.observed = Observed::Connect(error.to_string());
            return attempt;
        }
    };
    let connected = connect(&target, tls, limit).await;
    let mut stream = match connected {
        Ok(stream) => stream,
        Err(observed) => {
            attempt.observed = observed;
            return attempt;
        }
    };
    let secure = target.is_secure();
    let key = Key::random().unwrap_or_else(|_| Key::from_nonce(*b"wshake doctor 16"));
    let mut machine = ClientHandshake::new(Arc::clone(offer), target, key);
    machine.write_request(&mut attempt.sent);
    if let Err(error) = stream.write_all(&attempt.sent).await {
        attempt.observed = failed_io(secure, &error, "sending the request");
        return attempt;
    }
    let _ = stream.flush().await;
    let deadline = Instant::now() + limit;
    let mut chunk = vec![0u8; 4096];
    let verdict = loop {
        match machine.poll() {
            Ok(Status::NeedMore) => {}
            Ok(Status::Ready(_)) => break Ok(()),
            Err(error) => break Err(error),
        }
        match timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => {
                attempt.observed = if attempt.received.is_empty() {
                    Observed::Silence
                } else {
                    Observed::Closed {
                        received: attempt.received.clone(),
                    }
                };
                return attempt;
            }
            // Over TLS 1.3 a refused client certificate arrives here, as an alert.
            Ok(Err(error)) if secure && attempt.received.is_empty() => {
                attempt.observed = failed_io(secure, &error, "reading the answer");
                return attempt;
            }
            Ok(Ok(0) | Err(_)) => {
                attempt.observed = Observed::Closed {
                    received: attempt.received.clone(),
                };
                return attempt;
            }
            Ok(Ok(n)) => {
                attempt.received.extend_from_slice(&chunk[..n]);
                machine.feed(&chunk[..n]);
            }
        }
    };
    // A refusal's body, briefly: it often says why.
    if verdict.is_err() {
        let until = Instant::now() + Duration::from_millis(300);
        while attempt.received.len() < 16 * 1024 {
            match timeout_at(until, stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => attempt.received.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
    }
    attempt.observed = match parse(&attempt.received, verdict) {
        Some(response) => Observed::Response(response),
        None => Observed::Closed {
            received: attempt.received.clone(),
        },
    };
    attempt
}

/// An I/O error after the connection was made: TLS trouble (an alert) when `secure`.
fn failed_io(secure: bool, error: &std::io::Error, doing: &str) -> Observed {
    if secure {
        Observed::Tls(error.to_string())
    } else {
        Observed::Connect(format!("{doing}: {error}"))
    }
}

/// The response head in `received` and what followed it.
fn parse(
    received: &[u8],
    verdict: Result<(), wshake_client::wshake_proto::Error>,
) -> Option<Response> {
    let limits = Limits::new()
        .max_head_bytes(64 * 1024)
        .max_headers(Limits::HEADERS_CEILING)
        .ok()?;
    let mut reader = ResponseReader::new(limits);
    reader.feed(received);
    let (status, headers) = match reader.poll() {
        Ok(Status::Ready(response)) => (response.status(), lowercase_headers(&response.headers())),
        _ => return None,
    };
    Some(Response {
        status,
        headers,
        body: reader.leftover().to_vec(),
        verdict,
    })
}

/// Header names in lower case and values as text, as a diagnosis reads them.
fn lowercase_headers(headers: &Headers<'_>) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                String::from_utf8_lossy(value).into_owned(),
            )
        })
        .collect()
}

/// A stream to the target: TCP, or TLS over it.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// DNS, TCP and TLS, each within `limit`; where it stopped, if it did.
async fn connect(
    target: &Target,
    tls: Option<Arc<rustls::ClientConfig>>,
    limit: Duration,
) -> Result<Box<dyn Io>, Observed> {
    let addresses = match timeout(
        limit,
        tokio::net::lookup_host((target.host(), target.port())),
    )
    .await
    {
        Err(_) => return Err(Observed::Dns("timed out".into())),
        Ok(Err(error)) => return Err(Observed::Dns(error.to_string())),
        Ok(Ok(addresses)) => addresses.collect::<Vec<_>>(),
    };
    if addresses.is_empty() {
        return Err(Observed::Dns("no address".into()));
    }
    // Every address in turn, as a client does (`localhost` may be ::1 first); the last
    // failure is the one reported.
    let mut failure = Observed::Refused;
    let mut connected = None;
    for address in &addresses {
        match timeout(limit, TcpStream::connect(address)).await {
            Err(_) => failure = Observed::ConnectTimeout,
            Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                failure = Observed::Refused;
            }
            Ok(Err(error)) => failure = Observed::Connect(error.to_string()),
            Ok(Ok(tcp)) => {
                connected = Some(tcp);
                break;
            }
        }
    }
    let Some(tcp) = connected else {
        return Err(failure);
    };
    let _ = tcp.set_nodelay(true);
    if !target.is_secure() {
        return Ok(Box::new(tcp));
    }
    let config = match tls {
        Some(config) => config,
        None => crate::tls::default_client_config().map_err(Observed::Tls)?,
    };
    let mut config = (*config).clone();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = rustls::pki_types::ServerName::try_from(target.host().to_string())
        .map_err(|e| Observed::Tls(e.to_string()))?;
    match timeout(
        limit,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    {
        Err(_) => Err(Observed::Tls("the TLS handshake timed out".into())),
        Ok(Err(error)) => Err(Observed::Tls(error.to_string())),
        Ok(Ok(stream)) => Ok(Box::new(stream)),
    }
}

/// One HTTP/2 attempt, through wshake-client.
async fn http2(args: &Args, url: &str, tls: Option<Arc<rustls::ClientConfig>>) -> Attempt {
    let what = format!("HTTP/2 {url}");
    let mut builder = Client::builder()
        .http2(Http2::Require)
        .connect_timeout(Duration::from_secs(args.timeout))
        .handshake_timeout(Duration::from_secs(args.timeout));
    for protocol in &args.protocols {
        builder = builder.protocol(protocol);
    }
    // Checked by `offer` before any attempt.
    for (name, value) in args
        .headers
        .iter()
        .filter_map(|h| crate::parse_header(h).ok())
    {
        builder = builder.header(name, value);
    }
    if let Some(origin) = &args.origin {
        builder = builder.origin(origin);
    }
    if let Some(tls) = tls {
        builder = builder.tls_config(tls);
    }
    let observed = match builder.build() {
        Err(error) => Observed::Connect(error.to_string()),
        Ok(client) => match client.connect(url).await {
            Ok(_) => Observed::Response(Response {
                status: 101,
                headers: Vec::new(),
                body: Vec::new(),
                verdict: Ok(()),
            }),
            Err(error) => http2_observed(&error),
        },
    };
    Attempt {
        what,
        secure: url.starts_with("wss://"),
        observed,
        sent: Vec::new(),
        received: Vec::new(),
    }
}

fn http2_observed(error: &wshake_client::Error) -> Observed {
    use wshake_client::{Error, ErrorKind};
    if let Some(wshake_client::wshake_proto::Error::NotSwitchingProtocols { status, .. }) =
        error.handshake()
    {
        return Observed::Response(Response {
            status: *status,
            headers: Vec::new(),
            body: Vec::new(),
            verdict: Err(wshake_client::wshake_proto::Error::MissingAccept),
        });
    }
    if let Some(refusal) = error.refusal() {
        return Observed::Response(Response {
            status: refusal.status(),
            headers: lowercase_headers(&refusal.response().headers()),
            body: refusal.body().to_vec(),
            verdict: Err(wshake_client::wshake_proto::Error::MissingAccept),
        });
    }
    match (error, error.kind()) {
        (Error::Http2NotNegotiated, _) => Observed::Http2NotOffered,
        (Error::Http2(wshake_client::wshake_hyper::Error::ExtendedConnectDisabled), _) => {
            Observed::NoExtendedConnect
        }
        (_, ErrorKind::Tls) => Observed::Tls(error.to_string()),
        (_, ErrorKind::Dns) => Observed::Dns(error.to_string()),
        (_, ErrorKind::ConnectTimeout) => Observed::ConnectTimeout,
        (_, ErrorKind::HandshakeTimeout) => Observed::Silence,
        _ => Observed::Connect(error.to_string()),
    }
}

fn print_attempt(attempt: &Attempt, verbose: bool) {
    println!("attempt: {}", attempt.what);
    if verbose {
        print_bytes(attempt);
    }
}

/// The exact bytes, one line each, CR LF shown as line ends and other controls escaped.
fn print_bytes(attempt: &Attempt) {
    for (prefix, bytes) in [("> ", &attempt.sent), ("< ", &attempt.received)] {
        if bytes.is_empty() {
            continue;
        }
        let text: String = bytes.escape_ascii().to_string();
        let text = text.strip_suffix("\\r\\n\\r\\n").unwrap_or(&text);
        for line in text.split("\\r\\n") {
            println!("{prefix}{}", crate::probe::redacted(line));
        }
    }
}
