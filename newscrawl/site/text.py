"""Plain-text helpers shared by the page parsers and the pipelines."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from newscrawl.site.dates import MONTH_NAMES

# the wire agencies of the languages read (Spain's, Portugal's, Italy's, Finland's, Switzerland's,
# Austria's, Germany's churches' ...) and the word for agencies
WIRE_AGENCIES = ("Reuters", "Thomson Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse",
                 "Agence France Presse", "Bloomberg", "PA Media", "Dow Jones", "dpa", "ANI", "PTI", "IANS", "Xinhua",
                 "Kyodo", "Yonhap", "EFE", "Agencia EFE", "Europa Press", "Lusa", "Agência Lusa", "ANSA", "STT", "NTB",
                 "Ritzau", "Belga", "ANP", "APA", "SDA", "Keystone-SDA", "ATS", "AWP", "KNA", "epd", "AAP",
                 "Canadian Press", "Anadolu", "Anadolu Agency", "TASS", "Interfax", "Notimex", "Télam", "Agência Brasil",
                 "Agencias", "Agenturen", "Agences", "Agencies")

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# after "Text": the photographer credited with the writer, one person ("Text & Fotos: Ivan Valetny")
AND_PHOTOS = r"(?:\s*(?:&|und|and|y|e|et|\+|/)\s*(?:fotos?|bilder?|photos?))?"
# the words before "by" in a CMS's byline template (WordPress's "Posted by", Drupal's "Submitted by",
# Blogger's "Publicado por", "Publié par"), and its date before the "by" ("Posted on March 3, 2020
# by", "March 3, 2020 by", "Publicado el 3 de marzo de 2020 por"): a four-digit year ends it
# (not "Published by": the portal's "Published by Global Banking & Finance Review®" credits the
# publisher, its writer's "By Brenda Goh" comes further down)
BY_PREFIX = (r"(?:posted|submitted|created|reported|contributed|publicado|publicada|publié|publiée|"
             r"posté|postado|rédigé|redactado|escrita|gepostet|veröffentlicht|geplaatst)")
DATE_THEN_BY = (rf"(?:(?:{BY_PREFIX}|published)\s+)?(?:on\s+|el\s+|le\s+|em\s+|am\s+)?(?=[^\W_])[\w.,/ -]{{0,30}}\b\d{{4}}"
                r"(?:,?\s*(?:at|à|a\s+las|um)?\s*\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?)?\s+(?=by|por|par|von)")
_BY = re.compile(rf"^\s*(?:{DATE_THEN_BY})?(?:(?:(?:written|analysis|opinion|commentary|story|words|text|reporting|{BY_PREFIX})\s+)?by[:\s]+"
                 r"|(?-i:By(?=[A-Z][a-z]))"  # glued: "ByTravis Haney"
                 # the same word in other languages (von, por, par, door, av, di) and labels (Autor: ...)
                 r"|(?:(?:text|texte|artikel|eine?\s+(?:gast)?(?:beitrag|kolumne|kommentar|essay|analyse)|geschrieben|"
                 rf"verfasst|escrito|écrit|scritto|{BY_PREFIX})\s+)?"
                 r"(?:von|por|par|door|av|di)\s*:?\s+(?=[^\W\d_])"
                 r"|(?:(?:scritto|pubblicato)\s+da|erstellt\s+von)\s+(?=[^\W\d_])|(?:author(?:s|\(s\))?|autor|autora|autorin|auteur|autore|"
                 r"text[oe]?" + AND_PHOTOS + r"|words|teksti|kirjoittaja|toimittaja|redaktion|redacción|interview)\s*:\s*)",
                 re.I)
# Where a byline's names end: a date, a time, "Updated"/"Published", a handle, "N hours ago";
# also glued to the last name ("Jeff FoustMonday, November 18, 2019").
_DAY = (r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|"
        r"Sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|"
        r"sábado|domingo)")
_FOREIGN_MONTH = "|".join(name for names in MONTH_NAMES.values() for name in names.split() if len(name) > 3)
_MONTH_NAME = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
_MON = _MONTH_NAME + r"\.?\s+\d{1,2}\b"
_BYLINE_END = re.compile(
    rf"(?:^|(?-i:(?<=[a-z])(?=[A-Z\d]))|\s+(?:(?:on|am|vom|le|el|em|il|op|den)\s+)?|\s*[-–—|•·]\s*)(?:{_DAY}\b|{_MON}|"
    rf"\d{{1,2}}\s+{_MONTH_NAME}\s+\d{{4}}|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_FOREIGN_MONTH})\b|"
    # Drupal's "Submitted by Jane Smith on Tue, 03/03/2020": a short day after "on" only
    r"(?<=\son\s)(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b|"
    r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|"
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|(?:(?:Last|Zuletzt)\s+)?(?:Updated|Published|Posted|Modified)\b|"
    r"(?:Aktualisiert|Veröffentlicht|Publié|Publicado|Actualizado|Atualizado)\b|"
    r"(?-i:Alles?\s+(?:Artikel|Beiträge|von)|Mehr\s+von|Tous\s+les\s+articles|Más\s+de|Autor(?:in)?|"
    r"Redakteur(?:in)?)\b|Stand\s*:|"
    # another credit after the writer's: "Illustration von Markus Roost", "Photos by", "Fotos:"
    r"(?:Illustrat(?:ion|ionen|ions?)|Fotos?|Photos?|Photographs?|Bilder?|Grafik(?:en)?)\s*(?:von\b|by\b|:)|"
    r"\d+\s+(?:mins?|minutes?|hours?|days?)\s+ago|\d+\s*min(?:ute)?s?\s+read|View\s+(?:More|all)\b|Follow\b|"
    # share and follow labels, glued or not: "Sarah LazareTwitter Today", "Jane Doe Email Facebook"
    r"(?-i:Twitter|Facebook|LinkedIn|Linkedin|Instagram|Threads|Bluesky|Mastodon|TikTok|YouTube|E-?mail|Share|"
    r"Subscribe|Contact|More\s+by|Read\s+more|See\s+all|All\s+(?:articles|stories|posts))\b)"
    r"|\s*@\w|\s+/\s+"
    # "Michael Larabel in Valve on 1 June 2019" (a section), "谢若含2017-03-01" (a date glued to any script)
    # (also "en", "em", "dans": Blogger's "Publicado por Juana Pérez en Noticias")
    r"|(?-i:\s+(?:in|en|em|dans)\s+(?=[A-Z]))|(?<=[^\W\d_])(?=\d{4}-\d{2}-\d{2})"
    # the publication written for: "By Jane Smith for the Daily Mail", "Von Hans Müller für die Zeit"
    r"|(?-i:\s+(?:for|für|pour|para)\s+(?=(?:the|die|der|das|la|le|el|o|a)?\s*[A-Z]))", re.I)
_GLUED_AGENCY = re.compile(r"(?<=[a-z])(?<!Thomson)(?<!\bThe)\s*(?=(?:Associated Press|Reuters|AFP)\b)"
                           r"|(?<=[A-Z]{2})(?=Associated Press\b)")
_BLANK_LINE = re.compile(r"\n\s*\n")
_HANDLE = re.compile(r"[\d_]")
# co-authors in parentheses: "(with ...)", "(avec ...)", "(mit ...)", "(con ...)", "(com ...)"
_WITH = re.compile(r"\s*\((?:with|avec|mit|con|com)\s+([^()]+)\)", re.I)
_WITH_BARE = re.compile(r"(?<!conversation)\s+(?:with|avec)(?:\s+|,\s*)(?=[^\W\d_])")
# a catalogue's "Surname, Given" (dcterms.creator, parsely-author): one person, not two
_SURNAME_FIRST = re.compile(r"^([A-Z][a-z'’\-]+),\s*([A-Z][a-z'’\-]+)$")
# "and" between names, in English, German, Spanish, French, Portuguese and Italian, Finnish, Swedish,
# Danish and Norwegian; an interview's "X im Gespräch mit Y" (Deutschlandfunk), "X in conversation with Y"
_AND_WORDS = r"and|und|y|et|e|ja"
_AND = re.compile(rf"\s+(?:{_AND_WORDS}|och|og|im\s+Gespräch\s+mit|in\s+conversation\s+with)\s+|\s*&\s*")
_OXFORD_AND = re.compile(rf"^(?:{_AND_WORDS})\s+(?=\S)")  # "Jane Smith, John Doe, and Ana Lima"
_DOMAIN = re.compile(r"\w\.(?:com|net|org|co\.uk|co|in|ca|ie|com\.au|news)$", re.I)
_ROLE_WORDS = re.compile(
    r"\b(at|of|for|and\s+head|chief|ceo|cfo|cto|coo|head|director|manager|partner|founder|"
    r"co-founder|president|vice|analyst|economist|strategist|editor|correspondent|reporter|"
    r"writer|columnist|contributor|officer|lead|senior|principal|professor|adviser|advisor|"
    r"consultant|specialist|associate|executive|chairman|chair|staff|team|desk)\b"
    # German roles, also as a compound's end ("Projektleiterin", "Pressesprecher", "Geschäftsführer")
    r"|\b\w+(?:leiter|sprecher|führer|referent|direktor|vorsitzende|beauftragte)(?:in|r)?\b"
    r"|\b(?:leiterin|sprecherin|referentin|direktorin|redakteur|redakteurin|korrespondentin|vorsitzende)\b",
    re.I)
# a name's words: a letter (a capital, or one of a script without case: checked in _looks_like_name)
# then word characters, or a particle
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.\-]*)$")
_PARTICLE = re.compile(r"^(?:de|da|del|der|van|von|bin|al|al-\w+|la|le|du|di|dos|mc\w*)$")
DATELINE = re.compile(
    r"^\s*([A-Z][A-Z./'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'’\- ]{1,30})?)\s*\(([A-Z][A-Za-z.&' ]{1,30})\)\s*[-–—]+\s*")


def clean(text: str | None) -> str:
    """Collapse runs of white space into one space and trim; soft hyphens (U+00AD, where a line
    may break: "Mat\u00adthi\u00adas") go, as a reader never sees them."""
    if not text:
        return ""
    if "  " not in text and text.isprintable():  # no tab, no-break or other space to collapse: most texts
        return text.strip()
    return _WS.sub(" ", text.replace("\u00ad", "")).strip()


def clean_block(text: str | None) -> str:
    """Normalize a multi-paragraph text: lines trimmed, one blank line between paragraphs."""
    if not text:
        return ""
    paras = [clean(p) for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text)]
    out = []
    for p in paras:
        lines = [clean(line) for line in p.split("\n")]
        joined = " ".join(x for x in lines if x)
        if joined:
            out.append(joined)
    return "\n\n".join(out)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def word_count(body: str | None) -> int:
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", body or ""))


def content_hash(body: str | None) -> str:
    """Stable hash of a normalized body (NFC, white space collapsed per paragraph)."""
    norm = clean_block(nfc(body or ""))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def _lowered(agencies: tuple[str, ...]) -> frozenset[str]:
    return frozenset(a.lower() for a in agencies)


def is_agency(name: str, agencies=WIRE_AGENCIES) -> bool:
    name, known = clean(name).lower().rstrip("."), _lowered(tuple(agencies))
    return name in known or name.removeprefix("the ") in known


def is_publisher(part: str, publishers=()) -> bool:
    """A part of a byline that names the publication, not a person: the site's own name or
    one that begins with it ("CNN Business" on CNN), or a domain ("Cleveland.com")."""
    p = part.lower().strip(" .")
    if _DOMAIN.search(p):
        return True
    return any(p == n or p.startswith(n + " ") or (" " in p and n.startswith(p + " ")) for n in publishers)


_TITLE_ONLY = re.compile(r"(?:prof|dr|mr|mrs|ms|mag|dipl|ing)\.?", re.I)


# a sign-in form's labels where a user's name will be ("<span class="username">Username</span>")
_FORM_WORDS = re.compile(r"(?:user\s*name|benutzername|nutzername|log\s*in|sign\s+in|anmelden|password|passwort)", re.I)


def _looks_like_name(part: str) -> bool:
    tokens = part.split()
    if not 1 <= len(tokens) <= 5 or _ROLE_WORDS.search(part) or _TITLE_ONLY.fullmatch(part) or _FORM_WORDS.fullmatch(part):
        return False
    return all(_PARTICLE.match(t) or (_NAME_TOKEN.match(t) and not t[0].islower()) for t in tokens) \
        and part[0].isalpha() and not part[0].islower()


_STAFF = re.compile(r"^(?:the\s+)?[A-Z][\w&'’.\- ]{0,60}?\s(staff|desk|newsroom|news\s+team|"
                    r"editorial(?:\s+(?:team|staff|board|desk))?|(?:web|online|redaktions)?team|reporters)$"
                    r"|^staff\s+(reports?|writers?|reporters?|correspondents?)$"
                    # a staff credit naming the publisher: "Staff GBAF Publications Ltd."
                    r"|^(staff)\s+[A-Z][\w&'’.\- ]{0,60}\s(?:ltd|limited|inc|llc|plc|publications|publishing|media|"
                    r"group|news|press)\.?$", re.I)
_STAFF_ROLE = re.compile(r"^staff\s+(?:writers?|reporters?|correspondents?)$", re.I)  # after a name: a role
_LEADING_ROLE = re.compile(r"^(?:(?:guest\s+)?(?:editor|contributor|columnist|correspondent|reporter|writer)"
                           r"(?:-at-large)?\s*:?\s+"
                           # German, also as a compound's end ("FOCUS-Online-Experte", "Gastautorin")
                           r"|(?:[\w-]+-)?(?:gast|chef)?(?:experte|expertin|rechtsanwalt|rechtsanwältin|redakteur|"
                           r"redakteurin|autor|autorin|korrespondent|korrespondentin|reporterin|journalist|"
                           r"journalistin)\s+)+(?=[A-ZÄÖÜ])", re.I)


def is_desk(name: str, agencies=WIRE_AGENCIES) -> bool:
    """A group byline of a newsroom ("GBAF News Desk", "Editorial Team"), not an agency's."""
    name = clean(name)
    m = _STAFF.match(name)
    if m and (m.group(2) or m.group(3)):
        return True  # "Staff Reports", "Staff GBAF Publications Ltd."
    if not m or _ROLE_WORDS.search(name[: m.start(1)]):
        return False  # "Head of Research Team" is a role, not a desk
    return not _agency_group(name, agencies)


def _agency_group(name: str, agencies) -> bool:
    """An agency or a group of it: "Reuters", "Reuters Staff", "AP Newsroom"."""
    n = name.lower()
    return any(n == a or n.startswith(a + " ") for a in _lowered(tuple(agencies)))


# The portal's own names: a byline such as "Global Banking & Finance Review Staff" stays whole.
SITE_NAMES = ("Global Banking & Finance Review", "Global Banking and Finance Review", "GBAF")


def _staff_byline(part: str, site_names) -> bool:
    """A byline of the portal itself: its name, or its name and a group ("... Staff")."""
    p = part.lower().rstrip("®™ ")
    return any(p == n.lower() or (p.startswith(n.lower() + " ") and _STAFF.match(part)) for n in site_names)


def split_byline(text: str | None, agencies=WIRE_AGENCIES, site_names=(), publishers=(),
                 user_names: bool = False) -> list[str]:
    """See :func:`_split_byline` (bylines repeat from page to page: each is split once).
    ``publishers``: the page's own names, lower-cased (``Page.publisher_names``);
    ``user_names``: the text is a person's name by its markup (rel=author, a Person's name in
    JSON-LD), so a user name in lower case alone ("reineckefuchs") is one."""
    if not text:
        return []
    names = list(_split_byline(text, tuple(agencies), tuple(site_names), tuple(publishers)))
    if not names and user_names:
        alone = _BY.sub("", clean(text) or "").strip(" .;:-–—|")
        return [alone] if _user_name(alone) else []
    return names


def _as_name(part: str) -> str:
    """A name as people write it: "LISA MASCARO" is Lisa Mascaro."""
    return part.title() if part.isupper() and " " in part else part


@lru_cache(maxsize=8192)
def _split_byline(text: str, agencies: tuple, site_names: tuple, publishers: tuple = ()) -> tuple[str, ...]:
    """The names a byline shows: "By Brenda Goh and David Kirton" gives two names; a staff or
    desk byline of the site stays whole ("GBAF News Desk"); roles ("Jane Smith, Chief
    Economist at X", "Contributor Jane Smith"), credentials ("Jane Smith, MS, RD"), agencies
    ("..., Reuters"), the publication ("Jill Disis, CNN Business") and what follows the names
    (a date, "Updated ...", a handle) are dropped."""
    text = _SURNAME_FIRST.sub(r"\2 \1", _names_part(text).replace("/", ", "))  # "Gillman, Steve"; "Peter Maahn/SP-X"
    text = _WITH.sub(r", \1", text)  # "Martin Untersinger (avec Damien Leloup et Morgane Tual)"
    text = _WITH_BARE.sub(", ", text)  # "Jeanne Dupont avec AFP", "Jane Smith with John Doe"
    names: list[str] = []
    # "Jane Smith, Chief Economist at X" -> drop from the first part that is a role
    for chunk in (_OXFORD_AND.sub("", c.strip(" .;:-–—|•·")) for c in re.split(r"[,;]", text)):
        if chunk and _take_chunk(re.sub(r"\s*\(.*?\)\s*", " ", chunk).strip(), names, agencies, site_names,
                                 publishers):
            break
    return tuple(without_handles(names))


# a user name in lower case ("reineckefuchs", "fri.juli"), not a word a byline box also shows
_USER_NAME = re.compile(r"^[a-z][a-z\d_.\-]{2,29}$")
_NO_USER = frozenset({"admin", "administrator", "editor", "redaktion", "staff", "user", "guest", "anonymous",
                      "unknown", "autor", "author", "none", "null", "undefined", "webmaster", "redaktor"})


def _user_name(text: str) -> bool:
    return bool(_USER_NAME.match(text)) and text not in _NO_USER


def without_handles(names: list[str]) -> list[str]:
    """People's names without the user names beside them ("James Akinaka", "CC7567"): a name
    with a digit or an underscore is a handle when others are people's; alone, it stays."""
    people = [n for n in names if not _HANDLE.search(n)]
    return people if people else names


def _names_part(text: str) -> str:
    """The part of a byline that holds its names: no "By", nothing from the first date,
    "Updated", handle or full stop on; nothing after a blank line in its source, once a name
    came before it ("Tomas Spahn\n\n\n Fr, 18. Oktober")."""
    text = clean(text)
    if not text:
        return ""
    text = _BY.sub("", text)
    text = next((part for part in _BLANK_LINE.split(text) if part.strip()), "")
    text = _GLUED_AGENCY.sub(", ", text)
    end = _BYLINE_END.search(text)
    if end:
        if end.start() == 0:
            return ""  # "View More Articles", "Updated ...": no names before it
        text = text[:end.start()]
    # "Finian Cunningham. Sputnik International": after a full stop comes no co-author
    return re.split(r"\s+[|–—•·]\s+|\s+-\s+|(?<=[a-z]{2})\.\s+(?=[A-Z])", text)[0]


def _take_chunk(chunk: str, names: list[str], agencies: tuple, site_names: tuple, publishers: tuple) -> bool:
    """Add the names of one comma-separated part of a byline; True when the names end here."""
    if is_agency(chunk, agencies) or (_agency_group(chunk, agencies) and not _AND.search(chunk)):
        # "Reuters, Washington": a dateline follows the agency; "Brenda Goh, Reuters": the
        # agency is the source, not an author
        return not names
    if _staff_byline(chunk, site_names):  # the site's name may hold "&" or "and"
        if chunk not in names:
            names.append(chunk)
        return False
    if is_publisher(chunk, publishers):
        if not names and is_desk(chunk, agencies):  # "AOL Staff": the publication's staff credit
            names.append(_as_name(chunk))
            return False
        # "Troy L. Smith, Cleveland.com": the affiliation ends the names; "hessenschau.de,
        # Frankfurt, Germany": the publication's place follows it, as a dateline follows an agency
        return True
    return _take_people(chunk, names, agencies, publishers)


def _take_people(chunk: str, names: list[str], agencies: tuple, publishers: tuple) -> bool:
    """The people of "Jane Smith and John Doe"; True when a role or affiliation ends the names."""
    for part in (p.strip(" .;:") for p in _AND.split(chunk)):
        part = _LEADING_ROLE.sub("", part).strip()
        if not part or is_agency(part, agencies):
            continue
        if names and " " not in part:
            return True  # "Sandee LaMotte, CNN", "Jane Smith, MS, RDN": no second person
        if is_publisher(part, publishers):
            continue
        if _looks_like_name(part) or (is_desk(part, agencies) and not (names and _STAFF_ROLE.match(part))):
            part = _as_name(part)
            if part not in names:
                names.append(part)
        elif names:
            return True  # a role or affiliation ends the list of names
    return False


def looks_like_byline(text: str, site_names=(), publishers=()) -> bool:
    """A short paragraph such as "By Brenda Goh" or "By Jane Smith, Partner at X"."""
    t = clean(text)
    return bool(_BY.match(t)) and len(t) <= 160 and bool(split_byline(t, site_names=site_names,
                                                                       publishers=publishers))


def dateline_source(text: str | None) -> str | None:
    """The wire agency of a dateline such as "SHANGHAI (Reuters) - "."""
    m = DATELINE.match(text or "")
    return clean(m.group(2)) if m else None


_WORDS = re.compile(r"[^\W_]+")


def same_headline(a: str | None, b: str | None, whole: bool = False) -> bool:
    """Do two headlines name the same story: equal, or sharing most of their words (an SEO
    variant of the visible headline)? Case, punctuation and the order of words aside. ``whole``:
    most of the longer one's words too (not a heading that names a part of the story)."""
    if not a or not b:
        return False
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not wa or not wb:
        return False
    of = max(len(wa), len(wb)) if whole else min(len(wa), len(wb))
    return wa == wb or (min(len(wa), len(wb)) >= 3 and len(wa & wb) / of >= 0.6)
