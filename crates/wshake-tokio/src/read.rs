//! One read into a machine's spare room, shared by both roles.

use tokio::io::{AsyncRead, AsyncReadExt as _};

use crate::Error;

/// Reads what the peer has sent into `room` (a machine's `spare`), returning how many
/// bytes arrived. A closed stream is [`Error::Closed`].
pub(crate) async fn read_some<IO>(io: &mut IO, room: &mut [u8]) -> Result<usize, Error>
where
    IO: AsyncRead + Unpin,
{
    match io.read(room).await? {
        0 => Err(Error::Closed),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::read_some;
    use crate::Error;

    #[tokio::test]
    async fn end_of_stream_is_closed() {
        let (peer, mut io) = tokio::io::duplex(64);
        drop(peer);
        let result = read_some(&mut io, &mut [0; 16]).await;
        assert!(matches!(result, Err(Error::Closed)), "{result:?}");
    }
}
