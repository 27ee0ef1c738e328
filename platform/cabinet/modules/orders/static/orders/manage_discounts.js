// Discount rule form: shows only the fields the chosen kind and scope use. Hidden fields are disabled, so
// they are not sent and cannot trip the checks of another kind. A field with an error stays visible.
(function () {
  "use strict";
  var form = document.querySelector(".discount-form");
  if (!form) { return; }
  var relevant = {
    products: function (v) { return v.scope === "products"; },
    categories: function (v) { return v.scope === "categories"; },
    min_quantity: function (v) { return v.kind === "quantity_break"; },
    threshold: function (v) { return v.kind === "cart_threshold"; },
    customer_group: function (v) { return v.kind === "customer_group"; },
    condition: function (v) { return v.kind === "condition"; },
    time_window: function (v) { return v.kind === "time_window"; }
  };

  function values() {
    var found = {};
    form.querySelectorAll("[data-rule-switch]").forEach(function (input) {
      found[input.getAttribute("data-rule-switch")] = input.value;
    });
    return found;
  }

  function update() {
    var chosen = values();
    form.querySelectorAll("[data-rule-field]").forEach(function (block) {
      var test = relevant[block.getAttribute("data-rule-field")];
      var show = !test || test(chosen) || block.querySelector(".has-error") !== null;
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !show; });
    });
    // A section whose every field belongs to other kinds is hidden whole, heading included.
    form.querySelectorAll("[data-rule-section]").forEach(function (section) {
      section.hidden = section.querySelector("[data-rule-field]:not([hidden])") === null;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-rule-switch")) { update(); }
  });
  update();
}());
