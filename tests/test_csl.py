"""CSL-JSON validates against the official schema (a copy kept under tests/)."""

from __future__ import annotations

import json

import jsonschema
from conftest import HERE

from citetool.formats import csljson

SCHEMA = json.loads((HERE / "conformance" / "csl-data.json").read_text(encoding="utf-8"))


def test_every_record_validates(records):
    data = json.loads(csljson.CSL_JSON.render(list(records.values())))
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    assert len(data) == len(records)


def test_names_protected_with_nocase(records):
    item = csljson.item(records["f18"])
    assert '<span class="nocase">Lee Hu-rak</span>' in item["title"]
    item = csljson.item(records["f19"])
    assert '<span class="nocase">Chiang Ching-kuo</span>' in item["title"]


def test_facts_without_csl_variable_go_to_custom(records):
    item = csljson.item(records["115325"])
    assert item["custom"]["obtained-by"] == [{"family": "Shen", "given": "Zhihua",
                                              "static-ordering": True}]
    assert item["custom"]["funders"] == ["MacArthur Foundation"]
    assert "note" not in item
