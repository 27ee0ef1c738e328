// The card form: Stripe.js Elements (from the configured Stripe host) reads the card, a token of it goes to our
// server, which confirms the PaymentIntent; 3-D Secure (requires_action) is finished here with Stripe.js.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  const stripe = Stripe(form.dataset.key);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  const submit = document.getElementById("card-submit");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fail(message) {
    errors.textContent = message || form.dataset.failed;
    submit.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    submit.disabled = true;
    errors.textContent = form.dataset.reading;
    const made = await stripe.createToken(card);
    if (made.error || !made.token) { return fail(made.error && made.error.message); }
    let answer;
    try {
      const response = await fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({token: made.token.id}),
      });
      answer = await response.json();
    } catch (error) { return fail(); }
    if (answer.error) { return fail(answer.error); }
    if (answer.status === "requires_action") {
      const done = await stripe.confirmCardPayment(answer.client_secret);
      if (done.error) { return fail(done.error.message); }
    }
    window.location.assign(answer.next || form.dataset.next);
  });
}());
