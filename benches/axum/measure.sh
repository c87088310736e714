#!/bin/bash
# The measurements behind docs/axum.md. Run from the workspace root after
#   cargo build -p wshake-cli && cargo build -p wshake-benches --example axum_builtin_echo
# Usage: benches/axum/measure.sh OUT_DIR  (WSHAKE= and AXUM_ECHO= override the binaries)
# Starts axum_builtin_echo and `wshake serve`, each with --protocol chat, runs `wshake check`
# (table and --json) and benches/axum/extra.py against both, then a stalled head against a
# second pair started with --timeout 2. Stops only the servers it started.
set -eu
OUT=${1:?usage: measure.sh OUT_DIR}; mkdir -p "$OUT"
W=${WSHAKE:-target/debug/wshake}; A=${AXUM_ECHO:-target/debug/examples/axum_builtin_echo}
X=benches/axum/extra.py; PIDS=$(mktemp)
trap 'kill $(cat "$PIDS") 2>/dev/null || true; rm -f "$PIDS"' EXIT
start() { # start CMD...: run a server, print the port from its first stdout line
  local log; log=$(mktemp); "$@" > "$log" 2>/dev/null & echo $! >> "$PIDS"
  for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
  grep -oP 'ws://[^:]+:\K[0-9]+' "$log"; rm -f "$log"
}
AP=$(start "$A" --listen 127.0.0.1:0 --protocol chat)
WP=$(start "$W" serve --listen 127.0.0.1:0 --protocol chat)
A2=$(start "$A" --listen 127.0.0.1:0 --protocol chat --timeout 2)
W2=$(start "$W" serve --listen 127.0.0.1:0 --protocol chat --timeout 2)
for s in axum:$AP wshake:$WP; do
  n=${s%%:*}; P=${s#*:}
  "$W" check "ws://127.0.0.1:$P/" > "$OUT/$n.check.txt" || true
  "$W" check --json "ws://127.0.0.1:$P/" > "$OUT/$n.check.json" || true
  for c in "Sec-WebSocket-Protocol: wamp, chat" "Sec-WebSocket-Protocol: Chat" \
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits" \
      "Origin: http://127.0.0.1:$P" "Origin: http://evil.example" "Origin: null" \
      "Sec-WebSocket-Version: 8" "Sec-WebSocket-Key: x" "-Connection" \
      "method=POST" "version=HTTP/1.0" "version=HTTP/2.0"; do
    echo "### $c"; python3 "$X" head "$P" "$c"
  done > "$OUT/$n.extra.txt" 2>&1
  python3 "$X" limits "$P" >> "$OUT/$n.extra.txt" 2>&1
done
python3 "$X" stall "$A2" 8 > "$OUT/axum.stall.txt"
python3 "$X" stall "$W2" 8 > "$OUT/wshake.stall.txt"
tail -n1 "$OUT"/*.check.txt; cat "$OUT"/*.stall.txt
