// citetool's bridge to citeproc-js (citetool/_vendor/citeproc), run inside the Python process
// by an embedded V8 (mini-racer). Python calls the functions of `citetool` with JSON text and
// gets JSON text back; citeproc-js itself is used unmodified, through its public API, except
// for two reads of its registry (an item's sort keys and ambiguity key) and a one-call override
// of the order of a two-entry bibliography (see bibPiece).
"use strict";

var citetool = (function () {
  var OTHER = "citetool:other";  // never a record id: ids have no colon
  var PREVIOUS = "citetool:previous";
  var items = {};
  var locales = {};
  var engine = null;

  // Markdown (pandoc's flavour): what CommonMark would read as markup is escaped; small caps
  // become pandoc's [text]{.smallcaps}, which survives into Word and HTML
  var MD_SPECIAL = /([\\`*_\[\]<>~^#@$|])/g;
  function unescapeMd(text) {
    return text.replace(/\\([\\`*_\[\]<>~^#@$|])/g, "$1");
  }
  var markdown = Object.assign({}, CSL.Output.Formats.text, {
    "text_escape": function (text) {
      return (text || "").replace(MD_SPECIAL, "\\$1");
    },
    "@font-style/italic": "*%%STRING%%*",
    "@font-style/oblique": "*%%STRING%%*",
    "@font-variant/small-caps": "[%%STRING%%]{.smallcaps}",
    "@font-weight/bold": "**%%STRING%%**",
    "@vertical-align/sup": "^%%STRING%%^",
    "@vertical-align/sub": "~%%STRING%%~",
    "@URL/true": function (state, str) {
      return "<" + unescapeMd(str) + ">";
    },
    "@DOI/true": function (state, str) {
      var doi = unescapeMd(str);
      return "<" + (/^https?:\/\//.test(doi) ? doi : "https://doi.org/" + doi) + ">";
    }
  });
  CSL.Output.Formats.markdown = markdown;

  var sys = {
    retrieveLocale: function (lang) {
      return locales[lang] || false;
    },
    retrieveItem: function (id) {
      return items[id];
    }
  };

  function firstLine(err) {
    return String((err && err.message) || err).split("\n")[0];
  }

  function start(style, localesJson, lang, forceLang, markup) {
    locales = JSON.parse(localesJson);
    try {
      engine = forceLang ? new CSL.Engine(sys, style, lang, true) : new CSL.Engine(sys, style, lang);
      engine.setOutputFormat(markup);
    } catch (err) {
      engine = null;
      return JSON.stringify({ error: firstLine(err) });
    }
    return JSON.stringify({});
  }

  function only(list) {
    items = {};
    list.forEach(function (item) { items[String(item.id)] = item; });
  }

  // A first or subsequent citation of one item (each item as in a document of its own)
  function cite(itemJson, form, page) {
    var item = JSON.parse(itemJson);
    var id = String(item.id);
    only([item, { id: OTHER, type: "document", title: "Other" }]);
    engine.restoreProcessorState([]);
    var ref = page ? { id: id, locator: page, label: "page" } : { id: id };
    var first = { citationItems: [ref], properties: { noteIndex: 1 } };
    var res;
    if (form === "first") {
      engine.updateItems([id]);
      res = engine.processCitationCluster(first, [], []);
      var mine = res[1].filter(function (r) { return r[2] === first.citationID; });
      return String(mine[mine.length - 1][1]);
    }
    // a citation of another item in between keeps a style from answering "ibid."
    engine.updateItems([id, OTHER]);
    var other = { citationItems: [{ id: OTHER }], properties: { noteIndex: 2 } };
    var again = { citationItems: [Object.assign({}, ref)], properties: { noteIndex: 3 } };
    engine.processCitationCluster(first, [], []);
    engine.processCitationCluster(other, [[first.citationID, 1]], []);
    res = engine.processCitationCluster(again, [[first.citationID, 1], [other.citationID, 2]], []);
    return String(res[1][res[1].length - 1][1]);
  }

  function entries() {
    var out = engine.makeBibliography();
    return out ? out[1] : [];
  }

  // The bibliography entry of one item alone, with what a whole bibliography needs to place
  // it among others without rendering it again: its sort keys, where a year suffix ("1962a")
  // goes, its ambiguity key, the names a later entry compares with (subsequent-author-
  // substitute) and its text when the previous entry had the same names.
  function bibPiece(itemJson) {
    var item = JSON.parse(itemJson);
    var id = String(item.id);
    only([item]);
    engine.updateItems([id]);
    var text = entries()[0];
    var token = engine.registry.registry[id];
    var names = engine.tmp.last_rendered_name || null;
    var piece = {
      text: text,
      keys: token.sortkeys || [],
      dirs: engine.bibliography_sort.opt.sort_directions || [],
      ambig: token.ambig || "",
      names: names
    };
    var opt = engine.opt;
    if (opt["disambiguate-add-year-suffix"]) {
      // where a suffix goes: render with "a" and compare; where that is not plain (the text
      // already goes on with an "a", or the suffix comes with punctuation, as "n.d.-a"),
      // a render with "b" tells
      token.disambig.year_suffix = 0;
      var a = entries()[0], at = 0;
      while (at < text.length && a[at] === text[at]) at += 1;
      if (!(a[at] === "a" && text[at] !== "a" && a.slice(0, at) + a.slice(at + 1) === text)) {
        token.disambig.year_suffix = 1;
        var b = entries()[0];
        at = 0;
        while (at < a.length && a[at] === b[at]) at += 1;
        if (!(a[at] === "a" && b[at] === "b" && a.slice(at + 1) === b.slice(at + 1))) at = -1;
      }
      token.disambig.year_suffix = false;
      if (at >= 0) {
        piece.suffix = [a.slice(0, at), a.slice(at + 1)];
      }
      // items that a citation showing as many names and as much of their given names as
      // the style allows still could not tell apart: the authors, or where there are none,
      // whatever names the style may put in their place
      var people = [];
      var addNames = opt["disambiguate-add-names"], addGiven = opt["disambiguate-add-givenname"];
      if (addNames || addGiven) {
        var rule = engine.citation.opt["givenname-disambiguation-rule"] || "by-cite";
        var initials = rule.slice(-14) === "-with-initials";
        var primary = rule.indexOf("primary-name") === 0;
        var keys = item.author ? ["author"] : Object.keys(item).sort().filter(function (key) {
          return isNames(key, item[key]);
        });
        keys.forEach(function (key) {
          item[key].forEach(function (name, i) {
            var seen = addNames ? [name.family || "", name.literal || ""] : [];
            if (addGiven && (!primary || i === 0)) {
              var given = name.given || "";
              seen.push(initials ? CSL.Util.Names.initializeWith(engine, given, ".", false) : given);
            }
            people.push(seen);
          });
        });
      }
      piece.clash = piece.ambig + "\u0000" + JSON.stringify(people);
    }
    if (names && engine.bibliography.opt["subsequent-author-substitute"]) {
      var rule = engine.bibliography.opt["subsequent-author-substitute-rule"] || "complete-all";
      piece.rule = rule;
      piece.variants = {};
      var counts = rule === "partial-each" ? names.map(function (_, i) { return i + 1; })
        : rule === "partial-first" ? [1] : [0];
      counts.forEach(function (count) {
        piece.variants[String(count)] = afterSameNames(item, count);
      });
    }
    return JSON.stringify(piece);
  }

  function isNames(key, value) {
    return key !== "issued" && Array.isArray(value) && value.length > 0 && typeof value[0] === "object";
  }

  // The item's entry right after an entry whose first `count` names are the same (all of
  // them if count is 0); the other names of that entry differ
  function afterSameNames(item, count) {
    var previous = JSON.parse(JSON.stringify(item));
    previous.id = PREVIOUS;
    if (count) {
      Object.keys(previous).forEach(function (key) {
        var value = previous[key];
        if (isNames(key, value)) {
          previous[key] = value.map(function (name, i) {
            if (i < count) return name;
            return { family: "\u2063" + (name.family || name.literal || "") + "\u2063", given: name.given };
          });
        }
      });
    }
    var id = String(item.id);
    only([previous, item]);
    engine.updateItems([PREVIOUS, id]);
    var sorted = engine.registry.getSortedIds;
    engine.registry.getSortedIds = function () { return [PREVIOUS, id]; };
    try {
      return entries()[1];
    } finally {
      engine.registry.getSortedIds = sorted;
    }
  }

  // The whole bibliography of the items, as citeproc-js sorts and renders it
  function bibliography(itemsJson) {
    var list = JSON.parse(itemsJson);
    only(list);
    engine.updateItems(list.map(function (item) { return String(item.id); }));
    return JSON.stringify(entries());
  }

  function guard(fn) {
    return function () {
      try {
        return fn.apply(null, arguments);
      } catch (err) {
        return JSON.stringify({ error: firstLine(err) });
      }
    };
  }

  return {
    start: start,
    cite: guard(function (itemJson, form, page) { return JSON.stringify({ text: cite(itemJson, form, page) }); }),
    bibPiece: guard(bibPiece),
    bibliography: guard(bibliography)
  };
}());
