"""CSL-JSON as citetool writes and reads it (schema v1.0.2): variables, names, `custom` keys.

Facts CSL has no variable for go into the item's `custom` object under the keys below, so that
a round trip through CSL-JSON keeps them.
"""

from __future__ import annotations

from typing import Any

ITEM_TYPE = "manuscript"
NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"

# record name list -> CSL name variable
NAME_VARIABLES = {"authors": "author", "recipients": "recipient", "translators": "translator"}
# record source field -> CSL variable
SOURCE_VARIABLES = {"call_number": "archive_location", "collection": "archive_collection",
                    "pages": "page"}
# record field -> key in `custom`
CUSTOM_NAMES = {"obtained_by": "obtained-by", "contributed_by": "contributed-by"}
CUSTOM_SOURCE = {"repository": "repository", "reprinted_in": "reprinted-in"}
CUSTOM_LISTS = {"original_languages": "original-languages", "funders": "funders",
                "subjects": "subjects", "keep_case": "keep-case"}
CUSTOM_OTHER = {"type": "document-type", "source_statement": "source-statement",
                "citation_title": "citation-title",
                "notes": "notes", "translated": "translated",
                "citation_layout": "citation-layout"}
CUSTOM_KEYS = frozenset({*CUSTOM_NAMES.values(), *CUSTOM_SOURCE.values(),
                         *CUSTOM_LISTS.values(), *CUSTOM_OTHER.values()})

# CSL variables the reader understands; every other key goes into notes
READ_VARIABLES = frozenset({
    "id", "type", "title", "title-short", "shortTitle", *NAME_VARIABLES.values(), "issued",
    "archive", *SOURCE_VARIABLES.values(), "archive-place", "URL", "language", "abstract",
    "custom", "keyword", "note", "genre",
})  # fmt: skip


def name(agent: Any) -> dict[str, object]:
    """A CSL-JSON name object: parts for persons, a literal for organizations."""
    if agent.org is not None:
        return {"literal": agent.org}
    out: dict[str, object] = {"family": agent.family}
    if agent.given:
        out["given"] = agent.given
    if agent.particle:
        out["non-dropping-particle"] = agent.particle
    if agent.suffix:
        out["suffix"] = agent.suffix
    if agent.family_first:
        out["static-ordering"] = True
    return out


def agent(value: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON name object as the record model's agent (the inverse of `name`)."""
    if "literal" in value:
        return {"org": str(value["literal"])}
    out: dict[str, Any] = {"family": str(value["family"])}
    if value.get("given"):
        out["given"] = str(value["given"])
    particle = value.get("non-dropping-particle") or value.get("dropping-particle")
    if particle:
        out["particle"] = str(particle)
    if value.get("suffix"):
        out["suffix"] = str(value["suffix"])
    if value.get("static-ordering"):
        out["family_first"] = True
    return out
