"""`citetool cite 115325` prints exactly what the style guide shows, in every style."""

from __future__ import annotations

import bibtexparser
import pytest

from citetool.cli import cli

NOTE = (
    "Ministry of Foreign Affairs and Ministry of Public Security, “Telegram from the Ministry of "
    "Foreign Affairs and the Ministry of Public Security on the Issue of Ethnic Koreans Crossing "
    "the Border to Korea,” trans. Jeffrey Wang and Charles Kraus, March 24, 1962, PRC FMA "
    "118-01025-02, pp. 4–6, Wilson Center Digital Archive, "
    "https://digitalarchive.wilsoncenter.org/document/115325."
)
SHORT = "Ministry of Foreign Affairs and Ministry of Public Security, “Telegram on Ethnic Koreans.”"
BIB = (
    "Ministry of Foreign Affairs and Ministry of Public Security. “Telegram from the Ministry of "
    "Foreign Affairs and the Ministry of Public Security on the Issue of Ethnic Koreans Crossing "
    "the Border to Korea.” Translated by Jeffrey Wang and Charles Kraus. March 24, 1962. PRC FMA "
    "118-01025-02, pp. 4–6. Wilson Center Digital Archive. "
    "https://digitalarchive.wilsoncenter.org/document/115325."
)
ARCHIVE = (
    '"Telegram from the Ministry of Foreign Affairs and the Ministry of Public Security on the '
    'Issue of Ethnic Koreans Crossing the Border to Korea", March 24, 1962, Wilson Center Digital '
    "Archive, PRC FMA 118-01025-02, 4-6. Obtained by Shen Zhihua and translated by Jeffrey Wang "
    "and Charles Kraus.\nhttps://digitalarchive.wilsoncenter.org/document/115325"
)
# The style guide shows `titleaddon = {to the ...}`; issue 15 (newer, so it wins) asks that
# nothing print lowercase after a full stop, and biblatex prints titleaddon after the title's
# full stop: "... Border to Korea. To the Chinese Embassy in North Korea."
BIBLATEX = r"""@misc{ministry_of_foreign_affairs_1962,
  author       = {{Ministry of Foreign Affairs} and {Ministry of Public Security}},
  title        = {Telegram from the {Ministry of Foreign Affairs} and the {Ministry of Public Security} on the Issue of Ethnic {Koreans} Crossing the Border to {Korea}},
  shorttitle   = {Telegram on Ethnic {Koreans}},
  titleaddon   = {To the {Chinese Embassy in North Korea}},
  date         = {1962-03-24},
  translator   = {Wang, Jeffrey and Kraus, Charles},
  howpublished = {PRC FMA 118-01025-02, pp.~4--6},
  library      = {PRC FMA 118-01025-02},
  organization = {Wilson Center Digital Archive},
  url          = {https://digitalarchive.wilsoncenter.org/document/115325},
  langid       = {american},
  addendum     = {Obtained by Shen Zhihua},
}"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], NOTE),
        (["--style", "chicago-note"], NOTE),
        (["--style", "chicago-short"], SHORT),
        (["--style", "chicago-bibliography"], BIB),
        (["--style", "archive"], ARCHIVE),
        # the guide's example is keyed by author and year; the default key is the record id
        (["--style", "biblatex", "--key", "author-year"], BIBLATEX),
        (["--style", "biblatex"], BIBLATEX.replace("ministry_of_foreign_affairs_1962", "115325")),
        (["--page", "5"], NOTE.replace("pp. 4–6", "p. 5")),
        (["--style", "chicago-short", "--page", "5"], SHORT.replace("Koreans.”", "Koreans,” 5.")),
    ],
)
def test_seed_styles(runner, args, expected):
    result = runner.invoke(cli, ["cite", "115325", *args])
    assert result.exit_code == 0, result.output
    assert result.output == expected + "\n"


def test_seed_bibtex_keeps_the_facts(runner):
    result = runner.invoke(cli, ["cite", "115325", "--style", "bibtex"])
    lib = bibtexparser.parse_string(result.output)
    assert not lib.failed_blocks
    (entry,) = lib.entries
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert "PRC FMA 118-01025-02, pp.~4--6" in fields["howpublished"]
    assert "Translated by Jeffrey Wang and Charles Kraus" in fields["note"]
    # the day rides in `month` (styles print "March 24, 1962"), not again in the note
    assert fields["year"] == "1962" and fields["month"] == "mar # {~24,}"
    assert "1962" not in fields["note"]
