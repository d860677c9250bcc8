/*
 * Progressive enhancement only: every page works without this file.
 *
 * Session timeout warning (WCAG 2.2.1, docs/architecture.md §3): a dialog appears well before the server
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

/*
 * Files on a concern (issue 16): the limits are checked as soon as files are chosen, so a phone
 * does not send 30 MB to hear "too large"; then the form is sent with a progress bar. The server
 * is still the judge, and without JavaScript the form is sent as it is.
 */
(function () {
  "use strict";

  if (!window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var forms = document.querySelectorAll("form[data-upload]");
  for (var i = 0; i < forms.length; i += 1) {
    attach(forms[i]);
  }

  function showProblem(input, message) {
    var group = input.parentNode;
    var error = group.querySelector(".js-file-error");
    if (!message) {
      if (error) {
        group.removeChild(error);
        group.classList.remove("form-error");
        input.removeAttribute("aria-invalid");
      }
      return;
    }
    if (!error) {
      error = document.createElement("span");
      error.className = "form-error-message js-file-error";
      error.id = input.id + "-client-error";
      group.insertBefore(error, input);
      input.setAttribute("aria-describedby", input.getAttribute("aria-describedby") + " " + error.id);
    }
    error.textContent = message;
    group.classList.add("form-error");
    input.setAttribute("aria-invalid", "true");
  }

  function problem(input) {
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    if (input.files.length > maxFiles) {
      return input.getAttribute("data-too-many");
    }
    for (var k = 0; k < input.files.length; k += 1) {
      if (input.files[k].size > maxBytes) {
        return input.getAttribute("data-too-large").replace("{name}", input.files[k].name);
      }
    }
    return null;
  }

  function attach(form) {
    var input = form.querySelector("input[type=file]");
    if (!input) {
      return;
    }
    var progress = document.getElementById(input.id + "-progress");
    var bar = progress.querySelector("progress");
    var said = progress.querySelector("[aria-live]");
    input.addEventListener("change", function () {
      showProblem(input, problem(input));
    });
    form.addEventListener("submit", function (event) {
      var found = problem(input);
      if (found) {
        event.preventDefault();
        showProblem(input, found);
        input.focus();
        return;
      }
      if (input.files.length === 0) {
        return; // nothing heavy to send: the browser sends it as usual
      }
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var b = 0; b < buttons.length; b += 1) {
        buttons[b].disabled = true;
      }
      progress.hidden = false;
      var lastSaid = -1;
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (step) {
        if (!step.lengthComputable) {
          return;
        }
        var percent = Math.floor((step.loaded / step.total) * 100);
        bar.value = percent;
        // Say it at every quarter, not at every byte.
        if (Math.floor(percent / 25) !== lastSaid) {
          lastSaid = Math.floor(percent / 25);
          said.textContent = progress.getAttribute("data-sending").replace("{percent}", percent);
        }
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL !== form.action && request.status < 400) {
          window.location.assign(request.responseURL); // saved: the page it led to
          return;
        }
        // The server's answer (a problem with the form, with everything typed) as the page.
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        form.submit(); // the connection broke: let the browser send it and show what happens
      });
      request.send(data);
    });
  }
})();
