"""The Kinect action experiment's protocol table: one split definition per set, from which evaluation reads."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def experiment():
    spec = importlib.util.spec_from_file_location("kinect_action_experiment",
                                                  ROOT / "examples" / "kinect_action_experiment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_protocol_names_disjoint_train_and_test(experiment):
    for name in experiment.PROTOCOLS:
        kw = experiment._split_kwargs(name)
        if "split" in kw:
            assert kw["split"] == "test", name
            continue
        assert kw["train_values"] and kw["test_values"], name
        assert not set(kw["train_values"]) & set(kw["test_values"]), name


def test_eval_split_is_read_from_the_finetuning_split(experiment):
    assert experiment.eval_split("msr_action3d") == "test"
    assert experiment.eval_split("florence3d") == "subject=2,4,6,8,10"
    assert experiment.eval_split("sbu_interaction") == "subject=s01s02,s03s04,s05s02,s06s04"
    for name in experiment.PROTOCOLS:
        assert "eval_split" not in experiment.PROTOCOLS[name], "one split definition per protocol"
