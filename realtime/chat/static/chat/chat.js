/* Kabinet chat client: one socket per page, messages kept once per sequence number, resumed from the last
   sequence after every reconnect (with backoff), messages written offline kept and sent when back. */
(function () {
  "use strict";

  var FINAL_CLOSE = { 4401: true, 4403: true, 4404: true, 4503: true };
  var URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function linkify(element, text) {
    /* Text with its http(s) addresses made into links; everything else stays text (never HTML). */
    var parts = text.split(URL_PATTERN);
    parts.forEach(function (part, index) {
      if (index % 2 === 1) {
        var link = document.createElement("a");
        link.href = part; link.textContent = part; link.rel = "noopener noreferrer nofollow"; link.target = "_blank";
        element.appendChild(link);
      } else if (part) {
        part.split("\n").forEach(function (line, n) {
          if (n) { element.appendChild(document.createElement("br")); }
          element.appendChild(document.createTextNode(line));
        });
      }
    });
  }

  function Chat(root) {
    this.root = root;
    this.staff = root.dataset.staff === "1";
    this.me = Number(root.dataset.user || 0);
    this.conversation = Number(root.dataset.conversation || 0) || null;
    this.lastSeq = Number(root.dataset.lastSeq || 0);
    this.log = root.querySelector("[data-chat-log]");
    this.input = root.querySelector("[data-chat-input]");
    this.note = root.querySelector("[data-chat-note]");
    this.stateLabel = root.querySelector("[data-chat-state]");
    this.typingLabel = root.querySelector("[data-chat-typing]");
    this.hours = root.querySelector("[data-chat-hours]");
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.pending = {};
    this.outboxKey = "kabinet-chat-outbox:" + location.host + ":" + this.me + ":" + (this.staff ? this.conversation : "own");
    var self = this;
    this.loadOutbox();
    root.querySelector("[data-chat-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      self.write();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); self.write(); }
    });
    this.input.addEventListener("input", function () { self.typing(); });
    document.addEventListener("visibilitychange", function () { self.acknowledge(); });
    this.connect();
  }

  Chat.prototype.text = function (name) { return this.root.dataset["text" + name] || ""; };

  Chat.prototype.setState = function (name) {
    this.root.dataset.state = name;
    this.stateLabel.textContent = this.text(name.charAt(0).toUpperCase() + name.slice(1));
  };

  Chat.prototype.connect = function () {
    var self = this;
    if (this.stopped) { return; }
    this.setState("connecting");
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/");
    this.socket = socket;
    socket.onopen = function () { self.attempt = 0; };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      self.handle(frame);
    };
    socket.onclose = function (event) {
      clearInterval(self.heartbeat);
      if (self.socket !== socket) { return; }
      self.socket = null;
      if (FINAL_CLOSE[event.code] || self.stopped) { self.setState("closed"); return; }
      self.setState("offline");
      var delay = Math.min(30000, 1000 * Math.pow(2, self.attempt)) * (0.5 + Math.random() / 2);
      self.attempt += 1;
      self.retry = setTimeout(function () { self.connect(); }, delay);
    };
  };

  Chat.prototype.stop = function () {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    if (this.socket) { this.socket.close(1000); }
  };

  Chat.prototype.frame = function (frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) { this.socket.send(JSON.stringify(frame)); return true; }
    return false;
  };

  Chat.prototype.handle = function (frame) {
    var self = this;
    if (frame.type === "hello") {
      if (!this.staff) { this.conversation = frame.conversation; }
      this.heartbeat = setInterval(function () { self.frame({ type: "ping" }); }, (frame.heartbeat || 25) * 1000);
      this.showHours(frame);
      this.frame({ type: "resume", conversation: this.conversation, after: this.lastSeq });
    } else if (frame.type === "message" && frame.conversation === this.conversation) {
      this.add(frame);
    } else if (frame.type === "resumed" && frame.conversation === this.conversation) {
      if (frame.more) { this.frame({ type: "resume", conversation: this.conversation, after: this.lastSeq }); return; }
      this.setState("online");
      this.flush();
      this.marks(frame.marks);
      this.acknowledge();
    } else if (frame.type === "sent") {
      this.settle(frame.client_id, frame.seq);
    } else if (frame.type === "receipt" && frame.conversation === this.conversation && frame.from_staff !== this.staff) {
      this.marks(frame);
    } else if (frame.type === "typing" && frame.conversation === this.conversation && frame.user_id !== this.me) {
      this.typingLabel.textContent = (frame.name ? frame.name + " " : "") + this.text("Typing");
      this.typingLabel.hidden = false;
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(function () { self.typingLabel.hidden = true; }, 4000);
    } else if (frame.type === "error" && frame.client_id && this.pending[frame.client_id]) {
      if (frame.code === "rate_limited") {
        setTimeout(function () { self.flush(); }, 1500);
      } else {
        this.fail(frame.client_id, frame.message);
      }
    }
  };

  Chat.prototype.showHours = function (frame) {
    if (!this.hours || this.staff) { return; }
    if (frame.open_now || !frame.back_at) { this.hours.hidden = true; return; }
    var when = new Date(frame.back_at);
    this.hours.textContent = this.text("Back").replace("__TIME__", when.toLocaleString([], {
      weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
    this.hours.hidden = false;
  };

  Chat.prototype.element = function (frame) {
    var item = document.createElement("li");
    var mine = frame.author_id === this.me;
    item.className = "chat-message chat-" + frame.kind + (frame.from_staff ? " chat-staff" : " chat-customer") + (mine ? " chat-mine" : "");
    item.dataset.clientId = frame.client_id;
    if (frame.kind === "note") {
      var label = document.createElement("span"); label.className = "chat-note-label"; label.textContent = this.text("Note");
      item.appendChild(label);
    }
    if (frame.kind !== "event" && frame.from_staff && frame.author) {
      var author = document.createElement("span"); author.className = "chat-author"; author.textContent = frame.author;
      item.appendChild(author);
    }
    var body = document.createElement("span"); body.className = "chat-body"; linkify(body, frame.body);
    item.appendChild(body);
    var time = document.createElement("time"); time.className = "chat-time";
    var at = frame.at ? new Date(frame.at) : new Date();
    time.dateTime = at.toISOString();
    time.textContent = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    item.appendChild(time);
    var mark = document.createElement("span"); mark.className = "chat-mark"; mark.dataset.chatMark = "";
    item.appendChild(mark);
    return item;
  };

  Chat.prototype.add = function (frame) {
    if (this.log.querySelector('[data-seq="' + frame.seq + '"]')) { return; }  // had it already
    var item = this.log.querySelector('[data-client-id="' + CSS.escape(frame.client_id) + '"]:not([data-seq])');
    var fresh = this.element(frame);
    fresh.dataset.seq = frame.seq;
    if (item) { item.replaceWith(fresh); } else { this.place(fresh, frame.seq); }
    delete this.pending[frame.client_id];
    this.saveOutbox();
    this.lastSeq = Math.max(this.lastSeq, frame.seq);
    this.scroll();
    this.acknowledgeSoon();
  };

  Chat.prototype.place = function (item, seq) {
    /* In sequence order, before the messages still being sent. */
    var children = this.log.children;
    for (var i = 0; i < children.length; i += 1) {
      var other = children[i].dataset.seq;
      if (!other || Number(other) > seq) { this.log.insertBefore(item, children[i]); return; }
    }
    this.log.appendChild(item);
  };

  Chat.prototype.scroll = function () { this.log.scrollTop = this.log.scrollHeight; };

  Chat.prototype.write = function () {
    var body = this.input.value.trim();
    if (!body) { return; }
    var id = newId();
    var note = !!(this.note && this.note.checked);
    this.pending[id] = { body: body, note: note };
    var item = this.element({ kind: note ? "note" : "text", from_staff: this.staff, author_id: this.me, client_id: id,
      body: body, author: "" });
    item.classList.add("chat-pending");
    item.querySelector("[data-chat-mark]").textContent = this.text("Sending");
    this.log.appendChild(item);
    this.input.value = "";
    if (this.note) { this.note.checked = false; }
    this.saveOutbox();
    this.scroll();
    this.flush();
  };

  Chat.prototype.flush = function () {
    /* Sends every message not yet confirmed: the server keeps one per id, so sending again is safe. */
    if (!this.conversation || this.root.dataset.state !== "online") { return; }
    var self = this;
    Object.keys(this.pending).forEach(function (id) {
      var message = self.pending[id];
      self.frame({ type: "send", conversation: self.conversation, client_id: id, body: message.body, note: message.note });
    });
  };

  Chat.prototype.settle = function (clientId, seq) {
    delete this.pending[clientId];
    this.saveOutbox();
    var item = this.log.querySelector('[data-client-id="' + CSS.escape(clientId) + '"]');
    if (item && !item.dataset.seq) { item.dataset.seq = seq; item.classList.remove("chat-pending"); }
    if (item) { item.querySelector("[data-chat-mark]").textContent = this.text("Delivered"); }
  };

  Chat.prototype.fail = function (clientId, reason) {
    delete this.pending[clientId];
    this.saveOutbox();
    var item = this.log.querySelector('[data-client-id="' + CSS.escape(clientId) + '"]');
    if (item) { item.classList.add("chat-failed"); item.querySelector("[data-chat-mark]").textContent = this.text("Failed") + (reason ? ": " + reason : ""); }
  };

  Chat.prototype.marks = function (marks) {
    if (!marks) { return; }
    var self = this;
    this.log.querySelectorAll(".chat-mine[data-seq]").forEach(function (item) {
      var seq = Number(item.dataset.seq);
      var label = seq <= marks.read ? self.text("Read") : (seq <= marks.delivered ? self.text("Delivered") : "");
      if (label) { item.querySelector("[data-chat-mark]").textContent = label; }
    });
  };

  Chat.prototype.acknowledgeSoon = function () {
    var self = this;
    clearTimeout(this.ackTimer);
    this.ackTimer = setTimeout(function () { self.acknowledge(); }, 300);
  };

  Chat.prototype.acknowledge = function () {
    if (!this.conversation || !this.lastSeq) { return; }
    var frame = { type: "ack", conversation: this.conversation, seq: this.lastSeq };
    if (document.visibilityState === "visible") { frame.read = this.lastSeq; }
    this.frame(frame);
  };

  Chat.prototype.typing = function () {
    if (this.conversation && this.root.dataset.state === "online") { this.frame({ type: "typing", conversation: this.conversation }); }
  };

  Chat.prototype.loadOutbox = function () {
    var self = this;
    try {
      var saved = JSON.parse(localStorage.getItem(this.outboxKey) || "{}");
      Object.keys(saved).forEach(function (id) {
        self.pending[id] = saved[id];
        var item = self.element({ kind: saved[id].note ? "note" : "text", from_staff: self.staff, author_id: self.me,
          client_id: id, body: saved[id].body, author: "" });
        item.classList.add("chat-pending");
        self.log.appendChild(item);
      });
    } catch (error) { /* storage unavailable: messages live as long as the page */ }
  };

  Chat.prototype.saveOutbox = function () {
    try {
      if (Object.keys(this.pending).length) { localStorage.setItem(this.outboxKey, JSON.stringify(this.pending)); }
      else { localStorage.removeItem(this.outboxKey); }
    } catch (error) { /* storage unavailable */ }
  };

  function start(root) {
    if (!root.chat) { root.chat = new Chat(root); }
    return root.chat;
  }

  function openOverlay(event) {
    var template = document.getElementById("chat-panel-template");
    if (!template) { return; }
    event.preventDefault();
    var opener = event.currentTarget;
    var existing = document.querySelector(".chat-overlay");
    if (existing) { existing.hidden = false; existing.querySelector("[data-chat-input]").focus(); return; }
    var overlay = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(overlay);
    document.body.classList.add("chat-open");
    var chat = start(overlay.querySelector("[data-chat]"));
    function hide() { overlay.hidden = true; document.body.classList.remove("chat-open"); opener.focus(); }
    overlay.querySelector("[data-chat-close]").addEventListener("click", hide);
    overlay.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
    chat.input.focus();
    opener.addEventListener("click", function () { document.body.classList.add("chat-open"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chat]").forEach(function (root) {
      if (!root.closest("template")) { start(root); }
    });
    document.querySelectorAll("[data-chat-open]").forEach(function (link) { link.addEventListener("click", openOverlay); });
    window.KabinetChat = { start: start };
  });
}());

/* Canned replies on an operator's conversation page: a click puts the text into the message box. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-canned]");
  if (!button) { return; }
  var input = document.querySelector("[data-chat-input]");
  if (input) { input.value = button.dataset.canned; input.focus(); }
});
