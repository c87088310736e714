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

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use tokio::io::AsyncWriteExt as _;

    use super::read_some;
    use crate::Error;

    /// A peer trickling its head must not make the buffer grow with every read.
    #[tokio::test]
    async fn trickled_bytes_stay_in_one_chunk() {
        let (mut peer, mut io) = tokio::io::duplex(64);
        let mut buffer = BytesMut::new();
        for sent in 1..=100 {
            peer.write_all(b"G").await.unwrap();
            read_some(&mut io, &mut buffer, 256).await.unwrap();
            assert_eq!(buffer.len(), sent);
            assert_eq!(buffer.capacity(), 256, "after {sent} bytes");
        }
    }

    /// A full buffer grows, and the next read fills the new room in one go.
    #[tokio::test]
    async fn full_buffer_grows_by_a_chunk() {
        let (mut peer, mut io) = tokio::io::duplex(4096);
        let mut buffer = BytesMut::new();
        peer.write_all(&[b'x'; 300]).await.unwrap();
        read_some(&mut io, &mut buffer, 256).await.unwrap();
        assert_eq!(buffer.len(), 256);
        read_some(&mut io, &mut buffer, 256).await.unwrap();
        assert_eq!(buffer.len(), 300);
        assert!(buffer.capacity() >= 512);
    }

    #[tokio::test]
    async fn end_of_stream_is_closed() {
        let (peer, mut io) = tokio::io::duplex(64);
        drop(peer);
        let mut buffer = BytesMut::new();
        let result = read_some(&mut io, &mut buffer, 256).await;
        assert!(matches!(result, Err(Error::Closed)), "{result:?}");
    }
}
