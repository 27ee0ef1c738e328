// "My settings" → notifications: lets this browser receive push notifications once the customer allows it.
(function () {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const status = box.querySelector("[data-push-status]");
  const allow = box.querySelector("[data-push-allow]");
  const stop = box.querySelector("[data-push-stop]");
  const csrf = box.dataset.csrf;
  const say = (key) => { status.textContent = box.dataset[key] || ""; };
  const show = (subscribed) => { allow.hidden = subscribed; stop.hidden = !subscribed; };

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    allow.hidden = true;
    return;
  }
  const decode = (text) => {
    const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const send = (method, subscription) => fetch(box.dataset.subscriptionUrl, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(subscription),
  });
  const registration = () => navigator.serviceWorker.register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready);

  registration().then((reg) => reg.pushManager.getSubscription()).then((existing) => {
    show(Boolean(existing));
    say(existing ? "on" : Notification.permission === "denied" ? "denied" : "off");
  }).catch(() => say("off"));

  allow.addEventListener("click", () => {
    say("working");
    Notification.requestPermission().then((permission) => {
      if (permission !== "granted") { say("denied"); return null; }
      return Promise.all([registration(), fetch(box.dataset.keyUrl, { credentials: "same-origin" }).then((r) => r.json())])
        .then(([reg, key]) => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: decode(key.public_key) }))
        .then((subscription) => send("POST", subscription.toJSON()))
        .then((response) => {
          if (!response.ok) throw new Error("refused");
          show(true);
          say("on");
        });
    }).catch(() => say("failed"));
  });

  stop.addEventListener("click", () => {
    registration().then((reg) => reg.pushManager.getSubscription()).then((subscription) => {
      if (!subscription) return null;
      return send("DELETE", { endpoint: subscription.endpoint }).then(() => subscription.unsubscribe());
    }).then(() => { show(false); say("off"); }).catch(() => say("failed"));
  });
})();
