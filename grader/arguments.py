"""What click does not say by itself, for the command line (:mod:`grader.cli`): numbers that must be
finite, and a negative value given to an option whose value is optional."""

from __future__ import annotations

import math
import re
from typing import Any

import click


class FloatRange(click.FloatRange):
    """click's FloatRange, refusing ``nan`` (which every bound lets through: no comparison with it is true)
    and infinity, which no option of the grader means."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a finite number (expected {self._describe_range()}).", param, ctx)
        return number


# An option whose value is optional (``--watch [SECONDS]``) followed by a negative number: click reads the
# number as an option ("No such option '-1'"), even as ``--watch=-1``. Given as " -1" (which float() reads
# as -1) it is taken as the value, and refused as such: "-1.0 is not in the range 1<=x<=3600".
OPTIONAL_VALUE = ("--watch",)
NEGATIVE = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def negative_values_given(args: list[str]) -> list[str]:
    out: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            return out + args[index:]
        option, given, value = arg.partition("=")
        if given and option in OPTIONAL_VALUE and NEGATIVE.match(value):
            out += [option, f" {value}"]
        elif out and out[-1] in OPTIONAL_VALUE and NEGATIVE.match(arg):
            out.append(f" {arg}")
        else:
            out.append(arg)
    return out
