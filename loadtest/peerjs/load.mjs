// Load generator for run-peerjs-benchmark.sh: PAIRS PeerJS clients send CANDIDATE messages to a
// partner each, at RATE messages a second in all, for MEASURE_SECONDS seconds after WARMUP seconds, through
// the PeerJS server at URL (ws://host:port) whose process is SERVER_PID. Prints one JSON line: the
// messages sent and received in the measured phase, how many arrived out of order, and the CPU time
// the server process used meanwhile (utime + stime from /proc/SERVER_PID/stat, in CLK_TCK ticks).
// Needs the `ws` package (installed with `peer`), found from WS_FROM.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.env.WS_FROM + '/');
const WebSocket = require('ws');

const url = process.env.URL;
const pairs = Number(process.env.PAIRS ?? 50);
const rate = Number(process.env.RATE ?? 2000);
const warmup = Number(process.env.WARMUP ?? 10);
const seconds = Number(process.env.MEASURE_SECONDS ?? 20);
const run = Math.random().toString(36).slice(2, 8);
const payload = {
  candidate: {
    candidate: 'candidate:842163049 1 udp 1677729535 192.0.2.10 54400 typ srflx raddr 0.0.0.0 rport 0 generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
  type: 'data',
  connectionId: 'dc_benchmark',
};

function open(id) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/peerjs?key=peerjs&id=${id}&token=t${id}&version=1.5.5`);
    ws.on('error', reject);
    ws.on('message', (data) => {
      const message = JSON.parse(data);
      if (message.type === 'OPEN') resolve(ws);
      else if (message.type !== 'CANDIDATE') reject(new Error(`${id}: ${data}`));
    });
  });
}

const senders = [];
const receivers = [];
for (let i = 0; i < pairs; i++) {
  const [s, r] = await Promise.all([open(`s${run}x${i}`), open(`r${run}x${i}`)]);
  const receiver = { ws: r, expected: 0, received: 0, outOfOrder: 0 };
  r.removeAllListeners('message');
  r.on('message', (data) => {
    const message = JSON.parse(data);
    if (message.type !== 'CANDIDATE') return;
    if (message.payload.n !== receiver.expected) receiver.outOfOrder++;
    receiver.expected = message.payload.n + 1;
    receiver.received++;
  });
  senders.push({ ws: s, dst: `r${run}x${i}`, n: 0 });
  receivers.push(receiver);
}
const heartbeats = setInterval(() => {
  for (const c of [...senders.map((s) => s.ws), ...receivers.map((r) => r.ws)]) c.send('{"type":"HEARTBEAT"}');
}, 5000);

// Sends in 10 ms ticks, round robin over the senders.
function phase(durationSeconds) {
  return new Promise((resolve) => {
    let owed = 0;
    let next = 0;
    let sent = 0;
    const start = Date.now();
    const timer = setInterval(() => {
      const due = ((Date.now() - start) / 1000) * rate;
      owed = due - sent;
      for (; owed >= 1; owed--) {
        const sender = senders[next];
        next = (next + 1) % senders.length;
        sender.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: sender.dst, payload: { ...payload, n: sender.n++ } }));
        sent++;
      }
      if (Date.now() - start >= durationSeconds * 1000) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 10);
  });
}

function received() {
  return receivers.reduce((sum, r) => sum + r.received, 0);
}

async function settle(expected) {
  const deadline = Date.now() + 30000;
  while (received() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function cpuSeconds() {
  const stat = readFileSync(`/proc/${process.env.SERVER_PID}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / Number(process.env.CLK_TCK ?? 100);
}

const warmSent = await phase(warmup);
await settle(warmSent);
const before = received();
const cpuBefore = cpuSeconds();
const measuredSent = await phase(seconds);
await settle(warmSent + measuredSent);
const cpu = cpuSeconds() - cpuBefore;
const measuredReceived = received() - before;
clearInterval(heartbeats);
const outOfOrder = receivers.reduce((sum, r) => sum + r.outOfOrder, 0);
console.log(
  JSON.stringify({ pairs, rate, seconds, sent: measuredSent, received: measuredReceived, outOfOrder, serverCpuSeconds: cpu }),
);
for (const c of [...senders.map((s) => s.ws), ...receivers.map((r) => r.ws)]) c.close();
process.exit(0);
