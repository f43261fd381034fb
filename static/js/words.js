/*
 * Accord's words in the page's language, for the scripts of the live pages (live.js on every
 * page, coedit.js on the edit page). Django's JavaScript catalog is loaded first; without it
 * the English words stand.
 *
 * The server's frames carry codes (a state, an affiliation), never words: one frame reaches
 * everyone on a page, each reading it in their own language.
 */
(function () {
  "use strict";

  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }
  function ngettext(singular, plural, count) {
    return window.ngettext ? window.ngettext(singular, plural, count) : count === 1 ? singular : plural;
  }
  function pgettext(context, text) {
    return window.pgettext ? window.pgettext(context, text) : text;
  }
  // Puts values into a translated text's %(name)s places.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  }

  var affiliations = {
    coordination_unit: gettext("Coordination unit"),
    advisory_network: gettext("Advisory network"),
  };
  var language = (document.documentElement.lang || "en").split("-")[0];
  var regions = null;
  try {
    regions = language === "en" ? null : new Intl.DisplayNames([language], { type: "region" });
  } catch (error) {
    regions = null;
  }

  // Where a person belongs, in the page's language: Accord's own words by their code; a
  // delegation (its ISO code) by the territory's name in the reader's language (CLDR, as the
  // server names it), or by the coalition's own name in English; an organisation as named.
  function affiliation(person) {
    var code = person.affiliation_code || "";
    if (affiliations[code]) {
      return affiliations[code];
    }
    if (regions && /^[A-Z]{2}$/.test(code)) {
      return regions.of(code) || person.affiliation;
    }
    return person.affiliation;
  }

  // "Jane Doe (Allemagne)".
  function personLabel(person) {
    return person.name + " (" + affiliation(person) + ")";
  }

  window.AccordWords = {
    gettext: gettext,
    ngettext: ngettext,
    pgettext: pgettext,
    fill: fill,
    // A statement's states, as the pages name them.
    states: {
      draft: pgettext("statement state", "Draft"),
      consultation: pgettext("statement state", "Consultation"),
      sign_on: pgettext("statement state", "Sign-on"),
      published: pgettext("statement state", "Published"),
      withdrawn: pgettext("statement state", "Withdrawn"),
    },
    // Accord's own words for the coordination unit and the advisory network; a delegation's
    // or an organisation's name is the same in every language.
    affiliations: affiliations,
    affiliation: affiliation,
    personLabel: personLabel,
  };
})();
