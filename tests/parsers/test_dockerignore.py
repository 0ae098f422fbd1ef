"""`.dockerignore` parsing and matching, checked against moby/patternmatcher's own test table
and the examples in Docker's documentation."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.dockerignore import DockerIgnore, go_clean, ignore_file_for
from deploycheck.parsers.dockerignore import parse


def load(text: str, path: str = ".dockerignore") -> DockerIgnore:
    parsed = parse(SourceFile.of(path, text))
    model = parsed.models[0]
    assert isinstance(model, DockerIgnore)
    return model


def ignores(patterns: list[str], path: str) -> bool:
    return load("\n".join(patterns)).ignores(path)


# (pattern, path, matched) — moby/patternmatcher TestMatches, MatchesOrParentMatches column.
MOBY_TABLE = [
    ("**", "file", True), ("**", "file/", True), ("**/", "file", True), ("**/", "file/", True),
    ("**", "dir/file", True), ("**/", "dir/file", True), ("**", "dir/file/", True),
    ("**/**", "dir/file", True), ("**/**", "dir/file/", True), ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True), ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True), ("**/dir", "dir", True), ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True), ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True), ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True), ("**file", "dir/file", True), ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True), ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True), ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True), ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True), ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False), ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True), ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True), ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False), ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True), ("a[b-d]e", "ae", False), ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False), ("a[^b-d]e", "aze", True), (".*", ".foo", True),
    (".*", "foo", False), ("abc.def", "abcdef", False), ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False), ("abc?def", "abcZdef", True), ("abc?def", "abcdef", False),
    ("**/foo/bar", "foo/bar", True), ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True), ("abc/**", "abc", False),
    ("abc/**", "abc/def", True), ("abc/**", "abc/def/ghi", True), ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False), ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False), ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\*b", "a*b", True),
    # Go filepath.Match cases from the same file (Matches with parent-dir checking).
    ("a*", "ab/c", True), ("a*/b", "abc/b", True), ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True), ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("ab[^c]", "abc", False), ("a?b", "a☺b", True), ("a???b", "a☺b", False),
    ("a?b", "a/b", False), ("a*b", "a/b", False), ("[\\]a]", "]", True), ("[\\-]", "-", True),
    ("[x\\-]", "z", False), ("*x", "xxx", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MOBY_TABLE)
def test_moby_pattern_table(pattern: str, path: str, expected: bool) -> None:
    assert ignores([pattern], path) is expected


@pytest.mark.parametrize(("patterns", "path", "expected"), [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3-py3-none-any.whl", False),
    (["!fileutils.go", "*.go"], "fileutils.go", True),
    (["docs", "!docs/README.md"], "docs/README.md", False),
    (["docs/", "!docs/README.md"], "docs/README.md", False),
    (["docs/*", "!docs/README.md"], "docs/README.md", False),
    (["*.go", "!fileutils.go"], "fileutils.go", False),
])
def test_moby_exceptions_and_last_match_wins(patterns: list[str], path: str,
                                             expected: bool) -> None:
    assert ignores(patterns, path) is expected


def test_docker_documentation_examples() -> None:
    # https://docs.docker.com/build/concepts/context/#dockerignore-files
    doc = load("# comment\n*/temp*\n*/*/temp*\ntemp?\n")
    assert doc.ignores("somedir/temporary.txt")
    assert doc.ignores("somedir/temp")
    assert doc.ignores("somedir/subdir/temporary.txt")
    assert doc.ignores("tempa")
    assert doc.ignores("tempb/file")
    assert not doc.ignores("temporary.txt")  # */temp* needs one folder level
    assert not doc.ignores("a/b/c/temp")
    markdown = load("*.md\n!README*.md\nREADME-secret.md\n")
    assert markdown.ignores("CHANGELOG.md")
    assert not markdown.ignores("README.md")
    assert markdown.ignores("README-secret.md")
    order = load("*.md\nREADME-secret.md\n!README*.md\n")
    assert not order.ignores("README-secret.md")  # the exception comes last and wins


def test_patterns_are_anchored_at_the_context_root() -> None:
    doc = load(".env*\nnode_modules\n")
    assert doc.ignores(".env")
    assert doc.ignores(".env.production")
    assert doc.ignores("node_modules/express/index.js")
    assert not doc.ignores("api/.env")  # a common surprise: needs **/.env*
    assert load("**/.env*\n").ignores("api/.env")


def test_cleaning_leading_slash_dot_segments_and_whitespace() -> None:
    doc = load("/secrets/\n  ./build/../dist  \n\t!dist/keep.txt\n")
    assert [p.pattern for p in doc.patterns] == ["secrets", "dist", "dist/keep.txt"]
    assert doc.patterns[2].negated
    assert doc.ignores("secrets/a.key")
    assert doc.ignores("dist/app.js")
    assert not doc.ignores("dist/keep.txt")
    assert not doc.ignores(".")
    assert not doc.ignores("")


def test_comments_only_at_line_start_and_positions() -> None:
    doc = load("\ufeff# top\n\n  # not a comment\r\n*.log\r\n   !keep.log\n")
    assert [(p.text, p.pos) for p in doc.patterns] == [
        ("# not a comment", Position(3, 3)), ("*.log", Position(4, 1)),
        ("!keep.log", Position(5, 4)),
    ]


def test_bad_patterns_become_problems_not_exceptions() -> None:
    parsed = parse(SourceFile.of("svc/.dockerignore", "ok\n[\n!\nx[a-\n"))
    lines = sorted(p.location.line for p in parsed.problems)
    assert lines == [2, 3, 4]
    assert all(p.location.path == "svc/.dockerignore" for p in parsed.problems)
    model = parsed.models[0]
    assert isinstance(model, DockerIgnore)
    assert [p.pattern for p in model.patterns] == ["ok"]


def test_directory_and_per_dockerfile_variant() -> None:
    root = load("*\n", "api/.dockerignore")
    assert root.directory == "api" and root.for_dockerfile == ""
    own = load("*\n", "api/Dockerfile.dockerignore")
    assert own.for_dockerfile == "Dockerfile"
    assert ignore_file_for("api/Dockerfile", "api", (root, own)) is own
    assert ignore_file_for("api/Dockerfile.dev", "api", (root, own)) is root
    assert ignore_file_for("Dockerfile", "", (root, own)) is None


def test_excludes_tree() -> None:
    doc = load(".git\nnode_modules\n!node_modules/keep\n")
    assert doc.excludes_tree(".git")
    assert not doc.excludes_tree("node_modules")
    assert not doc.excludes_tree("src")


def test_go_clean() -> None:
    assert go_clean("") == "."
    assert go_clean("a//b/./c/..") == "a/b"
    assert go_clean("../../x") == "../../x"
    assert go_clean("/../x") == "/x"
    assert go_clean("dir/") == "dir"


def test_large_input_is_fast() -> None:
    text = "\n".join(f"dir{i}/**/*.tmp" for i in range(20_000))
    start = time.perf_counter()
    doc = load(text)
    assert doc.ignores("dir19999/a/b.tmp")
    assert time.perf_counter() - start < 10


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(alphabet="ab/.*?[]!-\\ ", max_size=30))
def test_never_raises(text: str, path: str) -> None:
    parsed = parse(SourceFile.of(".dockerignore", text))
    model = parsed.models[0]
    assert isinstance(model, DockerIgnore)
    model.ignores(path)
    for problem in parsed.problems:
        assert problem.location.line >= 1
