# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write the guides of docs/ as the extra docs of the collection's docs site (docs/docsite/rst/).

The Markdown files in docs/ stay the source, read on GitHub; the docs site
that antsibull-docs builds takes reStructuredText with a label of its own on
each page, listed in docs/docsite/extra-docs.yml. Links between the guides
become references between the pages; links to module pages become references
to the module pages of the site; links to other files of the repository point
at them on GitHub.

Usage: python scripts/docsite.py OUT_DIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pypandoc
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = REPO_ROOT / "docs"
# The guides, in the order of the docs site's table of contents.
GUIDES = ("guide", "access", "backups", "networking", "awx", "performance")
LABEL = "ansible_collections.scalingo.cloud.docsite.%s"
MODULE_LINK = re.compile(r"\]\(modules/scalingo\.cloud\.(\w+)_module\.rst\)")
GUIDE_LINK = re.compile(r"\]\((%s)\.md(#[\w-]+)?\)" % "|".join(GUIDES))
FILE_LINK = re.compile(r"\]\(\.\./([^)#\s]+)\)")


def repository_url() -> str:
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    return "%s/blob/main/" % str(galaxy["repository"]).rstrip("/")


def site_markdown(text: str) -> str:
    """The guide's Markdown with its links pointing where they lead on the docs site (placeholders for refs)."""
    text = MODULE_LINK.sub(lambda match: "](REF:ansible_collections.scalingo.cloud.%s_module)" % match.group(1), text)
    text = GUIDE_LINK.sub(lambda match: "](REF:%s)" % (LABEL % match.group(1)), text)
    files = repository_url()
    return FILE_LINK.sub(lambda match: "](%s%s)" % (files, match.group(1)), text)


def rst_page(name: str) -> str:
    rst = pypandoc.convert_text(site_markdown((DOCS / ("%s.md" % name)).read_text()), "rst", format="gfm-gfm_auto_identifiers",
                                extra_args=["--wrap=preserve"])
    # pandoc writes a link as `text <target>`__; a reference to another page of the site is :ref:`text <label>`.
    rst = re.sub(r"`([^`<]+?) <REF:([\w.]+)>`__", r":ref:`\1 <\2>`", rst)
    # reStructuredText cannot nest a literal in a link, as Markdown does: the link keeps the text.
    rst = re.sub(r"```([^`]+)`` <([^>]+)>`__", r"`\1 <\2>`__", rst)
    return ".. _%s:\n\n%s" % (LABEL % name, rst)


def main() -> None:
    out = Path(sys.argv[1])
    (out / "rst").mkdir(parents=True, exist_ok=True)
    for name in GUIDES:
        (out / "rst" / ("%s.rst" % name)).write_text(rst_page(name))


if __name__ == "__main__":
    main()
