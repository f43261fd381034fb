/*
 * The edit page, live: who else has the text open, and when someone saves a revision while
 * this person edits, an offer to merge it into their text at once (the server merges; nothing
 * is saved until they press "Save revision").
 *
 * Everything the server sends is shown as text (textContent); the merged text goes into the
 * text box as its value.
 */
(function () {
  "use strict";

  // Interface strings in the page's language, from Django's JavaScript catalog (loaded first).
  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }
  function ngettext(singular, plural, count) {
    return window.ngettext ? window.ngettext(singular, plural, count) : count === 1 ? singular : plural;
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  }

  var box = document.querySelector("[data-coedit]");
  var form = document.querySelector("form[data-editor]");
  if (!box || !form || !("WebSocket" in window)) {
    return;
  }
  var statementId = box.getAttribute("data-coedit");
  var userId = document.body.getAttribute("data-user");
  var mergeUrl = box.getAttribute("data-merge-url");
  var others = box.querySelector("[data-editors]");
  var othersBox = box.querySelector("[data-editors-box]");
  var news = box.querySelector("[data-newer]");
  var newsText = box.querySelector("[data-newer-text]");
  var mergeButton = box.querySelector("[data-merge]");
  var textarea = form.elements.namedItem("text");
  var baseInput = form.elements.namedItem("base_revision");
  var baseShown = document.querySelector("[data-testid=base-number]");
  var present = {};
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;

  function showPeople() {
    var seen = {};
    Object.keys(present).forEach(function (channel) {
      var person = present[channel];
      if (String(person.id) === userId) {
        return;
      }
      var label = person.name + " (" + person.affiliation + ")";
      if (person.editing || !seen[person.id]) {
        seen[person.id] = person.editing ? label + ", editing" : label + ", reading";
      }
    });
    var names = Object.keys(seen).map(function (id) { return seen[id]; }).sort();
    others.textContent = names.join("; ");
    othersBox.hidden = names.length === 0;
  }

  function offerMerge(revision, actor) {
    newsText.textContent = fill(
      gettext("Revision %(revision)s was just saved by %(actor)s. Merge it into your text now, or it will be merged when you save."),
      { revision: revision, actor: actor }
    );
    mergeButton.textContent = fill(gettext("Merge revision %(revision)s into my text"), { revision: revision });
    news.hidden = false;
  }

  mergeButton.addEventListener("click", function () {
    var body = new FormData(form);
    mergeButton.disabled = true;
    window.fetch(mergeUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        var ok = result[0];
        var data = result[1];
        mergeButton.disabled = false;
        if (!ok) {
          newsText.textContent = data.error || gettext("The merge could not be made; save to merge.");
          return;
        }
        if (data.collisions > 0) {
          newsText.textContent = fill(
            ngettext(
              "Your edits and revision %(base)s change the same words in %(count)s place. Save, and Accord will show you each one side by side.",
              "Your edits and revision %(base)s change the same words in %(count)s places. Save, and Accord will show you each one side by side.",
              data.collisions
            ),
            { base: data.base, count: data.collisions }
          );
          return;
        }
        textarea.value = data.text;
        baseInput.value = String(data.base);
        if (baseShown) {
          baseShown.textContent = String(data.base);
        }
        // Let the page's safety net keep the merged text, as it keeps anything typed.
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        newsText.textContent = fill(gettext("Merged: your text now includes revision %(base)s."), { base: data.base });
        mergeButton.hidden = true;
      })
      .catch(function () {
        mergeButton.disabled = false;
        newsText.textContent = gettext("The connection failed; your text is unchanged. Try again, or save.");
      });
  });

  function connect() {
    var socket = new WebSocket(
      scheme + window.location.host + "/ws/statements/" + statementId + "/?editing=1"
    );
    var heartbeat = null;
    socket.onopen = function () {
      delay = 1000;
      present = {};
      showPeople();
      heartbeat = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: "ping" }));
        }
      }, 60000);
    };
    socket.onmessage = function (message) {
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (data.type === "presence") {
        if (data.change === "list") {
          present = {};
          data.people.forEach(function (person) { present[person.channel] = person; });
        } else if (data.change === "join") {
          present[data.channel] = data;
        } else {
          delete present[data.channel];
        }
        showPeople();
      } else if (data.type === "statement" && data.change === "new_revision") {
        if (String(data.revision) !== baseInput.value) {
          mergeButton.hidden = false;
          offerMerge(data.revision, data.actor || gettext("someone"));
        }
      } else if (data.type === "statement" && data.state_changed) {
        newsText.textContent = fill(
          gettext("The statement is now in %(state)s; its text may no longer be editable. Keep a copy of your text."),
          { state: data.state_label.toLowerCase() }
        );
        mergeButton.hidden = true;
        news.hidden = false;
      }
    };
    socket.onclose = function (event) {
      window.clearInterval(heartbeat);
      if (event.code === 4401 || event.code === 4403) {
        return;
      }
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
