#!/usr/bin/env bash
# PeerJS relay cost: one node of this cluster against the PeerJS server (npm `peer`), on this machine,
# in one run. The same load generator (loadtest/peerjs/load.mjs) drives each in turn: PAIRS PeerJS
# clients each send CANDIDATE messages to a partner, RATE a second in all, for MEASURE_SECONDS after a WARMUP;
# it reads the server process's CPU time (utime + stime in /proc/<pid>/stat) around the measured phase.
# Prints messages relayed per CPU-second of each server process, and their ratio.
#
#   loadtest/run-peerjs-benchmark.sh
#   PAIRS=100 RATE=4000 MEASURE_SECONDS=30 loadtest/run-peerjs-benchmark.sh
#
# Environment: PAIRS (default 50), RATE (messages a second, default 2000), WARMUP (seconds, default
# 15), MEASURE_SECONDS (default 30), NODE_JAVA_OPTS (default -Xmx512m), CLUSTER_DISCOVERY (default tcp: a node
# of a cluster, here of one member; none: a node without Hazelcast). Needs the node's jar (mvn -q
# -DskipTests package), Node.js and npm. The summary is appended to loadtest/target/peerjs-benchmark.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
jar="$root/signaling-node/target/signaling-node.jar"
out="$root/loadtest/target/peerjs-benchmark"
prefix="$root/loadtest/target/peerjs-bench"
mkdir -p "$out"
[ -f "$jar" ] || { echo "build the node first: mvn -q -DskipTests package" >&2; exit 2; }
if [ ! -f "$prefix/node_modules/peer/dist/bin/peerjs.js" ]; then
  echo "installing peer@1.0.2 under $prefix"
  npm install --no-audit --no-fund --prefix "$prefix" peer@1.0.2 >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "nothing answers at $1" >&2; return 1
}
server_pid=""
stop_server() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
trap stop_server EXIT

measure() { # name port
  URL="ws://127.0.0.1:$2" SERVER_PID="$server_pid" CLK_TCK="$(getconf CLK_TCK)" WS_FROM="$prefix/node_modules" \
    PAIRS="${PAIRS:-50}" RATE="${RATE:-2000}" WARMUP="${WARMUP:-15}" MEASURE_SECONDS="${MEASURE_SECONDS:-30}" \
    node "$root/loadtest/peerjs/load.mjs" | tee "$out/$1.json"
}

port=$(free_port)
echo "starting one signaling node on port $port"
read -r -a java_opts <<< "${NODE_JAVA_OPTS:--Xmx512m}"
HTTP_PORT=$port HTTP_HOST=127.0.0.1 CLUSTER_DISCOVERY="${CLUSTER_DISCOVERY:-tcp}" CLUSTER_NAME="peerjs-bench-$$" \
  RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=100000 \
  java "${java_opts[@]}" -jar "$jar" > "$out/node.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/peerjs/id"
measure node "$port"
stop_server

port=$(free_port)
echo "starting the PeerJS server (peer@1.0.2) on port $port"
node "$prefix/node_modules/peer/dist/bin/peerjs.js" --port "$port" --host 127.0.0.1 > "$out/peer.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/peerjs/id"
measure peer "$port"
stop_server

summary=$(node -e '
  const fs = require("fs");
  const read = (n) => JSON.parse(fs.readFileSync(process.argv[1] + "/" + n + ".json", "utf8"));
  const node = read("node"), peer = read("peer");
  const per = (r) => r.received / r.serverCpuSeconds;
  const line = (n, r) => `${n}: ${r.received} of ${r.sent} messages relayed, ${r.outOfOrder} out of order, ` +
    `${r.serverCpuSeconds.toFixed(2)} CPU-s, ${Math.round(per(r))} messages per CPU-second`;
  console.log(`${new Date().toISOString()} pairs=${node.pairs} rate=${node.rate}/s seconds=${node.seconds}`);
  console.log(line("signaling node", node));
  console.log(line("peer 1.0.2    ", peer));
  console.log(`ratio (node / peer): ${(per(node) / per(peer)).toFixed(2)}`);
' "$out")
echo "$summary"
echo "$summary" >> "$root/loadtest/target/peerjs-benchmark.txt"
