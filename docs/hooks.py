"""MkDocs hooks: a new page joins the site's navigation without an edit to mkdocs.yml.

mkdocs.yml's ``nav`` lists pages only to put them in order. A page it does not list is added at the
end of the section whose pages share its folder (``docs/district/new.md`` ends *For district staff*),
or at the end of the site when no section holds its folder; its title is its first heading.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any


def on_config(config: Any) -> Any:
    docs = Path(config["docs_dir"])
    pages = sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md"))
    config["nav"] = with_unlisted_pages(config["nav"] or [], pages)
    return config


def with_unlisted_pages(nav: list, pages: list[str]) -> list:
    """``nav`` with every page it does not list appended to the section of its folder (or to the end)."""
    listed = set(_paths(nav))
    unlisted = [page for page in pages if page not in listed]
    nav = list(nav)
    for index, item in enumerate(nav):
        if isinstance(item, dict):
            (title, entries), = item.items()
            if isinstance(entries, list):
                folder = _folder(entries)
                joining = [page for page in unlisted if folder and PurePosixPath(page).is_relative_to(folder)]
                unlisted = [page for page in unlisted if page not in joining]
                nav[index] = {title: [*entries, *joining]}
    return nav + unlisted


def _paths(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [path for value in nav.values() for path in _paths(value)]
    if isinstance(nav, list):
        return [path for item in nav for path in _paths(item)]
    return []


def _folder(entries: list) -> str | None:
    """The folder every page of a section is in (None when they are in different ones, or at the top)."""
    folders = {str(PurePosixPath(path).parent) for path in _paths(entries)}
    return folders.pop() if len(folders) == 1 and "." not in folders else None
