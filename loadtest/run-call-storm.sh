#!/usr/bin/env bash
# The call-storm benchmark (CallStormBenchmark): starts nodes on 127.0.0.1 and, with REFERENCE=bare, as
# many nodes of the bare relay; every pair of users sets up calls all at once, round after round (offer,
# answer, ICE candidates, hang-up), first against the signaling nodes, then against the bare relay; reports
# node CPU per message, message latency and call-setup time, and the signaling node's as multiples of the
# bare relay's. Then stops everything.
#
#   REFERENCE=bare MVN_ARGS=-o loadtest/run-call-storm.sh
#   REFERENCE=bare loadtest/run-call-storm.sh -Dpairs=400 -Drounds=5 -Dcandidates=20 -Dstorms=3
#
# Environment: NODES (default 2), NODE_JAVA_OPTS (default -Xmx1g), NODE_FLAGS, GENERATOR_JAVA_OPTS (default
# -Xmx1g), MVN_ARGS, NODE_JAR, REFERENCE (bare, or nothing). -D parameters go to the benchmark (see
# CallStormBenchmark). Summaries are appended to loadtest/target/call-storm.txt. Exit status: 1 if a
# message was lost or an error came back.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/loadtest/target/cluster"
read -r -a generator_java_opts <<< "${GENERATOR_JAVA_OPTS:--Xmx1g}"
for arg in "$@"; do
  case "$arg" in
    -DbaseUrls=*|-DreferenceUrls=*) echo "this script sets -DbaseUrls and -DreferenceUrls itself" >&2; exit 2 ;;
    -D*) ;;
    *) echo "unexpected argument $arg: only -Dparam=value" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the benchmark"
classpath=$(loadtest_classpath)
case "${REFERENCE:-}" in
  ""|bare) ;;
  *) echo "REFERENCE takes bare, or nothing; got $REFERENCE" >&2; exit 2 ;;
esac
trap 'cluster_stop; reference_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cluster_start "${NODES:-2}"
reference=()
if [ "${REFERENCE:-}" = bare ]; then
  reference_start "${NODES:-2}" "$classpath"
  reference=(-DreferenceUrls="$(reference_ws_urls)")
fi
status=0
java "${generator_java_opts[@]}" -cp "$classpath" -DbaseUrls="$(cluster_ws_urls)" "${reference[@]}" \
  -Dreport="$root/loadtest/target/call-storm.txt" "$@" dev.signaling.loadtest.CallStormBenchmark || status=1
exit $status
