#!/usr/bin/env python3
"""Threads and cluster connections of each node process: node-resources.py PID [PID ...]

For each node: its threads (all, Hazelcast's "hz.*", Vert.x event loops and workers) from /proc, and its
established TCP connections to the other nodes, split into Hazelcast's and the event bus's by the port
at the far (or near) end: a node listens on its HTTP port, its Hazelcast port (from 15701) and its
event-bus port; the rest of its connections are clients'.
"""
import collections
import os
import re
import subprocess
import sys

pids = [int(p) for p in sys.argv[1:]]


def threads(pid):
    names = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                name = comm.read().strip()
        except OSError:
            continue
        if name.startswith("hz."):
            names["hazelcast"] += 1
        elif name.startswith("vert.x-eventloo"):
            names["event loops"] += 1
        elif name.startswith("vert.x-worker") or name.startswith("vert.x-internal"):
            names["vert.x workers"] += 1
        names["all"] += 1
    return names


def sockets(args):
    out = subprocess.run(["ss", "-Htnp", *args], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        owner = re.search(r"pid=(\d+)", line)
        if owner:
            yield int(owner.group(1)), fields


listening = collections.defaultdict(set)
for pid, fields in sockets(["-l"]):
    listening[pid].add(int(fields[3].rsplit(":", 1)[1]))
hazelcast_ports = {port for pid in pids for port in listening[pid] if 15701 <= port < 15800}
node_ports = {port for pid in pids for port in listening[pid]}

links = collections.defaultdict(collections.Counter)
for pid, fields in sockets(["state", "established"]):
    if pid not in pids:
        continue
    local = int(fields[2].rsplit(":", 1)[1])
    peer = int(fields[3].rsplit(":", 1)[1])
    ends = {local, peer}
    if ends & hazelcast_ports:
        links[pid]["hazelcast"] += 1
    elif (local in node_ports and peer in node_ports) or (peer in node_ports and peer not in listening[pid]):
        links[pid]["event bus"] += 1

for index, pid in enumerate(pids, 1):
    t = threads(pid)
    print(
        f"  node {index} (pid {pid}): threads {t['all']} (hazelcast {t['hazelcast']}, event loops "
        f"{t['event loops']}, vert.x workers {t['vert.x workers']}); connections to other nodes: "
        f"hazelcast {links[pid]['hazelcast']}, event bus {links[pid]['event bus']}"
    )
