"""A large XML file of repeated records (the CIN Census's <Child>), read safely,
in bounded memory, on every core.

Safety: the parser never expands entities, loads a DTD or touches the network,
and refuses text nodes over 10 MB (libxml2's limit without huge_tree). A file
whose DOCTYPE declares entities (the "billion laughs" attack) is refused before
anything is parsed.

Speed, measured on the 2-core build machine for an 8 MB piece of the synthetic
CIN Census: parsing 52-58 ms, walking the tree from Python 40-46 ms, building the
Arrow tables 30 ms; about 55 MB (170,000 records) a second per core, so a 420 MB
file is about 8 s of work. The file is therefore cut into pieces of about 8 MB, each ending
just after a record's end tag (a record never spans two pieces), and the pieces
are parsed by worker processes while this process reads other files. Each piece
is parsed as its own small document, opened with the file's declared encoding and
a start tag for the records' parent that declares the namespaces in force there,
so the element names are those of the whole file. This process reads only a small
window at each cut, not the whole file; each worker counts its piece's newlines,
so the pieces' line numbers become the file's. The line each record starts on is
kept (Outcome.record_lines: where a check on the records, such as a CIN child
given twice, says it is).

If the file does not suit cutting (UTF-16, no record end tag, a piece or the
envelope that does not parse) it is streamed instead: iterparse, a few thousand
records at a time, cleared as it goes. Streaming is also how a syntax error gets
its exact line and libxml2's own message.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
from lxml import etree

from headway.errors import FileRejected, ReturnError
from headway.returns.convert import ERRORS_SHOWN, located_errors
from headway.returns.shapes import staging_table

PIECE_BYTES = 8 << 20
STREAM_BATCH = 5_000  # records walked at a time when streaming
PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                      remove_blank_text=True, remove_comments=True, remove_pis=True, collect_ids=False)
ASCII_COMPATIBLE = re.compile(r"utf-?8|(us-)?ascii|iso-?8859-\d+|latin-?1|(windows|cp)-?125\d", re.I)
DECLARED_ENCODING = re.compile(rb"(\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class Located:
    """Problems found in part of a file, with the file lines of the first few."""
    problems: dict[tuple[str, str, str], list] = field(default_factory=dict)  # (table, column, message) -> [rows, count]

    def add(self, table: str, column: str, message: str, rows: list[int], count: int) -> None:
        seen = self.problems.setdefault((table, column, message), [[], 0])
        seen[0] = (seen[0] + rows)[:ERRORS_SHOWN]
        seen[1] += count

    def moved_down(self, lines: int) -> Located:
        """The same problems in a piece that starts `lines` lines into the file."""
        moved = Located()
        for (table, column, message), (rows, count) in self.problems.items():
            moved.add(table, column, message, [r + lines for r in rows], count)
        return moved


# walk(record elements or a piece's root, namespace, found) -> (staging tables, records read)
Walk = Callable[[list, str, Located], tuple[dict[str, pa.Table], int]]


@dataclass(frozen=True)
class Layout:
    """What a reader tells this module about its format."""
    record: str                    # local name of the repeated element, e.g. "Child"
    header: tuple[str, str]        # (parent, element) of the one value read outside the records
    walk: Walk                     # a module-level function, so worker processes can run it
    tables: tuple[str, ...]        # the staging tables `walk` gives


@dataclass
class Outcome:
    """Everything read from one file."""
    layout: Layout
    parts: list[dict[str, pa.Table]] = field(default_factory=list)
    found: Located = field(default_factory=Located)
    records: int = 0
    header: str | None = None
    syntax_error: ReturnError | None = None
    bytes_reported: int = 0  # to the progress bar
    lines: list[np.ndarray] = field(default_factory=list)  # the file line each record starts on, part by part

    def add(self, tables: dict[str, pa.Table], found: Located, records: int, lines: np.ndarray) -> None:
        self.parts.append(tables)
        self.records += records
        self.lines.append(lines)
        for (table, column, message), (rows, count) in found.problems.items():
            self.found.add(table, column, message, rows, count)

    def errors(self, file: str) -> list[ReturnError]:
        if self.syntax_error:
            return [self.syntax_error]
        return [e for (table, column, message), (rows, count) in self.found.problems.items()
                for e in located_errors(file, table, column, message, rows, count)]

    def record_lines(self) -> np.ndarray:
        """The line each record element (each <Child>) starts on, in the file's order."""
        return np.concatenate(self.lines) if self.lines else np.zeros(0, np.int64)

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.concat_tables([p[name] for p in self.parts]) if self.parts else staging_table(name, {})
                for name in self.layout.tables}


class Workers:
    """Processes that parse pieces, shared by every file of one load.

    Forked (Linux and macOS), so a worker starts in milliseconds without importing
    anything again; where fork is not available, or on one core, pieces are parsed
    in this process instead."""

    def __init__(self, processes: int | None = None):
        self.processes = processes or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn, *args) -> Future:
        if self.processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"))
            return self._pool.submit(fn, *args)
        done = Future()
        done.set_result(fn(*args))
        return done

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def start(path: Path, file: str, layout: Layout, workers: Workers,
          progress: Callable[[int], None] = lambda done: None) -> Callable[[], Outcome]:
    """Hand the file's pieces to `workers` now; the function returned waits for
    them (or streams the file) and gives what was read. `progress(n)`: n more
    bytes of the file read."""
    refuse_entities(path, file)
    plan = _cut(path, file, layout, lambda piece: workers.submit(read_piece, piece))

    def finish() -> Outcome:
        outcome = _gather(plan, layout, progress) if plan else None
        if outcome is None or outcome.syntax_error:
            outcome = _stream(path, file, layout)  # the exact line of a syntax error; any encoding
        progress(path.stat().st_size - outcome.bytes_reported)
        return outcome
    return finish


def refuse_entities(path: Path, file: str) -> None:
    """Entities are never expanded, but a file that declares them is refused outright."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    text = head.decode("utf-16" if head[:2] in UTF16_BOMS else "latin-1", errors="replace")
    if "<!DOCTYPE" in text and "<!ENTITY" in text:
        raise FileRejected([ReturnError(
            file, "declares entities in a DOCTYPE (<!ENTITY ...>), which Headway never expands: "
                  "export the file again without a DOCTYPE", row=1)])


def _syntax_error(file: str, exc: etree.XMLSyntaxError) -> ReturnError:
    """libxml2's message, without any bytes of the file it may quote."""
    message = re.sub(r",? ?Bytes: .*", "", str(exc.msg or exc)).strip()
    message = re.sub(r", line \d+, column \d+$", "", message)  # the row says it
    line = exc.lineno or None
    return ReturnError(file, f"is not well-formed XML: {message}. Export it again: a file cut short, edited "
                             "by hand or saved in another encoding breaks like this", row=line)


# ------------------------------------------------------------------ streaming (any file)

def _stream(path: Path, file: str, layout: Layout) -> Outcome:
    outcome, batch, namespace = Outcome(layout), [], ""
    parent, name = layout.header
    events = etree.iterparse(str(path), events=("end",), tag=(f"{{*}}{layout.record}", f"{{*}}{name}"),
                             **PARSER_OPTIONS)
    try:
        for _, element in events:
            qname = etree.QName(element)
            if qname.localname == layout.record:
                namespace = qname.namespace or ""
                batch.append(element)
                if len(batch) == STREAM_BATCH:
                    _walk_batch(batch, namespace, outcome)
                    batch = []
            elif etree.QName(element.getparent()).localname == parent:
                outcome.header = outcome.header or element.text
        _walk_batch(batch, namespace, outcome)
    except etree.XMLSyntaxError as exc:
        outcome.syntax_error = _syntax_error(file, exc)
    return outcome


def _walk_batch(batch: list, namespace: str, outcome: Outcome) -> None:
    """Walk a batch of parsed records, then drop them so memory stays flat."""
    found = Located()
    tables, records = outcome.layout.walk(batch, namespace, found)
    outcome.add(tables, found, records, _record_lines(batch, namespace, outcome.layout.record))
    for element in batch:
        element.clear()
    if batch:
        last = batch[-1]
        while last.getprevious() is not None:
            del last.getparent()[0]


# ------------------------------------------------------------------ pieces in parallel

@dataclass(frozen=True)
class Piece:
    path: str
    file: str
    start: int
    end: int
    opening: bytes       # the XML declaration and the records' parent's start tag
    closing: bytes
    namespace: str
    layout: Layout


@dataclass
class Plan:
    path: Path
    pending: list[tuple[int, int, Future]]  # (where the piece starts and ends, its result), in file order
    header: str | None
    newlines_before: int  # in the file before the first piece


class _NotCuttable(Exception):
    """The file does not suit cutting; it is streamed instead."""


@lru_cache
def _tags(record: str) -> tuple[re.Pattern, re.Pattern]:
    """The start tag and the end tag of a record element, with any namespace prefix."""
    name = re.escape(record.encode())
    return re.compile(rb"<(?:([\w.-]+):)?" + name + rb"[\s>/]"), re.compile(rb"</(?:[\w.-]+:)?" + name + rb"\s*>")


def _cut(path: Path, file: str, layout: Layout, submit: Callable[[Piece], Future]) -> Plan | None:
    """Cut the file into pieces, each handed to `submit` as soon as it is found;
    None if the file does not suit cutting (anything submitted is cancelled)."""
    pending: list[tuple[int, int, Future]] = []
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
            first = _tags(layout.record)[0].search(head)
            if first is None:
                raise _NotCuttable
            prefix = first.group(1).decode("ascii") if first.group(1) else None
            opening, closing, namespace = _wrapper(head[:first.start()], prefix)
            start = first.start()
            for end in _piece_ends(fh, start, size, layout.record):
                piece = Piece(str(path), file, start, end, opening, closing, namespace, layout)
                pending.append((start, end, submit(piece)))
                start = end
            if size - start > 1 << 20:
                raise _NotCuttable  # something other than the closing tags follows the last record
            fh.seek(start)
            tail = fh.read()
        header = _envelope_header(head[:first.start()] + tail, layout)
        if not pending:
            raise _NotCuttable
    except _NotCuttable:
        for _, _, future in pending:
            future.cancel()
        return None
    return Plan(path, pending, header, head[:first.start()].count(b"\n"))


def _wrapper(head: bytes, prefix: str | None) -> tuple[bytes, bytes, str]:
    """What each piece is wrapped in: the file's declared encoding and the start tag
    of the records' parent, declaring the namespaces in force there; its end tag;
    and the records' namespace."""
    declared = DECLARED_ENCODING.match(head)
    encoding = declared.group(2).decode("ascii") if declared else "utf-8"
    if head[:2] in UTF16_BOMS or not ASCII_COMPATIBLE.fullmatch(encoding):
        raise _NotCuttable  # bytes cannot be cut at an end tag in this encoding
    parser, open_elements = etree.XMLPullParser(events=("start", "end"), **PARSER_OPTIONS), []
    try:
        parser.feed(head)
        for event, element in parser.read_events():
            open_elements.append(element) if event == "start" else open_elements.pop()
    except etree.XMLSyntaxError:
        raise _NotCuttable from None
    if not open_elements:
        raise _NotCuttable
    parent = open_elements[-1]
    name = f"{parent.prefix}:{etree.QName(parent).localname}" if parent.prefix else etree.QName(parent).localname
    namespaces = "".join(f' xmlns{":" + p if p else ""}="{u}"' for p, u in parent.nsmap.items())
    opening = f'<?xml version="1.0" encoding="{encoding}"?><{name}{namespaces}>'.encode("ascii")
    namespace = parent.nsmap.get(prefix, "")  # the records' own (prefix None: the default namespace)
    return opening, f"</{name}>".encode("ascii"), namespace


WINDOW = 64 * 1024  # read at each cut to find a record's end tag


def _piece_ends(fh, start: int, size: int, record: str):
    """Where each piece from `start` ends: just after the first record end tag at
    least PIECE_BYTES on; the last piece ends after the last record end tag."""
    while size - start > PIECE_BYTES:
        end = _next_record_end(fh, start + PIECE_BYTES, size, record)
        if end < 0:
            break
        yield end
        start = end
    end = _last_record_end(fh, start, min(size, start + PIECE_BYTES + WINDOW), record)
    if end > start:
        yield end


def _next_record_end(fh, at: int, size: int, record: str) -> int:
    """Offset just after the first record end tag from `at` on, or -1."""
    any_end = _tags(record)[1]
    while at < size:
        fh.seek(at)
        window = fh.read(WINDOW)
        found = any_end.search(window)
        if found:
            return at + found.end()
        at += WINDOW - 256  # windows overlap, so a tag across a boundary is still found
    return -1


def _last_record_end(fh, start: int, size: int, record: str) -> int:
    """Offset just after the last record end tag between `start` and the end, or -1."""
    any_end = _tags(record)[1]
    for begin in (max(start, size - WINDOW), start):  # the tail is usually short
        fh.seek(begin)
        ends = list(any_end.finditer(fh.read(size - begin)))
        if ends:
            return begin + ends[-1].end()
    return -1


def _envelope_header(text: bytes, layout: Layout) -> str | None:
    """The file without its records, parsed (it must be well-formed): the header value."""
    try:
        root = etree.fromstring(text, etree.XMLParser(**PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        raise _NotCuttable from None
    parent, name = layout.header
    return next((e.text for e in root.iter(f"{{*}}{name}") if etree.QName(e.getparent()).localname == parent), None)


@dataclass
class PieceRead:
    """What a worker process read from one piece. Lines are the piece's own (line 1
    holds its first byte); `newlines` are the piece's, to number the next one."""
    tables: dict[str, pa.Table] | None
    found: Located
    records: int
    lines: np.ndarray
    newlines: int
    syntax_error: ReturnError | None = None


def read_piece(piece: Piece) -> PieceRead:
    """Parse and walk one piece (in a worker process). The walk makes no reference
    cycles, so the cyclic garbage collector is paused: it would otherwise scan the
    tree's proxies again and again (a quarter of the time, measured)."""
    gc.disable()
    try:
        with open(piece.path, "rb") as fh:
            fh.seek(piece.start)
            body = fh.read(piece.end - piece.start)
        newlines = body.count(b"\n")
        try:
            root = etree.fromstring(piece.opening + body + piece.closing, etree.XMLParser(**PARSER_OPTIONS))
        except etree.XMLSyntaxError as exc:
            return PieceRead(None, Located(), 0, np.zeros(0, np.int64), newlines, _syntax_error(piece.file, exc))
        found = Located()
        tables, records = piece.layout.walk([root], piece.namespace, found)
        return PieceRead(tables, found, records, _record_lines([root], piece.namespace, piece.layout.record),
                         newlines)
    finally:
        gc.enable()


def _record_lines(roots: list, namespace: str, record: str) -> np.ndarray:
    """The line each record element in (or at) `roots` starts on."""
    tag = f"{{{namespace}}}{record}" if namespace else record
    return np.fromiter((e.sourceline for root in roots for e in root.iter(tag)), np.int64)


def _gather(plan: Plan, layout: Layout, progress: Callable[[int], None]) -> Outcome:
    """The pieces' results in file order, their line numbers made the file's (the
    newlines before a piece are those of the pieces before it)."""
    outcome = Outcome(layout, header=plan.header)
    newlines = plan.newlines_before
    for start, end, future in plan.pending:
        piece = future.result()
        if piece.syntax_error:  # streamed instead, for the exact line and message
            outcome.syntax_error = piece.syntax_error
            for _, _, rest in plan.pending:
                rest.cancel()
            return outcome
        found = piece.found.moved_down(newlines) if piece.found.problems else piece.found
        outcome.add(piece.tables, found, piece.records, piece.lines + newlines)
        newlines += piece.newlines
        progress(end - start)
        outcome.bytes_reported += end - start
    return outcome
