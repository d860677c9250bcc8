/*
 * Progressive enhancement only: every page works without this file.
 *
 * Session timeout warning (WCAG 2.2.1, design.md §3): a dialog appears well before the server
 * ends the session, with a one-click "Bliv logget ind". The server is the judge of time: the
 * page tells how many seconds are left, and "Bliv logget ind" asks the server again.
 */
(function () {
  "use strict";

  var body = document.body;
  var left = parseInt(body.getAttribute("data-session-seconds-left"), 10);
  var warnAt = parseInt(body.getAttribute("data-session-warn-seconds"), 10) || 150;
  var dialog = document.getElementById("session-timeout");
  if (isNaN(left) || !dialog || typeof dialog.showModal !== "function") {
    return;
  }

  var countdown = dialog.querySelector(".js-session-countdown");
  var extendForm = dialog.querySelector(".js-session-extend");
  var endsAt = Date.now() + left * 1000;
  var timer = null;
  var lang = document.documentElement.lang;

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    if (lang === "da") {
      return minutes > 0 ? minutes + " min. " + rest + " sek." : rest + " sek.";
    }
    return minutes > 0 ? minutes + " min " + rest + " s" : rest + " s";
  }

  function tick() {
    var remaining = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (remaining <= 0) {
      window.location.href = "/logget-af?reason=timeout";
      return;
    }
    if (remaining <= warnAt) {
      if (!dialog.open) {
        dialog.showModal();
      }
      // Update the live region only every 15 seconds, so screen readers are not flooded.
      if (remaining % 15 === 0 || countdown.textContent === "") {
        countdown.textContent = format(remaining);
      }
    }
    timer = window.setTimeout(tick, 1000);
  }

  extendForm.addEventListener("submit", function (event) {
    if (!window.fetch) {
      return;
    }
    event.preventDefault();
    window
      .fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("extend failed");
        }
        return response.json();
      })
      .then(function (data) {
        endsAt = Date.now() + data.seconds_left * 1000;
        countdown.textContent = "";
        dialog.close();
      })
      .catch(function () {
        extendForm.submit();
      });
  });

  timer = window.setTimeout(tick, 1000);
})();

/*
 * "Print kvitteringen": a print button where printing can be started from the page. Without
 * JavaScript the button stays hidden and the page says how to print from the browser's menu.
 */
(function () {
  "use strict";

  var buttons = document.querySelectorAll(".js-print");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      window.print();
    });
  }
})();

/*
 * A character counter under each text field with a limit, updated while typing. Without
 * JavaScript the hint "Du kan skrive op til N tegn." states the same limit.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang;
  var fields = document.querySelectorAll("textarea[data-maxlength]");
  for (var i = 0; i < fields.length; i += 1) {
    attach(fields[i]);
  }

  function text(left) {
    if (lang === "da") {
      return left >= 0 ? "Du har " + left + " tegn tilbage." : "Du har skrevet " + -left + " tegn for meget.";
    }
    return left >= 0 ? "You have " + left + " characters left." : "You have " + -left + " characters too many.";
  }

  function attach(field) {
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    var counter = document.createElement("span");
    var timer = null;
    counter.className = "form-hint character-count";
    counter.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(counter, field.nextSibling);
    function update() {
      counter.textContent = text(max - field.value.length);
    }
    field.addEventListener("input", function () {
      // Announce after a pause in typing, not at every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    update();
  }
})();
