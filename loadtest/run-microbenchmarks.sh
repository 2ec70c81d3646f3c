#!/usr/bin/env bash
# JMH microbenchmarks of the relay path's hot methods (RelayPathBenchmark): decoding a client frame,
# building the frame its target receives, carrying it to another node; each next to a reference doing
# the same job the obvious way (a Vert.x JsonObject), measured in the same run, and given as a ratio to it.
#
#   loadtest/run-microbenchmarks.sh                 # one fork, 3 x 2 s warm-up, 5 x 2 s measured
#   loadtest/run-microbenchmarks.sh -f 3 -i 10      # any JMH options
#
# Environment: MVN_ARGS (e.g. -o). Results: loadtest/target/microbenchmarks.csv, ratios appended to
# loadtest/target/microbenchmarks.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/loadtest/target/cluster"
# shellcheck source=lib/local-cluster.sh
. "$root/loadtest/lib/local-cluster.sh"
echo "compiling the benchmarks"
classpath=$(loadtest_classpath)
csv="$root/loadtest/target/microbenchmarks.csv"
java -cp "$classpath" org.openjdk.jmh.Main RelayPathBenchmark -rf csv -rff "$csv" "$@"

# Each method next to its reference ("<method>Reference<how>"), per frame.
python3 - "$csv" <<'PY' | tee -a "$root/loadtest/target/microbenchmarks.txt"
import csv, re, sys, datetime
rows = list(csv.DictReader(open(sys.argv[1])))
score = {}
for row in rows:
    method = row["Benchmark"].rsplit(".", 1)[1]
    score[(method, row["Param: frame"])] = (float(row["Score"]), float(row["Score Error (99.9%)"] or 0))
print(f"== {datetime.datetime.utcnow():%Y-%m-%dT%H:%M:%SZ} RelayPathBenchmark (ns per call, 99.9% error)")
for (method, frame), (ns, err) in sorted(score.items()):
    if "Reference" in method:
        continue
    ref = next(((m, v) for (m, f), v in score.items() if f == frame and m.startswith(method + "Reference")), None)
    line = f"  {frame:10} {method:16} {ns:9.1f} ± {err:.1f} ns"
    if ref:
        line += f"   reference {ref[0][len(method) + 9:]}: {ref[1][0]:9.1f} ns   ratio x{ns / ref[1][0]:.2f}"
    print(line)
PY
