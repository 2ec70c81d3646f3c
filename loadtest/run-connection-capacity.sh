#!/usr/bin/env bash
# The connection-capacity benchmark: starts 3 nodes on 127.0.0.1, opens logged-in WebSockets to them
# from several load-generator processes (ConnectionHolder), each from its own source address, then
# reports each node's heap (after a full GC) and resident memory per connection, and stops everything.
#
#   GENERATORS=3 CONNECTIONS_PER_GENERATOR=15000 loadtest/run-connection-capacity.sh
#
# Environment: GENERATORS (default 3; generator i connects from 127.0.0.<i+2>), CONNECTIONS_PER_GENERATOR
# (default 5000; at most about 19,000 where a process may open 20,000 files), NODE_JAVA_OPTS (default
# -Xmx1g), GENERATOR_JAVA_OPTS (default -Xmx2g), NODE_FLAGS, MVN_ARGS. Each generator's output:
# loadtest/target/cluster/holder-<i>.log. Exit status 1 if a generator failed to log in all its
# connections or lost one of its sample messages.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/loadtest/target/cluster"
generators=${GENERATORS:-3}
per_generator=${CONNECTIONS_PER_GENERATOR:-5000}
read -r -a generator_java_opts <<< "${GENERATOR_JAVA_OPTS:--Xmx2g}"

# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the generators"
classpath=$(loadtest_classpath)

holders=()
stop_all() {
  local pid
  for pid in "${holders[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${holders[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  holders=()
  cluster_stop
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cluster_start 3

# Heap used after a full GC, and resident set size, of each node, in bytes: "heap rss" per line.
node_memory() {
  local i pid port heap rss
  for i in "${!cluster_pids[@]}"; do
    pid=${cluster_pids[$i]}
    port=${cluster_ports[$i]}
    jcmd "$pid" GC.run > /dev/null
    heap=$(curl -sf "http://127.0.0.1:$port/metrics" \
      | awk '/^jvm_memory_used_bytes\{area="heap"/{sum += $NF} END {printf "%d", sum}')
    rss=$(awk '/^VmRSS/{printf "%d", $2 * 1024}' "/proc/$pid/status")
    echo "$heap $rss"
  done
}

sessions() {
  local port total=0 n
  for port in "${cluster_ports[@]}"; do
    n=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^signaling_sessions /{printf "%d", $2}')
    total=$((total + ${n:-0}))
  done
  echo "$total"
}

mapfile -t before < <(node_memory)

started=$SECONDS
for ((i = 0; i < generators; i++)); do
  java "${generator_java_opts[@]}" -cp "$classpath" -DbaseUrls="$(cluster_ws_urls)" \
    -Dconnections="$per_generator" -DlocalAddress="127.0.0.$((i + 2))" -DnamePrefix="g$i" \
    dev.signaling.loadtest.ConnectionHolder > "$out/holder-$i.log" 2>&1 &
  holders+=($!)
done

status=0
for ((i = 0; i < generators; i++)); do
  until grep -q '^ready' "$out/holder-$i.log"; do
    # A generator that exited is a zombie until waited for, and kill -0 would still find it.
    if ! ps -o stat= -p "${holders[$i]}" 2>/dev/null | grep -qv Z; then
      echo "generator $i stopped before all its connections were logged in; see $out/holder-$i.log" >&2
      exit 1
    fi
    if [ $((SECONDS - started)) -gt 1800 ]; then
      echo "generators not ready within 30 minutes" >&2
      exit 1
    fi
    sleep 1
  done
  grep '^ready' "$out/holder-$i.log"
  if ! grep -q "verified $((per_generator < 200 ? per_generator / 2 : 100))/" "$out/holder-$i.log"; then
    status=1
  fi
done
echo "all generators ready after $((SECONDS - started)) s; sessions on the nodes: $(sessions)"

mapfile -t after < <(node_memory)
cluster_save_metrics -peak
total=$((generators * per_generator))
for i in "${!cluster_ports[@]}"; do
  read -r heap0 rss0 <<< "${before[$i]}"
  read -r heap1 rss1 <<< "${after[$i]}"
  port=${cluster_ports[$i]}
  conns=$(awk '/^signaling_connections[{ ]/{n += $NF} END {printf "%d", n}' "$out/metrics-$port-peak.txt")
  awk -v p="$port" -v c="$conns" -v h0="$heap0" -v h1="$heap1" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
    printf "node %s: %d connections; heap after GC %.0f -> %.0f MB (%.1f KB per connection); RSS %.0f -> %.0f MB (%.1f KB per connection)\n",
      p, c, h0 / 1e6, h1 / 1e6, (h1 - h0) / c / 1024, r0 / 1e6, r1 / 1e6, (r1 - r0) / c / 1024 }'
done | tee -a "$root/loadtest/target/connection-capacity.txt"
echo "$total connections in all" | tee -a "$root/loadtest/target/connection-capacity.txt"
exit $status
