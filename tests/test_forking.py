"""Sharing work with forked children: every job done once, results intact, failures surfaced,
lost work redone, and whole checks that agree with a single-process run."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from deploycheck import check
from deploycheck.discovery import discover
from deploycheck.engine import forking
from deploycheck.engine.config import Config
from deploycheck.engine.parsing import parse_all

pytestmark = pytest.mark.skipif(not forking.usable(), reason="needs os.fork")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "broken-shop"


def _slow_here(parent: int) -> None:
    """Jobs in this process take a while, so forked children surely claim some."""
    if os.getpid() == parent:
        time.sleep(0.005)


def test_every_job_runs_once_and_children_take_some() -> None:
    parent = os.getpid()

    def work(job: int) -> tuple[int, int]:
        _slow_here(parent)
        return job * job, os.getpid()

    got = dict(forking.run(range(400), work, processes=3, here_only=range(400, 410)))
    assert sorted(got) == list(range(410))
    assert all(value == j * j for j, (value, _) in got.items())
    assert {pid for j, (_, pid) in got.items() if j >= 400} == {parent}  # here_only stays here
    assert any(pid != parent for _, pid in got.values())


def test_one_process_runs_everything_here() -> None:
    parent = os.getpid()
    got = dict(forking.run(range(50), lambda j: os.getpid(), processes=1))
    assert sorted(got) == list(range(50)) and set(got.values()) == {parent}


def test_meanwhile_runs_here_once() -> None:
    calls: list[int] = []
    got = dict(forking.run(range(100), lambda j: j, processes=2, meanwhile=lambda: calls.append(os.getpid())))
    assert calls == [os.getpid()] and sorted(got) == list(range(100))


def test_work_of_a_child_that_dies_is_redone_here() -> None:
    parent = os.getpid()

    def work(job: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # killed in the middle of its first job
        _slow_here(parent)
        return job + 1

    got = dict(forking.run(range(60), work, processes=3))
    assert got == {j: j + 1 for j in range(60)}


def test_a_job_that_fails_in_a_child_is_run_again_here() -> None:
    parent = os.getpid()

    def work(job: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"job {job} is broken")
        _slow_here(parent)
        return job

    assert dict(forking.run(range(200), work, processes=2)) == {j: j for j in range(200)}


def test_a_job_that_fails_everywhere_raises_here() -> None:
    def work(job: int) -> int:
        if job == 150:
            raise ValueError("job 150 is broken")
        time.sleep(0.001)
        return job

    with pytest.raises(ValueError, match="job 150 is broken"):
        dict(forking.run(range(200), work, processes=2))


def test_a_failing_rule_in_a_child_is_an_internal_error_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message users see names the rule, whichever process ran it."""
    from deploycheck.engine.runner import InternalError
    from deploycheck.rules.dockerfile.unpinned_base_image import UnpinnedBaseImage

    for i in range(160):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "Dockerfile").write_text("FROM python\nCMD [\"python\", \"app.py\"]\n")

    def broken(self: object, model: object, options: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(UnpinnedBaseImage, "check", broken)
    with pytest.raises(InternalError, match=r"rule DC\d+ \(unpinned-base-image\) failed on Dockerfile"):
        check([str(tmp_path)], Config(jobs=2))


def test_compact_pickles_rebuild_equal_models() -> None:
    """Every parsed model of the example survives the reducers unchanged."""
    results = parse_all(discover(str(EXAMPLE)).files, jobs=1)
    table = forking.reducers()
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(results)
    assert pickle.loads(buffer.getvalue()) == results
    compact = {t.__name__ for t, reducer in table.items() if t.__module__.startswith("deploycheck.")
               and reducer.__name__ != "_usual"}
    # Models of every kind in the example went through the compact form, keyword-only ones too.
    assert {"Dockerfile", "Stage", "Workload", "Container", "GoMod", "FileResult"} <= compact


def test_a_large_mixed_tree_gives_the_same_findings_with_two_processes(tmp_path: Path) -> None:
    """Parsing and rules both shared (Dockerfiles, Go, manifests, nginx, compose): the report
    must not depend on which process read or checked what."""
    for i in range(40):
        shutil.copytree(EXAMPLE, tmp_path / f"shop{i:02}")
    serial = check([str(tmp_path)], Config(jobs=1))
    parallel = check([str(tmp_path)], Config(jobs=2))
    assert serial.files_checked >= 300
    assert parallel.findings == serial.findings
    assert len({f.location.path.split("/")[0] for f in serial.findings}) == 40


def test_too_many_jobs_are_refused_before_anything_starts() -> None:
    with pytest.raises(ValueError, match="shared jobs"):
        forking.run(range(forking.MAX_JOBS + 1), lambda j: j, processes=2)


def test_results_arrive_when_descriptors_are_numbered_above_1023() -> None:
    """select() cannot watch such descriptors; a process with many files open must still work."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"the hard limit on open files is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while len(held) < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        parent = os.getpid()

        def work(job: int) -> int:
            _slow_here(parent)
            return -job

        got = dict(forking.run(range(100), work, processes=2))
        assert got == {j: -j for j in range(100)}
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
