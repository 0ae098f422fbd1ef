"""Hypothesis strategies for findings holding any text a hostile or broken tree can produce."""

from __future__ import annotations

from hypothesis import strategies as st

from deploycheck.model import Category, Finding, Location, Related, Severity, TextEdit

# Any code point, lone surrogates included, plus a dense mix of the characters formats escape.
text = st.text(st.characters(exclude_categories=()), max_size=40) | st.text(
    st.sampled_from(list("\x00\x1b\r\n\t%:,<>&\"' /.é\udcff\ufffe:0123456789")), max_size=30
)
locations = st.builds(
    Location,
    path=text,
    line=st.integers(0, 10_000),
    column=st.integers(0, 500),
    end_line=st.integers(0, 10_000),
    end_column=st.integers(0, 500),
    extra=st.lists(st.tuples(st.sampled_from(["container", "image", "url", "layer"]), text), max_size=2).map(
        tuple
    ),
)
findings = st.builds(
    Finding,
    rule=st.from_regex(r"DC[0-7][0-9]{2}", fullmatch=True),
    name=st.from_regex(r"[a-z]+(-[a-z]+){0,3}", fullmatch=True),
    category=st.sampled_from(Category),
    severity=st.sampled_from(Severity),
    message=text,
    fix=text,
    location=locations,
    related=st.lists(st.builds(Related, locations, text), max_size=2).map(tuple),
    edits=st.lists(
        st.builds(
            TextEdit,
            text,
            st.integers(0, 50),
            st.integers(0, 50),
            st.integers(0, 50),
            st.integers(0, 50),
            text,
        ),
        max_size=2,
    ).map(tuple),
    safe_fix=st.booleans(),
)
