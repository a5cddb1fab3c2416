"""What every page is given besides its own values: the site, the navigation, the date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import links
from ..content import Content
from ..links import Urls
from ..published import Published


@dataclass(frozen=True)
class NavLink:
    title: str
    path: str
    external: bool = False


SECTION_TITLES = {
    "home": "Home",
    "plan": "Action plan",
    "plans": "Action plans",
    "technicians": "Our technicians",
    "galleries": "Galleries",
    "case-studies": "Case studies",
    "news": "News and events",
    "events": "Events",
    "accessibility": "Accessibility",
}


def navigation(content: Content, published: Published) -> list[NavLink]:
    pages = {p.id: p for p in published.pages}
    items = []
    for item in content.site.navigation:
        if not isinstance(item, str):
            items.append(NavLink(item.title, item.url, external=item.url.startswith("http")))
        elif item in pages:
            page = pages[item]
            items.append(NavLink(page.meta.nav_title or page.meta.title, links.page_path(item)))
        elif item == "plan":
            plan = published.current_plan
            path = links.plan_path(plan.id) if plan else "plans/"
            items.append(NavLink(SECTION_TITLES[item], path))
        elif item in SECTION_TITLES:
            items.append(NavLink(SECTION_TITLES[item], links.SECTION_PATHS[item]))
    return items


def shared_context(content: Content, published: Published, urls: Urls) -> dict[str, Any]:
    return {
        "site": content.site,
        "nav": navigation(content, published),
        "published": published,
        "today": published.today,
        "current_plan": published.current_plan,
        "has_accessibility": content.accessibility is not None,
        "base_path": urls.base_path,
    }
