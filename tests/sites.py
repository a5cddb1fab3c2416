"""Tiny sites written by the tests themselves, one file at a time."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

from site_builder.project import BuildOptions, Project

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 24)

SITE = """\
name: University of Testford
short_name: Testford
base_url: https://technicians.testford.example.ac.uk/
contact:
  name: Sam Lee
  role: Technician Commitment lead
  email: technicians@testford.example.ac.uk
signed: 2019-03-01
navigation: [about, plan, technicians, news]
"""

ACCESSIBILITY = """\
scope: This statement applies to the Testford technicians website.
how_accessible: Most of the site works well with assistive technology.
feedback_email: web@testford.example.ac.uk
reporting_contact: web@testford.example.ac.uk
compliance: full
prepared: 2025-01-10
reviewed: 2026-01-10
tested: 2026-01-05
tested_by: the Testford web team
"""

PLAN = """\
title: Action plan 2025-2028
period: {start: 2025-09-01, end: 2028-08-31}
current: true
themes:
  visibility:
    goal: Make technical work seen.
    actions:
      - title: Publish a gallery of technicians
        status: complete
  recognition:
    goal: Recognise technical contributions.
    objectives:
      - code: R1
        title: Awards
        actions:
          - title: Start an annual award
            status: on-track
            target: 2026-06
  career_development:
    goal: Grow careers.
    actions:
      - title: Fund registration fees
  sustainability:
    goal: Plan for the future workforce.
    actions:
      - title: Start an apprenticeship scheme
        status: delayed
"""

GALLERY = "title: Main Building\nlocation: Main campus\n"

TECHNICIAN = """\
name: Alex Morgan
role: Research Technician
department: Chemistry
gallery: main
bio: Alex runs the teaching labs.
registrations: [RSciTech]
consent:
  given: true
  date: 2025-02-01
"""

PAGE = """\
---
title: About the Commitment
summary: What the Technician Commitment means here.
---

## Why we signed

See [our plan](/plans/).
"""

NEWS = """\
---
title: Award winners announced
date: 2026-10-01
summary: Three technicians won awards.
technicians: [alex-morgan]
themes: [recognition]
---

Congratulations to all.
"""


class TinySite:
    """A minimal valid site in a temporary folder, with helpers to change one file."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.write("content/site.yaml", SITE)
        self.write("content/accessibility.yaml", ACCESSIBILITY)
        self.write("content/plans/2025-2028.yaml", PLAN)
        self.write("galleries/main/gallery.yaml", GALLERY)
        self.write("content/technicians/alex-morgan.yaml", TECHNICIAN)
        self.write("content/pages/about.md", PAGE)
        self.write("content/news/2026-10-01-awards.md", NEWS)
        shutil.copytree(ROOT / "themes" / "default", root / "themes" / "default")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def options(self, **changes: object) -> BuildOptions:
        settings: dict[str, object] = {
            "project": Project.at(self.content),
            "output": self.root / "output",
            "today": TODAY,
            "jobs": 1,
        }
        settings.update(changes)
        return BuildOptions(**settings)  # type: ignore[arg-type]
