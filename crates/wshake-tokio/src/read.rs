//! One read into a machine's buffer, shared by both roles.

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt as _};

use crate::Error;

/// Reads what the peer has sent into `buffer`, growing it by `chunk` bytes only once it is
/// full: a peer that trickles its head one byte at a time holds one chunk, not a chunk
/// more per read. A closed stream is [`Error::Closed`].
pub(crate) async fn read_some<IO>(
    io: &mut IO,
    buffer: &mut BytesMut,
    chunk: usize,
) -> Result<(), Error>
where
    IO: AsyncRead + Unpin,
{
    if buffer.len() == buffer.capacity() {
        buffer.reserve(chunk.max(1));
    }
    if io.read_buf(buffer).await? == 0 {
        return Err(Error::Closed);
    }
    Ok(())
}
