/*
 * Accord's live page: the notification bell on every page, and on a statement's page its
 * state, text, signatures and who else is viewing, without reloading.
 *
 * Event data from the server is only ever put into the page as text (textContent); parts of
 * the page are refreshed by fetching the page itself, as the server renders it for this person.
 * A dropped connection shows "Reconnecting…", retries with a growing delay, and on reconnect
 * resumes from the last notification seen, so nothing is missed and nothing comes twice.
 */
(function () {
  "use strict";

  // Interface strings in the page's language: static/js/words.js, loaded first.
  // The server's frames carry codes (a state, a change, a reason), never words: one frame
  // reaches everyone on a page, each reading it in their own language.
  var accordWords = window.AccordWords;
  var gettext = accordWords.gettext;
  var ngettext = accordWords.ngettext;
  var fill = accordWords.fill;

  var body = document.body;
  var userId = body.getAttribute("data-user");
  if (!userId || !("WebSocket" in window)) {
    return;
  }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var connectionBadge = document.querySelector("[data-connection]");
  var toasts = document.querySelector("[data-toasts]");
  var openSockets = {};

  function setReconnecting(name, value) {
    openSockets[name] = !value;
    var anyDown = Object.keys(openSockets).some(function (key) { return !openSockets[key]; });
    if (connectionBadge) {
      connectionBadge.hidden = !anyDown;
    }
  }

  // The toasts showing now, by what they are about: a burst about one statement updates its
  // toast instead of stacking one per event.
  var toastsBySubject = {};

  // burst (optional): {subject, title, latest}, how a toast reads once more events about
  // the same subject join it.
  function toast(text, link, burst) {
    if (!toasts) {
      return;
    }
    var linked = link && link.charAt(0) === "/" && link.charAt(1) !== "/";
    var key = burst && burst.subject;
    var shown = key ? toastsBySubject[key] : null;
    var item = shown ? shown.item : document.createElement("p");
    var count = shown ? shown.count + 1 : 1;
    var words = text;
    if (count > 1 && burst) {
      words = fill(ngettext("%(title)s: %(count)s update", "%(title)s: %(count)s updates", count),
        { title: burst.title, count: count }) + " — " + burst.latest;
    }
    item.className = "toast";
    item.textContent = "";
    if (linked) {
      var anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = words;
      item.appendChild(anchor);
    } else {
      item.textContent = words;
    }
    if (shown) {
      window.clearTimeout(shown.timer);
    } else {
      toasts.appendChild(item);
    }
    var timer = window.setTimeout(function () {
      item.remove();
      if (key && toastsBySubject[key] && toastsBySubject[key].item === item) {
        delete toastsBySubject[key];
      }
    }, 12000);
    if (key) {
      toastsBySubject[key] = { item: item, count: count, timer: timer };
    }
  }

  /* A socket that reconnects by itself: 1 s, 2 s, 4 s… up to 30 s, and at once when the
     browser comes back online or the tab becomes visible again. handlers.message(data) for
     each frame; handlers.open(socket) on each connection, handlers.lost() when it drops (a
     retry follows), handlers.refused(code) when the server closed it for good (4401, 4403). */
  function resilientSocket(name, path, handlers) {
    var socket = null;
    var delay = 1000;
    var timer = null;
    var stopped = false;

    function connect() {
      if (stopped) {
        return;
      }
      window.clearTimeout(timer);
      socket = new WebSocket(scheme + window.location.host + path);
      socket.onopen = function () {
        delay = 1000;
        setReconnecting(name, false);
        if (handlers.open) {
          handlers.open(socket);
        }
      };
      socket.onmessage = function (message) {
        var data;
        try {
          data = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        handlers.message(data, socket);
      };
      socket.onclose = function (event) {
        if (event.code === 4401 || event.code === 4403) {
          stopped = true;
          setReconnecting(name, false);
          if (handlers.refused) {
            handlers.refused(event.code);
          }
          return;
        }
        if (stopped) {
          return;
        }
        setReconnecting(name, true);
        if (handlers.lost) {
          handlers.lost();
        }
        timer = window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }

    function wake() {
      if (!stopped && (!socket || socket.readyState === WebSocket.CLOSED)) {
        delay = 1000;
        connect();
      }
    }
    window.addEventListener("online", wake);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        wake();
      }
    });
    connect();
    return {
      stop: function () {
        stopped = true;
        if (socket) {
          socket.close();
        }
      },
    };
  }

  /* Why the server ended this browser's session (session_ended frames), in the page's words. */
  var SESSION_ENDINGS = {
    logged_out: gettext("You logged out."),
    account_disabled: gettext("This account was disabled."),
    two_factor_enabled: gettext("Two-factor authentication was turned on."),
    two_factor_disabled: gettext("Two-factor authentication was turned off."),
    two_factor_reset: gettext("Your two-factor authentication was reset."),
  };

  function sessionEnded(reason) {
    var why = SESSION_ENDINGS[reason] || gettext("Your session ended.");
    return why + " " + gettext("Live updates stopped: log in again to see changes.");
  }

  var statementPage = document.querySelector("[data-statement-live]");

  /* --- the bell ------------------------------------------------------------------------- */

  var unreadBadge = document.querySelector("[data-unread]");
  var lastSeenKey = "accord.notifications.last." + userId;

  function lastSeen() {
    var stored = parseInt(window.localStorage.getItem(lastSeenKey) || "", 10);
    return isNaN(stored) ? null : stored;
  }

  function remember(id) {
    var known = lastSeen();
    if (known === null || id > known) {
      window.localStorage.setItem(lastSeenKey, String(id));
    }
  }

  function showUnread(count) {
    if (!unreadBadge) {
      return;
    }
    unreadBadge.textContent = String(count);
    unreadBadge.setAttribute("aria-label", fill(ngettext("%(count)s unread", "%(count)s unread", count), { count: count }));
    unreadBadge.classList.toggle("zero", count === 0);
  }

  resilientSocket("bell", "/ws/notifications/", {
    message: function (data, socket) {
      if (data.type === "count") {
        if (unreadBadge) {
          unreadBadge.setAttribute("data-live", "");  // the count is live from here on
        }
        if (typeof data.latest === "number") {
          var known = lastSeen();
          if (known === null) {
            remember(data.latest);
          } else if (data.latest > known) {
            socket.send(JSON.stringify({ type: "resume", after: known }));
          }
        }
        showUnread(data.unread);
      } else if (data.type === "notification") {
        var n = data.notification;
        var known2 = lastSeen();
        if (known2 !== null && n.id <= known2) {
          return;
        }
        remember(n.id);
        var words = n.label + ": " + n.title + (n.actor ? " — " + n.actor : "");
        // The statement open here shows its own changes live: no pop-up repeats them.
        var shownHere = statementPage &&
          (n.link || "").indexOf("/statements/" + statementPage.dataset.statementLive + "/") === 0;
        if (!shownHere) {
          toast(words, n.link, {
            subject: n.subject,
            title: n.title,
            latest: n.label + (n.actor ? " — " + n.actor : ""),
          });
        }
        if (typeof data.unread === "number") {
          showUnread(data.unread);
        }
      } else if (data.type === "session_ended" && !statementPage) {
        // A statement's page says it in its own notice instead.
        toast(sessionEnded(data.reason));
      }
    },
  });

  /* --- a statement's page --------------------------------------------------------------- */

  var page = statementPage;
  if (!page) {
    return;
  }
  var statementId = page.getAttribute("data-statement-live");
  var notice = document.querySelector("[data-live-notice]");
  var presenceBox = document.querySelector("[data-presence-box]");
  var presenceList = document.querySelector("[data-presence]");
  var present = {};
  // False while the connection is down: who is on the page is then not known.
  var presenceKnown = true;
  var sessionEndedReason = null;

  var STATES = accordWords.states;

  // Who acted, as a frame names them, in this page's language.
  function actorOf(data) {
    return data.actor_person ? accordWords.personLabel(data.actor_person) : data.actor;
  }

  function personLabel(person) {
    return accordWords.personLabel(person);
  }

  // Why the server closed this page's socket for good (revoked frames).
  var REVOCATIONS = {
    access_revoked: gettext("This statement is no longer shared with you."),
  };

  var CHANGES = {
    open_consultation: gettext("%(actor)s opened consultation"),
    open_sign_on: gettext("%(actor)s opened sign-on"),
    return_to_drafting: gettext("%(actor)s returned it to drafting"),
    publish: gettext("%(actor)s published it"),
    withdraw: gettext("%(actor)s withdrew it"),
    sign_on: gettext("%(actor)s signed on"),
    decline: gettext("%(actor)s declined"),
    withdraw_signature: gettext("%(actor)s withdrew a signature"),
    open_late_signatures: gettext("%(actor)s opened it to late signatures"),
    close_late_signatures: gettext("%(actor)s closed it to late signatures"),
    remove_signature: gettext("%(actor)s removed a signature"),
    new_revision: gettext("%(actor)s saved a new revision"),
    comment: gettext("%(actor)s commented"),
    comment_resolved: gettext("%(actor)s resolved a thread"),
    comment_reopened: gettext("%(actor)s reopened a thread"),
    amendment_proposed: gettext("%(actor)s proposed an amendment"),
    amendment_accepted: gettext("%(actor)s accepted an amendment"),
    amendment_rejected: gettext("%(actor)s rejected an amendment"),
  };

  var SIGNATURE_CHANGES = ["sign_on", "decline", "withdraw_signature", "remove_signature"];

  function showNotice(text, link) {
    if (!notice) {
      return;
    }
    notice.textContent = text;
    if (link && link.charAt(0) === "/" && link.charAt(1) !== "/") {
      var anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = gettext("See changes");
      notice.appendChild(document.createTextNode(" "));
      notice.appendChild(anchor);
    }
  }

  /* Who else is on the page, or, while the connection is down, that it is not known: the
     last people seen may have left meanwhile. The box is a polite status region, so the
     change is announced without moving the focus. */
  function showPresence() {
    if (!presenceList || !presenceBox) {
      return;
    }
    presenceBox.classList.toggle("stale", !presenceKnown);
    if (!presenceKnown) {
      presenceList.textContent = gettext("not known while the connection is down");
      presenceBox.hidden = false;
      return;
    }
    var people = {};
    Object.keys(present).forEach(function (channel) {
      var person = present[channel];
      if (String(person.id) !== userId) {
        var label = personLabel(person);
        // Someone with the page open and the editor open counts once, as editing.
        if (person.editing || !people[person.id]) {
          people[person.id] = person.editing ? fill(gettext("%(person)s, editing"), { person: label }) : label;
        }
      }
    });
    var names = Object.keys(people).map(function (id) { return people[id]; }).sort();
    presenceList.textContent = names.join(", ");
    presenceBox.hidden = names.length === 0;
  }

  /* Whether a region has a text box someone has typed into and not sent (a comment, a reason):
     refreshing it would throw their words away. */
  function holdsUnsentText(region) {
    return Array.prototype.some.call(
      region.querySelectorAll("textarea, input[type=text]"),
      function (box) { return box.value !== box.defaultValue; }
    );
  }

  /* A region holding the focus was replaced: put the focus on the same control in the new
     one (same id, or same kind and words), or else on the region itself, so that a keyboard
     or screen-reader user keeps their place instead of being sent back to the top. */
  function keepFocus(held, fresher) {
    var same = held.id ? fresher.querySelector("#" + CSS.escape(held.id)) : null;
    if (!same) {
      same = Array.prototype.find.call(
        fresher.querySelectorAll(held.tagName),
        function (candidate) { return candidate.textContent === held.textContent; }
      ) || null;
    }
    if (!same) {
      fresher.setAttribute("tabindex", "-1");
      same = fresher;
    }
    same.focus({ preventScroll: true });
  }

  /* Fetch this page again (with its filters) and swap in its live regions; skip a region
     holding the focus or unsent text (someone writing a comment, a reason or a deadline)
     unless the statement's state changed (stateChanged null: unknown, compare the pages). */
  function refresh(stateChanged) {
    return window.fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (response.status === 404) {
        showNotice(gettext("This statement is no longer shared with you."));
        return null;
      }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) {
        return;
      }
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var freshPage = fresh.querySelector("[data-statement-live]");
      if (stateChanged === null) {
        // After a reconnection: whether the state moved meanwhile is seen on the fresh page.
        stateChanged = Boolean(freshPage) &&
          freshPage.getAttribute("data-state") !== page.getAttribute("data-state");
      }
      document.querySelectorAll("[data-live-region]").forEach(function (region) {
        var replacement = fresh.getElementById(region.id);
        if (!replacement) {
          return;
        }
        var focused = region.contains(document.activeElement) && document.activeElement !== document.body;
        if (!stateChanged && (focused || holdsUnsentText(region))) {
          return;
        }
        var fresher = document.importNode(replacement, true);
        var held = focused ? document.activeElement : null;
        region.replaceWith(fresher);
        if (held) {
          keepFocus(held, fresher);
        }
      });
      if (freshPage) {
        page.setAttribute("data-state", freshPage.getAttribute("data-state"));
      }
    });
  }

  var everConnected = false;
  var heartbeat = null;
  resilientSocket("statement", "/ws/statements/" + statementId + "/", {
    lost: function () {
      window.clearInterval(heartbeat);
      present = {};
      presenceKnown = false;
      showPresence();
    },
    open: function (socket) {
      // Tells the server this page is still open, so it keeps counting it as present.
      window.clearInterval(heartbeat);
      heartbeat = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: "ping" }));
        }
      }, 60000);
      // Who is here comes in the server's first frame; until then the box stays hidden.
      present = {};
      presenceKnown = true;
      showPresence();
      if (everConnected) {
        // Catch up on whatever changed while the connection was down, keeping unsent text
        // unless the statement's state moved meanwhile.
        refresh(null);
      }
      everConnected = true;
    },
    message: function (data) {
      if (data.type === "presence") {
        if (data.change === "list") {
          present = {};
          data.people.forEach(function (person) { present[person.channel] = person; });
        } else if (data.change === "join") {
          present[data.channel] = {
            id: data.id,
            name: data.name,
            affiliation: data.affiliation,
            affiliation_code: data.affiliation_code,
            editing: data.editing,
          };
        } else {
          delete present[data.channel];
        }
        showPresence();
      } else if (data.type === "statement") {
        var actor = actorOf(data) || gettext("Someone");
        var words = fill(CHANGES[data.change] || gettext("%(actor)s changed it"), { actor: actor });
        if (data.change === "new_revision" && data.revision) {
          words = fill(gettext("Revision %(revision)s by %(actor)s —"), {
            revision: data.revision, actor: actorOf(data) || gettext("someone"),
          });
        } else if (data.state_changed && !CHANGES[data.change]) {
          words = fill(gettext("%(actor)s changed it: now %(state)s"), {
            actor: actor, state: (STATES[data.state] || data.state).toLowerCase(),
          });
        }
        words += ".";
        // The count is said in the announcement too: the figure on the page changes silently.
        if (SIGNATURE_CHANGES.indexOf(data.change) !== -1 && typeof data.signed === "number") {
          words += " " + fill(ngettext("%(count)s delegation has signed.", "%(count)s delegations have signed.", data.signed), { count: data.signed });
        }
        showNotice(words, data.compare || null);
        refresh(Boolean(data.state_changed));
      } else if (data.type === "revoked") {
        showNotice(REVOCATIONS[data.reason] || gettext("This statement is no longer shared with you."));
      } else if (data.type === "session_ended") {
        sessionEndedReason = data.reason;
      }
    },
    refused: function (code) {
      window.clearInterval(heartbeat);
      // No longer live: nobody is shown as here.
      present = {};
      presenceKnown = true;
      showPresence();
      if (code === 4401) {
        showNotice(sessionEnded(sessionEndedReason));
      } else {
        showNotice(gettext("Live updates stopped: this statement is no longer shared with you."));
      }
    },
  });
})();
