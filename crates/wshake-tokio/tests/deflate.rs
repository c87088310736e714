//! permessage-deflate negotiated by wshake, then used by a framing library: soketto
//! (through the glue of the deflate examples) compresses a message both ways with the
//! negotiated parameters, over an in-memory duplex. The interop rows with real peers are
//! in `cargo xtask interop`.

#[path = "../examples/common/soketto_deflate.rs"]
mod soketto_deflate;

use soketto::Mode;
use soketto::connection::Builder;
use tokio_util::compat::TokioAsyncReadCompatExt as _;
use wshake_tokio::wshake_proto::Key;
use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
use wshake_tokio::wshake_proto::extensions::{DeflateConfig, DeflateOffer};
use wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_tokio::{Options, accept, handshake};

/// One handshake with these offers and this server config, then a compressible message
/// each way through soketto: the answer both sides agreed.
async fn round_trip(offers: &[DeflateOffer], server: DeflateConfig) -> String {
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let config = ServerConfig::new().deflate(server);
    let text = "compressible, compressible, compressible; ".repeat(50);
    let echo = {
        let text = text.clone();
        tokio::spawn(async move {
            let (accepted, stream) = accept(server_io, config, &Options::new()).await.unwrap();
            let params = accepted.deflate.expect("an offer accepted");
            let mut builder = Builder::new(stream.compat(), Mode::Server);
            builder.add_extensions([Box::new(
                soketto_deflate::deflate(Mode::Server, params).unwrap(),
            ) as _]);
            let (mut sender, mut receiver) = builder.finish();
            let mut message = Vec::new();
            receiver.receive_data(&mut message).await.unwrap();
            assert_eq!(message, text.as_bytes());
            sender.send_text(&text).await.unwrap();
            sender.flush().await.unwrap();
        })
    };
    let mut client = ClientConfig::new();
    for offer in offers {
        client = client.deflate(*offer);
    }
    let target = Target::new("example.com", "/").unwrap();
    let key = Key::from_nonce(*b"the sample nonce");
    let (connected, stream) = handshake(client_io, client, target, key, &Options::new())
        .await
        .unwrap();
    let params = connected.deflate.expect("an answer");
    let mut builder = Builder::new(stream.compat(), Mode::Client);
    builder
        .add_extensions([Box::new(soketto_deflate::deflate(Mode::Client, params).unwrap()) as _]);
    let (mut sender, mut receiver) = builder.finish();
    sender.send_text(&text).await.unwrap();
    sender.flush().await.unwrap();
    let mut reply = Vec::new();
    receiver.receive_data(&mut reply).await.unwrap();
    assert_eq!(reply, text.as_bytes());
    echo.await.unwrap();
    params.to_string()
}

/// soketto keeps no context: the server requires the client to drop it.
fn server_config() -> DeflateConfig {
    DeflateConfig {
        client_no_context_takeover: true,
        ..DeflateConfig::default()
    }
}

#[tokio::test]
async fn d24_d30_negotiated_parameters_run_through_soketto_both_ways() {
    let offer = || DeflateOffer {
        server_no_context_takeover: true,
        ..DeflateOffer::new()
    };
    assert_eq!(
        round_trip(&[offer().client_max_window_bits(None)], server_config()).await,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
    );
    // Several offers: the first limits the server to 8 bits and is declined (D30).
    assert_eq!(
        round_trip(
            &[
                offer().server_max_window_bits(8),
                offer().server_max_window_bits(10)
            ],
            server_config()
        )
        .await,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10"
    );
    // A server limiting windows to 8 answers 9 (D30), and both sides run with it.
    let eight = DeflateConfig {
        server_max_window_bits: 8,
        client_max_window_bits: 8,
        ..server_config()
    };
    assert_eq!(
        round_trip(&[offer().client_max_window_bits(None)], eight).await,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9"
    );
}
