"""The Jinja environment that renders change templates.

The built-in templates ship as the package `schemac.templates` (the repository's top-level
`templates/` directory); a user's `templates_dir` overlays them name by name. Jinja is imported
here only, and this module only by render/, so commands that render nothing never load it.
"""

from __future__ import annotations

import importlib.resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import jinja2

TEMPLATE_SUFFIX = ".sql.j2"

#: what a jinja2 FunctionLoader returns: source, file name, is-up-to-date
_Source = tuple[str, str, "Callable[[], bool]"]


def builtin_templates_root() -> Traversable:
    """Where the built-in templates are: the installed package, else the source checkout.

    Runs from a checkout with only `src/` on the path cannot import `schemac.templates` (the
    mapping to `templates/` exists only once the package is installed), so they fall back to the
    repository's `templates/` directory.
    """
    try:
        return importlib.resources.files("schemac.templates")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "templates"


def builtin_template_names() -> list[str]:
    """The file names of every built-in template, sorted."""
    root = builtin_templates_root()
    return sorted(p.name for p in root.iterdir() if p.name.endswith(TEMPLATE_SUFFIX))


def template_name(kind: str) -> str:
    """The template file rendering changes of `kind`."""
    return f"{kind}{TEMPLATE_SUFFIX}"


def _builtin_loader(root: Traversable) -> Callable[[str], _Source | None]:
    # A function loader reads through importlib.resources, so templates load even from a zipped
    # install where no real directory exists.
    def load(name: str) -> _Source | None:
        entry = root.joinpath(name)
        if not entry.is_file():
            return None
        return entry.read_text(encoding="utf-8"), f"schemac.templates/{name}", lambda: True

    return load


def make_environment(templates_dir: str | Path | None = None) -> jinja2.Environment:
    """An environment over the built-in templates, overlaid by `templates_dir` when given.

    StrictUndefined turns a context key missing for a template into an error instead of an empty
    string in the SQL; autoescape is off because the output is SQL, not HTML (all escaping is done
    by model/names.py before the template sees a value).
    """
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir), encoding="utf-8"))
    loaders.append(jinja2.FunctionLoader(_builtin_loader(builtin_templates_root())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
