#!/usr/bin/env bash
# The relay-rate benchmark (RelayBenchmark): starts nodes on 127.0.0.1, relays user-to-user messages
# across them at each rate given, one run per rate against the same warm cluster, then stops them.
#
#   loadtest/run-relay-benchmark.sh [-Dparam=value ...]
#   RATES="1000 2000 5000" loadtest/run-relay-benchmark.sh -Dpairs=200 -DdurationSeconds=30
#   loadtest/run-relay-benchmark.sh -Dtransports=websocket,http,long-poll
#
# Environment: RATES (messages per second, one run each; default "1000"), NODES (default 2),
# NODE_JAVA_OPTS (default -Xmx1g), GENERATOR_JAVA_OPTS (default -Xmx1g), MVN_ARGS (e.g. -o), NODE_CPUS and
# GENERATOR_CPUS (taskset -c lists, e.g. NODE_CPUS=1 GENERATOR_CPUS=0: nodes and generator on cores of
# their own).
# -D parameters go to the benchmark (see RelayBenchmark: pairs, warmupSeconds, durationSeconds, loops, and
# transports: -Dtransports=websocket,http,long-poll runs the same load over each in turn, and gives the HTTP
# transport's node CPU per message and latency as multiples of the WebSocket's).
# Summaries are appended to loadtest/target/relay-benchmark.txt; each node's /metrics after the last run
# and its log are under loadtest/target/cluster/. Exit status: 1 if any run lost a message or got an error.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/loadtest/target/cluster"
read -r -a generator_java_opts <<< "${GENERATOR_JAVA_OPTS:--Xmx1g}"
for arg in "$@"; do
  case "$arg" in
    -DbaseUrls=*|-Drate=*) echo "this script sets -DbaseUrls and -Drate itself (see RATES)" >&2; exit 2 ;;
    -D*) ;;
    *) echo "unexpected argument $arg: only -Dparam=value" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the benchmark"
classpath=$(loadtest_classpath)
trap cluster_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cluster_start "${NODES:-2}"

launcher=()
if [ -n "${GENERATOR_CPUS:-}" ]; then
  launcher=(taskset -c "$GENERATOR_CPUS")
fi
status=0
for rate in ${RATES:-1000}; do
  echo "relaying $rate messages/s"
  "${launcher[@]}" java "${generator_java_opts[@]}" -cp "$classpath" -DbaseUrls="$(cluster_ws_urls)" -Drate="$rate" \
    -Dreport="$root/loadtest/target/relay-benchmark.txt" "$@" dev.signaling.loadtest.RelayBenchmark || status=1
done
cluster_save_metrics
exit $status
