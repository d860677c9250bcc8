"""Page quality, checked on every HTML page a test renders (docs/architecture.md §9).

A page passes when it is valid HTML5, has exactly one h1, a title that starts with the h1,
no duplicate ids, a label for every input, and forms with an action (and a CSRF token when
they POST).
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import html5lib
from html5lib.html5parser import ParseError  # noqa: F401 - re-exported for tests

NS = "{http://www.w3.org/1999/xhtml}"
LABELLESS_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def parse(html: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(html)


def page_problems(html: str) -> list[str]:
    try:
        document = parse(html)
    except Exception as error:  # html5lib raises ParseError with the position
        return [f"invalid HTML5: {error}"]
    problems: list[str] = []
    root = document
    if root.get("lang") not in {"da", "en"}:
        problems.append(f"<html lang> is {root.get('lang')!r}")
    h1s = root.findall(f".//{NS}h1")
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements")
    titles = root.findall(f".//{NS}title")
    if len(titles) != 1:
        problems.append("no single <title>")
    elif h1s and not _text(titles[0]).startswith(_text(h1s[0])):
        problems.append(f"title {_text(titles[0])!r} does not start with h1 {_text(h1s[0])!r}")
    ids = Counter(el.get("id") for el in root.iter() if el.get("id"))
    problems += [f"duplicate id {i!r}" for i, n in ids.items() if n > 1]
    labels_for = {label.get("for") for label in root.iter(f"{NS}label")}
    for field in [*root.iter(f"{NS}input"), *root.iter(f"{NS}select"), *root.iter(f"{NS}textarea")]:
        if field.get("type", "text") in LABELLESS_TYPES:
            continue
        if field.get("id") not in labels_for and not field.get("aria-label"):
            problems.append(f"field {field.get('name')!r} has no label")
    for form in root.iter(f"{NS}form"):
        if not form.get("action"):
            problems.append("form without action")
        if form.get("method", "get").lower() == "post":
            names = {i.get("name") for i in form.iter(f"{NS}input")}
            if "csrf_token" not in names and "request_id" not in names:
                problems.append(f"POST form to {form.get('action')} without CSRF token")
    problems += _fused_button_words(root)
    return problems


def _fused_button_words(root) -> list[str]:
    """DKFDS buttons are flex boxes: text beside an element inside one becomes separate flex
    items, and the spaces between them vanish ("SkrivJens'bekymring"). A label with a name in
    it is wrapped in one element."""
    found = []
    for element in root.iter():
        classes = (element.get("class") or "").split()
        if "button" not in classes:
            continue
        texts = [element.text or ""] + [child.tail or "" for child in element]
        if any(t.strip() for t in texts) and any(c.get("data-source") for c in element):
            found.append(f"words fused in a flex button: {_text(element)!r}")
    return found


def assert_good_page(html: str) -> None:
    problems = page_problems(html)
    assert not problems, "page quality: " + "; ".join(problems)


def list_item_with(response, needle: str) -> str:
    """The HTML of the first <li> on the page that holds ``needle`` (a queue row, say)."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    return next(item for item in html.split("<li>") if needle in item)


def text_of(response) -> str:
    """The words a person reads on the page (tags removed, white space folded)."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    html = INLINE_TAG.sub("", html)  # "<span>Jens'</span> forløb" reads "Jens' forløb"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


INLINE_TAG = re.compile(r"</?(?:span|strong|em|b|i|abbr|dfn|time|mark|small)\b[^>]*>")


BLOCKS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "legend", "label", "button"),
    *("summary", "td", "th", "caption", "a", "div", "fieldset", "section", "form", "dl"),
}


_WEEKDAY = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"
_MONTH = r"(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)"
_DATE = re.compile(
    rf"(?:{_WEEKDAY} den )?\d{{1,2}}\. {_MONTH}(?: \d{{4}})?(?: kl\. \d{{2}}\.\d{{2}})?"
)


def main_sentences(html: str, leave_out_classes: tuple[str, ...] = ("acting-for",)) -> list[str]:
    """The portal's own text in <main>, one line per heading, paragraph, list item, label or
    link (each ends a sentence), without what comes from the case system (data-source="case") or
    what the citizen wrote (data-source="citizen"),
    without dates (values, like the case system's text) and without the elements of the given
    classes."""
    document = parse(html)
    main = document.find(f".//{NS}main")
    lines: list[str] = []

    def skipped(element) -> bool:
        classes = (element.get("class") or "").split()
        return element.get("data-source") in ("case", "citizen") or any(
            c in classes for c in leave_out_classes
        )

    def walk(element, current: list[str]) -> None:
        if skipped(element):
            if element.tail:
                current.append(element.tail)
            return
        tag = element.tag.replace(NS, "")
        block = tag in BLOCKS
        here = [] if block else current
        if element.text and tag not in ("script", "style"):
            here.append(element.text)
        for child in element:
            walk(child, here)
        if block:
            text = " ".join(_DATE.sub("", " ".join(here)).split())
            if text:
                lines.append(text)
        if element.tail:
            current.append(element.tail)

    if main is not None:
        walk(main, [])
    return lines
