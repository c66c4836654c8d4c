"""The archive style: the archive's pattern, verbatim or rebuilt from structured fields."""

from __future__ import annotations

import re

from citetool.formats import archive


def test_pattern_for_every_record(records):
    for record in records.values():
        text = archive.citation(record)
        first, *rest = text.split("\n")
        if record.citation_layout == "legacy":
            assert first.startswith(f"“{record.title},” ")
        else:
            assert first.startswith(f'"{record.title}", ')
        assert f", {record.archive}" in first
        assert first.endswith(archive.statement(record))
        assert rest == ([record.url] if record.url else [])


def test_rebuilt_statement(records):
    assert archive.statement(records["f24"]) == (
        "RGANI f. 5, op. 61, d. 466, 118-121. Obtained by Shen Zhihua and contributed by "
        "Sergey Radchenko."
    )
    assert archive.statement(records["f35"]).endswith(
        "Obtained by Shen Zhihua and translated by Charles Kraus, Jeffrey Wang and Shen Zhihua."
    )


def test_legacy_layout_pads_the_day(records):
    assert "“Letter to Comrade Stalin,” July 01, 1950, History and Public Policy Program" in (
        archive.citation(records["f27"])
    )


def test_dates():
    from citetool.model import Date

    assert Date.model_validate("1962-03").plain_text() == "March 1962"
    assert Date.model_validate("1962").plain_text() == "1962"
    assert re.match(r"c\. 1955", Date.model_validate("1955~").plain_text())
