"""Privacy at load time: what staging keeps of a child, decided in one place.

`protect_tables(tables, key, settings)` is applied by staging.py to every table
of every file before anything is written (`protect` does one table), by column
name, so a table a new reader adds is covered as soon as its columns follow the
names below:

    child_id, *_child_id,    a keyed pseudonym: HMAC-SHA256(key, the ID as written,
    adopter_id, family_id    spaces at the ends trimmed), the first 20 hex digits
    dob, *_dob               cut to the first of the month when headway.toml has
                             [privacy] dob_first_of_month = true
    *postcode, *_post        cut to the postcode sector ("AB1 2CD" -> "AB1 2", as the
                             area measures need no more); anything that is not a UK
                             postcode or a sector (ZZ99 pseudo-postcodes) is not kept

The ID is taken exactly as written: "0123" and "123" are two children, and so are
"123.0" and "123" (a spreadsheet that turned IDs into numbers). Guessing that
"123.0" meant "123" could join two children into one, so it is never done; a file
with such IDs gets a note saying how many, so it is not silent either.

Why 20 hex digits (80 bits): the chance that two of a million children share a
pseudonym is about 1 in 2.4 million million, and the ID still fits a URL and a
table column. The key never reaches staging or the warehouse (docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.config import Settings
from headway.returns.convert import clean

PSEUDONYM_DIGITS = 20
# A full UK postcode with its spaces taken out: outward code, then the sector digit
# and the unit's two letters (BS 7666); or a postcode already cut to its sector.
POSTCODE = r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<sector>[0-9])[A-Z]{2}$"
SECTOR = r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?) (?P<sector>[0-9])$"
NOT_A_PLACE = "ZZ99"  # the NHS's pseudo-postcodes (no fixed abode, abroad): no sector to keep
PERSON_IDS = {"adopter_id", "family_id"}  # Annex A Lists 10-11: adopters and adoptive families


def is_child_id(column: str) -> bool:
    return column == "child_id" or column.endswith("_child_id")


def is_person_id(column: str) -> bool:
    """An ID of a child or a family member: stored only as its keyed pseudonym (staff
    IDs are not: the dashboard shows each worker's own figures by name)."""
    return is_child_id(column) or column in PERSON_IDS


def is_date_of_birth(column: str) -> bool:
    return column == "dob" or column.endswith("_dob")


def is_postcode(column: str) -> bool:
    return column.endswith("postcode") or column.endswith("_post")


def pseudonymise(ids, key: bytes) -> pa.Array:
    """Each ID's keyed pseudonym; blank stays NULL."""
    return pseudonymise_columns([ids], key)[0]


def pseudonymise_columns(columns: list, key: bytes) -> list[pa.Array]:
    """Each column's pseudonyms. Each distinct ID is hashed once however many of
    the columns hold it (a child is in the 903 tables, the CIN Census, the
    allocations and the Annex A lists; an Episodes file names a child many times):
    the columns are dictionary-encoded together, the dictionary is hashed, and each
    column is looked up in it."""
    cleaned = [_one_array(clean(ids if pa.types.is_string(ids.type) else ids.cast(pa.string()))) for ids in columns]
    if not cleaned:
        return []
    # One array, encoded once (a chunked array's chunks would each get a copy of the dictionary)
    encoded = pc.dictionary_encode(pa.concat_arrays(cleaned) if sum(a.nbytes for a in cleaned) < 1 << 30 else
                                   pa.concat_arrays([a.cast(pa.large_string()) for a in cleaned]))
    digests = pa.array(_digests(encoded.dictionary.to_pylist(), key), pa.string())
    at = np.cumsum([0] + [len(a) for a in cleaned])
    return [pc.take(digests, encoded.indices.slice(start, end - start)) for start, end in zip(at[:-1], at[1:])]


def _one_array(ids) -> pa.Array:
    return ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids


def _digests(ids: list[str], key: bytes) -> list[str]:
    """HMAC-SHA256(key, ID), the first PSEUDONYM_DIGITS hex digits. The key's HMAC
    state is set up once and copied for each ID (three times as fast as hmac.digest,
    which sets it up again for every ID)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    found = []
    for value in ids:
        one = keyed.copy()
        one.update(value.encode("utf-8"))
        found.append(one.hexdigest()[:PSEUDONYM_DIGITS])
    return found


def first_of_month(dates) -> pa.Array:
    """Each date moved back to the first of its month (the month and year are what
    the age-based measures need)."""
    return pc.cast(pc.floor_temporal(dates, unit="month"), pa.date32())


def postcode_sector(text) -> tuple[pa.Array, int]:
    """("AB1 2" for "ab12cd" or "AB1 2CD", NULL for anything else), and how many
    non-blank values were not postcodes (so they can be reported, not lost silently)."""
    spaced = pc.utf8_upper(pc.replace_substring_regex(clean(text), r"\s+", " "))
    squeezed = pc.replace_substring(spaced, " ", "")
    sector = pc.coalesce(_sector(squeezed, POSTCODE), _sector(spaced, SECTOR))
    sector = pc.if_else(pc.fill_null(pc.starts_with(squeezed, NOT_A_PLACE), False),
                        pa.scalar(None, pa.string()), sector)
    not_postcodes = pc.sum(pc.and_(pc.is_valid(squeezed), pc.is_null(sector))).as_py() or 0
    return sector, not_postcodes


def _sector(text, pattern: str):
    parts = pc.extract_regex(text, pattern)
    sector = pc.binary_join_element_wise(pc.struct_field(parts, "outward"), pc.struct_field(parts, "sector"), " ")
    return pc.if_else(pc.fill_null(pc.is_valid(parts), False), sector, pa.scalar(None, pa.string()))


def protect(table: pa.Table, key: bytes, settings: Settings) -> tuple[pa.Table, list[str]]:
    """The table as staging may keep it, and notes for the load output."""
    return protect_tables([table], key, settings)[0]


def protect_tables(tables: list[pa.Table], key: bytes, settings: Settings) -> list[tuple[pa.Table, list[str]]]:
    """protect() for every table of a load at once, so each distinct ID is hashed once."""
    ids = [(i, name) for i, table in enumerate(tables) for name in table.column_names if is_person_id(name)]
    pseudonyms = dict(zip(ids, pseudonymise_columns([tables[i].column(name) for i, name in ids], key)))
    return [_protect_one(table, pseudonyms, i, settings) for i, table in enumerate(tables)]


def _protect_one(table: pa.Table, pseudonyms: dict, number: int, settings: Settings) -> tuple[pa.Table, list[str]]:
    notes = []
    for index, name in enumerate(table.column_names):
        column = table.column(name)
        if is_person_id(name):
            notes += _spreadsheet_numbers(name, column)
            table = table.set_column(index, name, pseudonyms[(number, name)])
        elif is_date_of_birth(name) and settings.dob_first_of_month and pa.types.is_date32(column.type):
            table = table.set_column(index, name, first_of_month(column))
        elif is_postcode(name) and pa.types.is_string(column.type):
            sectors, dropped = postcode_sector(column)
            table = table.set_column(index, name, sectors)
            if dropped:
                notes.append(f"{name}: {dropped:,} value(s) not a UK postcode, not kept")
    return table, notes


def _spreadsheet_numbers(name: str, ids) -> list[str]:
    """A note when IDs end in ".0": kept as written, so they will not match "123"."""
    dotted = pc.fill_null(pc.match_substring(ids, "."), False)  # a quick look first: the regex is slow
    if not pc.any(dotted).as_py():
        return []
    count = pc.sum(pc.fill_null(pc.match_substring_regex(ids.filter(dotted), r"^\s*\d+\.0+\s*$"), False)).as_py() or 0
    if not count:
        return []
    return [f"{name}: {count:,} ID(s) end in '.0' (a spreadsheet may have turned them into numbers): kept as "
            "written, so they do not match the same number without '.0' in other files"]
