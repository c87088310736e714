//! The lingering close, after a final response.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _};

/// After answering and shutting down the write side, reads and discards what the peer is
/// still sending, briefly: closing with unread input makes the kernel send RST, which can
/// destroy the answer before the peer reads it (a "lingering close", as HTTP servers do).
/// At most 250 ms and 64 KiB.
pub(crate) async fn linger<IO: AsyncRead + Unpin>(io: &mut IO) {
    const MAX_BYTES: usize = 64 * 1024;
    // On the heap: only refused connections get here, and a stack array would weigh on
    // every accept future.
    let mut sink = vec![0u8; 4096];
    let mut drained = 0;
    let _ = tokio::time::timeout(Duration::from_millis(250), async {
        while drained < MAX_BYTES {
            match io.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
}
