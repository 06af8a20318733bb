"""The assistant's Markdown as safe HTML: markdown-it-py with raw HTML off, then nh3.

markdown-it already escapes raw HTML when ``html`` is off; nh3 is the second wall, with
a short allow-list of tags and attributes, http(s)/mailto links only (relative links
stay), and every link opened outside the page with rel="noopener noreferrer".
"""

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")


def to_html(markdown: str) -> str:
    """Render Markdown to HTML that is safe to put in the page."""
    html = _md.render(markdown or "")
    return clean(html)


def clean(html: str) -> str:
    """nh3 with PaperDesk's allow-list (also usable on HTML from elsewhere)."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
