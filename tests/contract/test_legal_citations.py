"""Every legal reference comes from the law in force on the day of the act (domain/law.py), never a typed string.

Issue 9, done when 5: a grep for "§5 stk. 3" or "§5, stk. 3" in api/ and domain/ finds nothing outside the law data
(domain/law.py). The report
duty was §5 stk. 3 until 2024 and is §5 stk. 2 from 2025, so any typed subsection of §5 is wrong on some date. The
same holds for every §5a and §5b reference a user can read (a description, a label, a problem detail, a route's
summary, an enum's docstring in the OpenAPI document): it cites the version in force through domain.law, or it names
the duty in words ("the report duty of dagtilbudsloven §5"). Docstrings and comments nobody outside reads may name
the unchanged §5a/§5b paragraphs, never a subsection of §5.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAW = Path("domain/law.py")

# A subsection of §5, in any spelling: "§5 stk. 3", "§5, stk. 2", "§ 5, stk. 3".
SUBSECTION_OF_5 = re.compile(r"§\s*5,?\s*stk\.")
# Any reference more precise than the section as a whole: §5a, §5b, a subsection of §5, a range "§5-§5b", "§§5-5b".
CITATION = re.compile(r"§+\s*5(?:[a-z]|\s*,?\s*stk\b|\s*[-–]\s*§*\s*\d)")


def _sources() -> list[Path]:
    files = sorted(p.relative_to(ROOT) for folder in ("api", "domain") for p in (ROOT / folder).rglob("*.py"))
    return [p for p in files if p != LAW]


def _subsection_hits(path: Path) -> list[str]:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return [f"{path}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if SUBSECTION_OF_5.search(line)]


def _is_enum(node: ast.ClassDef) -> bool:
    return any(isinstance(b, ast.Name | ast.Attribute) and ast.unparse(b).endswith("Enum") for b in node.bases)


def _internal_docstrings(path: Path, tree: ast.Module) -> set[int]:
    """The ids of docstring nodes no user reads: module docstrings, and those of functions outside the routers
    (a route's docstring is its OpenAPI summary) and of classes that are neither schemas nor enums."""
    public_module = path.parts[:2] in (("api", "schemas"), ("api", "routers"))
    internal = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = node.body
        if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
            continue
        if isinstance(node, ast.Module):
            shown = False
        elif isinstance(node, ast.ClassDef):
            shown = public_module or _is_enum(node)
        else:
            shown = path.parts[:2] == ("api", "routers")
        if not shown:
            internal.add(id(body[0].value))
    return internal


def _visible_citations(path: Path) -> list[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    internal = _internal_docstrings(path, tree)
    return [
        f"{path}:{node.lineno}: {node.value.strip()[:100]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in internal
        and CITATION.search(node.value)
    ]


def test_no_subsection_of_section_5_is_typed_outside_the_law_data():
    hits = [hit for path in _sources() for hit in _subsection_hits(path)]
    assert hits == [], "Cite §5 through domain.law for the day of the act:\n" + "\n".join(hits)


def test_no_text_a_user_reads_types_a_paragraph_of_the_supervision_provisions():
    hits = [hit for path in _sources() for hit in _visible_citations(path)]
    assert hits == [], "Cite through domain.law (or name the duty in words):\n" + "\n".join(hits)


def test_the_checks_see_a_typed_citation_where_a_user_would_read_it():
    tree = ast.parse('"""Module: §5 stk. 3."""\nclass A(StrEnum):\n    """§5b stk. 1"""\nX = f"({y}, §5a)"\n')
    path = Path("api/schemas/example.py")
    internal = _internal_docstrings(path, tree)
    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in internal]
    assert [v for v in found if isinstance(v, str) and CITATION.search(v)] == ["§5b stk. 1", ", §5a)"]
    assert not CITATION.search("the report duty of dagtilbudsloven §5.") and not CITATION.search("RFC 6749 §5.1")
    assert not CITATION.search("efter dagtilbudsloven §5 – anmeldt") and CITATION.search("§5-§5b")
    assert SUBSECTION_OF_5.search("dagtilbudsloven §5, stk. 2") and SUBSECTION_OF_5.search("§5 stk. 3")
