"""Offer every notebook page as a Jupyter notebook (.ipynb) a reader can run anywhere.

For each page that MyST-NB read as a notebook, the MyST markdown source is
converted with jupytext into a notebook *without outputs* and written next to the
page's HTML (``sigmoid.md`` becomes ``sigmoid.ipynb`` beside ``sigmoid.html``).
A "Download this page as a notebook (.ipynb)" link is placed under the page title.

A downloaded notebook runs outside the repository, in an environment with only
the package, its extras and a kernel:

- the build makes a wheel of the package (hatchling's PEP 517 hook, in a
  subprocess) and serves it beside the pages, in ``_downloads/``;
- the notebook's first cell is a comment with the exact install command;
- site-only plumbing is rewritten: ``from myst_nb import glue`` becomes the
  package's :func:`activation_functions.pages.glue` (which prints where MyST-NB is
  absent), ``{glue:text}`key``` in the prose becomes ```key``` (the cells print
  ``key: value``), cross-reference roles become their text, admonitions become
  quotes, and ``(label)=`` targets and the toctree are dropped. A code cell that
  still needs Sphinx or MyST-NB is a build warning naming the page and cell;
- no outputs, no execution counts, no build-only metadata (MyST front matter,
  jupytext's header, MyST-NB's display tags) are carried.

The install command is also offered to the pages as MyST substitutions
(``{{ install_command }}``, ``{{ wheel_link }}``, ``{{ wheel_name }}``): this
module enables MyST's "substitution" extension and defines them.

The bytes are deterministic: cell ids are numbered, nothing from the execution is
used, nbformat writes sorted keys, and hatchling writes reproducible wheels.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jupytext
import nbformat
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

LINK_TEXT = "Download this page as a notebook (.ipynb)"
_FIRST_H1_END = re.compile(r"</h1>")

#: Where the wheel is served, relative to the site's root.
WHEEL_FOLDER = "_downloads"
#: The distribution's name as wheel file names spell it (PEP 427 normalisation).
DIST = "activation_functions"
#: PyTorch's CPU-only wheel index: without it pip installs the multi-GB CUDA build on Linux.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Modules only the site build has: a downloaded notebook cannot import them.
SITE_ONLY = ("myst_nb", "sphinx", "docutils", "jupyter_cache")
#: Cell tags a plain Jupyter runner honours; MyST-NB's display tags are build-only.
KEPT_TAGS = frozenset({"raises-exception", "skip-execution"})


# -- The wheel and its install command ----------------------------------------


def wheel_name(version: str) -> str:
    return f"{DIST}-{version}-py3-none-any.whl"


def install_command(version: str) -> str:
    """The exact command that installs the served wheel with every extra, CPU torch."""
    return f'pip install "{wheel_name(version)}[all]" --extra-index-url {TORCH_CPU_INDEX}'


def wheel_location(config: Config) -> str:
    """Where a reader downloads the wheel: its absolute URL when the site's is known."""
    path = f"{WHEEL_FOLDER}/{wheel_name(config.release)}"
    base = config.html_baseurl
    if base:
        return base.rstrip("/") + "/" + path
    return f"the website's {WHEEL_FOLDER}/ folder, beside its home page"


def add_substitutions(app: Sphinx, config: Config) -> None:
    """Offer the install command to the pages as ``{{ install_command }}`` and friends."""
    if "substitution" not in config.myst_enable_extensions:
        config.myst_enable_extensions = [*config.myst_enable_extensions, "substitution"]
    name = wheel_name(config.release)
    config.myst_substitutions = {
        **config.myst_substitutions,
        "wheel_name": name,
        # Raw HTML: a Markdown link to a file that is not a page would be a missing reference.
        "wheel_link": f'<a href="{WHEEL_FOLDER}/{name}" download="{name}">{name}</a>',
        "install_command": f"`{install_command(config.release)}`",
    }


def build_wheel(project: Path, out: Path) -> Path:
    """Build the package's wheel into ``out`` with hatchling's PEP 517 hook."""
    with tempfile.TemporaryDirectory() as scratch:
        # The hook builds the project in the current directory: run it there, apart.
        code = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
        result = subprocess.run(
            [sys.executable, "-c", code, scratch],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"building the wheel failed:\n{result.stderr}")
        built = Path(scratch, result.stdout.strip().splitlines()[-1])
        target = out / built.name
        data = built.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target


def serve_wheel(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # The project (with pyproject.toml) is the folder above the one holding conf.py.
    target = build_wheel(Path(app.confdir).parent, Path(app.outdir, WHEEL_FOLDER))
    expected = wheel_name(app.config.release)
    if target.name != expected:
        logger.warning(
            "the wheel is %s, but the pages tell readers to install %s "
            "(docs/conf.py's release and pyproject.toml's version differ)",
            target.name,
            expected,
        )


# -- The notebook ---------------------------------------------------------------


def is_notebook_page(app: Sphinx, docname: str) -> bool:
    """True for pages MyST-NB read as notebooks (it records their kernelspec)."""
    return docname in app.env.found_docs and "kernelspec" in app.env.metadata.get(docname, {})


_MYST_NB_GLUE = re.compile(r"^from myst_nb import glue\b", re.MULTILINE)
_SITE_IMPORT = re.compile(rf"^\s*(?:from|import)\s+(?:{'|'.join(SITE_ONLY)})\b", re.MULTILINE)
_FENCE = re.compile(r"^(`{3,}|:{3,})")
_LABEL = re.compile(r"^\([\w.:-]+\)=\s*$")
_COMMENT = re.compile(r"^%")  # a MyST comment line
_OPTION = re.compile(r"^:\w[\w-]*:")  # a directive option such as :class:
_GLUE_ROLE = re.compile(r"\{glue(?::\w*)?\}`([^`:]+)(?::[^`]*)?`")
_SUBSTITUTION = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_MATH_ROLE = re.compile(r"\{math\}`([^`]+)`")
_ROLE = re.compile(r"\{[\w:.-]+\}`([^`]+)`")
_TITLED = re.compile(r"^(.*?)\s*<[^<>]+>$", re.DOTALL)
_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
_QUOTED_DIRECTIVES = frozenset(
    {"admonition", "note", "tip", "hint", "important", "warning", "caution", "seealso"}
)
_CODE_DIRECTIVES = {"eval-rst": "rst", "doctest": "python", "code-block": "", "code": ""}
_DROPPED_DIRECTIVES = frozenset({"toctree"})


def _role_text(match: re.Match[str]) -> str:
    content = match.group(1)
    titled = _TITLED.match(content)
    if titled and titled.group(1):
        return titled.group(1)  # {ref}`the text <label>` reads as "the text"
    return f"`{content.lstrip('~!')}`"


def _inline(text: str, substitutions: dict[str, str] | None = None) -> str:
    if substitutions:
        text = _SUBSTITUTION.sub(lambda m: substitutions.get(m.group(1), m.group(0)), text)
    text = _GLUE_ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
    return _ROLE.sub(_role_text, text)


def _inside(line: str, mode: str, out: list[str]) -> None:
    """One line inside a directive or fence, in the given mode."""
    if mode in ("code", "fence"):
        out.append(line)
    elif mode in ("quote", "unwrap") and not (_OPTION.match(line) or _COMMENT.match(line)):
        if mode == "unwrap":
            out.append(_inline(line))
        elif line.strip():
            out.append("> " + _inline(line))
        elif out[-1] != ">":
            out.append(">")


#: A glue directive with its options, as left inside an unwrapped container.
_NESTED_GLUE = re.compile(r"^```\{glue[^}]*\} *(\S+)\n(?::[^\n]*\n)*```$", re.MULTILINE)


def _glue_pointer(key: str) -> str:
    return f"*(`{key.strip()}`: shown by the code cell above.)*"


def _open_directive(name: str, title: str, out: list[str]) -> str:
    """Start a directive's Markdown form; the mode for its content."""
    if name in _QUOTED_DIRECTIVES:
        out += [f"> **{_inline(title or name.capitalize())}**", ">"]
        return "quote"
    if name in _CODE_DIRECTIVES:
        out.append("```" + _CODE_DIRECTIVES[name])
        return "code"
    if name in _DROPPED_DIRECTIVES:
        return "drop"
    if name.startswith("glue"):  # {glue:md} key: the cell that glued it shows it instead
        out.append(_glue_pointer(title))
        return "drop"
    return "unwrap"  # a container such as {div}: its content is ordinary prose


def plain_markdown(source: str, substitutions: dict[str, str] | None = None) -> str:
    """MyST markdown as Markdown that Jupyter renders: roles, targets, directives and
    ``{{ substitutions }}`` (in ordinary prose)."""
    out: list[str] = []
    closing: str | None = None  # the fence that ends the directive or fence we are inside
    mode = ""  # inside a directive: "quote", "code", "unwrap" or "drop"; a plain fence: "fence"
    for line in source.splitlines():
        if closing is not None:
            if line.strip() == closing:
                if mode in ("code", "fence"):
                    out.append("```" if mode == "code" else line)
                closing, mode = None, ""
            else:
                _inside(line, mode, out)
        elif directive := _DIRECTIVE.match(line):
            closing, name, title = directive.groups()
            mode = _open_directive(name, title, out)
        elif fence_open := _FENCE.match(line):
            closing, mode = fence_open.group(1), "fence"
            out.append(line)
        elif not (_LABEL.match(line) or _COMMENT.match(line)):
            out.append(_inline(line, substitutions))
    text = "\n".join(out).strip("\n")
    # A {glue} directive inside a container (unwrapped line by line above): the cell that
    # glued the value shows it in the notebook, so the text points there instead.
    text = _NESTED_GLUE.sub(lambda m: _glue_pointer(m.group(1)), text)
    return re.sub(r"\n{3,}", "\n\n", text)


def first_cell(config: Config, title: str) -> str:
    page = (
        f"The home page of {config.project}"
        if title == config.project
        else (f"{title}: a page of {config.project}")
    )
    return "\n".join(
        [
            f"# {page}, as a notebook.",
            "# To run it outside the website, make a fresh virtual environment, download the",
            f"# site's package, {wheel_name(config.release)}, from",
            f"# {wheel_location(config)},",
            "# and install it with",
            f"#     {install_command(config.release)}",
            "# (the extra index gives PyTorch's CPU-only build; leave it out for CUDA),",
            "# plus a notebook front end, e.g. `pip install jupyterlab`.",
            "# Numbers the prose quotes appear there as `name`: the cells print `name: value`.",
        ]
    )


def notebook_bytes(
    source: Path, config: Config | None = None, docname: str = ""
) -> tuple[bytes, list[str]]:
    """The page as a runnable .ipynb without outputs, and the problems found in it.

    Byte-for-byte reproducible: nothing depends on the page's execution.
    """
    notebook = jupytext.read(source, fmt="md:myst")
    kernelspec = dict(notebook.metadata.get("kernelspec", {}))
    kernelspec.setdefault("language", "python")
    notebook.metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
    problems: list[str] = []
    cells: list[Any] = []
    title = source.stem
    substitutions = None
    if config is not None:
        # The page's relative link to the wheel does not work in a download: name the place.
        wheel = f"`{wheel_name(config.release)}` (from {wheel_location(config)})"
        substitutions = {**config.myst_substitutions, "wheel_link": wheel}
    for cell in notebook.cells:
        tags = [tag for tag in cell.metadata.get("tags", []) if tag in KEPT_TAGS]
        cell.metadata = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            cell.source = _MYST_NB_GLUE.sub(
                "from activation_functions.pages import glue", cell.source
            )
            if _SITE_IMPORT.search(cell.source):
                problems.append(
                    f"{docname}: code cell {len(cells)} imports a site-only module "
                    f"({', '.join(SITE_ONLY)}): a downloaded notebook cannot run it"
                )
            cell["outputs"] = []
            cell["execution_count"] = None
        elif cell.cell_type == "markdown":
            heading = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
            if heading and title == source.stem:
                title = heading.group(1).strip()
            cell.source = plain_markdown(cell.source, substitutions)
            if "{glue" in cell.source:
                problems.append(f"{docname}: a glue directive is left in the download")
            if not cell.source:
                continue
        cells.append(cell)
    if config is not None:
        cells.insert(0, nbformat.v4.new_code_cell(first_cell(config, title)))
    notebook.cells = cells
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
    nbformat.validate(notebook)
    return (nbformat.writes(notebook) + "\n").encode("utf-8"), problems


def add_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Write ``<page>.ipynb`` and put a link to it under the page title."""
    if doctree is None or not is_notebook_page(app, pagename):
        return
    target = Path(app.outdir, pagename + ".ipynb")
    data, problems = notebook_bytes(Path(app.env.doc2path(pagename)), app.config, pagename)
    for problem in problems:
        logger.warning(problem, location=pagename)
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    href = context["pathto"](pagename + ".ipynb", 1)
    name = Path(pagename).name + ".ipynb"
    link = (
        '<p class="nb-download">'
        f'<a class="reference download" href="{href}" download="{name}">'
        '<span class="nb-download-icon" aria-hidden="true">⤓</span> '
        f"{LINK_TEXT}</a></p>"
    )
    body = context.get("body", "")
    if _FIRST_H1_END.search(body):
        context["body"] = _FIRST_H1_END.sub("</h1>\n" + link, body, count=1)
    else:
        context["body"] = link + body
    context["nb_download_url"] = href


def setup(app: Sphinx) -> dict[str, Any]:
    # Before MyST reads its configuration (builder-inited).
    app.connect("config-inited", add_substitutions)
    app.connect("html-page-context", add_download)
    app.connect("build-finished", serve_wheel)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
