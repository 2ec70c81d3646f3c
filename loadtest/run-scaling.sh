#!/usr/bin/env bash
# Beyond a few nodes (docs/scaling.md): starts NODES nodes (default 10) one by one with small heaps, each
# timed from its start until ready; checks routing between every ordered pair of them (MeshCheck);
# relays RATE messages/s across them (RelayBenchmark) and counts each node's threads and connections to
# the other nodes; adds one more node and stops it again, timing the partition migrations the master
# logs; then runs the same relay load against 2 nodes and gives the node CPU per message at NODES nodes
# as a multiple of that at 2.
#
#   loadtest/run-scaling.sh
#   NODES=5 RATE=500 loadtest/run-scaling.sh -DdurationSeconds=20
#
# Environment: NODES, RATE (default 1000), NODE_JAVA_OPTS (default -Xmx256m), GENERATOR_JAVA_OPTS (default
# -Xmx1g), MVN_ARGS (e.g. -o). -D parameters go to RelayBenchmark (pairs, warmupSeconds, durationSeconds).
# The summary is appended to loadtest/target/scaling.txt; node logs are under loadtest/target/cluster/.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/loadtest/target/cluster"
nodes=${NODES:-10}
rate=${RATE:-1000}
export NODE_JAVA_OPTS="${NODE_JAVA_OPTS:--Xmx256m}"
read -r -a generator_java_opts <<< "${GENERATOR_JAVA_OPTS:--Xmx1g}"
summary="$root/loadtest/target/scaling.txt"

# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the generators"
classpath=$(loadtest_classpath)
trap 'cluster_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

generator() {
  java "${generator_java_opts[@]}" -cp "$classpath" -DbaseUrls="$(cluster_ws_urls)" "$@"
}

# The master's last "partition migration finished" line after the given log line count of its log.
migration_after() {
  local log=$1 from=$2 deadline=$((SECONDS + 60))
  until tail -n +"$from" "$log" | grep -q "partition migration finished"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "no migration logged within 60 s"
      return
    fi
    sleep 0.5
  done
  tail -n +"$from" "$log" | grep "partition migration finished" | tail -1 | sed 's/.* - //'
}

# CPU seconds the running nodes have used, from /proc: read in a moment, unlike their /metrics under load.
nodes_cpu_seconds() {
  local pid ticks=0 fields
  for pid in "${cluster_pids[@]}"; do
    read -r -a fields < <(sed 's/.*) //' "/proc/$pid/stat")
    ticks=$((ticks + fields[11] + fields[12]))
  done
  awk "BEGIN {printf \"%.2f\", $ticks / $(getconf CLK_TCK)}"
}

# Runs RelayBenchmark and prints the nodes' CPU over the whole run (logins, warm-up and measured
# window alike), in cores; the report goes to $1.
relay_with_node_cpu() {
  local report=$1 before after started elapsed
  shift
  before=$(nodes_cpu_seconds)
  started=$(date +%s%N)
  generator -Drate="$rate" "$@" dev.signaling.loadtest.RelayBenchmark | tee "$report" || status=1
  after=$(nodes_cpu_seconds)
  elapsed=$(awk "BEGIN {printf \"%.1f\", ($(date +%s%N) - $started) / 1e9}")
  echo "nodes' CPU over the whole run ($elapsed s, from /proc): $(awk "BEGIN {printf \"%.3f\", ($after - $before) / $elapsed}") cores" \
    | tee -a "$report"
}

# The nodes' CPU while nothing happens, in cores over 10 s: the price of membership alone.
idle_node_cpu() {
  local before after
  before=$(nodes_cpu_seconds)
  sleep 10
  after=$(nodes_cpu_seconds)
  echo "nodes' CPU idle, ${#cluster_pids[@]} nodes: $(awk "BEGIN {printf \"%.3f\", ($after - $before) / 10}") cores"
}

status=0
mkdir -p "$(dirname "$summary")"
exec > >(tee -a "$summary") 2>&1
echo "== $(date -u +%FT%TZ) scaling run: $nodes nodes, $rate msg/s, NODE_JAVA_OPTS=$NODE_JAVA_OPTS"
cluster_start_one_by_one "$nodes"
generator dev.signaling.loadtest.MeshCheck || status=1
idle_node_cpu
many_report="$out/relay-many.txt"
relay_with_node_cpu "$many_report" "$@"
echo "threads and connections to other nodes, after the load:"
python3 "$root/loadtest/lib/node-resources.py" "${cluster_pids[@]}"
master_log="$out/node-${cluster_ports[0]}.log"
lines=$(wc -l < "$master_log")
cluster_add_node
echo "a node joins: $(migration_after "$master_log" "$((lines + 1))")"
lines=$(wc -l < "$master_log")
kill -TERM "$added_pid"
wait "$added_pid" 2>/dev/null || true
unset 'cluster_pids[-1]' 'cluster_ports[-1]'
echo "a node leaves (SIGTERM): $(migration_after "$master_log" "$((lines + 1))")"
cluster_stop
out="$root/loadtest/target/cluster-two"
cluster_start_one_by_one 2
idle_node_cpu
two_report="$out/relay-two.txt"
relay_with_node_cpu "$two_report" "$@"
# The same offered load, so cores are proportional to CPU per message sent. RelayBenchmark's own
# per-message figure reads each node's /metrics one after another, which under load at many nodes takes
# long enough to shift the window it measures.
many=$(grep -o 'from /proc): [0-9.]* cores' "$many_report" | tail -1 | awk '{print $3}')
two=$(grep -o 'from /proc): [0-9.]* cores' "$two_report" | tail -1 | awk '{print $3}')
if [ -n "$many" ] && [ -n "$two" ]; then
  echo "node CPU for the same $rate msg/s: $many cores at $nodes nodes, $two at 2:" \
    "x$(awk "BEGIN {printf \"%.2f\", $many / $two}") per message"
fi
exit $status
