"""Records for the benchmark (deterministic for a given N): synthetic, varied and of real size
(the document's text runs to several kilobytes in long paragraphs, as in the seed record,
records/115325.yaml, 6.6 KB), or copies of the seed record under other ids."""

from __future__ import annotations

import random
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "records" / "115325.yaml"

_TYPES = ["telegram", "memorandum", "letter", "record-of-conversation", "report", "cable",
          "minutes", "note"]
_ORGS = ["Ministry of Foreign Affairs", "Ministry of Public Security", "Central Committee",
         "Soviet Embassy in Beijing", "Hungarian Embassy in Pyongyang", "Politburo of the CPSU",
         "National Security Council", "Foreign Ministry of the GDR"]
_GIVEN = ["Jeffrey", "Charles", "Anna", "Sergey", "Kathryn", "Balázs", "Christian", "Malcolm"]
_FAMILY = ["Wang", "Kraus", "Kovács", "Radchenko", "Weathersby", "Szalontai", "Ostermann",
           "Byrne", "Gluchowski", "de Vries"]
_CJK = [("Shen", "Zhihua"), ("Kim", "Il Sung"), ("Zhou", "Enlai"), ("Pak", "Song Chol")]
_TOPICS = ["Ethnic Koreans Crossing the Border", "the Hungarian Events", "the Border Closure",
           "Economic Aid", "the Situation in Laos", "Nuclear Tests", "the Armistice Talks",
           "Trade Negotiations", "Refugees", "the Party Congress"]
_LANGS = ["Chinese", "Russian", "Korean", "German", "Polish", "Hungarian"]
# the words of the text: an archival document's vocabulary, with the brackets, numbers and
# punctuation that translations of such documents carry
_WORDS = ("the of and to in a that [North] Korea China border [our] government ministry "
          "embassy comrade situation question measures people local authorities difficulties "
          "we have been [these] issues, must further production living arrangements; crossing "
          "ethnic Koreans delegation talks agreement economic aid party committee central "
          "report telegram meeting 1962 28,028 vice-minister \"authorization letters\" "
          "temporary approve, leniency negotiations citizens province Jilin Yalu Tumen "
          "rivers. important—[we] understand proposal cooperation sides both").split()


def _paragraph(rng: random.Random, words: int) -> str:
    """A paragraph of text of about this many words, in sentences."""
    out = []
    while len(out) < words:
        sentence = [rng.choice(_WORDS) for _ in range(rng.randint(8, 30))]
        sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
        out += sentence
        out[-1] = out[-1].rstrip(".,;") + "."
    return " ".join(out)


def _text(rng: random.Random) -> list[str]:
    """The document's text as YAML block lines: 2.5 to 7 KB in 4 to 12 long paragraphs,
    separated by blank lines (the seed's text is 4.4 KB in 10 paragraphs)."""
    size = rng.randint(2500, 7000)
    paragraphs: list[str] = []
    while sum(len(p) for p in paragraphs) < size:
        paragraphs.append(_paragraph(rng, rng.choice([6, 12, 40, 90, 140, 200])))
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += [f"  {paragraph}", ""]
    return lines[:-1]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _person(rng: random.Random) -> list[str]:
    if rng.random() < 0.3:
        family, given = rng.choice(_CJK)
        return [f"- family: {family}", f"  given: {given}", "  family_first: true"]
    return [f"- family: {rng.choice(_FAMILY)}", f"  given: {rng.choice(_GIVEN)}"]


def record_text(n: int, rng: random.Random) -> str:
    """One record's YAML: dates exact, partial or approximate; persons and organizations."""
    kind = rng.choice(_TYPES)
    topic = rng.choice(_TOPICS)
    org = rng.choice(_ORGS)
    title = f"{kind.replace('-', ' ').title()} from the {org} on {topic} No. {n}"
    lines = [
        "# yaml-language-server: $schema=record.schema.json",
        f"id: 'b{n:06d}'",
        f"type: {kind}",
        f"title: {_quote(title)}",
        f"short_title: {_quote(kind.split('-')[0].title() + ' on ' + topic.split()[-1])}",
    ]
    year = rng.randint(1945, 1991)
    shape = rng.random()
    if shape < 0.6:
        lines += ["date:", f"  year: {year}", f"  month: {rng.randint(1, 12)}",
                  f"  day: {rng.randint(1, 28)}"]
    elif shape < 0.8:
        lines += ["date:", f"  year: {year}", f"  month: {rng.randint(1, 12)}"]
    elif shape < 0.95:
        lines += [f"date: '{year}~'"]
    lines.append("authors:")
    if rng.random() < 0.6:
        lines.append(f"- org: {org}")
    else:
        lines += _person(rng)
    if rng.random() < 0.7:
        lines.append("translators:")
        for _ in range(rng.randint(1, 3)):
            lines += _person(rng)
    lines += ["archive: Wilson Center Digital Archive",
              f"url: https://digitalarchive.wilsoncenter.org/document/b{n:06d}",
              "source:", f"  call_number: PRC FMA {rng.randint(100, 999)}-{n:05d}-0{n % 9}",
              f"  pages: {rng.randint(1, 50)}-{rng.randint(51, 99)}"]
    statement = (f"PRC FMA {n % 997}-{n:05d}, {rng.randint(1, 9)}-{rng.randint(10, 20)}. "
                 f"Obtained by {rng.choice(_CJK)[0]} {rng.choice(_CJK)[1]} and translated by "
                 f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}.")
    summary = f"A summary of the document on {topic}. " + _paragraph(rng, rng.randint(25, 60))
    lines += [f"source_statement: {_quote(statement)}",
              "language: en", "translated: true", "original_languages:",
              f"- {rng.choice(_LANGS)}",
              f"summary: {_quote(summary)}",
              "funders:", "- MacArthur Foundation",
              "text: |-", *_text(rng)]
    return "\n".join(lines) + "\n"


def seed_copies(folder: Path, n: int) -> list[str]:
    """Write N copies of the seed record under other ids into folder (created); return the ids."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    ids = []
    for i in range(n):
        rid = f"s{i:06d}"
        copy = text.replace("id: '115325'", f"id: '{rid}'").replace(
            "/document/115325", f"/document/{rid}")
        (folder / f"{rid}.yaml").write_text(copy, encoding="utf-8")
        ids.append(rid)
    return ids


def generate(folder: Path, n: int, seed: int = 1) -> list[str]:
    """Write N records into folder (created); return their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        (folder / f"b{i:06d}.yaml").write_text(record_text(i, rng), encoding="utf-8")
        ids.append(f"b{i:06d}")
    return ids
