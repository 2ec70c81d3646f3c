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
# (e.g. -o); RUN_TIMEOUT_SECONDS (default 1800), the most the Gatling run may take; WARMUP_ARGS, -D
# parameters of a first run of the same simulation whose figures do not count (e.g. "-Dpairs=200");
# NODE_FLAGS and NODE_JAR, see lib/local-cluster.sh.
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

out="$root/loadtest/target/cluster"
read -r -a mvn_args <<< "${MVN_ARGS:-}"
run_timeout=${RUN_TIMEOUT_SECONDS:-1800}
# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"

sampler=
stop_all() {
  if [ -n "$sampler" ]; then
    kill -TERM "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    sampler=
  fi
  cluster_stop
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cluster_start 3
ports=("${cluster_ports[@]}")

# While the simulation runs, every 5 s: each node's /metrics, kept when it has the most connections seen
# so far (metrics-<port>-peak.txt: memory and sessions while a soak holds its connections).
(
  declare -A peak
  while true; do
    for port in "${ports[@]}"; do
      sample=$(curl -sf --max-time 4 "http://127.0.0.1:$port/metrics") || continue
      connections=$(awk '/^signaling_connections[{ ]/{n += $NF} END {printf "%d", n}' <<< "$sample")
      if [ "${connections:-0}" -ge "${peak[$port]:-0}" ]; then
        peak[$port]=${connections:-0}
        printf '%s\n' "$sample" > "$out/metrics-$port-peak.txt"
      fi
    done
    sleep 5
  done
) &
sampler=$!

base_urls=$(cluster_ws_urls)
if [ -n "${WARMUP_ARGS:-}" ]; then
  # A freshly started JVM compiles its hot code under the first load; a warm-up run first, so that the
  # measured run sees nodes in their steady state. Its report is kept too (the older one).
  read -r -a warmup_args <<< "$WARMUP_ARGS"
  echo "warm-up run: $simulation ${warmup_args[*]}"
  mvn -B -q "${mvn_args[@]}" -pl loadtest -am verify -DskipTests \
    -Dgatling.simulationClass="$simulation" -DbaseUrls="$base_urls" "${warmup_args[@]}" > "$out/warmup.log" 2>&1 \
    || echo "the warm-up run failed (see $out/warmup.log); going on with the measured run" >&2
fi
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

cluster_save_metrics
echo "node metrics: $out/metrics-<port>.txt"

stop_all
echo "cluster stopped"

report_dir=$(ls -td "$root"/loadtest/target/gatling/*/ 2>/dev/null | head -1 || true)
if [ -n "$report_dir" ] && [ -f "$report_dir/index.html" ]; then
  echo "Gatling report: ${report_dir}index.html"
fi
exit $status
