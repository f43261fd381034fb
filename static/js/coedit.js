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
    newsText.textContent =
      "Revision " + revision + " was just saved by " + actor +
      ". Merge it into your text now, or it will be merged when you save.";
    mergeButton.textContent = "Merge revision " + revision + " into my text";
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
          newsText.textContent = data.error || "The merge could not be made; save to merge.";
          return;
        }
        if (data.collisions > 0) {
          newsText.textContent =
            "Your edits and revision " + data.base + " change the same words in " +
            data.collisions + (data.collisions === 1 ? " place" : " places") +
            ". Save, and Accord will show you each one side by side.";
          return;
        }
        textarea.value = data.text;
        baseInput.value = String(data.base);
        if (baseShown) {
          baseShown.textContent = String(data.base);
        }
        // Let the page's safety net keep the merged text, as it keeps anything typed.
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        newsText.textContent = "Merged: your text now includes revision " + data.base + ".";
        mergeButton.hidden = true;
      })
      .catch(function () {
        mergeButton.disabled = false;
        newsText.textContent = "The connection failed; your text is unchanged. Try again, or save.";
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
          offerMerge(data.revision, data.actor || "someone");
        }
      } else if (data.type === "statement" && data.state_changed) {
        newsText.textContent =
          "The statement is now in " + data.state_label.toLowerCase() +
          "; its text may no longer be editable. Keep a copy of your text.";
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
