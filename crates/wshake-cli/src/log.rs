//! The server's log on stderr: tracing's lines, and one access line per handshake written
//! without tracing's field formatter.
//!
//! Under load the log is most of what a server does besides the handshake: tracing's
//! formatter spent about 11,000 instructions on each `handshake accepted` line (a fifth
//! of `wshake serve`'s user time per handshake, under callgrind) and each line was a
//! `write` of its own. The access line is formatted here by hand, in the same shape, and
//! when stderr is not a terminal lines are collected and written in batches, at most
//! [`BATCH_DELAY`] after the first line of a batch ([`flush_every`]) or at once past
//! [`BATCH_BYTES`]. To a terminal every line is written as it happens.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a line may wait in a batch.
pub(crate) const BATCH_DELAY: Duration = Duration::from_millis(50);
/// A batch this large is written at once.
const BATCH_BYTES: usize = 16 * 1024;

/// Lines not yet written, and whether lines are batched at all.
struct Sink {
    pending: Vec<u8>,
    batched: bool,
}

static SINK: Mutex<Sink> = Mutex::new(Sink {
    pending: Vec::new(),
    batched: false,
});

/// Installs the tracing subscriber (level from `RUST_LOG`, `info` by default), writing
/// through the batch; colours only on a terminal.
pub(crate) fn init() {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    SINK.lock().unwrap_or_else(PoisonError::into_inner).batched = !terminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Line)
        .with_ansi(terminal)
        .with_target(false)
        .try_init();
}

/// Whether lines are batched (stderr is not a terminal): then [`flush_every`] must run.
pub(crate) fn batched() -> bool {
    SINK.lock().unwrap_or_else(PoisonError::into_inner).batched
}

/// Writes the lines waiting in the batch.
pub(crate) fn flush() {
    let mut sink = SINK.lock().unwrap_or_else(PoisonError::into_inner);
    write_out(&mut sink.pending);
}

/// Writes the batch every [`BATCH_DELAY`], for as long as the server runs.
pub(crate) async fn flush_every() {
    let mut ticks = tokio::time::interval(BATCH_DELAY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        flush();
    }
}

fn write_out(pending: &mut Vec<u8>) {
    if !pending.is_empty() {
        // A log that cannot be written is not a reason to stop serving.
        let _ = std::io::stderr().lock().write_all(pending);
        pending.clear();
    }
}

/// Appends one whole line (with its `\n`) to the log.
fn push(line: &[u8]) {
    let mut sink = SINK.lock().unwrap_or_else(PoisonError::into_inner);
    sink.pending.extend_from_slice(line);
    if !sink.batched || sink.pending.len() >= BATCH_BYTES {
        write_out(&mut sink.pending);
    }
}

/// tracing's writer: each event arrives as one `write_all` of its whole line.
struct Line;

impl std::io::Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Logs an accepted handshake at `info`, as tracing would print
/// `info!(%peer, %path, http, outcome, protocol, "handshake accepted")`:
/// `2026-12-02T06:26:50.800995Z  INFO handshake accepted peer=127.0.0.1:44422 path=/chat
/// http="HTTP/1.1" outcome="101" protocol="chat"`.
pub(crate) fn accepted(peer: SocketAddr, path: &str, http: &str, outcome: u16, protocol: &str) {
    // The target the access lines always had, for `RUST_LOG` filters that name it.
    if !tracing::enabled!(target: "wshake::serve", tracing::Level::INFO) {
        return;
    }
    let mut line = Vec::with_capacity(160);
    timestamp(&mut line, SystemTime::now());
    line.extend_from_slice(b"  INFO handshake accepted peer=");
    // A socket address's Display: a few hundred instructions, no allocation.
    let _ = write!(line, "{peer}");
    line.extend_from_slice(b" path=");
    line.extend_from_slice(path.as_bytes());
    line.extend_from_slice(b" http=\"");
    line.extend_from_slice(http.as_bytes());
    line.extend_from_slice(b"\" outcome=\"");
    digits(&mut line, u64::from(outcome), 3);
    line.extend_from_slice(b"\" protocol=\"");
    // A subprotocol is a token (no quotes or backslashes to escape); `-` when none.
    line.extend_from_slice(protocol.as_bytes());
    line.extend_from_slice(b"\"\n");
    push(&line);
}

/// `2026-12-02T06:26:50.800995Z`, the shape of tracing's default timestamps.
fn timestamp(line: &mut Vec<u8>, now: SystemTime) {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let (year, month, day) = civil_date(seconds / 86_400);
    let of_day = seconds % 86_400;
    digits(line, year, 4);
    line.push(b'-');
    digits(line, month, 2);
    line.push(b'-');
    digits(line, day, 2);
    line.push(b'T');
    digits(line, of_day / 3600, 2);
    line.push(b':');
    digits(line, of_day / 60 % 60, 2);
    line.push(b':');
    digits(line, of_day % 60, 2);
    line.push(b'.');
    digits(line, u64::from(since.subsec_micros()), 6);
    line.push(b'Z');
}

/// `value` in decimal, zero-padded to `width` digits.
fn digits(line: &mut Vec<u8>, value: u64, width: usize) {
    let mut buffer = [b'0'; 20];
    let mut rest = value;
    let mut start = buffer.len();
    while rest > 0 || start == buffer.len() {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let start = start.min(buffer.len() - width.min(buffer.len()));
    line.extend_from_slice(&buffer[start..]);
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(seconds: u64, micros: u32) -> String {
        let mut line = Vec::new();
        timestamp(
            &mut line,
            UNIX_EPOCH + Duration::from_secs(seconds) + Duration::from_micros(micros.into()),
        );
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn timestamps_match_the_calendar() {
        assert_eq!(stamp(0, 0), "1970-01-01T00:00:00.000000Z");
        // 2000-02-29 (a leap day in a century leap year), 2100-03-01 (after a century
        // that is not a leap year), 2026-12-31T23:59:59.999999.
        assert_eq!(stamp(951_782_400, 7), "2000-02-29T00:00:00.000007Z");
        assert_eq!(stamp(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
        assert_eq!(stamp(1_798_761_599, 999_999), "2026-12-31T23:59:59.999999Z");
        // Every day of four centuries against a day-by-day walk of the calendar.
        let (mut year, mut month, mut day) = (1970u64, 1u64, 1u64);
        for days in 0..146_097 {
            assert_eq!(civil_date(days), (year, month, day), "day {days}");
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let length = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][usize::try_from(month - 1).unwrap()];
            day += 1;
            if day > length {
                (day, month) = (1, month + 1);
                if month > 12 {
                    (month, year) = (1, year + 1);
                }
            }
        }
    }

    #[test]
    fn digits_pad_and_never_truncate() {
        let mut line = Vec::new();
        digits(&mut line, 7, 3);
        digits(&mut line, 0, 1);
        digits(&mut line, 12_345, 2);
        assert_eq!(line, b"007012345");
    }
}
