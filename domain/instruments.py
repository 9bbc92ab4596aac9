"""Observation instruments as versioned data, and the percent score a supervisor's observations give.

An instrument (KIDS, KIDS Dagpleje, ECERS-3, ITERS-3, CLASS, a local one) is areas -> themes -> items, each
item with a scale. Item texts of the published instruments are licensed, so the service ships only
`DEMO_INSTRUMENT` (KIDS's structure, neutral texts); a municipality imports its licensed definition with
`Instrument.from_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from domain.errors import DomainError, ErrorCode, Violation, invalid


@dataclass(frozen=True)
class Scale:
    """The whole-number scores an item takes, `min` to `max`; None means "not observed" where allowed."""

    min: int
    max: int
    allows_not_observed: bool = True


@dataclass(frozen=True)
class Item:
    key: str
    scale: Scale
    text: str = ""


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class Instrument:
    """One version of an instrument. Keys are unique in the whole instrument: scores and results are keyed by them."""

    key: str
    version: str
    name: str
    areas: tuple[Area, ...]

    def themes(self) -> Iterator[Theme]:
        return (theme for area in self.areas for theme in area.themes)

    def items(self) -> Iterator[Item]:
        return (item for theme in self.themes() for item in theme.items)

    def problems(self) -> list[Violation]:
        """Everything wrong with this definition, each with where it is; empty when it is valid."""
        return _Checker().instrument(self)

    def validated(self) -> Instrument:
        """This instrument, or a DomainError listing every problem."""
        problems = self.problems()
        if problems:
            raise DomainError(
                ErrorCode.INVALID_INPUT, f"The instrument definition has {len(problems)} problem(s).", problems
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        areas = [{"key": a.key, "name": a.name, "themes": [_theme_dict(t) for t in a.themes]} for a in self.areas]
        return {"key": self.key, "version": self.version, "name": self.name, "areas": areas}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instrument:
        """Build an instrument from plain data (as imported or stored); DomainError lists every problem."""
        if not isinstance(data, Mapping):
            raise invalid("instrument", "An instrument definition is an object with key, version, name and areas.")
        # Values are carried over as given, wrong types included, so that `problems()` is the one place that
        # judges them and every problem gets its exact location.
        areas = _entries(data, "areas", _area_from)
        return cls(data.get("key"), data.get("version"), data.get("name"), areas).validated()


def _theme_dict(theme: Theme) -> dict[str, Any]:
    items = [{"key": i.key, "text": i.text, "scale": _scale_dict(i.scale)} for i in theme.items]
    return {"key": theme.key, "name": theme.name, "items": items}


def _scale_dict(scale: Scale) -> dict[str, Any]:
    return {"min": scale.min, "max": scale.max, "allows_not_observed": scale.allows_not_observed}


def _entries(raw: Mapping[str, Any], name: str, build: Any) -> Any:
    value = raw.get(name)
    if isinstance(value, list | tuple):
        return tuple(build(entry) if isinstance(entry, Mapping) else entry for entry in value)
    return value


def _area_from(raw: Mapping[str, Any]) -> Area:
    return Area(raw.get("key"), raw.get("name"), _entries(raw, "themes", _theme_from))


def _theme_from(raw: Mapping[str, Any]) -> Theme:
    return Theme(raw.get("key"), raw.get("name"), _entries(raw, "items", _item_from))


def _item_from(raw: Mapping[str, Any]) -> Item:
    scale = raw.get("scale")
    if isinstance(scale, Mapping):
        scale = Scale(scale.get("min"), scale.get("max"), scale.get("allows_not_observed", True))
    return Item(raw.get("key"), scale, raw.get("text", ""))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Walks a definition once, collecting problems; remembers keys to find duplicates across the instrument."""

    def __init__(self) -> None:
        self.found: list[Violation] = []
        self.seen: dict[str, set[str]] = {"area": set(), "theme": set(), "item": set()}

    def instrument(self, instrument: Instrument) -> list[Violation]:
        for name in ("key", "version", "name"):
            self.text(getattr(instrument, name), name, f"The instrument's {name}")
        for i, area in self.parts(instrument.areas, "areas", Area, "area"):
            self.keyed(area.key, f"areas[{i}]", "area")
            self.text(area.name, f"areas[{i}].name", "The area name")
            for j, theme in self.parts(area.themes, f"areas[{i}].themes", Theme, "theme"):
                self.keyed(theme.key, f"areas[{i}].themes[{j}]", "theme")
                self.text(theme.name, f"areas[{i}].themes[{j}].name", "The theme name")
                for k, item in self.parts(theme.items, f"areas[{i}].themes[{j}].items", Item, "item"):
                    location = f"areas[{i}].themes[{j}].items[{k}]"
                    self.keyed(item.key, location, "item")
                    if not isinstance(item.text, str):
                        self.add(f"{location}.text", "An item's text must be text (it may be empty).")
                    self.scale(item.scale, f"{location}.scale")
        return self.found

    def add(self, location: str, message: str) -> None:
        self.found.append(Violation(location, message))

    def text(self, value: object, location: str, what: str) -> bool:
        if isinstance(value, str) and value.strip():
            return True
        self.add(location, f"{what} must be a non-empty text.")
        return False

    def keyed(self, key: object, location: str, kind: str) -> None:
        if self.text(key, f"{location}.key", f"The {kind} key") and isinstance(key, str):
            if key in self.seen[kind]:
                self.add(f"{location}.key", f"The {kind} key `{key}` is used more than once; keys must be unique.")
            self.seen[kind].add(key)

    def parts(self, value: object, location: str, cls: type, kind: str) -> Iterator[tuple[int, Any]]:
        if not isinstance(value, tuple | list):
            self.add(location, f"Expected a list of {kind}s.")
            return
        if not value:
            self.add(location, f"At least one {kind} is needed here.")
        for index, part in enumerate(value):
            if isinstance(part, cls):
                yield index, part
            else:
                self.add(f"{location}[{index}]", f"Expected an object for this {kind}, not {type(part).__name__}.")

    def scale(self, scale: object, location: str) -> None:
        if not isinstance(scale, Scale):
            self.add(location, "An item needs a scale: an object with whole numbers min and max.")
            return
        ends_ok = True
        for end in ("min", "max"):
            if not _is_int(getattr(scale, end)):
                self.add(f"{location}.{end}", f"The scale's {end} must be a whole number.")
                ends_ok = False
        if ends_ok and scale.min >= scale.max:
            self.add(location, f"The scale's min ({scale.min}) must be below its max ({scale.max}).")
        if not isinstance(scale.allows_not_observed, bool):
            self.add(f"{location}.allows_not_observed", "allows_not_observed must be true or false.")


@dataclass(frozen=True)
class PartScore:
    """The percent of one theme or area over its scored items; None when none of them was scored."""

    key: str
    name: str
    percent: float | None  # the exact value as a float; use this (or `exact`) for banding
    scored: int
    total: int
    exact: Fraction | None = field(default=None, repr=False)

    @property
    def display_percent(self) -> float | None:
        return shown_percent(self.exact)


@dataclass(frozen=True)
class ScoreResult:
    """A whole observation scored. `total_percent` is None when too few items were scored to judge."""

    total_percent: float | None
    coverage: float  # share of the instrument's items that were scored
    insufficient_observation: bool
    areas: tuple[PartScore, ...]
    themes: tuple[PartScore, ...]
    unscored: tuple[str, ...]  # item keys without a score (missing or not observed), in instrument order
    total_exact: Fraction | None = field(default=None, repr=False)

    @property
    def display_total_percent(self) -> float | None:
        return shown_percent(self.total_exact)


def shown_percent(exact: Fraction | float | None) -> float | None:
    """A percent to one decimal for display, rounded down, never to nearest.

    89.96 shown as "90.0" next to the band "god" would contradict itself; with band limits of at most one
    decimal, rounding down never crosses one.
    """
    return None if exact is None else math.floor(exact * 10) / 10


def shown_percent_text(exact: Fraction | float) -> str:
    """`shown_percent` as text with its one decimal, for a sentence: 29.96 gives "29.9", never "30.0"."""
    return f"{shown_percent(exact):.1f}"


def score(instrument: Instrument, scores: Mapping[str, int | None], coverage_threshold: float) -> ScoreResult:
    """Percent = sum(score - min) / sum(max - min) x 100 over the scored items, per theme, area and in total.

    An area pools the items of its themes rather than averaging the theme percents, so a theme with few scored
    items weighs no more than its items. `None` in `scores` is "not observed"; a missing key is unscored too.
    """
    return pool(instrument, (scores,), coverage_threshold)


def pool(
    instrument: Instrument, score_sets: Sequence[Mapping[str, int | None]], coverage_threshold: float
) -> ScoreResult:
    """The score of several observations of one instrument together (units, observers), by the formula of `score`.

    Every scored (observation, item) pair counts, so an observation with more scored items weighs more, as an
    item does within one. An item is covered when at least one observation scored it; `unscored` lists the
    items none did. A part's `scored` counts pairs. One score set gives exactly `score`.
    """
    instrument.validated()
    threshold = _threshold(coverage_threshold)
    sets = tuple(score_sets)
    for index, scores in enumerate(sets):
        _refuse_bad_scores(instrument, scores, "scores" if len(sets) == 1 else f"score_sets[{index}]")
    area_scores = tuple(_part(a.key, a.name, [i for t in a.themes for i in t.items], sets) for a in instrument.areas)
    theme_scores = tuple(_part(t.key, t.name, t.items, sets) for t in instrument.themes())
    items = list(instrument.items())
    unscored = tuple(item.key for item in items if all(s.get(item.key) is None for s in sets))
    coverage = Fraction(len(items) - len(unscored), len(items))
    insufficient = coverage < threshold
    total = None if insufficient else _part(instrument.key, instrument.name, items, sets).exact
    return ScoreResult(
        total_percent=None if total is None else float(total),
        coverage=float(coverage),
        insufficient_observation=insufficient,
        areas=area_scores,
        themes=theme_scores,
        unscored=unscored,
        total_exact=total,
    )


def _threshold(value: float) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction) or not 0 < value <= 1:
        raise invalid("coverage_threshold", "The coverage threshold is a share above 0 and at most 1 (e.g. 0.8).")
    # Through the decimal text, not the binary float: Fraction(0.8) is a hair above 4/5, which would make
    # exactly 80 % coverage fall short of an 80 % threshold.
    return Fraction(str(value))


def _refuse_bad_scores(instrument: Instrument, scores: Mapping[str, int | None], where: str) -> None:
    by_key = {item.key: item for item in instrument.items()}
    bad: list[Violation] = []
    for key, value in scores.items():
        location, item = f"{where}.{key}", by_key.get(key)
        if item is None:
            bad.append(Violation(location, f"`{instrument.key}` version {instrument.version} has no item `{key}`."))
        elif value is None:
            if not item.scale.allows_not_observed:
                bad.append(Violation(location, f"Item `{key}` must be scored; its scale has no 'not observed'."))
        elif not _is_int(value):
            bad.append(Violation(location, f"Item `{key}` takes a whole number or null (not observed)."))
        elif not item.scale.min <= value <= item.scale.max:
            scale = item.scale
            bad.append(Violation(location, f"Item `{key}` scored {value}, outside its scale {scale.min}-{scale.max}."))
    if bad:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{len(bad)} score(s) cannot be used.", bad)


def _part(key: str, name: str, items: Iterable[Item], score_sets: Sequence[Mapping[str, int | None]]) -> PartScore:
    part = list(items)
    scored = [(s[item.key], item.scale) for s in score_sets for item in part if s.get(item.key) is not None]
    exact = None
    if scored:
        exact = 100 * Fraction(sum(v - s.min for v, s in scored), sum(s.max - s.min for _, s in scored))
    percent = None if exact is None else float(exact)
    return PartScore(key, name, percent, len(scored), len(part), exact)


# KIDS's three areas with the six læreplan themes (KIDS 2nd edition) placed where they are mostly observed.
# The item texts are our own placeholders: the real KIDS items are licensed and are never shipped.
_DEMO_THEMES = (  # (area key, area name, theme key, theme name)
    ("physical_environment", "Fysiske omgivelser", "body_senses_movement", "Krop, sanser og bevægelse"),
    ("physical_environment", "Fysiske omgivelser", "nature_outdoor_science", "Natur, udeliv og science"),
    ("relationships", "Relationer", "personal_development", "Alsidig personlig udvikling"),
    ("relationships", "Relationer", "social_development", "Social udvikling"),
    ("play_and_activity", "Leg og aktivitet", "communication_language", "Kommunikation og sprog"),
    ("play_and_activity", "Leg og aktivitet", "culture_aesthetics_community", "Kultur, æstetik og fællesskab"),
)


def _demo_instrument() -> Instrument:
    areas: dict[tuple[str, str], list[Theme]] = {}
    for area_key, area_name, theme_key, theme_name in _DEMO_THEMES:
        text = f"Demo-indikator {{}} for {theme_name.lower()}"
        items = tuple(Item(f"{theme_key}_{n}", Scale(1, 5), text.format(n)) for n in (1, 2, 3))
        areas.setdefault((area_key, area_name), []).append(Theme(theme_key, theme_name, items))
    areas_ = tuple(Area(key, name, tuple(themes)) for (key, name), themes in areas.items())
    return Instrument("demo", "1", "Demo-instrument med KIDS' struktur (neutrale tekster)", areas_).validated()


DEMO_INSTRUMENT = _demo_instrument()
