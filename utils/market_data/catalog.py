"""The S&P 500 constituents list: names, sectors and a search over them.

The file writes class shares with a dot (BRK.B) while Yahoo and PaperDesk use a
dash (BRK-B), so every symbol goes through normalise_symbol().
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "prices" / "sp500_constituents.csv"

# Bundled price files that predate a rename: FB has been listed as META since 2022.
ALIASES = {"FB": "META"}

_SYMBOL = re.compile(r"^[A-Z0-9^][A-Z0-9.\-^=]{0,14}$")
_WORD = re.compile(r"[^A-Z0-9&]+")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One listed company: symbol (Yahoo style), name, GICS sector and sub-industry."""

    symbol: str
    name: str
    sector: str
    industry: str


def normalise_symbol(symbol: str) -> str:
    """Upper-case, trimmed, class-share dots turned into dashes: " brk.b" -> "BRK-B"."""
    return str(symbol).strip().upper().replace(".", "-")


def is_valid_symbol(symbol: str) -> bool:
    """Whether a normalised symbol has the shape of a ticker (letters, digits, - ^ =)."""
    return bool(_SYMBOL.match(symbol))


class Catalog:
    """Lookup and search over a constituents CSV (Symbol, Security, GICS columns)."""

    def __init__(self, path: Path | str = DEFAULT_PATH):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        self._entries = {}
        for row in rows:
            entry = CatalogEntry(
                symbol=normalise_symbol(row["Symbol"]),
                name=row["Security"].strip(),
                sector=row["GICS Sector"].strip(),
                industry=row["GICS Sub-Industry"].strip(),
            )
            self._entries[entry.symbol] = entry

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, symbol: str) -> bool:
        return self.get(symbol) is not None

    def symbols(self) -> list[str]:
        """All symbols, sorted."""
        return sorted(self._entries)

    def get(self, symbol: str) -> CatalogEntry | None:
        """The entry for ``symbol`` (or its current name, see ALIASES), else None."""
        key = normalise_symbol(symbol)
        return self._entries.get(key) or self._entries.get(ALIASES.get(key, ""))

    def search(self, query: str, limit: int = 10) -> list[CatalogEntry]:
        """Entries whose symbol starts with, or whose name contains, ``query``.

        Best first: exact symbol, symbol prefix, a name word starting with the query,
        then any name substring; ties go to the shorter, then alphabetically first symbol.
        """
        text = str(query or "").strip().upper()
        if not text or limit <= 0:
            return []
        symbol_text = normalise_symbol(text)
        ranked = []
        for entry in self._entries.values():
            rank = _rank(entry, text, symbol_text)
            if rank is not None:
                ranked.append((rank, len(entry.symbol), entry.symbol, entry))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked[:limit]]


def _rank(entry: CatalogEntry, text: str, symbol_text: str) -> int | None:
    name = entry.name.upper()
    if entry.symbol == symbol_text:
        return 0
    if entry.symbol.startswith(symbol_text):
        return 1
    if name.startswith(text) or any(word.startswith(text) for word in _WORD.split(name)):
        return 2
    if text in name:
        return 3
    return None


@lru_cache(maxsize=4)
def load_catalog(path: Path | str = DEFAULT_PATH) -> Catalog:
    """The catalog for ``path``, read once per process."""
    return Catalog(path)


def search(query: str, limit: int = 10) -> list[CatalogEntry]:
    """Search the bundled S&P 500 list; see Catalog.search."""
    return load_catalog().search(query, limit)
