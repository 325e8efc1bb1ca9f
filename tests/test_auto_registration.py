# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""transformers' Auto classes know motionhub's models once motionhub is imported, in every import order, with no
``motionhub.register()`` call (issue 27), while ``import motionhub`` itself stays light (motionhub/_auto_hook.py).

Each case runs in a fresh interpreter, and its lookup is the first one of that process: an earlier lookup (or an
earlier test's import) would have registered motionhub already and hide a missing registration.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

ORDERS = {
    "motionhub-first": "import motionhub, transformers",
    "transformers-first": "import transformers, motionhub",
    "torch-first": "import torch, motionhub, transformers",
    "torch-transformers-first": "import torch, transformers, motionhub",
    # transformers' auto configuration module (CONFIG_MAPPING) already loaded when motionhub is imported
    "auto-classes-first": "from transformers import AutoConfig, AutoModel; import motionhub, transformers",
}

LOOKUPS = {
    "AutoModel.from_pretrained": ("transformers.AutoModel.from_pretrained(FOLDER)", "DSTformerModel"),
    "AutoConfig.for_model": ("transformers.AutoConfig.for_model('dstformer', depth=1)", "DSTformerConfig"),
    "AutoConfig.from_pretrained": ("transformers.AutoConfig.from_pretrained(FOLDER)", "DSTformerConfig"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    from motionhub import DSTformerConfig, DSTformerModel, MotionProcessor

    path = tmp_path_factory.mktemp("dstformer")
    DSTformerModel(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=9)).save_pretrained(path)
    MotionProcessor().save_pretrained(path)
    return str(path)


def _run(code: str) -> str:
    """stdout of ``code`` in a fresh interpreter; a warning of motionhub's hook is an error."""
    res = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", textwrap.dedent(code)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
@pytest.mark.parametrize("order", sorted(ORDERS))
def test_transformers_auto_classes_find_motionhub_models(order, lookup, folder):
    expr, expected = LOOKUPS[lookup]
    out = _run(f"""
        {ORDERS[order]}
        import sys
        FOLDER = {folder!r}
        assert "motionhub.auto" not in sys.modules, "import motionhub must not register (it imports torch)"
        result = {expr}
        print(type(result).__name__, type(result).__module__)
        # the hook is gone once it has done its work: no finder left, a plain dict back in CONFIG_MAPPING
        from transformers.models.auto.configuration_auto import CONFIG_MAPPING
        assert type(CONFIG_MAPPING._extra_content) is dict, type(CONFIG_MAPPING._extra_content)
        assert not [f for f in sys.meta_path if type(f).__module__ == "motionhub._auto_hook"], sys.meta_path
    """)
    name, module = out.split()[-2:]
    assert name == expected and module.startswith("motionhub."), out


def test_auto_processor_finds_the_motion_processor(folder):
    out = _run(f"""
        import motionhub, transformers
        print(type(transformers.AutoProcessor.from_pretrained({folder!r})).__name__)
    """)
    assert out.split()[-1] == "MotionProcessor", out


def test_importing_both_registers_nothing_yet():
    # the hook waits for a lookup: importing transformers (even its Auto classes) loads none of motionhub's models
    out = _run("""
        import sys
        import motionhub, transformers
        print("torch" in sys.modules)
        from transformers import AutoConfig, AutoModel
        print(sorted(m for m in sys.modules if m.startswith("motionhub.")))
    """)
    assert out.split("\n")[0] == "False", out  # import transformers is lazy, motionhub must not make it eager
    assert out.split("\n")[1] == "['motionhub._auto_hook']", out


def test_model_types_of_transformers_do_not_register_motionhub():
    # registering imports torch's and transformers' model code: a program reading a BERT config does not pay for it
    out = _run("""
        import sys
        import motionhub, transformers
        print(type(transformers.AutoConfig.for_model("bert")).__name__, "motionhub.auto" in sys.modules)
        print(transformers.AutoConfig.for_model("dstformer").model_type)
    """)
    assert out.split() == ["BertConfig", "False", "dstformer"], out


def test_a_failed_registration_warns_and_leaves_transformers_working():
    res = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import warnings
        import motionhub

        def broken():
            raise ImportError("simulated")

        motionhub._auto_hook._register = broken
        import transformers
        print(type(transformers.AutoConfig.for_model("bert")).__name__)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                transformers.AutoConfig.for_model("dstformer")
            except ValueError as exc:
                print("unrecognized" if "Unrecognized model identifier: dstformer" in str(exc) else exc)
        print([str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)])
        motionhub.register()  # the explicit call still works (and would show the error)
        print(type(transformers.AutoConfig.for_model("dstformer")).__name__)
    """)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "BertConfig" and lines[1] == "unrecognized", res.stdout
    assert "motionhub could not register its models with transformers (ImportError: simulated)" in lines[2]
    assert lines[3] == "DSTformerConfig", res.stdout
