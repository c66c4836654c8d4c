#!/usr/bin/env node
// Renders CSL-JSON items in several CSL styles with citeproc-js, the reference CSL processor,
// in one Node process: for each style, each item's first and subsequent citation (without and
// with a pinpoint page) and its bibliography entry alone, each item as a document of its own;
// then the whole bibliography of all items, sorted and rendered as the style asks.
//
// usage: node csl-styles.cjs SPEC.json
//   SPEC.json  {"items": [...CSL-JSON...], "locales": "DIR with locales-xx-XX.xml and
//              locales.json", "page": "5", "format": "text",
//              "styles": [{"name": "apa", "path": "apa.csl", "lang": "en-US", "force": false}]}
//              (lang/force: a dependent style's default-locale, which overrides its parent's)
// Output: one JSON object per line:
//   {"style", "id", "form": "first"|"first-page"|"subsequent"|"subsequent-page"|"entry", "text"}
//   {"style", "form": "bibliography", "entries": [{"id", "text"}, ...]}
// citeproc-js is found through NODE_PATH or a node_modules folder above this file.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const dialects = JSON.parse(fs.readFileSync(path.join(spec.locales, "locales.json"), "utf8"))["primary-dialects"];
function retrieveLocale(lang) {
  for (const tag of [lang, dialects[lang.split("-")[0]]]) {
    const file = path.join(spec.locales, `locales-${tag}.xml`);
    if (tag && fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  }
  return false;
}
const OTHER = { id: "__other__", type: "document", title: "Other" };
let byId = new Map();
const sys = { retrieveLocale, retrieveItem: (id) => byId.get(String(id)) };
const format = spec.format || "text";

function engineFor(style) {
  const xml = fs.readFileSync(style.path, "utf8");
  const e = style.force ? new CSL.Engine(sys, xml, style.lang, true) : new CSL.Engine(sys, xml, style.lang || "en-US");
  e.setOutputFormat(format);
  return e;
}

function citation(e, item, page, subsequent) {
  // each item in a document of its own: the processor forgets every earlier citation
  const id = String(item.id);
  byId = new Map([[id, item], [OTHER.id, OTHER]]);
  e.restoreProcessorState([]);
  const ref = page ? { id, locator: page, label: "page" } : { id };
  const first = { citationItems: [ref], properties: { noteIndex: 1 } };
  if (!subsequent) {
    e.updateItems([id]);
    const res = e.processCitationCluster(first, [], []);
    return String(res[1].filter((r) => r[2] === first.citationID).pop()[1]).trim();
  }
  // a citation of another item in between keeps a style from answering "ibid."
  e.updateItems([id, OTHER.id]);
  const other = { citationItems: [{ id: OTHER.id }], properties: { noteIndex: 2 } };
  const again = { citationItems: [{ ...ref }], properties: { noteIndex: 3 } };
  e.processCitationCluster(first, [], []);
  e.processCitationCluster(other, [[first.citationID, 1]], []);
  const res = e.processCitationCluster(again, [[first.citationID, 1], [other.citationID, 2]], []);
  return String(res[1][res[1].length - 1][1]).trim();
}

function bibliography(e, items) {
  byId = new Map(items.map((it) => [String(it.id), it]));
  e.updateItems(items.map((it) => String(it.id)));
  const made = e.makeBibliography();
  if (!made) return null;
  const [meta, entries] = made;
  return meta.entry_ids.map((ids, i) => ({ id: String(ids[0]), text: entries[i].trim() }));
}

const out = [];
for (const style of spec.styles) {
  const e = engineFor(style);
  for (const item of spec.items) {
    const id = String(item.id);
    const row = (form, text) => out.push({ style: style.name, id, form, text });
    row("first", citation(e, item, null, false));
    row("first-page", citation(e, item, spec.page, false));
    row("subsequent", citation(e, item, null, true));
    row("subsequent-page", citation(e, item, spec.page, true));
    const alone = bibliography(e, [item]);
    row("entry", alone ? alone[0].text : null);
  }
  out.push({ style: style.name, form: "bibliography", entries: bibliography(e, spec.items) });
}
for (const o of out) process.stdout.write(JSON.stringify(o) + "\n");
