"""A document page of the Wilson Center Digital Archive, as HTML, into a record.

The page is read with lxml's HTML parser (libxml2), never with regular expressions. Facts come
from the document's own blocks, found by their labels ("Author(s):", "Record ID", "Type",
"Language", "Source", "Original Archive", "Donors", "Subjects Discussed", "Associated ...") and
by stable ids ("citation-text", "citation-url", the tab panes "translation-English",
"transcript", "original"), never by generated class names. The header's menus, which list
featured people and places of the whole site, are left out. The Citation box is kept verbatim:
the title, date, archive and source statement are cut from its text, so the `archive` style
reproduces it, and its URL is the record's permanent URL.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Any

import lxml.etree  # imported with the module: workers forked to parse pages inherit it

from ..errors import CitetoolError
from . import statement
from .builder import Draft, Outcome, complete
from .common import ARCHIVE_DATE, agent, archive_date, family_first, is_org, language_code
from .derive import document_type, keep_case, short_title

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "th")
# text that is not the page's prose: never part of a block's text
_SKIP = ("script", "style", "title", "noscript", "template", "object", "button", "select",
         "svg", "iframe")
_BLOCKS = ("p", "div", "li", "ul", "ol", "table", "tr", "blockquote", "pre", "section",
           "article", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "hr", "td", "th")
# Unicode noncharacters mark breaks while the text is pulled out (lxml takes no controls)
_PARAGRAPH, _LINE = "\ufdd0", "\ufdd1"

# labels of the catalog blocks (lower case, no colon) -> what they give
_LABELS = {
    "author(s)": "authors", "authors": "authors", "author": "authors",
    "record id": "id", "type": "type", "types": "type",
    "language": "languages", "languages": "languages", "language(s)": "languages",
    "original language": "languages", "original languages": "languages",
    "source": "source", "original archive": "repository",
    "donors": "donors", "donor": "donors", "donor(s)": "donors",
    "subjects discussed": "subjects", "subjects": "subjects",
    "associated topics": "topics", "topics": "topics",
    "associated places": "places", "places": "places",
    "associated people & organizations": "associated",
    "associated people and organizations": "associated", "associated people": "associated",
    "related documents": "related", "explore related resources": "resources",
    "summary": "summary", "abstract": "summary",
}  # fmt: skip
# the notes an importer of the same page in text form uses for the same blocks
_NOTE_KEYS = {"places": "places", "associated": "associated", "related": "related",
              "resources": "related resources"}
# archive terms that the title-based mapping does not know, to the model's types
_TYPE_TERMS = {"conversation": "record-of-conversation", "meeting minutes": "minutes",
               "minutes of meeting": "minutes", "decision": "resolution"}
_TITLES = {"pope", "king", "queen", "emperor", "empress", "prince", "princess", "saint", "sir",
           "lord", "lady", "shah", "sultan", "emir", "cardinal", "archbishop", "bishop",
           "president", "chairman", "marshal", "general"}
_NAME_SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}
_LIFE_DATES = re.compile(r"^(?:b\.|d\.|fl\.|ca\.|approximately)?\s*\d{3,4}\??-?(?:\d{3,4}\??)?$")
_FUNDED = re.compile(
    r"made possible (?:with|through|by) (?:the )?(?:generous )?(?:support|funding|grants?) "
    r"(?:from|of) (?:the )?(?P<who>.+?)\.?$", re.I)
_CHALLENGE_TITLES = ("just a moment", "attention required", "checking your browser",
                     "security check", "please wait")
BROWSER_HINT = ("open the page in a browser, save it (Save Page As...) and import the saved "
                "file")


def looks_like(text: str) -> bool:
    """Whether the text is an HTML document: it starts with markup (a doctype, a comment such
    as a browser's "saved from url", <html>) and has a doctype or <html> tag near the start."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<") and ("<!doctype html" in head or "<html" in head)


# a parser per thread (making one costs about as much as a parse; an lxml parser must not be
# shared between threads)
_LOCAL = threading.local()
_UTF8 = ("utf-8", "utf8")
# labels that the HTML standard reads as windows-1252
_WINDOWS_1252 = dict.fromkeys(("ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1",
                               "latin1", "l1", "cp819", "ibm819", "windows-1252"), "cp1252")


def _tree(data: bytes, where: str) -> Element:
    """The parsed page (UTF-8); libxml2's HTML parser repairs broken markup as a browser does.
    Plain lxml.etree elements: lxml.html's element classes cost a Python call per element."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = lxml.etree.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise CitetoolError(where, f"not an HTML page ({exc})") from None
    if root is None or not isinstance(root.tag, str):
        raise CitetoolError(where, "not an HTML page")
    return root


def _declared(root: Element) -> str | None:
    """The character set the page declares in a <meta>, lower case, if any."""
    for meta in root.iterfind("head/meta"):
        charset = meta.get("charset")
        if charset is None and (meta.get("http-equiv") or "").lower() == "content-type":
            content = (meta.get("content") or "").lower()
            charset = content.partition("charset=")[2].split(";")[0] or None
        if charset:
            return charset.strip().strip("'\"").lower()
    return None


def _string(el: Element) -> str:
    """All the text inside an element (serialized as text: faster than XPath's string())."""
    return lxml.etree.tostring(el, method="text", encoding=str, with_tail=False)


def _xpath(el: Element, expr: str, **variables: str) -> list[Any]:
    """An XPath query, compiled once per thread (Element.xpath compiles it at every call)."""
    compiled = _LOCAL.__dict__.setdefault("xpaths", {})
    query = compiled.get(expr)
    if query is None:
        query = compiled[expr] = lxml.etree.XPath(expr)
    return query(el, **variables)


def _drop(el: Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        before = el.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _line(el: Element | None) -> str:
    """An element's text on one line, white space collapsed."""
    return " ".join(_string(el).split()) if el is not None else ""


def _text(el: Element) -> str:
    """An element's prose: paragraphs apart by a blank line, <br> as a line break, scripts,
    styles and buttons left out. Changes the element (it is read once)."""
    if el.tag in _SKIP:
        return ""
    for skipped in list(el.iter(*_SKIP)):
        _drop(skipped)
    for block in el.iter(*_BLOCKS):
        block.text = _PARAGRAPH + (block.text or "")
        if block is not el:
            block.tail = _PARAGRAPH + (block.tail or "")
    for br in el.iter("br"):
        br.tail = _LINE + (br.tail or "")
    raw = _string(el).replace("\r", " ").replace("\n", " ")
    paragraphs = []
    for chunk in raw.split(_PARAGRAPH):
        lines = [" ".join(x.split()) for x in chunk.split(_LINE)]
        lines = [x for x in lines if x]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _label(el: Element) -> str:
    return _line(el).rstrip(":").strip().lower()


def _after(heading: Element) -> list[Element]:
    """What a label heads: its following siblings up to the next heading; for a heading alone
    in its box, the box's following siblings (up to three boxes out)."""
    node = heading
    for _ in range(4):
        out = []
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if sib.tag in _HEADINGS:
                break
            out.append(sib)
        if out or node.getparent() is None:
            return out
        node = node.getparent()
    return []


def _items(nodes: list[Element]) -> list[str]:
    """The values of a block: its list items, else its lines of text."""
    items = [_line(li) for n in nodes for li in n.iter("li")]
    if not items:
        items = [" ".join(x.split()) for n in nodes for x in _string(n).splitlines()]
    return list(dict.fromkeys(x for x in items if x))


def _inner_titles(nodes: list[Element]) -> list[str]:
    """Titles inside a block (related documents, related resources), with their link."""
    out = []
    for node in nodes:
        for heading in node.iter(*_HEADINGS[:6]):
            title = _line(heading)
            link = next((a.get("href") for a in heading.iterancestors("a")), None)
            if link is None:
                box = heading.getparent()
                while box is not None and box.getparent() is not None and not _xpath(
                        box, ".//a[@href]"):
                    box = box.getparent()
                hrefs = _xpath(box, ".//a/@href") if box is not None else []
                link = next((h for h in hrefs if h.startswith("http")), None)
            if title:
                shown = f"{title} ({link})" if link and link.startswith("http") else title
                if shown not in out:
                    out.append(shown)
    return out


def _outside(el: Element) -> bool:
    """Whether an element is in the site's header, navigation or footer (menus of featured
    people), or in the document's own text (a tab pane): not the catalog's."""
    for up in el.iterancestors():
        if up.tag in ("header", "nav", "footer") or up.get("role") == "tabpanel":
            return True
    return False


def _blocks(region: Element, panes: list[Element]) -> tuple[
        dict[str, list[Element]], dict[str, str], Element | None]:
    """The known blocks by kind, other catalog blocks as notes, and the Record ID heading;
    headings in the site's header, navigation and footer, and in the document's own text (the
    tab panes), are not the catalog's."""
    found: dict[str, list[Element]] = {}
    # the elements are kept alive here, so lxml hands out the same objects again below
    aside = [*region.iter("header", "nav", "footer"), *panes]
    skipped = {h for box in aside for h in box.iter(*_HEADINGS)}
    headings = [h for h in region.iter(*_HEADINGS) if h not in skipped]
    id_heading = None
    for heading in headings:
        kind = _LABELS.get(_label(heading))
        if kind and kind not in found:
            found[kind] = _after(heading)
            if kind == "id":
                id_heading = heading
    other: dict[str, str] = {}
    if id_heading is not None:
        # the other labelled blocks beside Record ID ("Rights", "Original Classification")
        section = next(id_heading.iterancestors("section"), None)
        for heading in headings if section is None else section.iter(*_HEADINGS):
            if heading.tag != id_heading.tag or heading.get("class") != id_heading.get("class"):
                continue
            label = _label(heading)
            if label and label not in _LABELS and label not in other:
                value = " ".join(_text(n).replace("\n", " ") for n in _after(heading))
                value = " ".join(value.split())
                if value:
                    other[label] = value
    return found, other, id_heading


def _citation_box(root: Element) -> Element | None:
    """The Citation box: #citation-text, else the element its copy button copies."""
    for box in _xpath(root, "id('citation-text')") or _xpath(root, "//*[@id='citation-text']"):
        return box
    for target in _xpath(root, "//*[@data-clipboard-target]/@data-clipboard-target"):
        if target.startswith("#") and target[1:]:
            for box in _xpath(root, "id($id)", id=target[1:]):
                return box
    return None


def _citation(box: Element, where: str) -> tuple[str, str]:
    """The citation text and the URL of the Citation box, white space collapsed."""
    anchors = _xpath(box, './/a[@id="citation-url"]') or [
        a for a in box.iter("a") if _line(a).startswith(("http://", "https://"))]
    url = ""
    if anchors:
        url = _line(anchors[-1]) or anchors[-1].get("href", "").strip()
        _drop(anchors[-1])
    for skipped in list(box.iter(*_SKIP)):
        if skipped is not box:
            _drop(skipped)
    text = _line(box)
    if not url:
        words = text.split()
        if words and words[-1].startswith(("http://", "https://")):
            url, text = words[-1], " ".join(words[:-1])
    if not url:
        raise CitetoolError(where, "the Citation box has no URL (page cut short?)", "url")
    if not text:
        raise CitetoolError(where, "the Citation box has no text", "citation")
    return text, url


# the citation's opening quote -> its layout and the closing of its title
_LAYOUTS = {'"': ("current", '", '), "\u201c": ("legacy", ",\u201d ")}


def _split(cite: str, title_hint: str, date_hint: str, source_hint: str,
           where: str) -> dict[str, Any]:
    """Title, date text, archive and source statement of the archive's citation."""
    if cite[:1] not in _LAYOUTS:
        raise CitetoolError(where, "the citation does not start with a quoted title",
                            "citation")
    layout, closing = _LAYOUTS[cite[:1]]
    ends = [m.start() for m in re.finditer(re.escape(closing), cite)]
    if not ends:
        raise CitetoolError(where, "cannot find the end of the title in the citation",
                            "citation")

    def date_of(rest: str) -> str | None:
        if date_hint and rest.startswith(date_hint + ", "):
            return date_hint
        m = ARCHIVE_DATE.match(rest)
        if m and rest[m.end():].startswith(", "):
            return m.group()
        return None

    hint = title_hint.casefold()
    q = next((e for e in ends if cite[1:e].casefold() == hint), None)
    if q is None:
        q = next((e for e in ends if date_of(cite[e + len(closing):])), ends[0])
    rest = cite[q + len(closing):]
    date = date_of(rest) or ""
    if date:
        rest = rest[len(date) + 2:]
    if source_hint and rest.endswith(", " + source_hint) and len(rest) > len(source_hint) + 2:
        archive, statement_text = rest[: -len(source_hint) - 2], source_hint
    else:
        archive, _, statement_text = rest.partition(", ")
    archive = archive.strip()
    if not archive.strip(" ."):
        raise CitetoolError(where, "the citation names no archive", "citation")
    return {"layout": layout, "title": cite[1:q].strip(), "date": date,
            "archive": archive.rstrip(".") if not statement_text else archive,
            "statement": statement_text.strip() or None}


def _person(heading: str) -> tuple[dict[str, Any], bool]:
    """A catalog heading of a person ('Mikoyan, Anastas Ivanovich', 'Kim, Il Sung',
    'Lukyanov, A. I. (Anatolii Ivanovich)') as a name; True if parts were left out."""
    parts = [p.strip() for p in heading.split(",")]
    family, rest = parts[0], [p for p in parts[1:] if p]
    lost = False
    given = None
    suffix = None
    for part in rest:
        plain = re.sub(r"\s*\([^)]*\)", "", part).strip()
        lost = lost or plain != part
        if _LIFE_DATES.match(plain) or not plain:
            lost = True
        elif plain.lower() in _NAME_SUFFIXES:
            suffix = plain if not plain.lower().startswith(("jr", "sr")) else (
                plain.rstrip(".").capitalize() + ".")
        elif given is None and plain.split()[0].lower() not in _TITLES:
            given = plain
        else:
            lost = True  # a title ('Pope') or an epithet
    out: dict[str, Any] = {"family": family}
    if given:
        words = given.split()
        particles = []
        while len(words) > 1 and words[-1].islower():
            particles.insert(0, words.pop())
        out["given"] = " ".join(words)
        if particles:
            out["particle"] = " ".join(particles)
        if family_first(family, out["given"]):
            out["family_first"] = True
    if suffix:
        out["suffix"] = suffix
    return out, lost


def _author(heading: str) -> tuple[dict[str, Any], bool]:
    """A name of the Author(s) block: a person (inverted) or a corporate heading."""
    heading = " ".join(heading.split()).strip(" ,;")
    family = heading.split(",", 1)[0]
    corporate = is_org(family) and (len(family.split()) > 1 or family.isupper())
    # a corporate heading's parts are sentences: 'Korea (North). Chosŏn Nodongdang'
    dotted = any(len(p.split()[-1].strip("()")) > 2 for p in family.split(". ")[:-1] if p)
    if "," not in heading:
        if is_org(heading) or dotted:
            return {"org": heading}, False
        return agent(heading), False
    if corporate or dotted:
        return {"org": heading}, False
    return _person(heading)


def _authors(names: list[str]) -> tuple[list[dict[str, Any]], bool]:
    out, lost = [], False
    for name in names:
        one, dropped = _author(name)
        if one not in out:
            out.append(one)
        lost = lost or dropped
    return out, lost


_QUOTED_END = re.compile(r"[.!?][\"\u201d\u2019\u00bb]\s+(?=[A-Z])")
_ROLES = ("translators", "obtained_by", "contributed_by")


def _statement(text: str) -> dict[str, Any]:
    """The source statement taken apart by the shared parser. Credits after a quoted archival
    title ('... 28. o. e.” Obtained by X') are read apart from it: the parser only starts
    a credit after a plain period."""
    found = statement.parse(text)
    cut = _QUOTED_END.search(text)
    if cut is None or any(found.get(k) for k in _ROLES):
        return found
    head, tail = statement.parse(text[: cut.end()].strip()), statement.parse(text[cut.end():])
    if not any(tail.get(k) for k in _ROLES):
        return found
    out = {**head, **{k: v for k, v in tail.items() if k not in ("source", "notes")}}
    notes = {**head.get("notes", {}), **tail.get("notes", {})}
    if notes:
        out["notes"] = notes
    return out


def _short_title(title: str) -> str:
    """The shared short title, unless it is a lone preposition ('On' for 'On Recent ...'):
    then the title's first words after it."""
    short = short_title(title)
    words = title.split()
    if len(short.split()) == 1 and short.lower() in _LEADING and len(words) > 1:
        picked = [w.strip(",:;") for w in words[1:5]]
        while len(picked) > 1 and picked[-1].lower() in _LEADING | {"the", "a", "an", "of"}:
            picked.pop()
        short = " ".join(picked)
    return short


_LEADING = {"on", "to", "from", "regarding", "concerning", "about", "re", "re:", "for", "in"}


def _type(terms: list[str], title: str) -> str:
    """The model's type for the archive's terms ('Letter', 'Meeting Minutes')."""
    for term in terms:
        kind = _term_type(term.lower().strip())
        if kind != "document":
            return kind
    return "document" if terms else document_type(title)


@functools.lru_cache(maxsize=512)
def _term_type(term: str) -> str:
    """One archive term's type: the term itself, else its last word ('Intelligence Report').
    Memoized: the archive uses a few dozen terms, and the mapping tries every model type."""
    kind = _TYPE_TERMS.get(term) or document_type(term)
    if kind == "document" and " " in term:
        head = term.split()[-1]
        kind = _TYPE_TERMS.get(head) or document_type(head)
    return kind


def _languages(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        for name in re.split(r"\s*(?:,|;|\band\b)\s*", item):
            if name and name not in out:
                out.append(name)
    return out


def _tabs(region: Element) -> list[tuple[str, str | None, Element]]:
    """The page's versions of the document: (kind, language, pane), from the tab panes' ids
    ('translation-English', 'transcript', 'original')."""
    panes = []
    # the panes are in #documentTabs, two boxes down at the most; else look everywhere
    found = _xpath(region, "id('documentTabs')/*[@role='tabpanel'][@id]"
                           " | id('documentTabs')/*/*/*[@role='tabpanel'][@id]")
    for pane in found or _xpath(region, './/*[@role="tabpanel"][@id]'):
        kind, _, lang = pane.get("id").partition("-")
        if kind in ("translation", "transcript", "original"):
            panes.append((kind, lang or None, pane))
    out = []
    for kind, lang, pane in panes:
        if lang is None and any(k == kind and lg for k, lg, _ in panes):
            continue  # the box around the panes of each language
        out.append((kind, lang, pane))
    return out


def _challenge(root: Element) -> bool:
    title = _line(root.find(".//title")).lower()
    return any(title.startswith(t) for t in _CHALLENGE_TITLES) or "cloudflare" in title


def parse(text: str, where: str) -> list[Outcome]:
    """One saved or fetched document page into one raw record (and the notes it filled)."""
    return _parse(_tree(text.encode("utf-8", "replace"), where), where)


def parse_bytes(data: bytes, where: str) -> list[Outcome]:
    """As parse(), from a saved page's bytes: UTF-8 unless the page declares another character
    set in a <meta>, as a browser reads it (and without decoding the page first)."""
    root = _tree(data, where)
    declared = _declared(root)
    if declared and declared not in _UTF8:
        codec = _WINDOWS_1252.get(declared, declared)  # as browsers read these labels
        try:
            text = data.decode(codec)
        except LookupError:
            raise CitetoolError(where, f"unknown character set {declared!r}") from None
        except UnicodeDecodeError as exc:
            raise CitetoolError(where, f"not valid {declared} (byte {exc.start})") from None
        root = _tree(text.encode("utf-8"), where)
    out = _parse(root, where)
    raw = out[0].raw or {}
    if not declared or declared in _UTF8:
        # the parser puts U+FFFD for bytes that are not UTF-8: refuse a page with such bytes,
        # as a text file that is not UTF-8 is refused
        shown = " ".join(str(raw.get(k) or "") for k in ("title", "source_statement"))
        if "\ufffd" in shown:
            from ..yamlio import decode

            decode(data, where, len(data))
    return out


def _parse(root: Element, where: str) -> list[Outcome]:
    """The record of a parsed page."""
    region = next(iter(root.iter("main")), None)
    if region is None:
        region = root.find("body") if root.find("body") is not None else root
    tabs = _tabs(region)
    found, other, _ = _blocks(region, [pane for _, _, pane in tabs])
    box = _citation_box(root)
    if box is None:
        if _challenge(root):
            raise CitetoolError(where, "a browser check page (\"Just a moment...\"), not the "
                                "document: " + BROWSER_HINT)
        if "id" not in found:
            raise CitetoolError(where, "not an archive document page: it has no Record ID and "
                                "no Citation box (a search or list page?)")
        raise CitetoolError(where, "the page has no Citation box (cut short or saved before it "
                            "finished loading?): save the whole page again", "citation")
    cite, url = _citation(box, where)
    h1 = next((h for h in region.iter("h1") if not _outside(h)), None)
    page_title = _line(h1)
    date_hint = ""
    if h1 is not None:
        before = next((s for s in h1.itersiblings(preceding=True) if isinstance(s.tag, str)),
                      None)
        date_hint = _line(before) if before is not None and before.tag in _HEADINGS else ""
    source_hint = " ".join(" ".join(_items(found["source"])).split()) if "source" in found \
        else ""
    parts = _split(cite, page_title, date_hint, source_hint, where)
    rid = " ".join(_items(found.get("id", [])))
    if not rid:
        rid = url.rstrip("/").rsplit("/", 1)[-1]
    elif not url.rstrip("/").endswith("/" + rid):
        raise CitetoolError(where, f"the Citation box's URL {url} does not name Record ID "
                            f"{rid} (page cut short?)", "url")
    title = parts["title"]
    raw: dict[str, Any] = {"id": rid, "title": title}
    notes: dict[str, str] = {}
    if page_title and page_title != title:
        notes["page title"] = page_title
    terms = _items(found.get("type", []))
    raw["type"] = _type(terms, title)
    if terms:
        notes["type"] = "; ".join(terms)
    if parts["date"]:
        raw["date"] = archive_date(parts["date"], where)
    names = _items(found.get("authors", []))
    authors, lost = _authors(names)
    if authors:
        raw["authors"] = authors
    if lost:
        notes["authors"] = "; ".join(names)
    found_statement = _statement(parts["statement"]) if parts["statement"] else {}
    for key in ("translators", "obtained_by", "contributed_by"):
        if key in found_statement:
            raw[key] = found_statement[key]
    raw["archive"] = parts["archive"]
    raw["url"] = url
    source = dict(found_statement.get("source", {}))
    repository = "; ".join(_items(found.get("repository", [])))
    if repository:
        source = {"repository": repository, **source}
    if source:
        raw["source"] = source
    if parts["statement"]:
        raw["source_statement"] = parts["statement"]
        if source_hint and source_hint != parts["statement"]:
            notes["source"] = source_hint
    elif source_hint:
        notes["source"] = source_hint
    raw["citation_layout"] = parts["layout"]
    originals = _languages(_items(found.get("languages", [])))
    for name in found_statement.get("original_languages", []):
        if name not in originals:
            originals.append(name)
    body = _language_and_text(raw, tabs, originals, notes)
    summary = _summary(region, found)
    if summary:
        raw["summary"] = summary
    funders = _items(found.get("donors", [])) or _donated(h1)
    if funders:
        raw["funders"] = funders
    subjects = list(dict.fromkeys(_items(found.get("subjects", []))
                                  + _items(found.get("topics", []))))
    if subjects:
        raw["subjects"] = subjects
    if body:
        raw["text"] = body
    for kind, key in _NOTE_KEYS.items():
        values = (_inner_titles(found[kind]) if kind in ("related", "resources")
                  else _items(found[kind])) if kind in found else []
        if values:
            notes[key] = "; ".join(values)
    notes.update(other)
    for key, value in found_statement.get("notes", {}).items():
        notes.setdefault(key, value)
    raw["short_title"] = _short_title(title)
    phrases = keep_case(title, _names_in(title, raw),
                        "\n".join(filter(None, [summary, _opening(body)])))
    return [complete(Draft(where, {}, raw, notes, list(notes), phrases))]


def _names_in(title: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The record's names that occur in the title, as keep_case needs them: the phrases
    protect.record_phrases gives for them, passed as organizations' names. keep_case would
    build a Record for every person (pydantic's model_construct: a millisecond each); only
    names in the title change what it finds."""
    from types import SimpleNamespace

    from pydantic import ValidationError

    from .. import protect
    from ..model import Person

    agents = [a for k in ("authors", "translators", "obtained_by", "contributed_by")
              for a in raw.get(k, []) if (a.get("family") or a.get("org") or "") in title]
    persons = []
    for one in agents:
        if "org" not in one:
            try:
                persons.append(Person(**one))
            except ValidationError:
                pass  # the record's validation names it
    agents = [a for a in agents if "org" in a and a["org"].strip()]
    phrases = protect.record_phrases(SimpleNamespace(keep_case=[], names=persons))
    return {"authors": [{"org": a["org"]} for a in agents] + [{"org": p} for p in phrases]}


KEEP_CASE_TEXT = 3000  # characters of the text that keep_case reads (its cost grows with it)


def _opening(text: str | None) -> str:
    """The text's first paragraphs, up to KEEP_CASE_TEXT characters."""
    if not text or len(text) <= KEEP_CASE_TEXT:
        return text or ""
    cut = text.rfind("\n\n", 0, KEEP_CASE_TEXT)
    return text[: cut if cut > 0 else KEEP_CASE_TEXT]


def _language_and_text(raw: dict[str, Any], tabs: list[tuple[str, str | None, Element]],
                       originals: list[str], notes: dict[str, str]) -> str | None:
    """Language of the text given (a translation's, else the original's), whether it is a
    translation, the original languages and the text itself; returns the text."""
    translations = [(lang, pane) for kind, lang, pane in tabs if kind == "translation"]
    transcripts = [(lang, pane) for kind, lang, pane in tabs if kind == "transcript"]
    body = None
    if translations:
        lang, pane = next((t for t in translations if (t[0] or "").lower() == "english"),
                          translations[0])
        raw["language"] = language_code(lang or "English") or "en"
        raw["translated"] = True
        body = _text(pane)
    else:
        code = language_code(originals[0]) if originals else None
        raw["language"] = code if code and not raw.get("translators") else "en"
        if transcripts:
            body = _text(transcripts[0][1])
    if raw.get("translators"):
        raw["translated"] = True
    if originals:
        raw["original_languages"] = originals
    if tabs:
        names = {"translation": "Translation", "transcript": "Transcript",
                 "original": "Original"}
        notes["contents"] = "; ".join(
            names[kind] + (f" ({lang})" if lang else "") for kind, lang, _ in tabs)
    return body or None


def _summary(region: Element, found: dict[str, list[Element]]) -> str | None:
    """The archive's summary: the labelled block, else the text block beside the catalog."""
    if "summary" in found:
        return "\n\n".join(filter(None, (_text(n) for n in found["summary"]))) or None
    for block in _xpath(region, './/div[contains(@class, "text-block")]'):
        if "text-block" in (block.get("class") or "").split() and not _outside(block):
            text = _text(block)
            if text:
                return text
    return None


def _donated(h1: Element | None) -> list[str]:
    """Funders named by the line under the title ('made possible with support from X')."""
    if h1 is None or h1.getparent() is None:
        return []
    for p in h1.getparent().iter("p"):
        m = _FUNDED.search(_line(p))
        if m:
            return [m["who"]]
    return []
