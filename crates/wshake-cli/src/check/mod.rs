//! `wshake check`: a handshake conformance checker for any server. One crafted request per
//! case, each over its own connection with a timeout, judged against the checklist.

mod cases;
mod http2;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wshake_client::wshake_proto::client::{Response, ResponseReader, Target};
use wshake_client::wshake_proto::{Accept, Limits, Status};

use cases::{Case, Expect};

/// How long one case may take by default, connection included.
const CASE_TIMEOUT: Duration = Duration::from_secs(5);
/// How many cases run at once.
const PARALLEL: usize = 8;

/// `wshake check` options.
#[derive(Debug, Clone, clap::Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "command-line flags, each its own switch"
)]
pub(crate) struct Args {
    /// The server's `ws://` or `wss://` URL (any path and query).
    #[arg(required_unless_present = "list")]
    pub(crate) url: Option<String>,
    /// Print the cases (with `--http2`, the HTTP/2 ones) with their IDs and levels, and
    /// exit; the IDs are those of the project's `docs/conformance.md`.
    #[arg(long)]
    pub(crate) list: bool,
    /// Print the results as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Run the HTTP/2 cases (RFC 8441 extended CONNECT): `wss://` with ALPN `h2`, `ws://`
    /// with prior knowledge.
    #[arg(long)]
    pub(crate) http2: bool,
    /// Which servers' certificates to trust.
    #[command(flatten)]
    pub(crate) trust: crate::tls::Trust,
    /// A header sent with every case, `Name: value` (repeatable): a token, a cookie.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The `Origin` every case sends (unless the case is about `Origin`).
    #[arg(long)]
    pub(crate) origin: Option<String>,
    /// A subprotocol every case offers (repeatable), for a server that requires one.
    #[arg(long = "protocol", value_name = "NAME")]
    pub(crate) protocols: Vec<String>,
    /// Print every case's request before the results.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// Seconds one case may take, connecting included (default 5).
    #[arg(long, value_name = "SECS")]
    pub(crate) case_timeout: Option<u64>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<std::path::PathBuf>,
}

/// What every case carries besides its own request, and how to reach the server.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settings {
    /// Headers after the standard ones, in every request.
    pub(crate) extra: Vec<(String, String)>,
    /// The subprotocols those headers offer: a server may choose one.
    pub(crate) protocols: Vec<String>,
    /// For `wss://`: the TLS config (the default roots when `None`).
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
    /// Print each case's request.
    pub(crate) verbose: bool,
    /// How long one case may take (`CASE_TIMEOUT` when `None`).
    pub(crate) case_timeout: Option<Duration>,
}

impl Settings {
    /// How long one case may take.
    pub(crate) fn case_timeout(&self) -> Duration {
        self.case_timeout.unwrap_or(CASE_TIMEOUT)
    }
}

impl Settings {
    fn from_args(args: &Args) -> Result<Self, String> {
        let mut extra = Vec::new();
        for header in &args.headers {
            let (name, value) = crate::parse_header(header)?;
            extra.push((name.to_string(), value.to_string()));
        }
        if let Some(origin) = &args.origin {
            extra.push(("Origin".to_string(), origin.clone()));
        }
        if !args.protocols.is_empty() {
            extra.push((
                "Sec-WebSocket-Protocol".to_string(),
                args.protocols.join(", "),
            ));
        }
        let tls = args.trust.client_config()?;
        Ok(Self {
            extra,
            protocols: args.protocols.clone(),
            tls,
            verbose: args.verbose,
            case_timeout: args.case_timeout.map(Duration::from_secs),
        })
    }
}

/// How a case went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// As the checklist says.
    Pass,
    /// A MUST of the checklist is violated.
    MustFail,
    /// Only a SHOULD is violated (e.g. another 4xx than the one named).
    ShouldFail,
    /// Could not be judged (the server does not speak what the case needs).
    NotJudged,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::MustFail => "MUST-fail",
            Self::ShouldFail => "SHOULD-fail",
            Self::NotJudged => "not judged",
        }
    }
}

/// One case's result.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub(crate) name: &'static str,
    pub(crate) id: &'static str,
    /// The case's requirement: `MUST` or `SHOULD`.
    pub(crate) level: &'static str,
    pub(crate) expected: String,
    pub(crate) got: String,
    pub(crate) verdict: Verdict,
}

/// The whole report.
#[derive(Clone, Debug)]
pub(crate) struct Report {
    pub(crate) outcomes: Vec<Outcome>,
}

impl Report {
    pub(crate) fn passed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Pass)
            .count()
    }

    pub(crate) fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::MustFail | Verdict::ShouldFail))
            .count()
    }

    pub(crate) fn not_judged(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::NotJudged)
            .count()
    }

    pub(crate) fn must_failures(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::MustFail)
            .count()
    }

    pub(crate) fn print_table(&self) {
        let width = self
            .outcomes
            .iter()
            .map(|o| o.name.len())
            .max()
            .unwrap_or(4);
        println!(
            "{:<width$}  {:<4}  {:<6}  {:<22}  {:<34}  verdict",
            "case", "ID", "level", "expected", "got"
        );
        for o in &self.outcomes {
            println!(
                "{:<width$}  {:<4}  {:<6}  {:<22}  {:<34}  {}",
                o.name,
                o.id,
                o.level,
                o.expected,
                truncate(&o.got, 34),
                o.verdict.as_str()
            );
        }
        match self.not_judged() {
            0 => println!("{} passed, {} failed", self.passed(), self.failed()),
            n => println!(
                "{} passed, {} failed, {n} not judged",
                self.passed(),
                self.failed()
            ),
        }
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "cases": self.outcomes.iter().map(|o| serde_json::json!({
                "case": o.name,
                "id": o.id,
                "level": o.level,
                "expected": o.expected,
                "got": o.got,
                "verdict": o.verdict.as_str(),
            })).collect::<Vec<_>>(),
            "passed": self.passed(),
            "failed": self.failed(),
            "must_failures": self.must_failures(),
            "not_judged": self.not_judged(),
        })
    }
}

impl Report {
    /// The results as JUnit XML: one test case per case (its ID as the class), a MUST or
    /// SHOULD failure as a `failure` of that type, a case not judged as `skipped`.
    pub(crate) fn to_junit(&self, url: &str) -> String {
        use std::fmt::Write as _;
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites><testsuite name=\"wshake check {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            escape(url),
            self.outcomes.len(),
            self.failed(),
            self.not_judged()
        );
        for o in &self.outcomes {
            let _ = write!(
                xml,
                "  <testcase classname=\"{} {}\" name=\"{}\">",
                escape(o.id),
                o.level,
                escape(o.name)
            );
            let detail = format!("expected {}, got {}", o.expected, o.got);
            match o.verdict {
                Verdict::Pass => {}
                Verdict::MustFail | Verdict::ShouldFail => {
                    let _ = write!(
                        xml,
                        "<failure type=\"{}\" message=\"{}\"/>",
                        o.verdict.as_str(),
                        escape(&detail)
                    );
                }
                Verdict::NotJudged => {
                    let _ = write!(xml, "<skipped message=\"{}\"/>", escape(&o.got));
                }
            }
            xml.push_str("</testcase>\n");
        }
        xml.push_str("</testsuite></testsuites>\n");
        xml
    }
}

/// Text for an XML attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Exit codes: 0 when every MUST passed, 1 when one failed, 2 when the check could not
/// run (bad arguments, the server unreachable, no case judged).
pub(crate) async fn run(args: Args) -> ExitCode {
    if args.list {
        let cases = if args.http2 {
            http2::list()
        } else {
            cases::all("example.com", "/", &[])
                .iter()
                .map(|case| {
                    (
                        case.name,
                        case.id,
                        level(case.expect),
                        expected_text(case.expect),
                    )
                })
                .collect()
        };
        for (name, id, level, expected) in cases {
            println!("{id:<5} {level:<6} {name:<40} expects {expected}");
        }
        return ExitCode::SUCCESS;
    }
    let Some(url) = args.url.clone() else {
        eprintln!("wshake: a URL to check is needed");
        return ExitCode::from(2);
    };
    let settings = match Settings::from_args(&args) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("wshake: {error}");
            return ExitCode::from(2);
        }
    };
    let report = if args.http2 {
        http2::check(&url, settings.tls.clone(), settings.case_timeout()).await
    } else {
        check_with(&url, &settings).await
    };
    let report = report.and_then(|report| {
        if report
            .outcomes
            .iter()
            .all(|o| o.verdict == Verdict::NotJudged)
        {
            let why = report.outcomes.first().map_or("", |o| o.got.as_str());
            Err(format!("no case could be judged: {why}"))
        } else {
            Ok(report)
        }
    });
    match report {
        Ok(report) => {
            if let Some(path) = &args.junit {
                if let Err(error) = std::fs::write(path, report.to_junit(&url)) {
                    eprintln!("wshake: cannot write {}: {error}", path.display());
                    return ExitCode::from(2);
                }
            }
            if args.json {
                println!("{:#}", report.to_json());
            } else {
                report.print_table();
            }
            if report.must_failures() > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("wshake: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs every case against `url` (`ws://`), nothing added.
pub(crate) async fn check(url: &str) -> Result<Report, String> {
    check_with(url, &Settings::default()).await
}

/// Runs every case against `url` (`ws://`, or `wss://` over TLS) with `settings`.
pub(crate) async fn check_with(url: &str, settings: &Settings) -> Result<Report, String> {
    let target = Target::from_url(url).map_err(|e| format!("{url}: {e}"))?;
    let (host, port) = (target.host().to_string(), target.port());
    let tls = if target.is_secure() {
        let mut config = match settings.tls.as_deref() {
            Some(config) => config.clone(),
            None => (*crate::tls::default_client_config()?).clone(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Some(Arc::new(config))
    } else {
        None
    };
    let cases = cases::all(target.host_header(), target.resource(), &settings.extra);
    if settings.verbose {
        for case in &cases {
            println!("-- {} ({})", case.name, case.id);
            for line in String::from_utf8_lossy(&case.request).split("\r\n") {
                if !line.is_empty() {
                    println!("> {line}");
                }
            }
        }
        println!();
    }
    let outcomes = futures_util::stream::iter(cases)
        .map(|case| {
            let server = Server {
                host: host.clone(),
                port,
                tls: tls.clone(),
                timeout: settings.case_timeout(),
            };
            let protocols = settings.protocols.clone();
            async move { run_case(&server, case, &protocols).await }
        })
        .buffered(PARALLEL)
        .collect()
        .await;
    Ok(Report { outcomes })
}

/// Where the cases go.
struct Server {
    host: String,
    port: u16,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// How long one case may take.
    timeout: Duration,
}

async fn run_case(server: &Server, case: Case, protocols: &[String]) -> Outcome {
    let answer = tokio::time::timeout(server.timeout, exchange(server, &case)).await;
    let (expected, got, verdict) = match answer {
        Ok(Ok(mut response)) => judge(&case, &mut response, protocols),
        Ok(Err(Failure::Unreached(error))) => {
            (expected_text(case.expect), error, Verdict::NotJudged)
        }
        Ok(Err(Failure::Answer(error))) => no_answer(&case, &error),
        Err(_) => no_answer(
            &case,
            &format!("no answer within {}s", server.timeout.as_secs()),
        ),
    };
    Outcome {
        name: case.name,
        id: case.id,
        level: level(case.expect),
        expected,
        got,
        verdict,
    }
}

/// The requirement a case checks: what a 101 or its absence means is a MUST, the limits
/// are the server's (SHOULD).
fn level(expect: Expect) -> &'static str {
    match expect {
        Expect::Accept { .. } | Expect::Reject { .. } => "MUST",
        Expect::Limit { .. } => "SHOULD",
    }
}

/// Why a case has no response head.
enum Failure {
    /// The server was not reached (TCP, TLS): nothing to judge.
    Unreached(String),
    /// Reached, and no answer came.
    Answer(String),
}

/// A connection to the server: TCP, or TLS over it.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

async fn connect(server: &Server) -> Result<Box<dyn Io>, Failure> {
    let tcp = TcpStream::connect((server.host.as_str(), server.port))
        .await
        .map_err(|e| Failure::Unreached(format!("connect: {e}")))?;
    let _ = tcp.set_nodelay(true);
    let Some(config) = &server.tls else {
        return Ok(Box::new(tcp));
    };
    let name = rustls::pki_types::ServerName::try_from(server.host.clone())
        .map_err(|e| Failure::Unreached(format!("TLS: server name: {e}")))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::clone(config))
        .connect(name, tcp)
        .await
        .map_err(|e| Failure::Unreached(format!("TLS: {e}")))?;
    Ok(Box::new(tls))
}

/// Sends the case's request and reads the response head (or what came before the
/// close) with the same head reader the client uses.
async fn exchange(server: &Server, case: &Case) -> Result<ResponseReader, Failure> {
    let mut socket = connect(server).await?;
    if case.trickle {
        for byte in &case.request {
            socket
                .write_all(std::slice::from_ref(byte))
                .await
                .map_err(|e| Failure::Answer(format!("write: {e}")))?;
            socket
                .flush()
                .await
                .map_err(|e| Failure::Answer(format!("write: {e}")))?;
        }
    } else if let Err(error) = socket.write_all(&case.request).await {
        // A server may answer and close before reading an oversized request.
        if !matches!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
        ) {
            return Err(Failure::Answer(format!("write: {error}")));
        }
    }
    let mut reader = response_reader();
    let mut received = 0;
    while matches!(reader.poll(), Ok(Status::NeedMore)) {
        match socket.read(reader.spare(4096)).await {
            Ok(0) => break,
            Ok(n) => {
                reader.advance(n);
                received += n;
            }
            Err(error) if received == 0 => {
                return Err(Failure::Answer(format!("read: {error}")));
            }
            Err(_) => break,
        }
    }
    if received == 0 {
        return Err(Failure::Answer("closed without an answer".into()));
    }
    Ok(reader)
}

/// A reader for whatever a server answers: heads up to 64 KiB and 256 lines.
fn response_reader() -> ResponseReader {
    let limits = Limits::new()
        .max_head_bytes(64 * 1024)
        .max_headers(Limits::HEADERS_CEILING)
        .expect("the ceiling itself is allowed");
    ResponseReader::new(limits)
}

/// Every value of a header, trimmed.
fn all<'a>(response: &Response<'a>, name: &str) -> Vec<&'a [u8]> {
    response.headers().get_all(name).collect()
}

/// Whether a comma-separated header lists `token` (case-insensitive).
fn has_token(response: &Response<'_>, name: &str, token: &str) -> bool {
    response
        .headers()
        .get_all(name)
        .flat_map(|value| value.split(|&b| b == b','))
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

fn expected_text(expect: Expect) -> String {
    match expect {
        Expect::Accept { no_protocol: false } => "101 + accept".into(),
        Expect::Accept { no_protocol: true } => "101, no protocol".into(),
        Expect::Reject {
            status,
            version_header: true,
        } => format!("{status} + Version: 13"),
        Expect::Reject { status, .. } | Expect::Limit { status } => format!("{status}"),
    }
}

fn judge(
    case: &Case,
    reader: &mut ResponseReader,
    protocols: &[String],
) -> (String, String, Verdict) {
    let expected = expected_text(case.expect);
    let Ok(Status::Ready(head)) = reader.poll() else {
        let verdict = match case.expect {
            Expect::Accept { .. } => Verdict::MustFail,
            _ => Verdict::ShouldFail,
        };
        return (expected, "not an HTTP response".into(), verdict);
    };
    let status = head.status();
    if matches!(status, 429 | 503) {
        // Rate limiting or overload says nothing about the case.
        return (
            expected,
            format!("{status} (rate limited)"),
            Verdict::NotJudged,
        );
    }
    let (got, verdict) = match case.expect {
        Expect::Accept { no_protocol } => judge_accept(case, &head, no_protocol, protocols),
        Expect::Reject {
            status: wanted,
            version_header,
        } => {
            if status == 101 {
                ("101 (accepted)".into(), Verdict::MustFail)
            } else if version_header && !all(&head, "sec-websocket-version").contains(&&b"13"[..]) {
                (format!("{status} without Version: 13"), Verdict::MustFail)
            } else if status == wanted {
                (format!("{status}"), Verdict::Pass)
            } else {
                (format!("{status}"), Verdict::ShouldFail)
            }
        }
        Expect::Limit { status: wanted } => {
            let verdict = if status == wanted {
                Verdict::Pass
            } else {
                Verdict::ShouldFail
            };
            (format!("{status}"), verdict)
        }
    };
    (expected, got, verdict)
}

fn judge_accept(
    case: &Case,
    head: &Response<'_>,
    no_protocol: bool,
    protocols: &[String],
) -> (String, Verdict) {
    if head.status() != 101 {
        return (format!("{}", head.status()), Verdict::MustFail);
    }
    if !has_token(head, "upgrade", "websocket") {
        return ("101 without Upgrade: websocket".into(), Verdict::MustFail);
    }
    if !has_token(head, "connection", "upgrade") {
        return ("101 without Connection: Upgrade".into(), Verdict::MustFail);
    }
    let accepts = all(head, "sec-websocket-accept");
    let expected = Accept::for_key(&case.key);
    match accepts.as_slice() {
        [] => return ("101 without Sec-WebSocket-Accept".into(), Verdict::MustFail),
        [value] if expected.matches(value) => {}
        [_] => return ("101 with a wrong accept value".into(), Verdict::MustFail),
        _ => return ("101 with two accept headers".into(), Verdict::MustFail),
    }
    if no_protocol {
        match all(head, "sec-websocket-protocol").as_slice() {
            [] => {}
            // One the user offers on every case (`--protocol`).
            [one] if protocols.iter().any(|p| p.as_bytes() == one.trim_ascii()) => {}
            // Offered, so allowed by the letter of S14, but no server speaks it: echoing
            // the client's offer is a known deviation (websocat, Node ws by default).
            [one]
                if cases::UNKNOWN_PROTOCOLS
                    .iter()
                    .any(|p| p.as_bytes() == one.trim_ascii()) =>
            {
                return (
                    "101 echoing an unknown protocol".into(),
                    Verdict::ShouldFail,
                );
            }
            _ => return ("101 with a protocol not offered".into(), Verdict::MustFail),
        }
    }
    let extensions = all(head, "sec-websocket-extensions");
    let unoffered = extensions
        .iter()
        .flat_map(|v| v.split(|&b| b == b','))
        .filter_map(|e| e.split(|&b| b == b';').next())
        .map(<[u8]>::trim_ascii)
        .any(|name| !name.is_empty() && !name.eq_ignore_ascii_case(b"permessage-deflate"));
    if unoffered || (!extensions.is_empty() && case.id != "S15") {
        return (
            "101 with an extension not offered".into(),
            Verdict::MustFail,
        );
    }
    ("101 + accept".into(), Verdict::Pass)
}

fn no_answer(case: &Case, reason: &str) -> (String, String, Verdict) {
    let verdict = match case.expect {
        Expect::Accept { .. } => Verdict::MustFail,
        _ => Verdict::ShouldFail,
    };
    (expected_text(case.expect), reason.to_string(), verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_forty_cases_each_naming_a_checklist_id() {
        let cases = cases::all("127.0.0.1:9001", "/", &[]);
        assert!(cases.len() >= 40, "{}", cases.len());
        let ids = [
            "C4", "S12", "S13v", "S14", "S15", "S16", "S17", "S18", "S19", "H21", "H22", "H23",
            "H24",
        ];
        for case in &cases {
            assert!(ids.contains(&case.id), "{} has {}", case.name, case.id);
        }
    }

    #[test]
    fn judging_a_response_without_accept_is_a_must_failure() {
        let case = &cases::all("h", "/", &[])[0];
        let mut reader = response_reader();
        reader.feed(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        let (_, got, verdict) = judge(case, &mut reader, &[]);
        assert_eq!(
            (got.as_str(), verdict),
            ("101 without Sec-WebSocket-Accept", Verdict::MustFail)
        );
    }
}
