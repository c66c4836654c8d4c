"""What every importer needs: names into agents, language names into codes, archive dates."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import CitetoolError

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip

# Language names as the archive writes them, to BCP 47 codes.
LANGUAGES = {
    "english": "en", "russian": "ru", "chinese": "zh", "korean": "ko", "japanese": "ja",
    "german": "de", "french": "fr", "polish": "pl", "czech": "cs", "slovak": "sk",
    "hungarian": "hu", "romanian": "ro", "bulgarian": "bg", "serbian": "sr", "croatian": "hr",
    "serbo-croatian": "sh", "slovenian": "sl", "albanian": "sq", "mongolian": "mn",
    "vietnamese": "vi", "spanish": "es", "portuguese": "pt", "italian": "it", "arabic": "ar",
    "persian": "fa", "farsi": "fa", "hebrew": "he", "turkish": "tr", "ukrainian": "uk",
    "georgian": "ka", "armenian": "hy", "estonian": "et", "latvian": "lv", "lithuanian": "lt",
    "finnish": "fi", "swedish": "sv", "norwegian": "no", "danish": "da", "dutch": "nl",
    "greek": "el", "hindi": "hi", "urdu": "ur", "indonesian": "id", "khmer": "km", "lao": "lo",
    "thai": "th", "burmese": "my", "macedonian": "mk", "belarusian": "be", "kazakh": "kk",
}  # fmt: skip

# Words that make a name an organization rather than a person.
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Ministries|Embassy|Embassies|Consulate|Committee|Commission|Council|"
    r"Department|Office|Bureau|Agency|Party|Government|Secretariat|Presidium|Politburo|"
    r"Directorate|Administration|Institute|Archive|Archives|Library|Project|Program|Programme|"
    r"Center|Centre|Foundation|University|Academy|Association|Union|League|Front|Army|Navy|"
    r"Command|Headquarters|Mission|Delegation|Legation|Section|Division|Staff|Service|Services|"
    r"Society|Congress|Assembly|Cabinet|Court|Bank|Corporation|Company|Board|Group|Federation|"
    r"Organization|Organisation|Republic|Kingdom|State|States|Nations|Station|Authority|"
    r"Chancellery|Secretary|Soviet|Forces|Inc|Ltd|Team|Network|Fund|Trust|Senate|House)\b"
)
_ACRONYM = re.compile(r"^[A-Z0-9&.\-]{2,}$")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "des", "la",
              "le", "ten", "ter", "vom", "zu", "dos", "das", "y"}
_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
# Romanized Chinese, Korean and Vietnamese family names, written first ("Shen Zhihua",
# "Kim Il Sung"). Names also common as English given names ("Lee") are left out.
_EAST_ASIAN_FAMILY = set(
    "Bai Cai Cao Chai Chang Chen Cheng Chiang Chou Chu Cui Dai Deng Ding Dong Du Duan Fan Fang "
    "Feng Fu Gao Ge Gong Gu Guan Guo Han Hao He Hou Hu Hua Huang Ji Jia Jiang Jin Kang Kong "
    "Lai Lei Li Liang Liao Lin Liu Long Lu Luo Lü Ma Mao Meng Mo Nie Pan Peng Qi Qian Qiao Qin "
    "Qiu Ren Ruan Shao Shen Shi Song Su Sun Tan Tang Tao Tian Wan Wang Wei Wen Wu Xi Xia Xiang "
    "Xiao Xie Xiong Xu Xue Yan Yang Yao Ye Yin Yu Yuan Zeng Zhai Zhang Zhao Zheng Zhong Zhou "
    "Zhu Zhuang Zou Kim Pak Park Ri Rhee Yi Choe Choi Jong Jeong Jung Chong Cho Yun Yoon "
    "Jang Chang Im Lim Ryu Yu O Oh Hwang Kwon Ahn An Hong Jeon Chon Ko Go Mun Moon Son Bae Paek "
    "Baek Ho Heo Nam No Noh Ha Kwak Cha Ju Joo U Woo Min Na Chae Won Chun Pyon Hyon Hyun Sin "
    "Shin Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ngo Duong Ly Lee "
    "Tanaka Suzuki Sato Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada "
    "Sasaki Matsumoto Inoue Kimura Hayashi Shimizu Yamaguchi Mori Abe Ikeda Hashimoto Ishikawa "
    "Ogawa Okada Fujita Goto Hasegawa Murakami Kondo Ishii Saito Sakamoto Endo Aoki Fujii "
    "Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa Nakano Harada Ono Tamura "
    "Takeuchi Kaneko Wada Nakayama Ishida Ueda Morita Hara Shibata Sakai Miyazaki Miyamoto "
    "Takeda Murata Ueno Kishi Nakasone Ohira Miyazawa Kaifu Takeshita Hatoyama Yoshino Shiina "
    "Ohno Togo Shigemitsu Kono Miki Sato".split()
)
_ROMAJI = re.compile(r"(?:(?:[kgsztdnhbpmyrwf]|sh|ch|ts|j)?y?[aeiou]|n)+")
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+|with\s+)?|\s+(?:and|with|&)\s+")


def is_org(text: str) -> bool:
    """Whether a name reads as an organization ('the Ministry of ...', 'NKIDP')."""
    words = text.split()
    return bool(
        _ORG_WORDS.search(text)
        or text.lower().startswith("the ")
        or (len(words) == 1 and _ACRONYM.match(text))
    )


def is_acronym(text: str) -> bool:
    """Whether a name is one all-capitals word ('CWIHP', 'NKIDP'), not initials ('L.W.')."""
    return bool(_ACRONYM.match(text)) and "." not in text and any(c.isalpha() for c in text)


def agent(text: str) -> dict[str, Any]:
    """One name as the record model has it: {'org': ...} or person parts."""
    text = " ".join(text.split()).strip(" .,;:")
    if is_org(text):
        return {"org": re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)}
    words = text.split()
    suffix = None
    if len(words) > 1 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        out: dict[str, Any] = {"family": words[0]}
    elif len(words) <= 3 and family_first(words[0], " ".join(words[1:])):
        out = {"family": words[0], "given": " ".join(words[1:]), "family_first": True}
    else:
        cut = len(words) - 1
        while cut > 1 and words[cut - 1] in _PARTICLES:
            cut -= 1
        out = {"given": " ".join(words[:cut]), "family": words[-1]}
        if cut < len(words) - 1:
            out["particle"] = " ".join(words[cut:-1])
    if suffix:
        out["suffix"] = suffix + "." if suffix in ("Jr", "Sr") else suffix
    return out


def agents(text: str) -> list[dict[str, Any]]:
    """A list of names ('A, B and C', 'A with B') as agents."""
    text = " ".join(text.split()).rstrip(".")
    if is_org(text) and not re.search(r"\band the\b|,", text):
        return [agent(text)]
    parts = [p for p in _NAME_SPLIT.split(text) if p and p.strip()]
    return [agent(p) for p in parts]


_EXTRA_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z -]{0,40}):\s+(\S.*?)\s*$")


def extra_lines(text: str) -> tuple[dict[str, str], str]:
    """A note as Zotero's Extra field holds it: its 'Key: value' lines ('Archive Place:
    Beijing'), lowercased keys, apart from the free text."""
    fields: dict[str, str] = {}
    rest = []
    for line in text.splitlines():
        m = _EXTRA_LINE.match(line)
        if m:
            fields[m[1].strip().lower()] = m[2]
        else:
            rest.append(line)
    return fields, "\n".join(rest)


def note_facts(text: str, raw: dict[str, Any], notes: dict[str, str], archive: str = "") -> None:
    """Fill a record from a note that holds the archive's source statement ("PRC FMA
    118-01025-02, 4-6. Obtained by X and translated by Y."), as a reference manager exports
    it: who obtained and contributed it, translators and the location when the record has
    none. A note that names no location (no digit in it: the archive's name, a remark) is kept
    as it is, never taken for a call number, and neither is the archive's name before one."""
    from .statement import parse

    text = " ".join(text.split()).rstrip(".")
    if archive and text.startswith(archive):
        text = text[len(archive):].lstrip(" ,.")
    found = parse(text + ".")
    source = found.pop("source", {})
    if source.get("call_number") and not re.search(r"\d", source["call_number"]):
        notes["note"] = source.pop("call_number")
        source.pop("pages", None)
    if source:
        raw["source"] = {**source, **raw.get("source", {})}
    for key in ("obtained_by", "contributed_by", "translators"):
        if key in found and not raw.get(key):
            raw[key] = found[key]
    notes.update(found.get("notes", {}))


def document_kind(name: str) -> str | None:
    """A kind of document as the record model names it ('Record of Conversation' ->
    'record-of-conversation'), or None when the model has no such kind."""
    from ..model import DOCUMENT_TYPES

    kind = "-".join(name.lower().split())
    return kind if kind in DOCUMENT_TYPES else None


def valid_agents(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of names guessed from text, those the model accepts (no '(((' or overlong names)."""
    from pydantic import ValidationError

    from ..model import Organization, Person

    out = []
    for a in found:
        try:
            (Organization if "org" in a else Person).model_validate(a)
        except ValidationError:
            continue
        out.append(a)
    return out


def language_code(name: str) -> str | None:
    """'Chinese' -> 'zh'; None when the name is not known."""
    return LANGUAGES.get(name.strip().lower())


ARCHIVE_DATE = re.compile(
    r"(?P<circa>c\.\s*|ca\.\s*|circa\s+)?"
    r"(?P<start>(?:[A-Z][a-z]+\s+(?:\d{1,2},\s+)?)?\d{4})"
    r"(?:\s*-\s*(?P<end>(?:[A-Z][a-z]+\s+(?:\d{1,2},\s+)?)?\d{4}))?"
)


def archive_date(text: str, where: str) -> dict[str, Any]:
    """'March 24, 1962', 'March 1962', '1962', 'c. 1962', 'May 1962 - June 1962' as a date:
    the forms of the archive's citations (ARCHIVE_DATE), read by the model's own parser."""
    from ..model import parse_written

    if not ARCHIVE_DATE.fullmatch(text.strip()):
        raise CitetoolError(where, f"cannot read the date {text!r}", "date")
    try:
        return parse_written(text)
    except ValueError as exc:
        raise CitetoolError(where, f"cannot read the date {text!r}: {exc}", "date") from None


_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|"
    r"uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|o|e|i|u|v))+",
)
_KOREAN = re.compile(r"(?:[bcdghjklmnprstwy]{0,3}[aeiouy]{1,3}[kmlngp]{0,2})+")


# Longer than any romanized given name ('Zhuangshuang'); the syllable patterns backtrack
# exponentially on long non-matching words, so longer parts are not tried at all.
_GIVEN_PART_MAX = 14


def _east_asian_given(given: str) -> bool:
    """Whether a given name reads as romanized Chinese or Korean ('Zhihua', 'Il Sung')."""
    parts = [p for p in re.split(r"[\s-]+", given.lower()) if p]
    return bool(parts) and all(len(p) <= _GIVEN_PART_MAX and _syllables(p) for p in parts)


def _syllables(part: str) -> bool:
    return bool(_PINYIN.fullmatch(part) or (len(part) <= 5 and _KOREAN.fullmatch(part))
                or _ROMAJI.fullmatch(part))


def family_first(family: str, given: str | None) -> bool:
    """Whether an inverted name ('Shen, Zhihua') is written family name first."""
    from ..plain import romanesque

    name = family + (given or "")
    if not romanesque(name):
        return True  # Chinese, Japanese or Korean script, written without spaces
    if not re.search(r"[A-Za-z]", name):
        return False  # Cyrillic, Greek, Arabic, Hebrew...: given name first
    # Vietnamese and pinyin with tone marks: the romanization's letters decide ("Phạm Văn Đồng")
    plain = "".join(c for c in unicodedata.normalize("NFKD", family + " " + (given or ""))
                    if not unicodedata.combining(c)).replace("Đ", "D").replace("đ", "d")
    family, _, given = plain.partition(" ")
    return family in _EAST_ASIAN_FAMILY and bool(given) and _east_asian_given(given)


def extra_phrases(phrases: list[str], raw: dict[str, Any]) -> list[str]:
    """Of the phrases a title protects, those its names and hyphen rule do not explain."""
    from ..protect import automatic

    names: set[str] = set()
    for key in ("authors", "recipients", "translators", "obtained_by", "contributed_by"):
        for a in raw.get(key, []):
            if "org" in a:
                names.add(a["org"])
            elif a.get("given"):
                family = " ".join(p for p in (a.get("particle"), a["family"]) if p)
                names |= {f"{a['given']} {family}", f"{family} {a['given']}"}
    out = []
    for phrase in phrases:
        if phrase.strip() and phrase not in names and phrase not in out and not (
                automatic(phrase)):
            out.append(phrase)
    return out
