// Live preview of the branding form: copies what the user types into the preview panel and sets the
// brand colours as CSS custom properties on it. The server checks contrast (htmx); this only paints.
(function () {
  "use strict";
  var form = document.getElementById("branding-form");
  var preview = document.getElementById("branding-preview");
  if (!form || !preview) { return; }
  var HEX = /^#[0-9a-f]{6}$/i;

  function channel(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  function luminance(hex) {
    var n = parseInt(hex.slice(1), 16);
    return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  }
  function textOn(hex) {
    var l = luminance(hex);
    return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? "#ffffff" : "#000000";
  }
  function normalise(value) {
    value = (value || "").trim();
    return value && value.charAt(0) !== "#" ? "#" + value : value;
  }
  function lines(text) {
    return (text || "").split(/\r?\n/).map(function (l) { return l.trim(); }).filter(Boolean);
  }
  function fillList(list, items, asLink) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (asLink) {
        var span = document.createElement("span");
        span.className = "preview-link";
        span.textContent = item;
        li.appendChild(span);
      } else {
        li.textContent = item;
      }
      list.appendChild(li);
    });
  }

  // Colours: the picker and the text box stay in step; a valid value repaints the preview.
  form.querySelectorAll("input[data-colour-for]").forEach(function (picker) {
    var text = document.getElementById(picker.getAttribute("data-colour-for"));
    if (!text) { return; }
    var property = text.getAttribute("data-preview");
    function paint() {
      var value = normalise(text.value);
      if (!HEX.test(value)) { return; }
      picker.value = value.toLowerCase();
      preview.style.setProperty(property, value);
      preview.style.setProperty(property + "-contrast", textOn(value));
    }
    picker.addEventListener("input", function () {
      text.value = picker.value;
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
    text.addEventListener("input", paint);
    paint();
  });

  // "Use this colour" in a contrast report puts the suggested shade into the field before it.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-colour]");
    if (!button) { return; }
    var report = button.closest(".contrast-report");
    var field = report && document.getElementById(report.id.replace(/^contrast-/, "id_"));
    if (field) {
      field.value = button.getAttribute("data-use-colour");
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    }
  });

  var targets = {
    name: function (v) {
      var el = preview.querySelector("[data-preview-name]");
      el.textContent = v.trim() || el.getAttribute("data-fallback");
    },
    welcome: function (v) { preview.querySelector("[data-preview-welcome]").textContent = v; },
    hours: function (v) { preview.querySelector("[data-preview-hours]").textContent = v; },
    addresses: function (v) { fillList(preview.querySelector("[data-preview-addresses]"), lines(v)); },
    phones: function (v) { fillList(preview.querySelector("[data-preview-phones]"), lines(v)); },
    links: function (v) { fillList(preview.querySelector("[data-preview-links]"), lines(v), true); }
  };
  form.querySelectorAll("[data-preview]").forEach(function (input) {
    var update = targets[input.getAttribute("data-preview")];
    if (update) { input.addEventListener("input", function () { update(input.value); }); }
  });

  // A chosen logo shows at once (from the browser's memory); "clear" hides it.
  var logoInput = form.querySelector("input[type=file][data-preview=logo]");
  var logo = preview.querySelector("[data-preview-logo]");
  if (logoInput && logo) {
    var original = logo.getAttribute("src");
    logoInput.addEventListener("change", function () {
      var file = logoInput.files && logoInput.files[0];
      if (file && file.type.indexOf("image/") === 0) {
        logo.src = URL.createObjectURL(file);
        logo.hidden = false;
      } else {
        logo.src = original;
        logo.hidden = !original;
      }
    });
    var clear = form.querySelector("input[name=logo-clear]");
    if (clear) {
      clear.addEventListener("change", function () { logo.hidden = clear.checked || !logo.getAttribute("src"); });
    }
  }
})();
