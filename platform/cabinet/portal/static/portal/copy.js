// "Copy" buttons next to a read-only field: <button data-copy="field-id" data-copied="Copied">.
(function () {
  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { announce(button, button.getAttribute("data-copied") || "Copied"); };
    var fallback = function () {
      field.focus();
      field.select();
      try { if (document.execCommand("copy")) { done(); return; } } catch (error) { /* selected: copy by hand */ }
      announce(button, button.getAttribute("data-select") || "");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  });
})();
