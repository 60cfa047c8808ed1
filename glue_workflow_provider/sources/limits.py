"""How big a definition may be: files, values and nesting past these are refused with one clear problem.

A definition of a 100-node workflow is a few tens of KiB, with a handful of levels. Without limits, one file
dropped into the dags folder could hold the DAG processor: a file of gigabytes, a YAML alias bomb (aliases
share one value, but every later walk visits each use, so a kilobyte can expand to billions of values), or
nesting deep enough to exhaust the stack.
"""

from __future__ import annotations

from glue_workflow_provider.model.diagnostics import Diagnostic, error

#: Largest definition read; a bigger file is refused before it is read.
MAX_BYTES = 4 * 1024 * 1024
#: Most values a document may expand to, and the deepest nesting.
MAX_VALUES, MAX_DEPTH = 200_000, 64


class DocumentProblem(Exception):
    """A document that cannot be read (syntax, or past a limit), with the diagnostic that says so."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def too_big(size: int) -> Diagnostic:
    """The problem of a file of ``size`` bytes."""
    return error(
        "GWF001",
        "(file)",
        f"the file is {size / 1048576:.1f} MiB; a definition is at most {MAX_BYTES // 1048576} MiB "
        "(is this the right file?)",
    )


def check_shape(data: object) -> None:
    """Refuse documents that expand to too many values or nest too deeply (each shared value walked once).

    :raises DocumentProblem: past MAX_VALUES or MAX_DEPTH.
    """
    totals: dict[int, int] = {}

    def count(value: object, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise DocumentProblem(
                error("GWF001", "(document)", f"values are nested more than {MAX_DEPTH} deep; a definition needs a "
                      "handful of levels")
            )
        if not isinstance(value, (dict, list)):
            return 1
        if id(value) in totals:
            return totals[id(value)]
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for item in items:
            total += count(item, depth + 1)
            if total > MAX_VALUES:
                raise DocumentProblem(
                    error("GWF001", "(document)", f"the document expands to more than {MAX_VALUES:,} values (YAML "
                          "aliases repeat what they point to); write it out plainly")
                )
        totals[id(value)] = total
        return total

    count(data, 0)
