/*
 * The edit page: keeps a person's unsaved text in this browser until the server has it, and
 * warns before leaving the page with changes that are not saved.
 *
 * What is kept, under one key per person and statement: the text and the number of the
 * revision it was begun from (the form's hidden base_revision).
 *
 * Restoring. The key does not name the base revision on purpose: if the connection dropped and
 * a colleague saved meanwhile, the page now starts from their newer revision, and a key per
 * base would hide the kept text. Instead the kept text is put back with the base it was begun
 * from, so saving it makes the server merge it with the newer revisions (three-way, as for any
 * save begun from an older revision), never overwrite them.
 *
 * Forgetting. The browser cannot see whether a save went through: the successful save
 * redirects to the statement page, and a failed request may never come back. So nothing is
 * forgotten on submit; the server tells the next edit page instead. data-saved-from lists the
 * revisions from which this person's saved revisions were begun: a kept text begun from one of
 * them reached the server, and is forgotten. So is a kept text that reads as the revision on
 * the page already does. A page rendered in answer to a save (a form error, a conflict, editing
 * closed; data-posted="1") holds the person's latest text as the server received it, and that
 * is what is kept from then on.
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

  var form = document.querySelector("form[data-editor]");
  if (!form) {
    return;
  }
  var textarea = form.elements.namedItem("text");
  var baseInput = form.elements.namedItem("base_revision");
  if (!textarea || !baseInput) {
    return;
  }
  var key = form.getAttribute("data-storage-key");
  var pageBase = form.getAttribute("data-base");
  var savedFrom = (form.getAttribute("data-saved-from") || "").split(/\s+/).filter(Boolean);
  var posted = form.getAttribute("data-posted") === "1";
  var notice = document.querySelector("[data-restored-notice]");
  var noticeMessage = notice && notice.querySelector("[data-restored-message]");
  var discard = notice && notice.querySelector("[data-discard]");
  // The text of the page's base revision, when the page shows it unchanged (not after a save).
  var revisionText = posted ? null : textarea.defaultValue;
  var submitting = false;
  var pending = null;

  function read() {
    try {
      var raw = window.localStorage.getItem(key);
      var entry = raw ? JSON.parse(raw) : null;
      return entry && typeof entry.text === "string" ? entry : null;
    } catch (error) {
      return null; // storage disabled or full: the page still works, without the safety net
    }
  }

  function write() {
    try {
      window.localStorage.setItem(
        key,
        JSON.stringify({ base: baseInput.value, text: textarea.value, at: Date.now() })
      );
    } catch (error) {
      /* as above */
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* as above */
    }
  }

  // The server's canonical form (drafts.text.canonical_text), so that line endings and
  // trailing spaces alone never count as a change.
  function canonical(text) {
    var lines = text.normalize("NFC").replace(/\r\n?/g, "\n").split("\n");
    var body = lines
      .map(function (line) {
        return line.replace(/\s+$/, "");
      })
      .join("\n")
      .replace(/^\n+|\n+$/g, "");
    return body ? body + "\n" : "";
  }

  function unsaved() {
    return (
      revisionText === null ||
      baseInput.value !== pageBase ||
      canonical(textarea.value) !== canonical(revisionText)
    );
  }

  function keep() {
    if (unsaved()) {
      write();
    } else {
      forget();
    }
  }

  function restore(entry) {
    textarea.value = entry.text;
    var base = String(entry.base || pageBase);
    baseInput.value = base;
    if (notice) {
      if (noticeMessage && base !== pageBase) {
        noticeMessage.textContent = fill(
          gettext("Restored your unsaved text from this browser. You began it from revision %(base)s; revision %(newer)s is newer, and saving will merge your changes with it."),
          { base: base, newer: pageBase }
        );
      }
      notice.hidden = false;
    }
  }

  var entry = read();
  if (posted) {
    write();
  } else if (entry) {
    var reachedServer = savedFrom.indexOf(String(entry.base)) !== -1;
    if (reachedServer || canonical(entry.text) === canonical(revisionText)) {
      forget();
    } else {
      restore(entry);
    }
  }

  if (discard) {
    discard.addEventListener("click", function () {
      textarea.value = textarea.defaultValue;
      baseInput.value = pageBase;
      forget();
      notice.hidden = true;
      textarea.focus();
    });
  }

  textarea.addEventListener("input", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(keep, 300);
  });

  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(pending);
    write(); // kept until the server says it has it: the request may still fail
  });

  window.addEventListener("pagehide", function () {
    if (!submitting) {
      window.clearTimeout(pending);
      keep();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved()) {
      return;
    }
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the warning
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false; // back from the page cache after a submit: the guard applies again
    }
  });
})();
