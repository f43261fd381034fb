/*
 * The edit page, live: who else has the text open, and when someone saves a revision while
 * this person edits, an offer to merge it into their text at once (the server merges; nothing
 * is saved until they press "Save revision").
 *
 * Everything the server sends is shown as text (textContent); the merged text goes into the
 * text box as its value. Frames carry codes (a state, a reason), which are put into words here,
 * in the page's language. While the connection is down, who else is here is not known, and
 * the page says so instead of showing the last people seen.
 */
(function () {
  "use strict";

  // Interface strings in the page's language: static/js/words.js, loaded first.
  var accordWords = window.AccordWords;
  var gettext = accordWords.gettext;
  var ngettext = accordWords.ngettext;
  var fill = accordWords.fill;

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
  // False while the connection is down: who else is here is then not known.
  var presenceKnown = true;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;

  var STATES = accordWords.states;

  /* Who else has the text open, or, while the connection is down, that it is not known. The
     box is a polite status region: the change is announced without moving the focus. */
  function showPeople() {
    othersBox.classList.toggle("stale", !presenceKnown);
    if (!presenceKnown) {
      others.textContent = gettext("not known while the connection is down");
      othersBox.hidden = false;
      return;
    }
    var seen = {};
    Object.keys(present).forEach(function (channel) {
      var person = present[channel];
      if (String(person.id) === userId) {
        return;
      }
      var label = accordWords.personLabel(person);
      if (person.editing || !seen[person.id]) {
        seen[person.id] = fill(
          person.editing ? gettext("%(person)s, editing") : gettext("%(person)s, reading"),
          { person: label }
        );
      }
    });
    var names = Object.keys(seen).map(function (id) { return seen[id]; }).sort();
    others.textContent = names.join("; ");
    othersBox.hidden = names.length === 0;
  }

  function tell(text) {
    newsText.textContent = text;
    mergeButton.hidden = true;
    news.hidden = false;
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
      // Who is here comes in the server's first frame; until then the box stays hidden.
      present = {};
      presenceKnown = true;
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
          offerMerge(
            data.revision,
            (data.actor_person ? accordWords.personLabel(data.actor_person) : data.actor) || gettext("someone")
          );
        }
      } else if (data.type === "statement" && data.state_changed) {
        tell(fill(
          gettext("The statement is now in %(state)s; its text may no longer be editable. Keep a copy of your text."),
          { state: (STATES[data.state] || data.state).toLowerCase() }
        ));
      } else if (data.type === "revoked") {
        tell(gettext("This statement is no longer shared with you. Your text was not saved: keep a copy of it."));
      } else if (data.type === "session_ended") {
        tell(gettext("Your session ended: log in again to save your text. Until then, keep a copy of it."));
      }
    };
    socket.onclose = function (event) {
      window.clearInterval(heartbeat);
      present = {};
      if (event.code === 4401 || event.code === 4403) {
        // Closed for good (and said why): nobody is shown as here any more.
        presenceKnown = true;
        showPeople();
        return;
      }
      presenceKnown = false;
      showPeople();
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
