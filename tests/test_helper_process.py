"""The helper process: tasks run there and come back intact; any failure is reported, never hidden or hung."""

import os
import signal

import numpy as np
import pytest

from issuemine.helper_process import HelperProcess, HelperUnavailable


def echo_sum(a, b):  # tasks are found by "module:function": this test module is importable by path
    return a + b


def fail():
    raise ValueError("this message may quote a note: 田中さんの家")


@pytest.fixture
def helper():
    with HelperProcess(enabled=True) as h:
        assert h.running
        yield h
    assert not h.running


def test_task_result_comes_back(helper):
    x = np.arange(200_000, dtype=np.float64)  # 1.6 MB: more than a pipe buffer, sent while it starts up
    got = helper.submit(f"{__name__}:echo_sum", x, 1.0).result()
    np.testing.assert_array_equal(got, x + 1.0)


def test_results_are_matched_to_their_tasks_whatever_order_they_are_read(helper):
    first = helper.submit(f"{__name__}:echo_sum", 1, 2)
    second = helper.submit(f"{__name__}:echo_sum", "a", "b")
    assert second.result() == "ab"
    assert first.result() == 3


def test_failed_task_reports_the_type_only(helper):
    with pytest.raises(HelperUnavailable) as err:
        helper.submit(f"{__name__}:fail").result()
    assert str(err.value) == "ValueError"  # never the message: it could carry note text
    assert helper.submit(f"{__name__}:echo_sum", 2, 2).result() == 4  # still serving


def test_unknown_task_is_reported(helper):
    with pytest.raises(HelperUnavailable):
        helper.submit(f"{__name__}:no_such_function").result()


def test_killed_helper_is_reported_not_waited_for(helper):
    pending = helper.submit("time:sleep", 30)
    os.kill(helper._proc.pid, signal.SIGKILL)
    with pytest.raises(HelperUnavailable):
        pending.result()
    with pytest.raises(HelperUnavailable):
        helper.submit(f"{__name__}:echo_sum", 1, 1).result()


def test_disabled_helper_runs_nothing():
    with HelperProcess(enabled=False) as h:
        assert not h.running
        with pytest.raises(HelperUnavailable):
            h.submit(f"{__name__}:echo_sum", 1, 1).result()


def test_worthwhile_only_in_a_cold_process():
    # this test process has scikit-learn loaded (the conftest fixtures fit themes), so a helper would only add work
    import sklearn  # noqa: F401

    assert not HelperProcess.worthwhile()
    assert not HelperProcess(enabled=None).start().running


def test_no_interpreter_to_start_means_no_helper(monkeypatch):
    """Embedded Pythons may have no sys.executable: the helper is simply not there, nothing fails."""
    import sys

    monkeypatch.setattr(sys, "executable", "")
    with HelperProcess(enabled=True) as h:
        assert not h.running
        with pytest.raises(HelperUnavailable):
            h.submit(f"{__name__}:echo_sum", 1, 1).result()
