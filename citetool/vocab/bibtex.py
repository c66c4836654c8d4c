"""BibTeX and BibLaTeX as citetool writes and reads them: fields, months, language ids, notes.

There is no archival entry type: both use @misc, with the call number and pages in
`howpublished` so that standard styles print them (see the style guide).
"""

from __future__ import annotations

ENTRY_TYPE = "misc"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# record language (BCP 47) -> babel/polyglossia language id, as written
LANGIDS = {
    "en": "american", "en-US": "american", "en-GB": "british", "ru": "russian",
    "de": "ngerman", "fr": "french", "pl": "polish", "cs": "czech", "hu": "magyar",
    "es": "spanish", "it": "italian", "pt": "portuguese", "bg": "bulgarian", "ro": "romanian",
    "sk": "slovak", "uk": "ukrainian", "sr": "serbian", "hr": "croatian",
}  # fmt: skip
# language ids other tools write, read as well
_OTHER_LANGIDS = {
    "english": "en", "USenglish": "en", "UKenglish": "en-GB", "german": "de",
    "hungarian": "hu", "chinese": "zh", "korean": "ko", "japanese": "ja",
}  # fmt: skip
LANGUAGES = {**{v: k for k, v in reversed(LANGIDS.items())}, **_OTHER_LANGIDS}

# the sentences of `note` (BibTeX) and `addendum` (BibLaTeX) that carry record fields
TRANSLATED_BY = "Translated by "
OBTAINED_BY = "Obtained by "
CONTRIBUTED_BY = "Contributed by "
DATED = "Dated "  # read only: older exports wrote the full date in `note`
TO = "To "  # `titleaddon`: the recipients the title does not name, as a sentence

# BibLaTeX: every recipient, when `titleaddon` leaves out those the title already names
# (a custom name list that the standard styles do not print)
RECIPIENTS = "namea"

# every field the reader understands; any other is kept in the record's notes
READ_FIELDS = frozenset({
    "author", "title", "shorttitle", "titleaddon", "date", "year", "month", "day",
    "translator", "howpublished", "library", "organization", "institution", "url", "langid",
    "addendum", "note", "abstract", "keywords", "origlanguage", "pages", "archive",
    "archiveprefix", "key", RECIPIENTS, "archive_location", "type",
})  # fmt: skip
