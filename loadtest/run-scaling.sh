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

status=0
mkdir -p "$(dirname "$summary")"
exec > >(tee -a "$summary") 2>&1
echo "== $(date -u +%FT%TZ) scaling run: $nodes nodes, $rate msg/s, NODE_JAVA_OPTS=$NODE_JAVA_OPTS"
cluster_start_one_by_one "$nodes"
generator dev.signaling.loadtest.MeshCheck || status=1
generator -Drate="$rate" "$@" dev.signaling.loadtest.RelayBenchmark | tee "$out/relay-many.txt" || status=1
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
cluster_jar=""
out="$root/loadtest/target/cluster-two"
cluster_start_one_by_one 2
generator -Drate="$rate" "$@" dev.signaling.loadtest.RelayBenchmark | tee "$out/relay-two.txt" || status=1
many=$(grep -o 'node CPU [0-9.]* ms per 1000' "$out/relay-many.txt" | tail -1 | awk '{print $3}')
two=$(grep -o 'node CPU [0-9.]* ms per 1000' "$out/relay-two.txt" | tail -1 | awk '{print $3}')
if [ -n "$many" ] && [ -n "$two" ]; then
  echo "node CPU per 1000 messages: $many ms at $nodes nodes, $two ms at 2: x$(awk "BEGIN {printf \"%.2f\", $many / $two}")"
fi
exit $status
