// A real socket.io-client (from npm) following one room, driven over stdin:
//   node catch_up.mjs <url> <token> <room-id>
// It prints one JSON line per step: {"step": "joined"}, then on the command
// "cut" it drops the connection ({"step": "cut"}); on "resume" it reconnects
// and joins again with the last position it saw; on "report" it prints every
// room event it received, in arrival order, duplicates included.
import { io } from "socket.io-client";
import readline from "node:readline";

const [url, token, room] = process.argv.slice(2);
const received = [];
let last = null;
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
const onEvent = (e) => {
  received.push({ position: e.position, kind: e.kind, seq: e.message ? e.message.seq : null });
  if (last === null || e.position > last) last = e.position;
};
socket.on("room_event", onEvent);
socket.on("room_events", (list) => list.forEach(onEvent));  // a burst, in log order
socket.on("connect_error", (err) => { say({ step: "error", message: err.message }); process.exit(2); });

function join(step) {
  socket.emit("join", { kind: "room", id: room, after: last }, (ack) => say({ step, ack, last }));
}
socket.on("connect", () => join(received.length || last !== null ? "resumed" : "joined"));

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const command = line.trim();
  if (command === "cut") {
    socket.disconnect();
    say({ step: "cut", last });
  } else if (command === "resume") {
    socket.connect();
  } else if (command === "report") {
    say({ step: "report", received });
  } else if (command === "quit") {
    socket.disconnect();
    process.exit(0);
  }
});
