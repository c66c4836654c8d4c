"""The structure the code keeps: read from the imports, so a shortcut shows up as a failure.

- A format (citetool/formats/*.py) imports only the model, the typography modules, the style
  base and its own vocabulary: never another format.
- An importer of a foreign format uses that format's vocabulary, never a format (style).
- The library never imports the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "citetool"
MODEL = {"citetool.model", "citetool.plain", "citetool.errors"}
TYPOGRAPHY = {"citetool.text", "citetool.protect"}


def _imports(path: Path) -> set[str]:
    """Every citetool module a file imports (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.removesuffix(".__init__") if path.name == "__init__.py" else (
        module.rsplit(".", 1)[0])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("citetool")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("citetool"):
                continue
            # `from . import x` and `from ..vocab import bibtex` name modules
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists():
                    out.add(candidate)
                else:
                    out.add(target)
    return out


FORMATS = sorted(p for p in (PACKAGE / "formats").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.stem)
def test_formats_import_only_the_model_and_typography(path):
    allowed = MODEL | TYPOGRAPHY | {"citetool.formats.base", f"citetool.vocab.{path.stem}",
                                    "citetool.vocab"}
    assert _imports(path) <= allowed, path.name


@pytest.mark.parametrize("path", sorted((PACKAGE / "importers").glob("*.py")),
                         ids=lambda p: p.stem)
def test_importers_use_vocabularies_not_styles(path):
    assert not {m for m in _imports(path) if m.startswith("citetool.formats")}, path.name


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.stem)
def test_library_never_imports_the_cli(path):
    if path.name in ("cli.py", "__main__.py"):
        return
    assert "citetool.cli" not in _imports(path), path.name


def test_the_rule_sees_every_kind_of_import():
    # the check itself must be able to fail: it sees relative, aliased and package imports
    found = _imports(PACKAGE / "formats" / "chicago.py")
    assert {"citetool.formats.base", "citetool.text", "citetool.plain"} <= found
    api = _imports(PACKAGE / "api.py")
    assert {"citetool.project", "citetool.store", "citetool.errors"} <= api


def test_a_citation_loads_only_its_own_style(tmp_path):
    # the registry imports a style's module when the style is first used: a cold `cite`
    # does not pay for BibTeX, CSL-JSON, RIS or any importer
    import subprocess
    import sys

    script = ("import sys\n"
              "from citetool.cli import main\n"
              "sys.argv = ['citetool', 'cite', '115325']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(' '.join(sorted(m for m in sys.modules if m.startswith('citetool'))))\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "CITETOOL_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    loaded = set(out.splitlines()[-1].split())
    assert "citetool.formats.chicago" in loaded
    assert not {m for m in loaded if m.startswith(("citetool.formats.bibtex", "citetool.vocab",
                                                   "citetool.formats.ris", "citetool.importers.",
                                                   "citetool.formats.csljson"))}


def test_the_registry_names_each_style_by_its_own_name():
    from citetool.formats import STYLES

    assert [style.name for style in STYLES.values()] == list(STYLES)
