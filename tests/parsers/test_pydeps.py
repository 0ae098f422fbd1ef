"""requirements*.txt and pyproject.toml → PyDependencies."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.python import PyDependencies, normalize_name
from deploycheck.parsers import Parsed, pydeps


def parse(text: str, path: str = "requirements.txt") -> Parsed:
    return pydeps.parse(SourceFile.of(path, text))


def read(text: str, path: str = "requirements.txt") -> PyDependencies:
    parsed = parse(text, path)
    model = parsed.models[0]
    assert isinstance(model, PyDependencies)
    return model


REQUIREMENTS = """\
# production dependencies
Django>=4.2,<5.0  # LTS
psycopg2==2.9.9 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
-r base.txt
--constraint constraints.txt
--index-url https://pypi.example.com/simple
--no-binary psycopg2
-e git+https://github.com/acme/lib.git@v1#egg=Acme_Lib[extra]
-e ./vendor/local-pkg
uvicorn[standard,uvloop] == 0.30.6 ; python_version >= "3.8"
requests @ https://files.example.com/requests-2.32.0-py3-none-any.whl
zope.interface
gunicorn (>=21)
./wheels/internal-1.0-py3-none-any.whl
https://example.com/pkg.tar.gz#egg=remote-pkg
"""


def test_requirements_file() -> None:
    deps = read(REQUIREMENTS)
    by_name = {r.name: r for r in deps.packages}
    assert list(by_name) == [
        "django",
        "psycopg2",
        "acme-lib",
        "uvicorn",
        "requests",
        "zope-interface",
        "gunicorn",
        "remote-pkg",
    ]
    assert by_name["django"].spec == ">=4.2,<5.0" and by_name["django"].pos == Position(2, 1)
    assert by_name["psycopg2"].spec == "==2.9.9" and by_name["psycopg2"].pos == Position(3, 1)
    acme = by_name["acme-lib"]
    assert acme.editable and acme.extras == ("extra",) and acme.url.startswith("git+https://")
    uv = by_name["uvicorn"]
    assert (
        uv.extras == ("standard", "uvloop")
        and uv.spec == "==0.30.6"
        and uv.markers == 'python_version >= "3.8"'
    )
    assert by_name["requests"].url.endswith(".whl")
    assert by_name["gunicorn"].spec == ">=21"
    assert [i.value for i in deps.includes] == ["base.txt", "constraints.txt"]
    assert [o.value for o in deps.options] == [
        "--index-url https://pypi.example.com/simple",
        "--no-binary psycopg2",
    ]
    assert deps.get("Django") is by_name["django"] and deps.get("PSYCOPG2") is not None
    assert not parse(REQUIREMENTS).problems


def test_requirements_garbage_lines_are_problems() -> None:
    parsed = parse("flask\nthis is not a requirement\n== 1.0\n")
    assert [p.location.line for p in parsed.problems] == [2, 3]
    model = parsed.models[0]
    assert isinstance(model, PyDependencies) and [r.name for r in model.packages] == ["flask"]


def test_requirements_edge_cases() -> None:
    assert read("").packages == ()
    assert read("\n\n# only comments\n   \n").packages == ()
    deps = read("flask\\\n")  # dangling continuation at end of file
    assert [r.name for r in deps.packages] == ["flask"]
    deps = read("\ufeffflask==3.0\r\nrequests\r\n")
    assert [r.name for r in deps.packages] in (["flask", "requests"], ["requests"])
    deps = read("  indented==1.0\n")
    assert deps.packages[0].pos == Position(1, 3)


def test_normalize_name() -> None:
    assert normalize_name("Django_REST.framework") == "django-rest-framework"
    assert normalize_name("  psycopg2-binary ") == "psycopg2-binary"


PYPROJECT = """\
[project]
name = "svc"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.110",
    "psycopg[binary]>=3.1",
    'uvicorn[standard]; sys_platform != "win32"',
]

[project.optional-dependencies]
dev = ["pytest>=8"]

[project.scripts]
serve = "svc.main:run"

[dependency-groups]
lint = ["ruff"]

[tool.poetry.dependencies]
python = "^3.11"
Flask = {version = "^3.0", extras = ["async"]}
mysqlclient = "*"

[tool.poetry.group.test.dependencies]
hypothesis = "^6"

[tool.poetry.scripts]
web = "svc.web:main"
"""


def test_pyproject() -> None:
    deps = read(PYPROJECT, "pyproject.toml")
    got = [(r.name, r.spec, r.extras, r.group) for r in deps.packages]
    assert got == [
        ("fastapi", ">=0.110", (), ""),
        ("psycopg", ">=3.1", ("binary",), ""),
        ("uvicorn", "", ("standard",), ""),
        ("pytest", ">=8", (), "dev"),
        ("ruff", "", (), "lint"),
        ("flask", "^3.0", ("async",), ""),
        ("mysqlclient", "", (), ""),
        ("hypothesis", "^6", (), "test"),
    ]
    assert deps.requires_python == ">=3.11"
    assert deps.scripts == (("serve", "svc.main:run"), ("web", "svc.web:main"))
    assert deps.get("fastapi") is not None and deps.get("fastapi").pos == Position(5, 5)  # type: ignore[union-attr]
    assert deps.get("flask").pos == Position(21, 1)  # type: ignore[union-attr]
    assert deps.get("uvicorn").markers == 'sys_platform != "win32"'  # type: ignore[union-attr]


def test_pyproject_errors() -> None:
    parsed = parse("[project\nname = 1\n", "pyproject.toml")
    assert not parsed.models and parsed.problems[0].location.line == 1
    assert "TOML" in parsed.problems[0].message
    parsed = parse("a = 1\nb = [\n", "pyproject.toml")
    assert parsed.problems and parsed.problems[0].location.line >= 2
    odd = read('[project]\ndependencies = "not-a-list"\n[tool]\npoetry = 3\n', "pyproject.toml")
    assert odd.packages == ()


def test_large_requirements_file_is_fast() -> None:
    text = "".join(f"package-{i}=={i}.0 --hash=sha256:{i:064x}\n" for i in range(20000))
    start = time.perf_counter()
    deps = read(text)
    assert len(deps.packages) == 20000
    assert time.perf_counter() - start < 5.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_requirements_never_raise(text: str) -> None:
    parsed = parse(text)
    assert len(parsed.models) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_pyproject_never_raises(text: str) -> None:
    parsed = parse(text, "pyproject.toml")
    assert parsed.models or parsed.problems


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "[project]\n",
                'dependencies = ["a", 1, {}]\n',
                "[tool.poetry.dependencies]\n",
                "x = {version = 3}\n",
                'y = [1, "2"]\n',
                "[project.optional-dependencies]\n",
                'g = ["h>=1"]\n',
                "python = 3\n",
            ]
        ),
        max_size=8,
    )
)
def test_pyproject_odd_shapes_never_raise(parts: list[str]) -> None:
    parsed = parse("".join(parts), "pyproject.toml")
    assert parsed.models or parsed.problems
