//! `wshake demo`: an echo server in this process, then `probe --send` and `check` against
//! it, with the transcript and the table. Exit 0 when everything passes.

use std::net::SocketAddr;
use std::process::ExitCode;

use wshake_client::wshake_tokio::PendingLimit;

use crate::{check, probe, serve};

pub(crate) async fn run() -> ExitCode {
    let listener = match crate::serve_runtime::listen(SocketAddr::from(([127, 0, 0, 1], 0)), false)
    {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("wshake: cannot listen on 127.0.0.1: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(address) = listener.local_addr() else {
        return ExitCode::FAILURE;
    };
    let url = format!("ws://{address}/");
    println!("== wshake demo: echo server listening on {url}");
    let server = tokio::spawn(async move {
        serve::serve(
            listener,
            &serve::Args::on(address),
            None,
            serve::Admission::new(PendingLimit::new(64)),
        )
        .await;
    });

    println!();
    println!("== probe {url} --send 'hello, wshake'");
    let probe_args = probe::Args {
        url: url.clone(),
        protocols: Vec::new(),
        bearer_protocol: None,
        headers: Vec::new(),
        origin: Some(format!("http://{address}")),
        send: Some("hello, wshake".into()),
        timeout: 5,
        http2: false,
        follow_redirects: None,
        trust: crate::tls::Trust::default(),
    };
    let probe_ok = match probe::probe(&probe_args).await {
        Ok(()) => true,
        Err(error) => {
            println!("probe failed: {error}");
            false
        }
    };

    println!();
    println!("== check {url}");
    let check_ok = match check::check(&url).await {
        Ok(report) => {
            report.print_table();
            report.failed() == 0
        }
        Err(error) => {
            println!("check failed: {error}");
            false
        }
    };
    server.abort();

    println!();
    if probe_ok && check_ok {
        println!("== demo passed: handshake, echo and every conformance case");
        ExitCode::SUCCESS
    } else {
        println!("== demo FAILED");
        ExitCode::FAILURE
    }
}
