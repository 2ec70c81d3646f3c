# Sourced by the loadtest scripts: starts signaling nodes on 127.0.0.1 for one run and stops them.
#
#   cluster_start COUNT [extra node flags ...]   starts COUNT nodes, waits until each is ready
#   cluster_stop                                 SIGTERM each node (30 s), then SIGKILL; safe to call twice
#
# Set before sourcing or before cluster_start: root (the project directory), out (where logs go).
# After cluster_start: cluster_ports (HTTP ports, from 18081), cluster_pids, cluster_jar.
# Environment: NODE_JAVA_OPTS (default -Xmx1g) for the nodes' JVMs; NODE_FLAGS, extra node flags for every
# node (e.g. "--event-loops 1"); NODE_JAR, the node jar to run (default: signaling-node/target's, built
# when missing), e.g. an older build to compare with; NODE_CPUS, the CPUs the nodes may run on (taskset
# -c syntax, e.g. "1"), to keep them off the load generator's.
#
#   reference_start COUNT CLASSPATH   starts COUNT nodes of the bare relay (dev.signaling.loadtest.bare.
#                                     BareRelayNode, from the loadtest test class path) on HTTP ports from
#                                     18181 and Hazelcast ports from 15801, with the same NODE_JAVA_OPTS,
#                                     NODE_CPUS and NODE_FLAGS (of which it takes --event-loops); waits
#                                     until each is ready
#   reference_stop                    stops them as cluster_stop does the nodes
# After reference_start: reference_ports, reference_pids.

cluster_ports=()
cluster_pids=()
cluster_first_port=18081
cluster_hazelcast_port=15701
reference_ports=()
reference_pids=()
reference_first_port=18181
reference_hazelcast_port=15801

cluster_start() {
  local count=$1 port i
  shift
  local name="loadtest-$(date +%s)-$$"
  cluster_ports=()
  for ((i = 0; i < count; i++)); do
    port=$((cluster_first_port + i))
    port_free "$port" || return 1
    cluster_ports+=("$port")
  done
  mkdir -p "$out"
  rm -f "$out"/node-*.log "$out"/metrics-*.txt
  copy_node_jar
  echo "starting $count nodes (cluster $name) on 127.0.0.1:${cluster_ports[*]}; logs in $out"
  for port in "${cluster_ports[@]}"; do
    launch_node "$port" "$cluster_hazelcast_port" 127.0.0.1 "$name" "$@"
    cluster_pids+=("$launched_pid")
  done

  await_ready cluster_ports cluster_pids || return 1
  echo "cluster ready"
}

# Whether nothing listens on 127.0.0.1:$1; says so when something does.
port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1 on 127.0.0.1 is in use; stop whatever listens there first" >&2
    return 1
  fi
}

# Copies the node jar (NODE_JAR, or signaling-node/target's, built when missing) to $out and sets
# cluster_jar: the nodes run the copy, so that a rebuild during the run cannot change it under them.
copy_node_jar() {
  local jar="${NODE_JAR:-$root/signaling-node/target/signaling-node.jar}"
  if [ ! -f "$jar" ]; then
    echo "building $jar"
    (cd "$root" && mvn -q -DskipTests package -pl signaling-node -am)
  fi
  cp "$jar" "$out/signaling-node.jar"
  cluster_jar="$out/signaling-node.jar"
}

# Starts one node of cluster_jar in the background: HTTP port $1, Hazelcast port $2, members $3, cluster
# name $4, then extra flags; with NODE_JAVA_OPTS, NODE_CPUS and NODE_FLAGS. Sets launched_pid.
launch_node() {
  local port=$1 hazelcast_port=$2 members=$3 name=$4
  shift 4
  local java_opts node_flags launcher=()
  read -r -a java_opts <<< "${NODE_JAVA_OPTS:--Xmx1g}"
  if [ -n "${NODE_CPUS:-}" ]; then
    launcher=(taskset -c "$NODE_CPUS")
  fi
  read -r -a node_flags <<< "${NODE_FLAGS:-}"
  # Every virtual user connects from 127.0.0.1: the per-address cap would refuse most of them.
  "${launcher[@]}" java "${java_opts[@]}" -jar "$cluster_jar" \
    --http-host 127.0.0.1 --http-port "$port" \
    --cluster-host 127.0.0.1 --cluster-port "$hazelcast_port" --cluster-members "$members" \
    --cluster-name "$name" --drain-seconds 2 --max-connections-per-ip 100000 "${node_flags[@]}" "$@" \
    > "$out/node-$port.log" 2>&1 < /dev/null &
  launched_pid=$!
}

# Starts COUNT nodes one after another, each once the one before is ready, and prints how long each
# took from its start until ready (started all at once, many nodes on one machine split and merge while
# they form the cluster). Takes the same environment as cluster_start.
cluster_start_one_by_one() {
  local count=$1 i
  shift
  cluster_name="loadtest-$(date +%s)-$$"
  cluster_ports=()
  cluster_pids=()
  mkdir -p "$out"
  rm -f "$out"/node-*.log "$out"/metrics-*.txt
  copy_node_jar
  echo "starting $count nodes one by one (cluster $cluster_name); logs in $out"
  for ((i = 0; i < count; i++)); do
    cluster_add_node "$@" || return 1
  done
  echo "cluster ready"
}

# Starts one more node of the cluster cluster_start_one_by_one began, on the next port; waits until it
# is ready and prints how long that took. Sets added_port and added_pid.
cluster_add_node() {
  local started ready_ms
  added_port=$((cluster_first_port + ${#cluster_ports[@]}))
  port_free "$added_port" || return 1
  # Each node its own Hazelcast port, and the first node's as the one to join through: the default
  # search covers only ten ports, fewer than the nodes this may start.
  local hazelcast_port=$((cluster_hazelcast_port + ${#cluster_ports[@]}))
  started=$(date +%s%N)
  launch_node "$added_port" "$hazelcast_port" "127.0.0.1:$cluster_hazelcast_port,127.0.0.1:$hazelcast_port" \
    "$cluster_name" "$@"
  added_pid=$launched_pid
  cluster_ports+=("$added_port")
  cluster_pids+=("$added_pid")
  local one_port=("$added_port") one_pid=("$added_pid")
  await_ready one_port one_pid || return 1
  ready_ms=$((($(date +%s%N) - started) / 1000000))
  echo "node $((${#cluster_ports[@]})) (port $added_port) ready $ready_ms ms after its start"
}

# Waits until every port of the array named $1 answers /health/ready, while every process of the array
# named $2 lives; at most 120 s.
await_ready() {
  local -n ports=$1 pids=$2
  local port pid deadline=$((SECONDS + 120))
  for port in "${ports[@]}"; do
    until curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$port/health/ready"; do
      for pid in "${pids[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
          echo "a node exited while starting; see $out/*.log" >&2
          return 1
        fi
      done
      if [ $SECONDS -ge $deadline ]; then
        echo "node on port $port not ready within 120 s; see $out/*-$port.log" >&2
        return 1
      fi
      sleep 0.5
    done
  done
}

# Starts the bare relay, the reference the relay benchmark divides by (see the top of this file).
reference_start() {
  local count=$1 classpath=$2 port i
  local name="bare-$(date +%s)-$$"
  local java_opts node_flags launcher=()
  read -r -a java_opts <<< "${NODE_JAVA_OPTS:--Xmx1g}"
  if [ -n "${NODE_CPUS:-}" ]; then
    launcher=(taskset -c "$NODE_CPUS")
  fi
  read -r -a node_flags <<< "${NODE_FLAGS:-}"
  reference_ports=()
  for ((i = 0; i < count; i++)); do
    port=$((reference_first_port + i))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port on 127.0.0.1 is in use; stop whatever listens there first" >&2
      return 1
    fi
    reference_ports+=("$port")
  done
  mkdir -p "$out"
  rm -f "$out"/bare-*.log "$out"/metrics-bare-*.txt
  echo "starting $count bare relay nodes (cluster $name) on 127.0.0.1:${reference_ports[*]}"
  for port in "${reference_ports[@]}"; do
    # What the node jar's manifest gives Hazelcast (see loadtest/pom.xml).
    "${launcher[@]}" java "${java_opts[@]}" --add-modules=java.se \
      --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.management/sun.management=ALL-UNNAMED \
      --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED \
      -cp "$classpath" dev.signaling.loadtest.bare.BareRelayNode \
      --http-host 127.0.0.1 --http-port "$port" \
      --cluster-host 127.0.0.1 --cluster-port "$reference_hazelcast_port" --cluster-members 127.0.0.1 \
      --cluster-name "$name" "${node_flags[@]}" \
      > "$out/bare-$port.log" 2>&1 < /dev/null &
    reference_pids+=($!)
  done
  await_ready reference_ports reference_pids || return 1
  echo "bare relay ready"
}

reference_stop() {
  stop_pids reference_pids
  reference_pids=()
}

# Saves each bare relay node's /metrics as $out/metrics-bare-<port>.txt.
reference_save_metrics() {
  local port
  for port in "${reference_ports[@]}"; do
    curl -sf --max-time 10 "http://127.0.0.1:$port/metrics" > "$out/metrics-bare-$port.txt" \
      || echo "could not read /metrics of the bare relay on port $port" >&2
  done
}

# The WebSocket URLs of the bare relay's nodes, comma-separated.
reference_ws_urls() {
  local urls
  urls=$(printf 'ws://127.0.0.1:%s/ws,' "${reference_ports[@]}")
  echo "${urls%,}"
}

# One node after the other, each given 30 s to drain and stop after SIGTERM, then killed.
cluster_stop() {
  stop_pids cluster_pids
  cluster_pids=()
}

# Stops the processes of the array named $1 as cluster_stop describes.
stop_pids() {
  local -n pids_to_stop=$1
  local pid deadline
  for pid in "${pids_to_stop[@]}"; do
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
}

# Saves each node's /metrics as $out/metrics-<port><suffix>.txt.
cluster_save_metrics() {
  local suffix=${1:-} port
  for port in "${cluster_ports[@]}"; do
    curl -sf --max-time 10 "http://127.0.0.1:$port/metrics" > "$out/metrics-$port$suffix.txt" \
      || echo "could not read /metrics of the node on port $port" >&2
  done
}

# The WebSocket URLs of the nodes, comma-separated.
cluster_ws_urls() {
  local urls
  urls=$(printf 'ws://127.0.0.1:%s,' "${cluster_ports[@]}")
  echo "${urls%,}"
}

# Compiles the load generators that run outside Gatling and prints their class path.
loadtest_classpath() {
  local mvn_args
  read -r -a mvn_args <<< "${MVN_ARGS:-}"
  (cd "$root" && mvn -q -B "${mvn_args[@]}" -pl loadtest -am package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2 || return 1
  echo "$root/loadtest/target/test-classes:$(cat "$root/loadtest/target/test-classpath.txt")"
}
