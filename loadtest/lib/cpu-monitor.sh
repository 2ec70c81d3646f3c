#!/usr/bin/env bash
# Prints, every INTERVAL seconds (default 5), the CPU each Java process used over the interval, in cores:
# nodes by HTTP port, Gatling, Maven, other load generators. Run it beside a benchmark to see which side
# saturates first:  loadtest/lib/cpu-monitor.sh 5 > cpu.txt &
interval=${1:-5}
ticks=$(getconf CLK_TCK)
declare -A last
while true; do
  line="$(date +%T)"
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$(cat "$dir/comm" 2>/dev/null)" = java ] || continue
    args=$(tr '\0' ' ' < "$dir/cmdline" 2>/dev/null) || continue
    case "$args" in
      *signaling-node.jar*) label="node:$(sed -n 's/.*--http-port \([0-9]*\).*/\1/p' <<< "$args")" ;;
      *" dev.signaling.loadtest."*) label=$(sed -n 's/.* dev\.signaling\.loadtest\.\([A-Za-z]*\).*/\1/p' <<< "$args") ;;
      *io.gatling.app*|*GatlingCLI*|*io.gatling.*) label=gatling ;;
      *plexus-classworlds*) label=maven ;;
      *) label=java ;;
    esac
    read -r -a stat < "$dir/stat" || continue
    # utime and stime are fields 14 and 15; the command name in field 2 has no spaces for java.
    used=$((stat[13] + stat[14]))
    if [ -n "${last[$pid]:-}" ]; then
      line+=$(awk -v l="$label" -v d=$((used - last[$pid])) -v t="$ticks" -v i="$interval" \
        'BEGIN { printf "  %s=%.2f", l, d / t / i }')
    fi
    last[$pid]=$used
  done
  echo "$line"
  sleep "$interval"
done
