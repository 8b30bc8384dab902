"""The collections a document can belong to: the KS regions, and "felles" for material every region shares.

The regions offered are the counties from 1 January 2024. A collection already
in use (a folder at the top of the corpus, a region in the index, an
administrator's region) keeps its own spelling, so one region never becomes two:
"nordland" in use and "Nordland" offered are one choice, "nordland".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from absolutt_kb.config import DEFAULT_REGION

KS_REGIONS = (
    "Agder", "Akershus", "Buskerud", "Finnmark", "Innlandet", "Møre og Romsdal", "Nordland", "Oslo", "Rogaland",
    "Telemark", "Troms", "Trøndelag", "Vestfold", "Vestland", "Østfold",
)
_NORWEGIAN_ORDER = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})  # æ, ø, å after z, in that order


def region_key(region: str) -> str:
    """What two spellings of one region share: "troms-og-finnmark" and "Troms og Finnmark" are one."""
    return re.sub(r"[\s_-]+", " ", region.casefold()).strip()


def region_choices(in_use: Iterable[str] = ()) -> list[str]:
    """Every collection an upload can go to: "felles" first, then each region once, in Norwegian order.

    Args:
        in_use: Collections that already exist; their spelling wins over the list's.

    Returns:
        The collection names, as documents are stored under them.
    """
    chosen: dict[str, str] = {}
    for region in [*in_use, *KS_REGIONS]:
        key = region_key(region)
        if key and key != DEFAULT_REGION:
            chosen.setdefault(key, region.strip())
    return [DEFAULT_REGION, *sorted(chosen.values(), key=lambda r: region_key(r).translate(_NORWEGIAN_ORDER))]
