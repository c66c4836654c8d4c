"""Synthetic, varied, valid records for the benchmark (deterministic for a given N)."""

from __future__ import annotations

import random
from pathlib import Path

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
    lines += ["language: en", "translated: true", "original_languages:",
              f"- {rng.choice(_LANGS)}",
              f"summary: {_quote('A summary of the document on ' + topic + '.')}",
              "funders:", "- MacArthur Foundation",
              "text: |-"] + [f"  Paragraph {i} of the text about {topic}." for i in range(20)]
    return "\n".join(lines) + "\n"


def generate(folder: Path, n: int, seed: int = 1) -> list[str]:
    """Write N records into folder (created); return their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        (folder / f"b{i:06d}.yaml").write_text(record_text(i, rng), encoding="utf-8")
        ids.append(f"b{i:06d}")
    return ids
