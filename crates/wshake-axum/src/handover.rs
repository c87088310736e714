//! The task `Handshake::on_upgrade` spawns: wait for hyper to hand the connection over,
//! then run the callback on it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use wshake_hyper::{PendingUpgrade, Upgraded};

use crate::Accepted;

pin_project_lite::pin_project! {
    /// Two stages, one at a time: the pending upgrade (and the callback), then the
    /// callback's future alone. Written out rather than as an `async` block, which keeps
    /// the upgraded stream and the agreement beside the callback's future for its whole
    /// run (measured: 592 bytes against 464 with tokio-tungstenite's set-up as the
    /// callback, 144 against 24 with an empty one; the task is copied as it is spawned
    /// and stored).
    #[project = StageProjection]
    #[project_replace = StageReplaced]
    pub(crate) enum Handover<F, Fut> {
        Waiting { pending: PendingUpgrade, callback: F },
        Running { #[pin] run: Fut },
        Done,
    }
}

impl<F, Fut> Handover<F, Fut> {
    pub(crate) fn new(pending: PendingUpgrade, callback: F) -> Self {
        Self::Waiting { pending, callback }
    }
}

impl<F, Fut> Future for Handover<F, Fut>
where
    F: FnOnce(Upgraded, Accepted) -> Fut,
    Fut: Future<Output = ()>,
{
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // At most one turn per stage: Waiting, then Running or Done.
        loop {
            match self.as_mut().project() {
                StageProjection::Waiting { pending, .. } => {
                    let upgraded = ready!(Pin::new(pending).poll(cx));
                    let replaced = self.as_mut().project_replace(Self::Done);
                    // A failed upgrade (the client went away) leaves nothing to run.
                    if let (StageReplaced::Waiting { callback, .. }, Ok(upgraded)) =
                        (replaced, upgraded)
                    {
                        let accepted = Accepted::new(&upgraded);
                        self.set(Self::Running {
                            run: callback(upgraded, accepted),
                        });
                    }
                }
                StageProjection::Running { run } => {
                    ready!(run.poll(cx));
                    self.set(Self::Done);
                    return Poll::Ready(());
                }
                // Finished, or polled again after finishing.
                StageProjection::Done => return Poll::Ready(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use wshake_hyper::wshake_proto::server::{Answer, Incoming, ServerConfig};

    /// An upgrade hyper cannot make (the request was never served by hyper: the client is
    /// gone) ends the task at its first poll, the callback dropped without running; a
    /// poll after the end stays ended.
    #[test]
    fn a_failed_upgrade_ends_the_task_without_the_callback() {
        let request = http::Request::get("/chat")
            .header("host", "a.test")
            .header("upgrade", "websocket")
            .header("connection", "Upgrade")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("sec-websocket-version", "13")
            .body(())
            .expect("a request");
        let config = ServerConfig::new();
        let incoming = Incoming::from_http(&config, &request).expect("valid");
        let never_upgraded = hyper::upgrade::on(http::Request::new(()));
        let (response, pending) =
            wshake_hyper::respond(incoming, &Answer::policy(), never_upgraded).expect("accepted");
        assert_eq!(response.status(), 101);
        // Held by the callback: counted twice while the callback lives.
        let held = Arc::new(());
        let in_callback = Arc::clone(&held);
        let mut task = std::pin::pin!(Handover::new(pending, move |_, _| async move {
            drop(in_callback);
            panic!("the callback ran without a connection");
        }));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert_eq!(task.as_mut().poll(&mut cx), Poll::Ready(()));
        assert!(matches!(*task, Handover::Done));
        assert_eq!(Arc::strong_count(&held), 1, "the callback was not dropped");
        assert_eq!(task.as_mut().poll(&mut cx), Poll::Ready(()));
    }
}
