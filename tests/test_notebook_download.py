"""The downloadable notebook's Markdown: MyST-only syntax becomes plain Markdown."""

from __future__ import annotations

import pytest
from afx_docs.notebook_download import plain_markdown


def test_roles_and_labels_become_plain_text() -> None:
    source = (
        "(a-label)=\n# Title\nSee {ref}`the section <exp-x>` and {glue:text}`key`.\n% a comment"
    )
    assert plain_markdown(source) == "# Title\nSee the section and `key`."


def test_admonition_becomes_a_quote_with_its_title() -> None:
    source = "```{admonition} In short\n:class: tip\n\n- one point\n```"
    assert plain_markdown(source) == "> **In short**\n>\n> - one point"


def test_glue_directive_points_at_the_cell_that_shows_it() -> None:
    source = "Before.\n\n```{glue:md} cost_table\n:format: myst\n```\n\nAfter."
    text = plain_markdown(source)
    assert "{glue" not in text
    assert "*(`cost_table`: shown by the code cell above.)*" in text
    assert text.startswith("Before.")
    assert text.endswith("After.")


@pytest.mark.parametrize("fence", ["```", "````"])
def test_plain_code_fences_are_kept(fence: str) -> None:
    source = f"{fence}python\nx = {{1: 2}}\n{fence}"
    assert plain_markdown(source) == source


def test_glue_directive_inside_a_container_too() -> None:
    source = ":::{container} no-search\nTimed:\n\n```{glue:md} cost_table\n:format: myst\n```\n:::"
    text = plain_markdown(source)
    assert "{glue" not in text
    assert "*(`cost_table`: shown by the code cell above.)*" in text
