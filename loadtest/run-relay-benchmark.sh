#!/usr/bin/env bash
# The relay-rate benchmark (RelayBenchmark): starts nodes on 127.0.0.1, relays user-to-user messages
# across them at each rate given, one run per rate against the same warm cluster, then stops them.
#
#   loadtest/run-relay-benchmark.sh [-Dparam=value ...]
#   RATES="1000 2000 5000" loadtest/run-relay-benchmark.sh -Dpairs=200 -DdurationSeconds=30
#   loadtest/run-relay-benchmark.sh -Dtransports=websocket,http,long-poll
#   REFERENCE=bare RATES="1000 5000" loadtest/run-relay-benchmark.sh -DwarmupSeconds=15
#   REFERENCE=bare RATES="5000 5000 5000:ids" loadtest/run-relay-benchmark.sh -DwarmupSeconds=15
#
# Environment: RATES (messages per second, one run each; default "1000"; a rate written 5000:ids sends
# every message of that run with an id, so that each is acked), NODES (default 2),
# NODE_JAVA_OPTS (default -Xmx1g), GENERATOR_JAVA_OPTS (default -Xmx1g), MVN_ARGS (e.g. -o), NODE_CPUS and
# GENERATOR_CPUS (taskset -c lists, e.g. NODE_CPUS=1 GENERATOR_CPUS=0: nodes and generator on cores of
# their own), REFERENCE (bare: also start as many nodes of the bare relay, BareRelayNode, on ports from
# 18181, and after each rate's runs run the same load against them and give the node CPU per message and
# latency as multiples of the bare relay's; the bare relay's nodes take the same NODE_JAVA_OPTS, NODE_CPUS
# and NODE_FLAGS' --event-loops).
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
    -DbaseUrls=*|-Drate=*|-DreferenceUrls=*)
      echo "this script sets -DbaseUrls, -DreferenceUrls and -Drate itself (see RATES, REFERENCE)" >&2; exit 2 ;;
    -D*) ;;
    *) echo "unexpected argument $arg: only -Dparam=value" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the benchmark"
classpath=$(loadtest_classpath)
reference=()
case "${REFERENCE:-}" in
  "") ;;
  bare) ;;
  *) echo "REFERENCE takes bare, or nothing; got $REFERENCE" >&2; exit 2 ;;
esac
trap 'cluster_stop; reference_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cluster_start "${NODES:-2}"
if [ "${REFERENCE:-}" = bare ]; then
  reference_start "${NODES:-2}" "$classpath"
  reference=(-DreferenceUrls="$(reference_ws_urls)")
fi

launcher=()
if [ -n "${GENERATOR_CPUS:-}" ]; then
  launcher=(taskset -c "$GENERATOR_CPUS")
fi
status=0
for spec in ${RATES:-1000}; do
  rate=${spec%%:*}
  variant=()
  case "$spec" in
    *:ids) variant=(-Dids=true) ;;
    *:*) echo "a rate takes only the suffix :ids; got $spec" >&2; exit 2 ;;
  esac
  echo "relaying $rate messages/s${variant[*]:+, every message with an id}"
  "${launcher[@]}" java "${generator_java_opts[@]}" -cp "$classpath" -DbaseUrls="$(cluster_ws_urls)" -Drate="$rate" \
    "${variant[@]}" "${reference[@]}" -Dreport="$root/loadtest/target/relay-benchmark.txt" "$@" dev.signaling.loadtest.RelayBenchmark || status=1
done
cluster_save_metrics
if [ "${REFERENCE:-}" = bare ]; then
  reference_save_metrics
fi
exit $status
