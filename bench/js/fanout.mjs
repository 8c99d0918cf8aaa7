// The load side of bench/live_fanout.py: many socket.io clients in one room,
// one more that sends; every delivery is timed against its send, on one clock.
//   node fanout.mjs <url>[,<url>...] <clients> <listener-token>|<sender-token> <room> <rate> <seconds> <burst>
// With several URLs (several server processes) the listeners are spread over
// them in turn and the sender uses the first: deliveries then cross processes.
// Prints one JSON line: {latencies_ms: [...], burst: {deliveries, seconds}, missing}.
import { io } from "socket.io-client";

const [urlArg, clientsArg, token, room, rateArg, secondsArg, burstArg] = process.argv.slice(2);
const urls = urlArg.split(",");
const clients = +clientsArg, rate = +rateArg, seconds = +secondsArg, burst = +burstArg;
const [listenerToken, senderToken] = token.split("|");
const sent = new Map();           // k -> send time
const received = new Map();       // k -> count
const latencies = [];
let burstStart = 0, burstLast = 0, burstFrom = Infinity;
const now = () => performance.now();

function connect(auth, url = urls[0]) {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth, transports: ["websocket"], reconnection: false, forceNew: true });
    s.on("connect_error", reject);
    s.on("connect", () => s.emit("join", { kind: "room", id: room }, (ack) =>
      ack && ack.ok ? resolve(s) : reject(new Error(JSON.stringify(ack)))));
  });
}

const listeners = [];
for (let i = 0; i < clients; i += 20) {  // connect in waves, as people arrive
  listeners.push(...await Promise.all(Array.from({ length: Math.min(20, clients - i) },
                                                 (_, j) => connect({ token: listenerToken },
                                                                   urls[(i + j) % urls.length]))));
}
const onEvent = (e) => {
  if (e.kind !== "message") return;
  const m = /msg (\d+)/.exec(e.message.html);
  if (!m) return;
  const k = +m[1], t = now();
  latencies.push(t - sent.get(k));
  received.set(k, (received.get(k) || 0) + 1);
  if (k >= burstFrom) burstLast = t;
};
for (const s of listeners) {
  s.on("room_event", onEvent);
  s.on("room_events", (list) => list.forEach(onEvent));  // ours: a burst in one packet
}
const sender = await connect({ token: senderToken });
const send = (k) => new Promise((resolve) => {
  sent.set(k, now());
  sender.emit("send", { room, body: `msg ${k}` }, resolve);
});

// Steady: `rate` messages a second for `seconds`.
let k = 0;
const steadyEnd = now() + seconds * 1000;
while (now() < steadyEnd) {
  const next = now() + 1000 / rate;
  await send(k++);
  const wait = next - now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await new Promise((r) => setTimeout(r, 1500));
const steady = latencies.splice(0);

// Burst: as fast as the server acknowledges, then wait for the deliveries.
burstFrom = k;
burstStart = now();
const acks = [];
for (let i = 0; i < burst; i++) acks.push(send(k++));
await Promise.all(acks);
const deadline = now() + 30000;
while (now() < deadline) {
  let done = true;
  for (let j = burstFrom; j < k; j++) if ((received.get(j) || 0) < clients) { done = false; break; }
  if (done) break;
  await new Promise((r) => setTimeout(r, 20));
}
let missing = 0;
for (let j = 0; j < k; j++) missing += clients - (received.get(j) || 0);
for (const s of [...listeners, sender]) s.disconnect();
// Exit only once the (large) line has left: a pipe is written asynchronously.
process.stdout.write(JSON.stringify({
  latencies_ms: steady, burst: { deliveries: burst * clients, seconds: (burstLast - burstStart) / 1000 },
  missing,
}) + "\n", () => process.exit(0));
