"""The dotenv parser (read like Compose reads it) and Compose's `${VAR}` interpolation."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.envfile import (
    EnvFile,
    EnvValue,
    RefStatus,
    environment_of,
    interpolate,
)
from deploycheck.parsers import Parsed
from deploycheck.parsers import envfile as env_parser


def parse(text: str, path: str = ".env") -> Parsed:
    return env_parser.parse(SourceFile.of(path, text))


def read(text: str) -> EnvFile:
    parsed = parse(text)
    model = parsed.models[0]
    assert isinstance(model, EnvFile)
    return model


SAMPLE = """\
# Database
DATABASE_URL=postgres://app:secret@db:5432/app
export SECRET_KEY="abc\\ndef"
  INDENTED = spaced value   # a comment
HASH=abc#not-a-comment
QUOTED_HASH='value # kept'
EMPTY=
YAML_STYLE: yes
PASSTHROUGH
MULTI="line one
line two"
DOLLAR="cost \\$5"
LITERAL='${NOT_EXPANDED}'
"""


def test_values_quotes_comments_and_positions() -> None:
    env = read(SAMPLE)
    got = {e.name: (e.value, e.pos, e.quote) for e in env.entries}
    assert got["DATABASE_URL"] == ("postgres://app:secret@db:5432/app", Position(2, 1), "")
    assert got["SECRET_KEY"] == ("abc\ndef", Position(3, 8), '"')
    assert got["INDENTED"] == ("spaced value", Position(4, 3), "")
    assert got["HASH"] == ("abc#not-a-comment", Position(5, 1), "")
    assert got["QUOTED_HASH"] == ("value # kept", Position(6, 1), "'")
    assert got["EMPTY"] == ("", Position(7, 1), "")
    assert got["YAML_STYLE"] == ("yes", Position(8, 1), "")
    assert got["PASSTHROUGH"] == (None, Position(9, 1), "")
    assert got["MULTI"] == ("line one\nline two", Position(10, 1), '"')
    assert got["LITERAL"] == ("${NOT_EXPANDED}", Position(13, 1), "'")
    assert env.get("MULTI") is not None and env.get("MULTI").quoted  # type: ignore[union-attr]
    assert env.get("DATABASE_URL").value_pos == Position(2, 14)  # type: ignore[union-attr]


def test_later_definitions_win_and_values_interpolate_earlier_ones() -> None:
    env = read("HOST=db\nURL=postgres://${HOST}:5432/x\nHOST=db2\nRAW='${HOST}'\nPRICE=\"cost \\$5\"\n")
    assert env.get("HOST").value == "db2"  # type: ignore[union-attr]
    values = environment_of(env)
    assert values["URL"].value == "postgres://db:5432/x"
    assert values["RAW"].value == "${HOST}"
    assert values["PRICE"].value == "cost $5"
    assert values["URL"].source == ".env" and values["URL"].pos == Position(2, 1)


def test_invalid_lines_become_problems_with_positions() -> None:
    parsed = parse("GOOD=1\nBAD-$NAME=2\nnot valid at all\nOPEN=\"never closed\nNEXT=1\n")
    problems = [(p.location.line, p.message) for p in parsed.problems]
    assert problems[0][0] == 2 and "unexpected character" in problems[0][1]
    assert problems[1][0] == 3
    assert problems[2][0] == 4 and "unterminated" in problems[2][1]
    model = parsed.models[0]
    assert isinstance(model, EnvFile) and [e.name for e in model.entries] == ["GOOD"]


def test_crlf_bom_and_blank_input() -> None:
    env = read("\ufeffA=1\r\nB='2'\r\n\r\n")
    assert [(e.name, e.value) for e in env.entries] == [("A", "1"), ("B", "2")]
    for text in ("", "\n", "#\n", "   \n", "\x00\x01", "=", "==", "'", "\"", "export", "export \n"):
        parsed = parse(text)
        assert not any(p.message.startswith("could not read") for p in parsed.problems), text


def test_large_file_is_fast() -> None:
    text = "".join(f"VAR_{i}=value-{i} # note\n" for i in range(50_000))
    start = time.monotonic()
    env = read(text)
    assert len(env.entries) == 50_000
    assert time.monotonic() - start < 5


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("AB_=:'\"#\\$ {}\nexport\t1é")), max_size=200))
def test_parser_never_raises(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Parsed)
    assert not any(p.message.startswith("could not read") for p in parsed.problems)
    model = parsed.models[0]
    assert isinstance(model, EnvFile)
    environment_of(model)


# -- interpolation -------------------------------------------------------------------------------


def values(**kw: str) -> dict[str, EnvValue]:
    return {k: EnvValue(v, ".env", Position(1, 1)) for k, v in kw.items()}


def test_interpolation_operators() -> None:
    env = values(SET="v", EMPTY="")
    cases = {
        "${SET}": "v", "$SET": "v", "${UNSET}": "", "${UNSET:-d}": "d", "${EMPTY:-d}": "d",
        "${EMPTY-d}": "", "${UNSET-d}": "d", "${SET:+alt}": "alt", "${UNSET:+alt}": "",
        "${EMPTY+alt}": "alt", "${UNSET:?err}": "", "a$$b": "a$b", "$SET$SET": "vv",
        "${UNSET:-${SET}}": "v", "${UNSET:-}": "", "pre-${SET}-post": "pre-v-post",
    }
    for text, want in cases.items():
        result = interpolate(text, env)
        assert result.value == want, text
        assert not result.error, text


def test_interpolation_statuses_and_offsets() -> None:
    result = interpolate("x ${A} ${B:-1} ${C:?m} ${D:+z} $SET", values(SET="1"), "f.yaml",
                         lambda offset: Position(7, 10 + offset))
    statuses = [(r.name, r.status, r.pos.column) for r in result.refs]
    assert statuses == [
        ("A", RefStatus.MISSING, 12),
        ("B", RefStatus.DEFAULTED, 17),
        ("C", RefStatus.REQUIRED, 25),
        ("D", RefStatus.OPTIONAL, 33),
        ("SET", RefStatus.RESOLVED, 41),
    ]
    assert result.refs[-1].source == ".env" and result.refs[-1].resolved


def test_shell_variables_count_as_set() -> None:
    result = interpolate("${PWD}/data:${HOME}", {})
    assert all(r.status is RefStatus.RESOLVED for r in result.refs)


def test_invalid_interpolation_is_reported_not_raised() -> None:
    for text in ("${", "${A", "${1A}", "${A=b}", "${A:x}", "ok ${}"):
        result = interpolate(text, {})
        assert result.error, text
    for text in ("cost 5$", "$1", "$ {A}", "a$-b"):
        result = interpolate(text, {})
        assert not result.error and result.value == text, text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$${}:-+?AB_1 x")), max_size=60))
def test_interpolate_never_raises(text: str) -> None:
    result = interpolate(text, values(A="a"))
    assert isinstance(result.value, str)
