#!/usr/bin/env bash
# Runs one Gatling simulation against a 3-node cluster started on 127.0.0.1 for the run, then stops it.
#
#   loadtest/run-local-cluster.sh [SIMULATION] [-Dparam=value ...]
#
# SIMULATION: CallSetupSimulation (default), ConnectionSoakSimulation or RoomChurnSimulation (or a fully
# qualified class name). The -D parameters go to the simulation (see loadtest/README.md), for example
#   loadtest/run-local-cluster.sh CallSetupSimulation -Dpairs=100 -DrampSeconds=30
#
# Nodes: HTTP ports 18081-18083 (WebSocket ws://127.0.0.1:1808N/ws), Hazelcast from port 15701, a cluster
# name of their own. Everything goes under loadtest/target/cluster/: node logs (node-<port>.log), each
# node's /metrics after the run (metrics-<port>.txt) and at the most connections seen during it
# (metrics-<port>-peak.txt). Gatling's report: loadtest/target/gatling/.
#
# Environment: NODE_JAVA_OPTS (default -Xmx1g) for the nodes' JVMs; MVN_ARGS, extra Maven arguments
# (e.g. -o); RUN_TIMEOUT_SECONDS (default 1800), the most the Gatling run may take.
# Exit status: Maven's (non-zero when a check or an assertion failed), or 1 if the cluster did not start.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

simulation=${1:-CallSetupSimulation}
if [ $# -gt 0 ]; then shift; fi
case "$simulation" in
  *.*) ;;
  -*) echo "usage: $0 [SIMULATION] [-Dparam=value ...]" >&2; exit 2 ;;
  *) simulation="dev.signaling.loadtest.$simulation" ;;
esac
for arg in "$@"; do
  case "$arg" in
    -DbaseUrls=*) echo "this script chooses the base URLs itself (its own nodes on 127.0.0.1)" >&2; exit 2 ;;
    -D*) ;;
    *) echo "unexpected argument $arg: only -Dparam=value" >&2; exit 2 ;;
  esac
done

ports=(18081 18082 18083)
cluster_port=15701
cluster_name="loadtest-$(date +%s)-$$"
out="$root/loadtest/target/cluster"
jar="$root/signaling-node/target/signaling-node.jar"
read -r -a node_java_opts <<< "${NODE_JAVA_OPTS:--Xmx1g}"
read -r -a mvn_args <<< "${MVN_ARGS:-}"
run_timeout=${RUN_TIMEOUT_SECONDS:-1800}

if [ ! -f "$jar" ]; then
  echo "building $jar"
  mvn -q -DskipTests package -pl signaling-node -am
fi

for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port on 127.0.0.1 is in use; stop whatever listens there first" >&2
    exit 1
  fi
done

mkdir -p "$out"
rm -f "$out"/node-*.log "$out"/metrics-*.txt
# The nodes run a copy, so that a rebuild during the run (the Maven run below packages signaling-node
# again) cannot change the jar under their feet.
cp "$jar" "$out/signaling-node.jar"
jar="$out/signaling-node.jar"

# Flags that only newer nodes know are passed only to nodes that list them.
help=$(java -jar "$jar" --help)
extra_flags=()
if grep -q -- '--max-connections-per-ip' <<< "$help"; then
  # Every virtual user connects from 127.0.0.1: a per-address cap would refuse most of them.
  extra_flags+=(--max-connections-per-ip 100000)
fi

pids=()
sampler=
# One node after the other, each given 30 s to drain and stop after SIGTERM, then killed.
stop_cluster() {
  local pid deadline
  if [ -n "$sampler" ]; then
    kill -TERM "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    sampler=
  fi
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "node $pid did not stop within 30 s of SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "starting 3 nodes (cluster $cluster_name) on 127.0.0.1:${ports[*]}; logs in $out"
for port in "${ports[@]}"; do
  java "${node_java_opts[@]}" -jar "$jar" \
    --http-host 127.0.0.1 --http-port "$port" \
    --cluster-host 127.0.0.1 --cluster-port "$cluster_port" --cluster-members 127.0.0.1 \
    --cluster-name "$cluster_name" --drain-seconds 2 "${extra_flags[@]}" \
    > "$out/node-$port.log" 2>&1 < /dev/null &
  pids+=($!)
done

deadline=$((SECONDS + 120))
for port in "${ports[@]}"; do
  until curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "a node exited while starting; see $out/node-*.log" >&2
        exit 1
      fi
    done
    if [ $SECONDS -ge $deadline ]; then
      echo "node on port $port not ready within 120 s; see $out/node-$port.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done
echo "cluster ready"

# While the simulation runs, every 5 s: each node's /metrics, kept when it has the most connections seen
# so far (metrics-<port>-peak.txt: memory and sessions while a soak holds its connections).
(
  declare -A peak
  while true; do
    for port in "${ports[@]}"; do
      sample=$(curl -sf --max-time 4 "http://127.0.0.1:$port/metrics") || continue
      connections=$(awk '/^signaling_connections /{printf "%d", $2}' <<< "$sample")
      if [ "${connections:-0}" -ge "${peak[$port]:-0}" ]; then
        peak[$port]=${connections:-0}
        printf '%s\n' "$sample" > "$out/metrics-$port-peak.txt"
      fi
    done
    sleep 5
  done
) &
sampler=$!

base_urls=$(printf 'ws://127.0.0.1:%s,' "${ports[@]}")
base_urls=${base_urls%,}
started=$(date +%s)
set +e
# -am builds shared-model and signaling-node in the same reactor, so the simulation's dependency on
# signaling-node needs no prior `mvn install`; -DskipTests skips their tests and the loadtest smoke run.
timeout --signal=TERM --kill-after=30 "$run_timeout" \
  mvn -B "${mvn_args[@]}" -pl loadtest -am verify -DskipTests \
    -Dgatling.simulationClass="$simulation" -DbaseUrls="$base_urls" "$@"
status=$?
set -e
echo "Gatling run took $(( $(date +%s) - started )) s (Maven included), exit status $status"

for port in "${ports[@]}"; do
  curl -sf --max-time 10 "http://127.0.0.1:$port/metrics" > "$out/metrics-$port.txt" \
    || echo "could not read /metrics of the node on port $port" >&2
done
echo "node metrics: $out/metrics-<port>.txt"

stop_cluster
echo "cluster stopped"

report_dir=$(ls -td "$root"/loadtest/target/gatling/*/ 2>/dev/null | head -1 || true)
if [ -n "$report_dir" ] && [ -f "$report_dir/index.html" ]; then
  echo "Gatling report: ${report_dir}index.html"
fi
exit $status
