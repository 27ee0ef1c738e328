/* The operators' inbox, live: a row is drawn again when the socket says its conversation changed; the tab's
   title counts unread messages, and a short sound plays when a customer writes. */
(function () {
  "use strict";

  function unreadTotal(table) {
    var total = 0;
    table.querySelectorAll("tr[data-unread]").forEach(function (row) { total += Number(row.dataset.unread || 0); });
    return total;
  }

  function showTotal(table, baseTitle) {
    var total = unreadTotal(table);
    document.title = (total ? "(" + total + ") " : "") + baseTitle;
  }

  function beep() {
    try {
      var AudioContext = window.AudioContext || window.webkitAudioContext;
      var context = new AudioContext();
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.05;
      tone.connect(gain); gain.connect(context.destination);
      tone.start(); tone.stop(context.currentTime + 0.15);
    } catch (error) { /* no sound available */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("[data-inbox]");
    if (!table) { return; }
    var baseTitle = document.title;
    var state = document.querySelector("[data-inbox-state]");
    var attempt = 0;
    showTotal(table, baseTitle);

    function refresh(id) {
      fetch(table.dataset.rowUrl.replace("/0/", "/" + id + "/"), { credentials: "same-origin" }).then(function (answer) {
        if (!answer.ok) { return null; }
        return answer.text();
      }).then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        var old = document.getElementById("chat-row-" + id);
        var before = old ? Number(old.dataset.unread || 0) : 0;
        if (old) { old.replaceWith(fresh); } else { table.tBodies[0].prepend(fresh); table.hidden = false; }
        var empty = document.querySelector("[data-inbox-empty]");
        if (empty) { empty.hidden = true; }
        if (Number(fresh.dataset.unread || 0) > before) { beep(); }
        showTotal(table, baseTitle);
      });
    }

    function connect() {
      var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/");
      var heartbeat;
      socket.onopen = function () { attempt = 0; state.textContent = ""; };
      socket.onmessage = function (event) {
        var frame = JSON.parse(event.data);
        if (frame.type === "hello") {
          heartbeat = setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, (frame.heartbeat || 25) * 1000);
        } else if (frame.type === "inbox") {
          refresh(frame.conversation);
        }
      };
      socket.onclose = function (event) {
        clearInterval(heartbeat);
        if (event.code >= 4400 && event.code < 4600 && event.code !== 4429) { return; }
        state.textContent = state.dataset.offline || "";
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
        attempt += 1;
        setTimeout(connect, delay);
      };
    }
    connect();
  });
}());
