"""What the words around a name say about the part a person plays in a document.

The vocabulary of cues (Bokmål and Nynorsk): labels before a name ("Møteleder:",
"v/", "Kontakt"), verbs of taking part with a talk or an event as their object
("snakket om", "åpnet konferansen", "holdt foredrag"), role nouns after it
("førelesar", "konferansier"), and the words that say a name has no part here
(photo credits, bylines, case officers, names inside names of things).
"""

from __future__ import annotations

import re

from absolutt_kb.roles import role
from ingest.layout import Block

# The cue words of each part, Bokmål and Nynorsk side by side, come from the one role vocabulary.
ORGANISER = role("organiser").cues
CONTACT = role("contact").cues
PRESENTER = role("presenter").cues
ORGANISER_RE = re.compile(rf"\b(?:{ORGANISER})", re.IGNORECASE)
CONTACT_RE = re.compile(rf"\b(?:{CONTACT})", re.IGNORECASE)
_PRESENTER_RE = re.compile(rf"(?:{PRESENTER})", re.IGNORECASE)
# A verb of taking part, soon after the name: "Trude Havik snakket om …", "fortel Torgeir …".
_EVENT = (
    r"konferanse\w*|samling\w*|samlinga|seminar\w*|webinar\w*|møtet|dagen|programmet|sesjon\w*|kurset|fagdag\w*|"
    r"panel\w*|debatt\w*|samtale\w*|workshop\w*|nettverk\w*"
)
_TALK = r"innlegg\w*|foredrag\w*|innleiing\w*|innledning\w*|presentasjon\w*|forelesning\w*|førelesing\w*|tale|appell"
# A verb of taking part, close after the name, with a talk or an event as its object (news verbs alone are not cues):
# "Trude Havik snakket om …", "X åpnet konferansen", "Y holdt foredrag", "Z var konferansier".
_SPEAKS = re.compile(
    rf"\b(?:snakket|snakka|snakker|presenterte|presenterer|innledet|innleidde|innleier|innleder|foreleste|forelas|"
    rf"(?:fortalte|fortel|forteller|orienterte|orienterer|delte\s+erfaring\w*)\s+om|"
    rf"(?:åpnet|opna|opnar|åpner|avsluttet|avslutta|ledet|leia|leder|leiar)\s+(?:\w+\s+)?(?:{_EVENT})|"
    rf"(?:heldt|holdt|holder|hadde|la fram|med\s+sin(?:e)?)\s+(?:\w+\s+){{0,3}}(?:{_TALK}|sesjon\w*)|"
    rf"deltok\s+(?:på|i)\s+(?:\w+\s+)?(?:{_EVENT})|"
    rf"på\s+(?:\w+\s+){{0,3}}(?:sesjon|parallellsesjon)|var\s+(?:\w+\s+){{0,3}}(?:keynote\w*|konferansier|"
    rf"foredragsholder|innleder|innleiar|møteleder|ordstyrer|ordstyrar|programleder)|ønsket velkommen|ønskte velkomen|"
    rf"innleigd|prosessrettleiar|prosessveileder)\b",
    re.IGNORECASE,
)
_ORGANISER_VERB = re.compile(r"\b(?:konferansier|ledet|leia|leder|leiar|møteleder|ordstyrer|ordstyrar|programleder)\b", re.IGNORECASE)
# Where a name is not a person the document gives a part.
VETO = re.compile(
    r"\b(?:foto|fotograf|photo|illustrasjon|saksbehandler|saksbehandlar|sekretær|referent|arkivsak\w*|"
    r"musikalsk|fiolinist\w*|musiker|musikar|takk til|takket|takka|in memoriam|minneord)\b",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^\s*(?:av|tekst|tekst og foto|skrevet av|skrive av|by|forfatter)\s*:?\s*$", re.IGNORECASE)
# A name that is part of the name of a thing: "Stine Sofies stiftelse", "Jarmund Veland-seminaret".
THING_AFTER = re.compile(
    r"^(?:-\w|s?\s+(?:stiftelse|stiftelsen|gate|gata|veg|vei|veien|hus|huset|pris|prisen|fond|fondet|senter|senteret|"
    r"minneforelesning\w*|seminar|seminaret|skole|skule|barnehage)\b|'\s+gate)",
    re.IGNORECASE,
)
QUOTED = re.compile(r"\b(?:sier|seier|sa|meiner|mener|skriver|skriv|uttaler)\b", re.IGNORECASE)
LABEL_ONLY = re.compile(rf"(?:{ORGANISER}|{CONTACT}|{PRESENTER}|[\w ]{{0,20}}(?:leder|leiar))[\w ]*", re.IGNORECASE)
_ROLE_NOUN = re.compile(
    r"^[^.!?]*?\b(?:førelesar|forelesar|foreleser|foredragsholder|foredragshaldar|innleiar|innleder|keynote\w*|"
    r"hovudtalar|hovedtaler|panelist|paneldeltaker|paneldeltakar)\b", re.IGNORECASE)
_VERB_BEFORE = re.compile(r"\b(?:stod|sto|presenterte|innleidde|innledet)\s+(?:og\s+)?$", re.IGNORECASE)
_TELLS_BEFORE = re.compile(r"\b(?:fortalte|fortel|forteller|snakket|snakka|orienterte|orienterer)\s+$", re.IGNORECASE)
_TALK_OR_EVENT = re.compile(rf"{_TALK}|{_EVENT}|førelesar\w*|forelesar\w*|påfyll\w*", re.IGNORECASE)
# "Ole Marius Holden leder Randi …": a role word, then the next name or the end of the line (not "leder arbeidet").
_ROLE_AFTER = re.compile(r"^\s+(?:leder|leiar|møteleder|ordstyrer|ordstyrar)\b(?=\s*(?:$|[,.;]|[A-ZÆØÅ]))", re.IGNORECASE)
RELATIVE_ORG = re.compile(r"^\s*,?\s*som\s+(?:er|var)\s+[^,.;]{0,50}?\b(?:ved|i|hos|for|på)\s+(?=[A-ZÆØÅ])")


def role_of(block: Block, before: str, after: str, lead: str, *, in_slot: bool, programme: bool, starts_entry: bool) -> str | None:
    """The part a name plays, from the cue around it; None when nothing gives it one.

    Args:
        block: The block that names the person.
        before: The text of the sentence before the name.
        after: The text of the sentence after the name.
        lead: The label the block hangs under ("Bidragsytere:", "medlemmene er:"), or "".
        in_slot: The block is in a programme slot (a time, then what happens).
        programme: The document is a programme (it has time slots).
        starts_entry: The name starts its line or entry (after a bullet, "v/" or earlier names).

    Returns:
        "presenter", "organiser", "contact", "resource_person", or None.
    """
    near_before = before[-70:]
    if ORGANISER_RE.search(near_before) or _ROLE_AFTER.match(after):
        return "organiser"
    if re.search(r"\bved\s*$", near_before) and ORGANISER_RE.search(after[:120]):
        return "organiser"  # "KS-Konsulent AS ved Name og Name har prosjektlederansvar": "ved" alone says little
    if CONTACT_RE.search(near_before):
        return "contact"
    if _PRESENTER_RE.search(near_before) and (len(before) <= 120 or re.search(r"v/|\bved\b", near_before)):
        return "presenter"
    sentence = before + after
    # "var Torlaug Hoel, professor ved NTNU, førelesar", "stod Ingrid Metliaas og Ove Eide for …"
    if _ROLE_NOUN.search(after[:100]) or (_VERB_BEFORE.search(before[-30:]) and _TALK_OR_EVENT.search(sentence)):
        return "presenter"
    if _TELLS_BEFORE.search(before[-30:]) and re.search(r"\bom\s", after[:100]):
        return "presenter"  # "fortalte Ragnhild Moe fra Nord universitet om …" (a quote's "fortel X" has no "om")
    if RELATIVE_ORG.match(after):
        return "presenter"  # "fortel Torgeir Vik, som er leiar ved Sogn skule": introduced with a position
    speaks = _SPEAKS.search(after[:90])
    if speaks:
        return "organiser" if _ORGANISER_VERB.fullmatch(speaks.group(0).split()[-1]) else "presenter"
    entry_like = block.kind in ("item", "caption") or len(block.text) <= 300 or (lead and re.match(r"^\s*[:,(–-]", after))
    if starts_entry and re.match(r"^[^.!?]{0,40}(?:fra|frå|ved)\s+[A-ZÆØÅ]", after) and not QUOTED.search(after[:200]):
        return "presenter"  # "Kari Marie Navarsete frå Høgskulen i Sogn og Fjordane …": introduced with a place of work
    if not (starts_entry and entry_like and re.match(r"^\s*(?:[,:(–-]|og\s|&|\.?\s*$)", after)):
        # A line of a programme slot names who speaks: "09.00 Topic – Professor Name, Org".
        return "presenter" if in_slot and len(block.text) <= 300 else None
    if ORGANISER_RE.search(after[:120]):
        return "organiser"  # "Elisabeth Welle og Hanne Elin Harnes – medlemmer av arrangementsgruppa"
    if lead and ORGANISER_RE.search(lead):
        return "organiser"
    if lead and CONTACT_RE.search(lead):
        return "contact"
    if lead and re.search(rf"{PRESENTER}|medlem\w*", lead, re.IGNORECASE):
        return "resource_person" if re.search(r"bidragsyter|ressursperson", lead, re.IGNORECASE) else "presenter"
    if programme and in_slot:
        return "presenter"
    return None
