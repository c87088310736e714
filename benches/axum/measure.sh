#!/bin/bash
# The measurements behind docs/axum.md. Run from the workspace root after
#   cargo build -p wshake-cli
#   cargo build -p wshake-benches --example axum_builtin_echo
#   cargo build -p wshake-axum --example axum_echo
# Usage: benches/axum/measure.sh OUT_DIR
#   (WSHAKE=, AXUM_BUILTIN= and AXUM_ECHO= override the three binaries)
# Starts three servers, each with --protocol chat: axum_builtin_echo (axum's own
# WebSocketUpgrade, results "axum"), axum_echo (wshake-axum's Handshake, "wshake-axum") and
# `wshake serve` (the reference, "wshake"). Runs `wshake check` (table and --json) and
# benches/axum/extra.py against each, then a stalled head against a second trio started with
# --timeout 2. Every step has a time limit (the whole run takes about a minute); the servers
# it started, and only those, are stopped on exit, however the script ends.
set -eu
OUT=${1:?usage: measure.sh OUT_DIR}; mkdir -p "$OUT"
W=${WSHAKE:-target/debug/wshake}
B=${AXUM_BUILTIN:-target/debug/examples/axum_builtin_echo}
E=${AXUM_ECHO:-target/debug/examples/axum_echo}
X=benches/axum/extra.py
for bin in "$W" "$B" "$E"; do [ -x "$bin" ] || { echo "measure.sh: no $bin (build it first)" >&2; exit 1; }; done
PIDS=()
stop() { # the servers this script started, by their pids, then wait for them
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM
PORT=
start() { # start CMD...: run a server in the background, set PORT from its first stdout line
  local log; log=$(mktemp)
  "$@" > "$log" 2>/dev/null & PIDS+=($!)
  for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
  PORT=$(grep -oP 'ws://[^:]+:\K[0-9]+' "$log" || true); rm -f "$log"
  [ -n "$PORT" ] || { echo "measure.sh: $1 did not start" >&2; exit 1; }
}
declare -A P P2
for n in axum wshake-axum wshake; do
  case $n in
    axum) cmd=("$B");; wshake-axum) cmd=("$E");; wshake) cmd=("$W" serve);;
  esac
  start "${cmd[@]}" --listen 127.0.0.1:0 --protocol chat; P[$n]=$PORT
  start "${cmd[@]}" --listen 127.0.0.1:0 --protocol chat --timeout 2; P2[$n]=$PORT
done
T="timeout 60"
for n in axum wshake-axum wshake; do
  port=${P[$n]}
  $T "$W" check "ws://127.0.0.1:$port/" > "$OUT/$n.check.txt" || true
  $T "$W" check --json "ws://127.0.0.1:$port/" > "$OUT/$n.check.json" || true
  for c in "Sec-WebSocket-Protocol: wamp, chat" "Sec-WebSocket-Protocol: Chat" \
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits" \
      "Origin: http://127.0.0.1:$port" "Origin: http://evil.example" "Origin: null" \
      "Sec-WebSocket-Version: 8" "Sec-WebSocket-Key: x" "-Connection" \
      "method=POST" "version=HTTP/1.0" "version=HTTP/2.0" \
      "-Upgrade|-Connection|-Sec-WebSocket-Key|-Sec-WebSocket-Version"; do
    IFS='|' read -ra changes <<< "$c" # several changes to one request, split at |
    echo "### $c"; $T python3 "$X" head "$port" "${changes[@]}" || echo "[extra.py failed: $?]"
  done > "$OUT/$n.extra.txt" 2>&1
  echo "### limits" >> "$OUT/$n.extra.txt"
  $T python3 "$X" limits "$port" >> "$OUT/$n.extra.txt" 2>&1 || echo "[extra.py failed: $?]" >> "$OUT/$n.extra.txt"
done
STALLS=()
for n in axum wshake-axum wshake; do # in parallel: each waits up to 8 s
  $T python3 "$X" stall "${P2[$n]}" 8 > "$OUT/$n.stall.txt" 2>&1 & STALLS+=($!)
done
for pid in "${STALLS[@]}"; do wait "$pid" || true; done
for n in axum wshake-axum wshake; do echo "$n: $(tail -n1 "$OUT/$n.check.txt")"; done
for n in axum wshake-axum wshake; do echo "$n stall: $(cat "$OUT/$n.stall.txt")"; done
