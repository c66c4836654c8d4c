"""Source statements: newspaper and reprint dates, translator credits in all their forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citetool.importers import statement
from citetool.model import Organization, Person


def _names(agents):
    return [(Organization(**a) if "org" in a else Person(**a)).reading() for a in agents]


def _check(text, want):
    got = statement.parse(text)
    for key, value in want.items():
        if key in ("obtained_by", "translators", "contributed_by"):
            assert _names(got.get(key, [])) == value, key
        elif key in ("call_number", "pages", "reprinted_in"):
            assert got.get("source", {}).get(key) == value, key
        elif key == "notes":
            assert {k: got.get("notes", {}).get(k) for k in value} == value
        else:
            assert got.get(key) == value, key


# --- a date ends a newspaper or reprint reference: it is not a page --------------------------

@pytest.mark.parametrize(
    ("text", "call", "pages"),
    [
        ("Renmin ribao, April 30, 1954.", "Renmin ribao, April 30, 1954", None),
        ("Renmin ribao, April 30, 1954. Translated by Neil Silver.",
         "Renmin ribao, April 30, 1954", None),
        ("Pravda, Sept. 3, 1955", "Pravda, Sept. 3, 1955", None),
        ("Rodong sinmun, 30 April 1954", "Rodong sinmun, 30 April 1954", None),
        ("Nhân Dân, 2 tháng 9, 1969", "Nhân Dân, 2 tháng 9", "1969"),  # not an English month
        ("Neues Deutschland, August 14-15, 1961.", "Neues Deutschland, August 14-15, 1961", None),
        ("Trybuna Ludu, Winter 1957", "Trybuna Ludu, Winter 1957", None),
        ("Le Monde, March 1962", "Le Monde, March 1962", None),
        # a date in another position leaves the real page alone
        ("Renmin ribao, April 30, 1954, 1.", "Renmin ribao, April 30, 1954", "1"),
        ("Izvestiia, 12 May 1955, p. 3.", "Izvestiia, 12 May 1955", "3"),
        ("Pravda (April 30, 1954), 2-3", "Pravda (April 30, 1954)", "2-3"),
        # page labels of other languages: Polish 'k.', German 'Bl.'
        ("AAN, KC PZPR, XI A/15, k. 1-5.", "AAN, KC PZPR, XI A/15", "k. 1-5"),
        ("PA AA, MfAA, C 1088/70, Bl. 12", "PA AA, MfAA, C 1088/70", "Bl. 12"),
        # unlabelled pages that are not years stay pages
        ("PRC FMA 109-01354-04, 59.", "PRC FMA 109-01354-04", "59"),
        ("Fondazione Istituto Gramsci, Cina, 8005, 0123-0129.",
         "Fondazione Istituto Gramsci, Cina, 8005", "0123-0129"),
    ],
)
def test_a_date_ending_a_reference_is_not_a_page(text, call, pages):
    _check(text, {"call_number": call, "pages": pages})


@pytest.mark.parametrize(
    ("text", "reprint"),
    [
        ("Reprinted in Renmin ribao, April 30, 1954.", "Renmin ribao, April 30, 1954"),
        ("RGANI, f. 5, op. 30, d. 1. Originally published in Pravda, 12 May 1955. Translated by X.",
         "Pravda, 12 May 1955"),
        ("Published in Neues Deutschland, August 14, 1961", "Neues Deutschland, August 14, 1961"),
    ],
)
def test_reprints_keep_their_dates(text, reprint):
    _check(text, {"reprinted_in": reprint, "pages": None})


# --- translator credits ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "want"),
    [
        # an affiliation after a comma: an acronym or an organization
        ("Translated by Neil Silver, CWIHP.",
         {"translators": ["Neil Silver"], "notes": {"translated for": "CWIHP"}}),
        ("RGANI, f. 5, op. 30, d. 1, ll. 3-4. Translated by Gary Goldberg, National Security "
         "Archive.", {"translators": ["Gary Goldberg"], "pages": "ll. 3-4",
                      "notes": {"translated for": "National Security Archive"}}),
        ("Translated by Jae-Won Choi, Anna Kovács and Peter Vamos, NKIDP.",
         {"translators": ["Jae-Won Choi", "Anna Kovács", "Peter Vamos"],
          "notes": {"translated for": "NKIDP"}}),
        # in parentheses, shared or one each
        ("Translated by Svetlana Savranskaya (National Security Archive).",
         {"translators": ["Svetlana Savranskaya"],
          "notes": {"translated for": "National Security Archive"}}),
        ("Translated by Svetlana Savranskaya and Malcolm Byrne (National Security Archive).",
         {"translators": ["Svetlana Savranskaya", "Malcolm Byrne"],
          "notes": {"translated for": "National Security Archive"}}),
        ("Translated by Neil Silver (National Security Archive) and Zhang Qian (CWIHP).",
         {"translators": ["Neil Silver", "Zhang Qian"],
          "notes": {"translated for": "National Security Archive; CWIHP"}}),
        # initials, spaced or not
        ("Translated by L.W. Gluchowski.", {"translators": ["L.W. Gluchowski"]}),
        ("Obtained by A.S. Chernyaev and translated by M. Y. Prozumenshchikov.",
         {"obtained_by": ["A.S. Chernyaev"], "translators": ["M. Y. Prozumenshchikov"]}),
        ("Translated by Christian F. Ostermann. Obtained by V. Zubok.",
         {"translators": ["Christian F. Ostermann"], "obtained_by": ["V. Zubok"]}),
        # from a language, with a second translator
        ("Translated from the Polish by L.W. Gluchowski with Malcolm Byrne.",
         {"translators": ["L.W. Gluchowski", "Malcolm Byrne"], "original_languages": ["Polish"]}),
        ("Translated from Hungarian by Balázs Szalontai.",
         {"translators": ["Balázs Szalontai"], "original_languages": ["Hungarian"]}),
        ("Translated from the Russian and German by Gary Goldberg with Anna Melyakova.",
         {"translators": ["Gary Goldberg", "Anna Melyakova"],
          "original_languages": ["Russian", "German"]}),
        ("Translated by Gary Goldberg from the Russian.",
         {"translators": ["Gary Goldberg"], "original_languages": ["Russian"]}),
        # the noun forms
        ("Translation for CWIHP by Christian F. Ostermann.",
         {"translators": ["Christian F. Ostermann"], "notes": {"translated for": "CWIHP"}}),
        ("SAPMO-BArch, DY 30/3386, 12. Translation for the CWIHP by Daniel Rozas.",
         {"translators": ["Daniel Rozas"], "notes": {"translated for": "CWIHP"},
          "call_number": "SAPMO-BArch, DY 30/3386", "pages": "12"}),
        ("English translation by Steven Zaloga.", {"translators": ["Steven Zaloga"]}),
        ("Obtained by Béla Révész; transcribed by Renáta Marosi; translation and editing by "
         "Barnabás Vajda and Laura Deal.",
         {"obtained_by": ["Béla Révész"], "translators": ["Barnabás Vajda", "Laura Deal"],
          "notes": {"transcribed by": "Renáta Marosi",
                    "edited by": "Barnabás Vajda and Laura Deal"}}),
        # "for" after the names
        ("Obtained and translated by Jordan Baev and Kalin Kalinov for the Cold War "
         "International History Project.",
         {"obtained_by": ["Jordan Baev", "Kalin Kalinov"],
          "translators": ["Jordan Baev", "Kalin Kalinov"],
          "notes": {"translated for": "Cold War International History Project"}}),
        # "for" inside an organization's name is part of it
        ("Obtained by the Center for Korean Studies and translated by Jae-Won Choi.",
         {"obtained_by": ["Center for Korean Studies"], "translators": ["Jae-Won Choi"]}),
        ("Obtained for the Center for Korean Studies by Jae-Won Choi.",
         {"obtained_by": ["Jae-Won Choi"],
          "notes": {"obtained for": "Center for Korean Studies"}}),
        # an honorific is not a given name
        ("Translated by Prof. Mark Kramer.", {"translators": ["Mark Kramer"]}),
    ],
)
def test_translator_credits(text, want):
    _check(text, want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # credits inside the location's sentence, after a comma
        ("MOL, XIX-J-1-j Korea, 1965, 11. doboz, 5, 001201/1965, obtained by Balázs Szalontai "
         "and translated by Jae-Won Choi.",
         {"call_number": "MOL, XIX-J-1-j Korea, 1965, 11. doboz, 5, 001201/1965",
          "obtained_by": ["Balázs Szalontai"], "translators": ["Jae-Won Choi"]}),
        ("AVPRF, f. 0102, op. 14, p. 76, d. 8; translated by Gary Goldberg.",
         {"call_number": "AVPRF, f. 0102, op. 14, p. 76, d. 8", "translators": ["Gary Goldberg"]}),
        # no space after the full stop, or no full stop at all
        ("BStU, MfS, ZAIG 1140/1980.Obtained by Bernd Schaefer and translated by Karen Riechert.",
         {"call_number": "BStU, MfS, ZAIG 1140/1980", "obtained_by": ["Bernd Schaefer"],
          "translators": ["Karen Riechert"]}),
        ("PRC FMA 109-01354-04, 59.Translated by Dai Chaowu.",
         {"call_number": "PRC FMA 109-01354-04", "pages": "59", "translators": ["Dai Chaowu"]}),
        ("MOL, 001201/1965 Obtained by Balázs Szalontai.",
         {"call_number": "MOL, 001201/1965", "obtained_by": ["Balázs Szalontai"]}),
        ("Translated by Vladislav Zubok.Obtained by Mark Kramer.",
         {"translators": ["Vladislav Zubok"], "obtained_by": ["Mark Kramer"]}),
        # a quoted file title ends the location
        ("MNL OL, „Jegyzetek 1989. december. 4. M-KS 288. f. 66. d. 28. ő. e.” Obtained by Béla "
         "Révész.", {"call_number": "MNL OL, „Jegyzetek 1989. december. 4. M-KS 288. f. 66. d. "
                                    "28. ő. e.”", "obtained_by": ["Béla Révész"]}),
        # a subject before the verb
        ("Document obtained by the National Security Archive.",
         {"obtained_by": ["National Security Archive"], "call_number": None}),
        # "Jr." does not end the sentence
        ("Translated by John Smith Jr. and Anne de Vries.",
         {"translators": ["John Smith Jr.", "Anne de Vries"]}),
    ],
)
def test_credit_positions(text, want):
    _check(text, want)


@pytest.mark.parametrize(
    "text",
    ["Translated by CWIHP.", "Translated by NKIDP and CWIHP.", "Translated by Gary Goldberg, NSA.",
     "Translation by CWIHP staff.",
     "Obtained and translated by Kathryn Weathersby, CWIHP.",
     "Translated by Neil Silver (NSA) and CWIHP.", "translated by MOL"],
)
def test_organization_acronyms_are_never_translators(text):
    got = statement.parse(text)
    assert all("org" not in a for a in got.get("translators", [])), got
    assert "NSA" in str(got["notes"]) or "CWIHP" in str(got["notes"]) or "MOL" in str(
        got["notes"])


def test_a_lone_acronym_translator_is_kept_in_notes():
    assert statement.parse("Translated by CWIHP.")["notes"] == {"translated by": "CWIHP"}
    assert statement.parse("Translation by CWIHP staff.")["notes"] == {
        "translated by": "CWIHP staff"}
    # an acronym may still obtain a document
    got = statement.parse("Obtained by NKIDP and translated by Balázs Szalontai.")
    assert _names(got["obtained_by"]) == ["NKIDP"]
    got = statement.parse("Obtained by NKIDP staff.")
    assert got["obtained_by"] == [{"org": "NKIDP staff"}]


def test_each_name_is_credited_once():
    got = statement.parse("Obtained by Shen Zhihua. Obtained by Shen Zhihua and translated by "
                          "Shen Zhihua.")
    assert _names(got["obtained_by"]) == ["Shen Zhihua"]
    assert _names(got["translators"]) == ["Shen Zhihua"]


# --- any statement of these shapes -----------------------------------------------------------

PERSON = st.sampled_from(["Jeffrey Wang", "Shen Zhihua", "Anna Kovács", "L.W. Gluchowski",
                          "Christian F. Ostermann", "M. Y. Prozumenshchikov", "Balázs Szalontai",
                          "Sergey Radchenko", "Kim Il Sung", "Anne de Vries"])
ACRONYM = st.sampled_from(["CWIHP", "NKIDP", "NSA", "MOL"])
ORG = st.sampled_from(["National Security Archive", "Cold War International History Project"])
AFFILIATION = st.one_of(
    st.none(),
    ACRONYM.map(lambda a: ("comma", a)),
    st.one_of(ACRONYM, ORG).map(lambda a: ("paren", a)),
)
LANGUAGE = st.sampled_from([None, "Polish", "Russian", "Hungarian", "Chinese", "German"])
LOCATION = st.sampled_from(["PRC FMA 118-01025-02, 4-6", "AVPRF, f. 0102, op. 9, d. 45",
                            "Renmin ribao, April 30, 1954", "MfS, ZAIG 1140/1980",
                            "RGANI, f. 5, op. 30, d. 1, ll. 3-4"])
JOIN = st.sampled_from([". ", "."])


def _and_list(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@settings(max_examples=150, deadline=None)
@given(LOCATION, JOIN, st.lists(PERSON, min_size=1, max_size=3, unique=True), AFFILIATION,
       LANGUAGE, st.sampled_from(["Translated", "Translation", "translated"]),
       st.one_of(st.none(), PERSON))
def test_any_translator_credit(location, join, people, affiliation, language, verb, obtainer):
    credit = f"{verb}"
    if language:
        credit += f" from the {language}"
    credit += " by " + _and_list(people)
    if affiliation and affiliation[0] == "comma":
        credit += ", " + affiliation[1]
    elif affiliation:
        credit += f" ({affiliation[1]})"
    if obtainer:
        credit = f"Obtained by {obtainer} and {credit[0].lower()}{credit[1:]}"
    elif verb == "translated":
        credit = credit[0].upper() + credit[1:]
    text = f"{location}{join}{credit}."
    got = statement.parse(text)
    assert _names(got["translators"]) == people
    assert got["source"]["call_number"] + (
        ", " + got["source"]["pages"] if "pages" in got["source"] else "") == location
    if affiliation:
        assert got["notes"]["translated for"] == affiliation[1]
    if language:
        assert got["original_languages"] == [language]
    if obtainer:
        assert _names(got["obtained_by"]) == [obtainer]
    assert "provenance" not in got.get("notes", {})
