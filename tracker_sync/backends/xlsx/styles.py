"""Cell formats for tool tabs, appended to a workbook's styles part without renumbering any.

Coach cells point into ``cellXfs`` by index, so existing fonts, fills, borders, number formats and
cell formats are never moved or changed: a :class:`Style` that is not in the part yet is appended,
one that is (written by an earlier sync, found by its exact XML) is reused. A sync whose styles are
all there leaves the part untouched.

Tool-tab text is Arial, 10 points unless the style says otherwise: the layout engine measures every
column and wrapped row in Arial 10 (Google's default; LibreOffice shows Liberation Sans, the same
metrics), whatever the workbook's own default font is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr, unescape

from tracker_sync.backends.xlsx.container import UnsupportedZip
from tracker_sync.tabs import Style

#: Number formats every spreadsheet knows by id (ECMA-376 18.8.30); the others are stored as numFmt.
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9}
FIRST_CUSTOM_FORMAT = 164
_SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellXfs")
_CHILD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}
_VERTICAL = {"top": "top", "middle": "center"}
TOOL_FONT, TOOL_FONT_POINTS = "Arial", 10


@dataclass
class _Section:
    children: list[str]
    added: list[str]

    def index_of(self, xml: str) -> int:
        """The index of an identical child, appending ``xml`` when there is none."""
        try:
            return self.children.index(xml)
        except ValueError:
            self.children.append(xml)
            self.added.append(xml)
            return len(self.children) - 1


class StyleSheet:
    """One workbook's styles part, with the tool-tab styles appended on demand."""

    def __init__(self, xml: bytes) -> None:
        self.text = xml.decode("utf-8")
        root = re.search(r"<(\w+:)?styleSheet[\s>]", self.text)
        if root is None:
            raise UnsupportedZip("has a styles part without a <styleSheet>")
        self.p = root.group(1) or ""
        self.sections = {name: _Section(self._children(name), []) for name in _SECTIONS}
        for name in _SECTIONS[1:]:
            if not self.sections[name].children:
                raise UnsupportedZip(f"has a styles part without {name}")
        self.formats = {unescape(code, {"&quot;": '"', "&apos;": "'"}): int(number) for number, code in
                        (self._format(child) for child in self.sections["numFmts"].children)}
        self._xf_cache: dict[tuple[Style, str | None], int] = {}

    @property
    def changed(self) -> bool:
        return any(section.added for section in self.sections.values())

    def xf(self, style: Style, number_format: str | None) -> int:
        """The ``cellXfs`` index of ``style`` shown with ``number_format`` (the style's own wins)."""
        key = (style, style.number_format or number_format)
        if key not in self._xf_cache:
            self._xf_cache[key] = self._xf(style, key[1])
        return self._xf_cache[key]

    def to_bytes(self) -> bytes:
        """The part with every appended child, each list's count updated; unchanged lists stay as they were."""
        text = self.text
        for name in reversed(_SECTIONS):
            section = self.sections[name]
            if section.added:
                text = self._extended(text, name, section)
        return text.encode("utf-8")

    # -- building the children --

    def _xf(self, style: Style, number_format: str | None) -> int:
        p = self.p
        font = self.sections["fonts"].index_of(self._font(style))
        fill = self.sections["fills"].index_of(
            f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FF{style.fill}"/>'
            f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>') if style.fill else 0
        border = self.sections["borders"].index_of(
            f'<{p}border><{p}left/><{p}right/><{p}top/><{p}bottom style="thin"><{p}color indexed="64"/></{p}bottom>'
            f'<{p}diagonal/></{p}border>') if style.border_bottom else 0
        number = self._number_format(number_format)
        alignment = "".join([
            f' horizontal="{style.align}"' if style.align else "",
            f' vertical="{_VERTICAL[style.valign]}"' if style.valign else "",
            ' wrapText="1"' if style.wrap else "",
        ])
        attributes = (f'numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
                      'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"')
        xml = (f'<{p}xf {attributes} applyAlignment="1"><{p}alignment{alignment}/></{p}xf>' if alignment
               else f"<{p}xf {attributes}/>")
        return self.sections["cellXfs"].index_of(xml)

    def _font(self, style: Style) -> str:
        p = self.p
        flags = "".join(f"<{p}{tag}/>" for tag, on in (("b", style.bold), ("i", style.italic), ("u", style.underline)) if on)
        color = f'<{p}color rgb="FF{style.color}"/>' if style.color else ""
        size = TOOL_FONT_POINTS if style.size is None else style.size
        return f'<{p}font>{flags}<{p}sz val="{size:g}"/>{color}<{p}name val="{TOOL_FONT}"/><{p}family val="2"/></{p}font>'

    def _number_format(self, code: str | None) -> int:
        if code is None:
            return 0
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        if code not in self.formats:
            number = max([FIRST_CUSTOM_FORMAT - 1, *self.formats.values()]) + 1
            self.formats[code] = number
            self.sections["numFmts"].index_of(f"<{self.p}numFmt numFmtId=\"{number}\" formatCode={quoteattr(code)}/>")
        return self.formats[code]

    # -- reading the part --

    def _section_match(self, text: str, name: str) -> re.Match[str] | None:
        p = re.escape(self.p)
        return re.search(rf"<{p}{name}\b([^>]*?)(?:/>|>(.*?)</{p}{name}>)", text, re.S)

    def _children(self, name: str) -> list[str]:
        match = self._section_match(self.text, name)
        if match is None or match.group(2) is None:
            return []
        p, child = re.escape(self.p), _CHILD[name]
        return re.findall(rf"<{p}{child}\b[^>]*?/>|<{p}{child}\b[^>]*>.*?</{p}{child}>", match.group(2), re.S)

    @staticmethod
    def _format(child: str) -> tuple[str, str]:
        number = re.search(r'numFmtId="(\d+)"', child)
        code = re.search(r'formatCode="([^"]*)"', child)
        return (number.group(1) if number else "0"), (code.group(1) if code else "")

    def _extended(self, text: str, name: str, section: _Section) -> str:
        match = self._section_match(text, name)
        count = f'count="{len(section.children)}"'
        added = "".join(section.added)
        if match is None:  # only numFmts may be missing: it is the first list of the part
            root = re.search(r"<(\w+:)?styleSheet\b[^>]*>", text)
            assert root is not None
            return text[:root.end()] + f"<{self.p}{name} {count}>{added}</{self.p}{name}>" + text[root.end():]
        attributes = match.group(1)
        attributes = re.sub(r'count="\d*"', count, attributes) if "count=" in attributes else f"{attributes} {count}"
        inner = (match.group(2) or "") + added
        return text[:match.start()] + f"<{self.p}{name}{attributes}>{inner}</{self.p}{name}>" + text[match.end():]
