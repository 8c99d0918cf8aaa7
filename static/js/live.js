// Live Commonroom over Socket.IO: rooms, open threads and unread badges.
// Pages work without it; this adds what happens while you look.
// Every pushed event carries its log position: we keep the highest per channel,
// send it again after a reconnect, and drop any position we have already seen.
(function () {
  "use strict";
  if (typeof io === "undefined") return;

  var seen = {};      // channel -> {position: true}
  var last = {};      // channel -> highest position seen
  var followed = [];  // {kind, id} joined on (re)connect
  var socket = io({ transports: ["websocket", "polling"] });
  var room = document.getElementById("room");
  var thread = document.querySelector("[data-thread]");
  var me = document.body.dataset.me || (room && room.dataset.me) || "";

  function fresh(channel, position) {
    var set = seen[channel] || (seen[channel] = {});
    if (set[position]) return false;
    set[position] = true;
    if (!last[channel] || position > last[channel]) last[channel] = position;
    return true;
  }

  function follow(kind, id, position) {
    var channel = kind + ":" + id;
    if (position) last[channel] = Math.max(last[channel] || 0, position);
    followed.push({ kind: kind, id: id });
  }

  socket.on("connect", function () {
    followed.forEach(function (f) {
      var channel = f.kind + ":" + f.id;
      socket.emit("join", { kind: f.kind, id: f.id, after: last[channel] || null }, function (ack) {
        if (ack && ack.ok && ack.catch_up === "reset") window.location.reload();
      });
    });
    var watch = Array.prototype.map.call(document.querySelectorAll("[data-watch]"), function (el) {
      var parts = el.dataset.watch.split(":");
      return { kind: "watch:" + parts[0], id: parts[1] };
    });
    if (watch.length) socket.emit("watch", { channels: watch });
  });

  // --- presence ---
  function showPresence(memberId, status) {
    document.querySelectorAll("[data-presence='" + memberId + "']").forEach(function (el) {
      el.className = "presence " + status;
    });
    document.querySelectorAll("[data-presence-label='" + memberId + "']").forEach(function (el) {
      el.textContent = " (" + status + ")";
    });
  }
  socket.on("presence_list", function (all) {
    document.querySelectorAll("[data-presence]").forEach(function (el) {
      showPresence(el.dataset.presence, all[el.dataset.presence] || "offline");
    });
  });
  socket.on("presence", function (p) {
    var online = document.getElementById("online");
    if (online && !online.querySelector("[data-online='" + p.member_id + "']") && p.status !== "offline") {
      var item = el("li");
      item.dataset.online = p.member_id;
      var dot = el("span", "presence");
      dot.dataset.presence = p.member_id;
      dot.setAttribute("aria-hidden", "true");
      var link = el("a", "", p.name);
      link.href = "/members/" + encodeURIComponent(p.handle);
      var label = el("span", "sr-only presence-label");
      label.dataset.presenceLabel = p.member_id;
      item.appendChild(dot); item.appendChild(link); item.appendChild(label);
      online.appendChild(item);
    }
    showPresence(p.member_id, p.status);
  });
  document.addEventListener("visibilitychange", function () {
    socket.emit("presence", { state: document.hidden ? "away" : "online" });
  });

  // --- the notifications badge ---
  var newestNotice = 0;
  socket.on("notifications", function (n) {
    if (n.position < newestNotice) return;
    newestNotice = n.position;
    var badge = document.getElementById("notification-count");
    if (!badge) return;
    badge.textContent = String(n.unread);
    badge.className = "count" + (n.unread ? "" : " zero");
  });

  // --- home page badges ---
  socket.on("activity", function (a) {
    if (a.author_id === me) return;
    var selector = a.kind === "room" ? "[data-room-unread='" + a.id + "']"
                                     : "[data-conference-unread='" + a.id + "']";
    var badge = document.querySelector(selector);
    if (!badge || !fresh("watch:" + a.kind + ":" + a.id, a.position)) return;
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
    badge.className = "unread";
    var row = badge.closest("tr, li");
    if (row) row.classList.add("has-unread");
  });

  // --- a chat room ---
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderReactions(box, message) {
    box.textContent = "";
    message.reactions.forEach(function (r) {
      var who = r[1];
      var button = el("button", "reaction" + (who.indexOf(document.body.dataset.handle) >= 0 ? " mine" : ""),
                      r[0] + " " + who.length);
      button.type = "button";
      button.title = who.join(", ");
      button.setAttribute("aria-label", r[0] + " " + who.length + ": " + who.join(", "));
      button.addEventListener("click", function () {
        socket.emit("react", { room: message.room_id, message: message.id, emoji: r[0] });
      });
      box.appendChild(button);
    });
  }

  function renderMessage(m) {
    var item = document.getElementById("m" + m.seq);
    var created = !item;
    if (created) {
      item = el("li", "message");
      item.id = "m" + m.seq;
      item.dataset.seq = m.seq;
      item.dataset.id = m.id;
      var who = el("h3", "who");
      var author = el("a", "", m.author_name);
      author.href = "/members/" + encodeURIComponent(m.author_handle);
      var when = el("time", "meta", new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
      when.dateTime = m.created_at;
      who.appendChild(author);
      who.appendChild(document.createTextNode(" "));
      who.appendChild(when);
      item.appendChild(who);
      if (m.reply_seq) {
        var reply = el("p", "meta in-reply", "in reply to ");
        var to = el("a", "", m.reply_author_name);
        to.href = "#m" + m.reply_seq;
        reply.appendChild(to);
        item.appendChild(reply);
      }
      item.appendChild(el("div", "body"));
      item.appendChild(el("div", "reactions"));
      var list = document.getElementById("messages");
      var after = null;
      Array.prototype.forEach.call(list.querySelectorAll("li.message"), function (other) {
        if (+other.dataset.seq < m.seq) after = other;
      });
      list.insertBefore(item, after ? after.nextSibling : list.firstChild);
      var empty = document.getElementById("no-messages");
      if (empty) empty.remove();
    }
    var body = item.querySelector(".body");
    if (m.deleted) {
      item.classList.add("removed");
      if (body) body.outerHTML = '<p class="tombstone">Message deleted.</p>';
      item.querySelectorAll(".reactions, .message-actions").forEach(function (n) { n.remove(); });
      return { item: item, created: created };
    }
    if (body) body.innerHTML = m.html;  // sanitised on the server (forum/markup.py)
    var reactions = item.querySelector(".reactions");
    if (reactions) renderReactions(reactions, m);
    return { item: item, created: created };
  }

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    var line = el("p", "", text);
    region.appendChild(line);
    while (region.childNodes.length > 5) region.removeChild(region.firstChild);
  }

  if (room) {
    var roomId = room.dataset.room;
    var head = +room.dataset.head || 0;
    follow("room", roomId, head);
    var typingBox = document.getElementById("typing");
    var typists = {};

    function showTyping() {
      var names = Object.keys(typists).map(function (k) { return typists[k].name; });
      typingBox.textContent = names.length ? names.join(", ") + (names.length > 1 ? " are" : " is") + " typing…" : "";
    }

    // A burst arrives as one "room_events" packet (a list, in log order).
    socket.on("room_events", function (list) { list.forEach(onRoomEvent); });
    socket.on("room_event", onRoomEvent);

    function onRoomEvent(e) {
      if (e.room_id !== roomId || !fresh("room:" + roomId, e.position)) return;
      if (e.kind === "message" || e.kind === "message_changed") {
        if (room.dataset.latest !== "1" && e.kind === "message") return;  // reading history
        var shown = renderMessage(e.message);
        if (e.kind === "message" && shown.created) {
          delete typists[e.message.author_id];
          showTyping();
          if (e.message.author_id !== me) {
            announce(e.message.author_name + ": " + shown.item.querySelector(".body").textContent.trim());
            if (!document.hidden) socket.emit("read", { room: roomId, seq: e.message.seq });
          }
          shown.item.scrollIntoView({ block: "end" });
        }
      } else if (e.kind === "moved") {
        e.ids.forEach(function (id) {
          var item = document.querySelector("li.message[data-id='" + id + "']");
          if (!item) return;
          item.querySelectorAll(".body, .reactions, .message-actions").forEach(function (n) { n.remove(); });
          var note = el("p", "tombstone", "Moved to ");
          var link = el("a", "", "a thread");
          link.href = "/t/" + e.thread_id;
          note.appendChild(link);
          note.appendChild(document.createTextNode("."));
          item.appendChild(note);
        });
      } else if (e.kind === "room") {
        var topic = document.getElementById("room-topic");
        if (topic) topic.textContent = e.room.topic;
      }
    }

    socket.on("typing", function (t) {
      if (t.room_id !== roomId || t.member_id === me) return;
      clearTimeout((typists[t.member_id] || {}).timer);
      typists[t.member_id] = { name: t.name, timer: setTimeout(function () {
        delete typists[t.member_id]; showTyping();
      }, 4000) };
      showTyping();
    });

    socket.on("revoked", function (r) {
      if (r.channel === "room:" + roomId || r.channel === "*") window.location.reload();
    });

    var form = document.getElementById("compose");
    var area = document.getElementById("compose-body");
    if (form && area) {
      var lastTyping = 0;
      area.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastTyping > 2500 && area.value) {
          lastTyping = now;
          socket.emit("typing", { room: roomId });
        }
      });
      area.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      form.addEventListener("submit", function (event) {
        if (!socket.connected) return;  // the plain form still works
        event.preventDefault();
        var body = area.value;
        if (!body.trim()) return;
        var replyTo = document.getElementById("reply-to");
        socket.emit("send", { room: roomId, body: body, reply_to: (replyTo && replyTo.value) || null }, function (ack) {
          var error = document.getElementById("compose-error");
          if (ack && ack.ok) {
            area.value = "";
            if (replyTo) replyTo.value = "";
            if (error) error.remove();
          } else {
            if (!error) {
              error = el("p", "error-message");
              error.id = "compose-error";
              error.setAttribute("role", "alert");
              form.insertBefore(error, form.firstChild);
            }
            error.textContent = (ack && ack.error && ack.error.message) || "Not sent; try again.";
          }
          area.focus();
        });
      });
    }
  }

  // --- older history, as you scroll up (the link still works without this) ---
  if (room && !window.location.hash && room.dataset.latest === "1") {
    // A chat opens at its newest messages, or where the unread ones begin.
    var start = document.getElementById("first-unread") || document.querySelector("#messages li.message:last-child");
    if (start) start.scrollIntoView({ block: start.id === "first-unread" ? "start" : "end" });
  }
  var earlier = document.querySelector(".history-link a[rel='prev']");
  if (room && earlier && "IntersectionObserver" in window) {
    var loading = false;
    var observer = new IntersectionObserver(function (entries) {
      if (!entries[0].isIntersecting || loading) return;
      loading = true;
      fetch(earlier.href, { credentials: "same-origin" }).then(function (r) { return r.text(); })
        .then(function (text) {
          var page = new DOMParser().parseFromString(text, "text/html");
          var list = document.getElementById("messages");
          var first = list.querySelector("li.message");
          page.querySelectorAll("#messages li.message").forEach(function (item) {
            if (!document.getElementById(item.id)) list.insertBefore(document.importNode(item, true), first);
          });
          var more = page.querySelector(".history-link a[rel='prev']");
          if (more) { earlier.href = more.href; } else { observer.disconnect(); earlier.parentNode.remove(); }
          loading = false;
        }).catch(function () { loading = false; });
    });
    observer.observe(earlier);
  }

  // --- an open thread ---
  if (thread) {
    var threadId = thread.dataset.thread;
    follow("thread", threadId, +thread.dataset.head || 0);
    var notice = null;
    var fresh_posts = 0;
    socket.on("thread_event", function (e) {
      if (e.thread_id !== threadId || !fresh("thread:" + threadId, e.position)) return;
      if (e.kind === "post_changed") {
        var article = document.getElementById("p" + e.post.seq);
        var body = article && article.querySelector(".body");
        if (body && e.post.html) body.innerHTML = e.post.html;
      } else if (e.kind === "post" && e.post.author_id !== me) {
        fresh_posts += 1;
        if (!notice) {
          notice = el("p", "note live-notice");
          notice.setAttribute("role", "status");
          thread.parentNode.insertBefore(notice, thread.nextSibling);
        }
        notice.textContent = "";
        var link = el("a", "", fresh_posts + (fresh_posts > 1 ? " new replies" : " new reply") + " — show");
        link.href = window.location.pathname + "?page=" + Math.max(1, Math.ceil(e.post.seq / 50)) + "#p" + e.post.seq;
        notice.appendChild(link);
      }
    });
  }
})();
