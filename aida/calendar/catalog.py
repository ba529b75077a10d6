"""Which providers and which kind of visit a caller means, from their own words.

The model passes what the caller said ("a physical", "with Dr. Patel"); the match is made here in
code against the configured rows, never by the model, and anything that does not match gets a
question naming what the clinic does have. A clinic with no providers and no visit types gets
`Choice.shared()`: the one calendar and the one slot length it always had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aida.errors import UnknownProvider, WhichVisitType
from aida.scheduling.hours import ClinicHours
from aida.scheduling.working_hours import grid_for
from aida.store.models import Provider, VisitType
from aida.store.protocol import Store

# Words that say nothing about which provider or visit is meant.
_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "with",
        "see",
        "dr",
        "doctor",
        "doc",
        "nurse",
        "np",
        "md",
        "please",
        "visit",
        "appointment",
        "appt",
        "exam",
        "kind",
        "type",
        "of",
        "for",
        "my",
        "one",
        "i",
        "want",
        "need",
        "to",
        "book",
    }
)


def words(text: str | None) -> list[str]:
    """Lower-case content words, singular ("physicals" -> "physical"), filler dropped."""
    tokens = re.findall(r"[a-z0-9]+", (text or "").lower())
    out = []
    for token in tokens:
        if token in _FILLER:
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        out.append(token)
    return out


def with_article(name: str) -> str:
    """ "a physical", "an eye exam": how a visit type is said in a question."""
    lowered = name.lower()
    return ("an " if lowered[:1] in "aeiou" else "a ") + lowered


def or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f", or {items[-1]}"


def and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


@dataclass(frozen=True)
class Choice:
    """What a booking or a search is for: a visit type (None: one slot) and the providers who
    could take it (empty: the shared calendar of a clinic without providers)."""

    visit_type: VisitType | None
    providers: tuple[Provider, ...]
    named: bool = False  # the caller asked for this provider by name

    @classmethod
    def shared(cls) -> Choice:
        return cls(None, ())

    @property
    def minutes(self) -> int | None:
        return self.visit_type.minutes if self.visit_type else None

    def grids(self, clinic: ClinicHours) -> list[tuple[Provider | None, ClinicHours]]:
        """Each candidate provider (None: the shared calendar) with the grid of times they can
        be booked: their working hours, the visit's length, the clinic's slot step."""
        if not self.providers:
            return [(None, grid_for(clinic, None, self.minutes))]
        return [(p, grid_for(clinic, p.hours, self.minutes)) for p in self.providers]

    def provider(self, provider_id: str | None) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def spoken(self, provider: Provider | None = None) -> str:
        """ "a physical with Dr. Patel", "a physical", "" (the plain case says nothing more)."""
        parts = []
        if self.visit_type is not None:
            parts.append(with_article(self.visit_type.name))
        # The one who will see them, when that is already decided.
        who = provider or (self.providers[0] if len(self.providers) == 1 else None)
        if who is not None:
            parts.append(f"with {who.name}")
        return " ".join(parts)


@dataclass(frozen=True)
class Catalog:
    providers: tuple[Provider, ...]
    visit_types: tuple[VisitType, ...]

    @classmethod
    async def load(cls, store: Store) -> Catalog:
        return cls(tuple(await store.list_providers()), tuple(await store.list_visit_types()))

    @property
    def empty(self) -> bool:
        return not self.providers and not self.visit_types

    def choose(
        self, visit_type: str | None = None, provider: str | None = None, *, ask: bool = True
    ) -> Choice:
        """The caller's words resolved. With several visit types and none said, `ask` raises
        `WhichVisitType` (a question naming them); without `ask` (a staff listing of free
        times) the search uses one slot's length for everyone."""
        if self.empty:
            return Choice.shared()
        kind = self._visit_type(visit_type, ask=ask)
        if provider and words(provider):
            who = self.provider_named(provider)
            if kind is not None and kind.provider_ids and who.id not in kind.provider_ids:
                able = [p.name for p in self.providers if p.id in kind.provider_ids]
                raise UnknownProvider(
                    f"{who.name} doesn't see patients for {with_article(kind.name)}; "
                    f"{and_list(able)} {'does' if len(able) == 1 else 'do'}. "
                    "Would you like one of them?",
                    options=able,
                )
            return Choice(kind, (who,), named=True)
        if kind is not None and kind.provider_ids:
            ids = set(kind.provider_ids)
            return Choice(kind, tuple(p for p in self.providers if p.id in ids))
        return Choice(kind, self.providers)

    def _visit_type(self, said: str | None, *, ask: bool) -> VisitType | None:
        types = self.visit_types
        if not types:
            return None
        wanted = words(said)
        if wanted:
            matches = [t for t in types if _matches(wanted, words(t.name))]
            if len(matches) == 1:
                return matches[0]
            options = [with_article(t.name) for t in (matches or types)]
            raise WhichVisitType(
                f"What kind of visit is it: {or_list(options)}?",
                options=[t.name for t in (matches or types)],
            )
        if len(types) == 1:
            return types[0]
        if not ask:
            return None
        raise WhichVisitType(
            f"What kind of visit is it: {or_list([with_article(t.name) for t in types])}?",
            options=[t.name for t in types],
        )

    def provider_named(self, said: str) -> Provider:
        wanted = words(said)
        matches = [p for p in self.providers if _matches(wanted, words(p.name))]
        if len(matches) == 1:
            return matches[0]
        names = [p.name for p in (matches or self.providers)]
        if matches:
            raise UnknownProvider(f"Do you mean {or_list(names)}?", options=names)
        if not self.providers:
            raise UnknownProvider(
                "We don't book with a particular provider here; I can find you a time with "
                "whoever is free.",
                options=[],
            )
        raise UnknownProvider(
            f"I don't have anyone by that name here. Our providers are {and_list(names)}.",
            options=names,
        )


def _matches(said: list[str], name: list[str]) -> bool:
    """Every word the caller said is in the name ("Patel" in "Dr. Anil Patel"), or the whole
    name is in what they said ("a sick visit please" for "Sick visit")."""
    if not said or not name:
        return False
    return set(said) <= set(name) or set(name) <= set(said)
