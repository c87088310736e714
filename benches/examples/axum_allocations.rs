//! Heap allocations per handshake in the axum scenarios of `benches/axum.rs`
//! (`benches/common/axum.rs`), counted by allocation-counter's global allocator (this
//! binary alone installs it; the criterion benches and `instructions` do not link it).
//! Everything runs on one current-thread runtime, so the count (per thread) includes the
//! tasks the handlers spawn. One warm-up round, then `N` rounds (default 1,000) measured.
//!
//! `cargo run --release -p wshake-benches --example axum_allocations [N]`

#[path = "../benches/common/axum.rs"]
mod axum_scenario;

use std::hint::black_box;

use axum_scenario::{Side, call_round, duplex_round, router, runtime};

fn main() {
    let times: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    println!("per handshake, mean of {times} after one warm-up");
    println!("| scenario | side | allocations | bytes allocated |");
    println!("|---|---|---|---|");
    for duplex in [true, false] {
        for (side, name) in [
            (Side::Wshake, "wshake-axum Handshake"),
            (
                Side::WshakeTungstenite,
                "wshake-axum Handshake + tokio-tungstenite",
            ),
            (Side::Axum, "axum WebSocketUpgrade"),
            (Side::Floor, "floor"),
        ] {
            let rt = runtime();
            let mut app = router(side);
            let mut round = || {
                rt.block_on(async {
                    if duplex {
                        black_box(duplex_round(&app).await);
                    } else {
                        black_box(call_round(&mut app).await);
                    }
                });
            };
            round();
            let info = allocation_counter::measure(|| {
                for _ in 0..times {
                    round();
                }
            });
            let scenario = if duplex { "duplex" } else { "call" };
            #[allow(
                clippy::cast_precision_loss,
                reason = "counts far below 2^52, printed as a mean"
            )]
            let (count, bytes) = (info.count_total as f64, info.bytes_total as f64);
            println!(
                "| {scenario} | {name} | {:.2} | {:.1} |",
                count / f64::from(times),
                bytes / f64::from(times),
            );
        }
    }
}
