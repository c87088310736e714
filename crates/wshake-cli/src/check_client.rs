//! `wshake check-client -- COMMAND…`: a checker for WebSocket *clients*. A local server
//! answers each case's handshake with one precise deviation from RFC 6455 §4.2.2 (or a
//! correct 101, the controls); the client command runs once per case, pointed at that
//! case's URL, and the server watches what the client does next: a client that sends a
//! frame after a broken answer went on when it must have failed the connection (§4.1:
//! "the client MUST _Fail the WebSocket Connection_").

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use wshake_client::wshake_proto::Status;
use wshake_client::wshake_proto::server::{Answer, OriginPolicy, ServerConfig, ServerHandshake};

/// `wshake check-client` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// How long the client has, per case, to show what it does (seconds).
    #[arg(long, default_value_t = 3)]
    pub(crate) timeout: u64,
    /// Print the results as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// The client to check, run once per case: `{url}` is replaced by the case's `ws://`
    /// URL (appended when absent), `{page}` by the `http://` URL of a page that opens it
    /// in a browser and sends a message once open.
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

/// What the server answers a case's handshake with.
#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    id: &'static str,
    /// A correct 101: the client must go on (a control).
    control: bool,
    /// `MUST` (RFC 6455 §4.1 fails the connection) or `SHOULD` (wshake's stricter
    /// reading: a 101 in HTTP/1.0, which cannot upgrade; bytes announced as a body of a
    /// 101, which RFC 9112 §6.3 says has none).
    level: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "valid 101",
        id: "C11",
        control: true,
        level: "MUST",
    },
    Case {
        name: "valid 101, names in lower case",
        id: "C11",
        control: true,
        level: "MUST",
    },
    Case {
        name: "wrong Sec-WebSocket-Accept",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "no Sec-WebSocket-Accept",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "no Upgrade",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "Upgrade: h2c",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "no Connection",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "subprotocol not offered",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "extension not offered",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "200 OK",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "302 Found",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "403 Forbidden",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "HTTP/1.0 101",
        id: "H21",
        control: false,
        level: "SHOULD",
    },
    Case {
        name: "a body after the 101",
        id: "C11",
        control: false,
        level: "SHOULD",
    },
    Case {
        name: "garbage",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "closed mid-head",
        id: "C11",
        control: false,
        level: "MUST",
    },
    Case {
        name: "silence",
        id: "C1",
        control: false,
        level: "MUST",
    },
];

/// The URL path of a case: its index.
fn case_path(index: usize) -> String {
    format!("/case/{index}")
}

/// The answer for `case` to a valid request: the correct 101 bent as the case says; `None`
/// for silence.
fn answer(case: &str, correct: &str) -> Option<Vec<u8>> {
    let without = |name: &str| {
        correct
            .split_inclusive("\r\n")
            .filter(|line| !line.to_ascii_lowercase().starts_with(name))
            .collect::<String>()
    };
    let add = |line: &str| correct.replacen("\r\n\r\n", &format!("\r\n{line}\r\n\r\n"), 1);
    let text = match case {
        "valid 101" => correct.to_string(),
        "valid 101, names in lower case" => correct
            .split_inclusive("\r\n")
            .enumerate()
            .map(|(i, line)| match line.split_once(": ") {
                Some((name, value)) if i > 0 => format!("{}: {value}", name.to_ascii_lowercase()),
                _ => line.to_string(),
            })
            .collect(),
        "wrong Sec-WebSocket-Accept" => {
            let accept = correct
                .split("\r\n")
                .find_map(|line| line.strip_prefix("Sec-WebSocket-Accept: "))
                .unwrap_or_default();
            correct.replace(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        }
        "no Sec-WebSocket-Accept" => without("sec-websocket-accept"),
        "no Upgrade" => without("upgrade:"),
        "Upgrade: h2c" => correct.replace("Upgrade: websocket", "Upgrade: h2c"),
        "no Connection" => without("connection:"),
        "subprotocol not offered" => add("Sec-WebSocket-Protocol: wshake-not-offered"),
        "extension not offered" => add("Sec-WebSocket-Extensions: x-wshake-not-offered"),
        "200 OK" => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_string(),
        "302 Found" => {
            "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n".to_string()
        }
        "403 Forbidden" => {
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
        }
        "HTTP/1.0 101" => correct.replacen("HTTP/1.1 101", "HTTP/1.0 101", 1),
        "a body after the 101" => format!("{}hello", add("Content-Length: 5")),
        "garbage" => "SSH-2.0-OpenSSH_9.6\r\n\r\n".to_string(),
        "closed mid-head" => correct[..correct.len() / 2].to_string(),
        _ => return None,
    };
    Some(text.into_bytes())
}

/// What the server saw of the client after answering.
#[derive(Clone, Debug)]
enum Seen {
    /// No connection came for the case.
    NoConnection,
    /// The client sent bytes after the answer: a frame, it went on.
    WentOn,
    /// It closed the connection without sending anything more.
    Closed,
    /// It sent nothing within the window.
    Quiet,
    /// Its request was not a valid handshake (the case cannot be judged).
    BadRequest(String),
}

impl Seen {
    fn text(&self) -> String {
        match self {
            Self::NoConnection => "no connection".into(),
            Self::WentOn => "sent a frame".into(),
            Self::Closed => "closed".into(),
            Self::Quiet => "sent nothing".into(),
            Self::BadRequest(why) => format!("invalid request: {why}"),
        }
    }
}

/// Serves the cases: each connection's path says which; what the client did next goes
/// to `seen` with the case's index.
async fn serve(
    listener: TcpListener,
    window: Duration,
    seen: mpsc::UnboundedSender<(usize, Seen)>,
) {
    let config = Arc::new(ServerConfig::new().origin_policy(OriginPolicy::any()));
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let (config, seen) = (Arc::clone(&config), seen.clone());
        tokio::spawn(async move { connection(socket, config, window, seen).await });
    }
}

async fn connection(
    mut socket: TcpStream,
    config: Arc<ServerConfig>,
    window: Duration,
    seen: mpsc::UnboundedSender<(usize, Seen)>,
) {
    let mut machine = ServerHandshake::new(config);
    let mut chunk = [0u8; 4096];
    let (index, correct) = loop {
        match machine.poll() {
            Ok(Status::Ready(incoming)) => {
                let Some(index) = case_index("/case/", incoming.request().path()) else {
                    return;
                };
                let mut out = Vec::new();
                let _ = incoming.answer(&Answer::accept().no_protocol(), &mut out);
                break (index, String::from_utf8_lossy(&out).into_owned());
            }
            Ok(Status::NeedMore) => {}
            Err(error) => {
                // A page request (`GET /page/N`, no upgrade) or a broken handshake.
                if let Some(index) = machine
                    .plain_get()
                    .and_then(|path| case_index("/page/", path))
                {
                    let _ = socket.write_all(&page(index)).await;
                } else if let Some(index) = machine
                    .raw_head()
                    .and_then(|head| std::str::from_utf8(head).ok())
                    .and_then(case_of_head)
                {
                    let _ = seen.send((index, Seen::BadRequest(error.to_string())));
                }
                return;
            }
        }
        match tokio::time::timeout(window, socket.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => machine.feed(&chunk[..n]),
            _ => return,
        }
    };
    let case = CASES[index];
    let leftover = !machine.leftover().is_empty();
    if let Some(answer) = answer(case.name, &correct) {
        let _ = socket.write_all(&answer).await;
        if case.name == "closed mid-head" {
            let _ = socket.shutdown().await;
            let _ = seen.send((index, Seen::Closed));
            return;
        }
    }
    let next = if leftover {
        Seen::WentOn
    } else {
        match tokio::time::timeout(window, socket.read(&mut chunk)).await {
            Ok(Ok(0) | Err(_)) => Seen::Closed,
            Ok(Ok(_)) => Seen::WentOn,
            Err(_) => Seen::Quiet,
        }
    };
    let _ = seen.send((index, next));
}

/// The case a path names after `prefix` (`/case/` or `/page/`), if it is one.
fn case_index(prefix: &str, path: &str) -> Option<usize> {
    path.strip_prefix(prefix)?
        .parse::<usize>()
        .ok()
        .filter(|n| *n < CASES.len())
}

/// The case the request line of a (broken) head names.
fn case_of_head(head: &str) -> Option<usize> {
    case_index("/case/", head.lines().next()?.split(' ').nth(1)?)
}

/// A page that opens the case's WebSocket and sends a message once it is open.
fn page(index: usize) -> Vec<u8> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>wshake check-client</title></head><body><p id=\"state\">connecting</p><script>\
const ws = new WebSocket(\"ws://\" + location.host + \"{}\");\
ws.onopen = () => {{ document.getElementById(\"state\").textContent = \"open\"; ws.send(\"hello\"); }};\
ws.onerror = () => {{ document.getElementById(\"state\").textContent = \"error\"; }};\
</script></body></html>",
        case_path(index)
    );
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub(crate) async fn run(args: Args) -> ExitCode {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("wshake: cannot listen: {error}");
            return ExitCode::from(2);
        }
    };
    let Ok(address) = listener.local_addr() else {
        eprintln!("wshake: cannot read the listening address");
        return ExitCode::from(2);
    };
    let window = Duration::from_secs(args.timeout.max(1));
    let (sender, mut seen) = mpsc::unbounded_channel();
    tokio::spawn(serve(listener, window, sender));
    let mut rows = Vec::new();
    for (index, case) in CASES.iter().enumerate() {
        let url = format!("ws://{address}{}", case_path(index));
        let page = format!("http://{address}/page/{index}");
        let mut command = args.command.clone();
        let mut substituted = false;
        for part in &mut command {
            if part.contains("{url}") || part.contains("{page}") {
                substituted = true;
                *part = part.replace("{url}", &url).replace("{page}", &page);
            }
        }
        if !substituted {
            command.push(url);
        }
        let exit = run_client(&command, window * 4).await;
        // What the server saw: the first report for this case, within the window.
        let mut observed = Seen::NoConnection;
        while let Ok(Some((seen_index, what))) =
            tokio::time::timeout(Duration::from_millis(200), seen.recv()).await
        {
            if seen_index == index {
                observed = what;
                break;
            }
        }
        rows.push((case, observed, exit));
    }
    report(&rows, args.json)
}

/// Runs the client to completion, killing it after `limit`: how it ended.
async fn run_client(command: &[String], limit: Duration) -> String {
    let Some((program, rest)) = command.split_first() else {
        return "no command".into();
    };
    let child = tokio::process::Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => return format!("could not start: {error}"),
    };
    match tokio::time::timeout(limit, child.wait()).await {
        Ok(Ok(status)) => status
            .code()
            .map_or_else(|| "killed".into(), |c| format!("exit {c}")),
        Ok(Err(error)) => format!("wait: {error}"),
        Err(_) => {
            let _ = child.kill().await;
            format!("still running after {}s, stopped", limit.as_secs())
        }
    }
}

fn report(rows: &[(&Case, Seen, String)], json: bool) -> ExitCode {
    let verdict = |case: &Case, seen: &Seen| match (case.control, seen) {
        (_, Seen::NoConnection | Seen::BadRequest(_)) => "not judged",
        (true, Seen::WentOn) | (false, Seen::Closed | Seen::Quiet) => "pass",
        (true, _) | (false, Seen::WentOn) if case.level == "SHOULD" => "SHOULD-fail",
        (true, _) | (false, Seen::WentOn) => "MUST-fail",
    };
    let failed = rows
        .iter()
        .filter(|(case, seen, _)| verdict(case, seen).ends_with("-fail"))
        .count();
    let must_failed = rows
        .iter()
        .filter(|(case, seen, _)| verdict(case, seen) == "MUST-fail")
        .count();
    let judged = rows
        .iter()
        .filter(|(case, seen, _)| verdict(case, seen) != "not judged")
        .count();
    if json {
        let cases: Vec<_> = rows
            .iter()
            .map(|(case, seen, exit)| {
                serde_json::json!({
                    "case": case.name,
                    "id": case.id,
                    "level": case.level,
                    "expected": if case.control { "go on" } else { "fail the connection" },
                    "got": seen.text(),
                    "client": exit,
                    "verdict": verdict(case, seen),
                })
            })
            .collect();
        println!(
            "{:#}",
            serde_json::json!({ "cases": cases, "passed": judged - failed, "failed": failed })
        );
    } else {
        println!(
            "{:<32}  {:<4}  {:<6}  {:<20}  {:<14}  {:<34}  verdict",
            "case", "ID", "level", "expected", "client did", "client process"
        );
        for (case, seen, exit) in rows {
            println!(
                "{:<32}  {:<4}  {:<6}  {:<20}  {:<14}  {:<34}  {}",
                case.name,
                case.id,
                case.level,
                if case.control {
                    "go on"
                } else {
                    "fail the connection"
                },
                seen.text(),
                exit,
                verdict(case, seen)
            );
        }
        println!("{} passed, {failed} failed", judged - failed);
    }
    if judged == 0 {
        eprintln!("wshake: no case could be judged: did the command connect to the URL?");
        ExitCode::from(2)
    } else if must_failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
