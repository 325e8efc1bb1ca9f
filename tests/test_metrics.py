# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tests of motionhub.metrics: parity with the official MotionBERT / P-STMO evaluation code and metric properties."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
import torch
from conftest import reference_path

from motionhub import metrics as M


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Rebuilds dicts / strings / numpy arrays only (the fixture pkl is plain data)."""

    def find_class(self, module, name):
        if module.split(".")[0] == "numpy" and name in {"_reconstruct", "ndarray", "dtype", "scalar"}:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def _random_rotation(rng):
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    return q * np.sign(np.linalg.det(q))


@pytest.fixture(scope="module")
def fx():
    return dict(np.load(reference_path("motionbert_losses_utils", "losses_utils.npz")))


# --------------------------------------------------------------------------------------------- per-frame errors
def test_mpjpe_p_mpjpe_rigid_align_parity(fx):
    pred, gt = fx["np_pred_mm"], fx["np_gt_mm"]
    np.testing.assert_allclose(M.mpjpe(pred, gt), fx["mpjpe_np"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(M.p_mpjpe(pred, gt), fx["p_mpjpe_np"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(M.pa_mpjpe(pred, gt), fx["p_mpjpe_np"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(M.rigid_align(pred[0], gt[0]), fx["rigid_align_frame0"], rtol=1e-12, atol=1e-9)


def test_metrics_accept_torch_and_leading_axes(fx):
    pred, gt = fx["np_pred_mm"], fx["np_gt_mm"]
    out = M.mpjpe(torch.tensor(pred, requires_grad=True), torch.tensor(gt))
    np.testing.assert_allclose(out, fx["mpjpe_np"], rtol=1e-12)
    batched = M.p_mpjpe(pred.reshape(2, 9, 17, 3), gt.reshape(2, 9, 17, 3))
    assert batched.shape == (2, 9)
    np.testing.assert_allclose(batched.reshape(-1), fx["p_mpjpe_np"], rtol=1e-10)


def test_identical_gives_zero():
    x = np.random.default_rng(0).normal(size=(5, 17, 3))
    for fn in (M.mpjpe, M.p_mpjpe, M.n_mpjpe, M.mpve):
        np.testing.assert_allclose(fn(x, x.copy()), 0.0, atol=1e-10)


def test_p_mpjpe_invariant_to_similarity_but_not_reflection():
    rng = np.random.default_rng(1)
    gt = rng.normal(size=(4, 17, 3)) * 100
    pred = gt + rng.normal(size=gt.shape) * 10
    base = M.p_mpjpe(pred, gt)
    moved = np.stack([2.7 * p @ _random_rotation(rng).T + rng.normal(size=3) * 500 for p in pred])
    np.testing.assert_allclose(M.p_mpjpe(moved, gt), base, rtol=1e-9)
    # A rotated, scaled, translated copy of the GT aligns perfectly ...
    np.testing.assert_allclose(M.p_mpjpe(0.5 * gt @ _random_rotation(rng).T + 3.0, gt), 0.0, atol=1e-9)
    # ... but a mirrored copy does not (reflections are excluded).
    mirrored = gt * np.array([-1.0, 1.0, 1.0])
    assert np.all(M.p_mpjpe(mirrored, gt) > 1.0)
    assert np.all(M.p_mpjpe(pred, gt) <= M.mpjpe(pred, gt) + 1e-9)


def test_n_mpjpe_scale_invariance():
    gt = np.random.default_rng(2).normal(size=(3, 17, 3))
    np.testing.assert_allclose(M.n_mpjpe(gt * 3.5, gt), 0.0, atol=1e-10)
    assert np.all(M.mpjpe(gt * 3.5, gt) > 0.1)


def test_velocity_and_acceleration():
    rng = np.random.default_rng(3)
    seq = rng.normal(size=(10, 17, 3))
    shifted = seq + np.array([5.0, -2.0, 1.0])  # constant offset: same velocities/accelerations
    np.testing.assert_allclose(M.velocity_error(shifted, seq), 0.0, atol=1e-12)
    np.testing.assert_allclose(M.acceleration_error(shifted, seq), 0.0, atol=1e-12)
    assert M.velocity_error(shifted, seq).shape == (9,)
    t = np.arange(8, dtype=float)[:, None, None]
    linear = np.ones((8, 17, 3)) * t
    np.testing.assert_allclose(M.acceleration(linear), 0.0, atol=1e-12)
    quad = np.zeros((8, 17, 3))
    quad[..., 0] = t[..., 0] ** 2  # x = t^2 -> second difference 2 everywhere
    np.testing.assert_allclose(M.acceleration(quad), 2.0)
    np.testing.assert_allclose(M.acceleration_error(quad, linear * 0), 2.0)
    # Visibility: an acceleration is kept only when its 3 frames are visible.
    vis = np.ones(8, dtype=bool)
    vis[4] = False
    assert M.acceleration_error(quad, np.zeros_like(quad), visible=vis).shape == (3,)  # windows 2,3,4 dropped
    assert M.acceleration_error(seq[None].repeat(2, 0), seq[None].repeat(2, 0)).shape == (2, 8)


def test_pck_auc_properties():
    rng = np.random.default_rng(4)
    gt = rng.normal(size=(20, 17, 3)) * 200
    pred = gt + rng.normal(size=gt.shape) * 60
    thresholds = M.pck_thresholds()
    assert thresholds.shape == (31,) and thresholds[0] == 0 and thresholds[-1] == 150 and thresholds[1] == 5
    curve = [M.pck(pred, gt, t) for t in thresholds]
    assert all(b >= a for a, b in zip(curve, curve[1:], strict=False))
    assert curve[0] == 0.0 and 0 < M.pck(pred, gt) < 1
    assert M.pck(gt, gt) == 1.0
    np.testing.assert_allclose(M.auc(pred, gt), np.mean(curve))
    assert 0 <= M.auc(pred, gt) <= M.pck(pred, gt)
    # Strict comparison: an error of exactly the threshold is not correct.
    grid = np.round(gt)  # integer coordinates: the +150 shift is exact in floating point
    exact = grid.copy()
    exact[..., 0] += 150.0
    assert M.pck(exact, grid, 150.0) == 0.0 and M.pck(exact, grid, 150.0001) == 1.0
    sub = M.pck(pred, gt, joints=[0, 1, 2])
    err = np.linalg.norm(pred - gt, axis=-1)[:, :3]
    assert sub == pytest.approx(np.mean(err < 150))


def test_mesh_metrics():
    rng = np.random.default_rng(5)
    gt_j = rng.normal(size=(6, 17, 3)) * 200 + 1000
    pred_j = gt_j + rng.normal(size=gt_j.shape) * 30 + 40  # + global offset: removed by pelvis alignment
    gt_v = rng.normal(size=(6, 50, 3)) * 300 + 1000
    pred_v = gt_v + 40 + rng.normal(size=gt_v.shape) * 20
    out = M.mesh_metrics(pred_j, gt_j, pred_v, gt_v)
    assert set(out) == {"mpve", "mpjpe", "pa_mpjpe", "mpjpe_17j", "pa_mpjpe_17j"}
    j14 = list(M.H36M_EVAL_JOINTS_14)
    assert j14 == [1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16]
    pr = pred_j - pred_j[:, :1]
    gr = gt_j - gt_j[:, :1]
    assert out["mpjpe"] == pytest.approx(np.linalg.norm(pr[:, j14] - gr[:, j14], axis=-1).mean())
    assert out["mpjpe_17j"] == pytest.approx(np.linalg.norm(pr - gr, axis=-1).mean())
    aligned = np.stack([M.rigid_align(p, g) for p, g in zip(pr[:, j14], gr[:, j14], strict=True)])
    assert out["pa_mpjpe"] == pytest.approx(np.linalg.norm(aligned - gr[:, j14], axis=-1).mean())
    assert out["pa_mpjpe"] < out["mpjpe"] and out["pa_mpjpe_17j"] < out["mpjpe_17j"]
    expected_mpve = np.linalg.norm((pred_v - pred_j[:, :1]) - (gt_v - gt_j[:, :1]), axis=-1).mean()
    assert out["mpve"] == pytest.approx(expected_mpve)
    assert "mpve" not in M.mesh_metrics(pred_j, gt_j)
    # Translation of the whole prediction (joints + vertices) changes nothing.
    moved = M.mesh_metrics(pred_j + 123.0, gt_j, pred_v + 123.0, gt_v)
    for key, value in out.items():
        assert moved[key] == pytest.approx(value)
    with pytest.raises(ValueError, match="both pred_verts and gt_verts"):
        M.mesh_metrics(pred_j, gt_j, pred_v, None)
    with pytest.raises(ValueError, match="H36M-17"):
        M.mesh_metrics(pred_j[:, :16], gt_j[:, :16])


# --------------------------------------------------------------------------------------------------------- action
def test_topk_accuracy():
    logits = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.5, 0.4, 0.1]])
    labels = np.array([1, 2, 0, 1])
    assert M.topk_accuracy(logits, labels, k=1) == 0.25
    res = M.topk_accuracy(torch.tensor(logits), torch.tensor(labels), k=(1, 2, 3))
    assert res == {1: 0.25, 2: 0.5, 3: 1.0}
    with pytest.raises(ValueError, match="labels must lie"):
        M.topk_accuracy(logits, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="shape"):
        M.topk_accuracy(logits[0], labels)
    with pytest.raises(ValueError, match="positive"):
        M.topk_accuracy(logits, labels, k=(0,))


def test_oneshot_parity():
    fx = np.load(reference_path("motionbert_action", "oneshot_eval_io.npz"))
    pred, sim = M.oneshot_predict(fx["anchor_feats"], fx["anchor_labels"], fx["test_feats"])
    np.testing.assert_allclose(sim, fx["cos_sim_anchor_x_test"], atol=1e-5, rtol=1e-5)
    np.testing.assert_array_equal(pred, fx["pred_labels"])
    acc = M.oneshot_accuracy(
        torch.tensor(fx["anchor_feats"]), torch.tensor(fx["anchor_labels"]), fx["test_feats"], fx["test_labels"]
    )
    assert acc == pytest.approx(float(fx["accuracy"]))
    with pytest.raises(ValueError, match="share D"):
        M.oneshot_accuracy(fx["anchor_feats"][:, :5], fx["anchor_labels"], fx["test_feats"], fx["test_labels"])
    with pytest.raises(ValueError, match="query_labels"):
        M.oneshot_accuracy(fx["anchor_feats"], fx["anchor_labels"], fx["test_feats"], fx["test_labels"][:3])


# -------------------------------------------------------------------------------------------- action-wise (P-STMO)
def test_action_wise_errors_merges_takes():
    res = M.action_wise_errors(np.array([1.0, 3.0, 10.0, 5.0]), ["Walking 1", "Walking", "Eating 2", "TakingPhoto"])
    assert res == {"Eating": 10.0, "Photo": 5.0, "Walking": 2.0}
    assert list(res) == ["Eating", "Photo", "Walking"]  # H36M_ACTIONS order
    assert len(M.H36M_ACTIONS) == 15 and len(set(M.H36M_ACTIONS)) == 15
    with pytest.raises(ValueError, match="action names"):
        M.action_wise_errors(np.ones(3), ["Walking"])


def test_pstmo_action_errors_parity():
    fx = np.load(reference_path("pstmo", "io_small.npz"))
    stdout = reference_path("pstmo", "eval_print_error_stdout.txt").read_text()
    actions = [str(a) for a in fx["eval_actions"]]
    res = M.pstmo_action_errors(
        fx["eval_pred"], fx["eval_gt"], actions, p2_batch_mean=True, average_over_all_actions=True
    )
    np.testing.assert_allclose(res.p1_mean, fx["eval_p1_mm"], rtol=1e-6)
    np.testing.assert_allclose(res.p2_mean, fx["eval_p2_mm"], rtol=1e-6)
    assert res.table().strip() == stdout.strip()
    # Without the quirk every sample keeps its own P2: action values differ, P1 is unchanged.
    own = M.pstmo_action_errors(fx["eval_pred"], fx["eval_gt"], actions)
    assert list(own.p1) == ["Directions", "Eating", "Walking"]
    for action in own.p1:
        assert own.p1[action] == pytest.approx(res.p1[action])
    assert len({round(v, 6) for v in own.p2.values()}) == 3
    assert len({round(res.p2[a], 6) for a in own.p1}) == 1
    assert own.p1_mean == pytest.approx(np.mean(list(own.p1.values())))
    # Batches of one sample never mix actions: the quirk is then a no-op.
    single = M.pstmo_action_errors(fx["eval_pred"], fx["eval_gt"], actions, batch_size=1, p2_batch_mean=True)
    assert single.p2 == pytest.approx(own.p2)
    with pytest.raises(ValueError, match="action names"):
        M.pstmo_action_errors(fx["eval_pred"], fx["eval_gt"], actions[:2])


# ------------------------------------------------------------------------------------ MotionBERT H36M evaluation
@pytest.fixture(scope="module")
def h36m():
    folder = reference_path("motionbert_eval_h36m")
    with open(folder / "h36m_synth.pkl", "rb") as fh:
        data = _NumpyOnlyUnpickler(fh).load()
    io = dict(np.load(folder / "eval_io.npz"))
    return data, io, (folder / "evaluate_stdout.txt").read_text()


def _normalised_predictions(evaluator, io):
    # NOTE: the official evaluate() multiplies results_all by the 2.5d factor IN PLACE (`pred = results_all[idx];
    # pred *= factor`), so the saved `results_all_denorm` already carries the factor. Undo it, then undo the
    # pixel de-normalisation, to recover what the model produced.
    pix = io["results_all_denorm"].astype(np.float64) / evaluator.factors[evaluator.split_ids][..., None, None]
    res = evaluator.resolution[evaluator.split_ids[:, 0]]
    half_w = (res[:, 0] / 2)[:, None, None]
    ratio = (res[:, 1] / res[:, 0])[:, None, None]
    norm = np.stack([pix[..., 0] / half_w - 1, pix[..., 1] / half_w - ratio, pix[..., 2] / half_w], axis=-1)
    return pix, norm


def test_h36m_clips_match_official(h36m):
    data, io, _ = h36m
    ev = M.H36MEvaluator(data, clip_len=27)  # whole pkl dict -> its 'test' split
    np.testing.assert_array_equal(ev.split_ids, io["split_id_test"])
    np.testing.assert_allclose(ev.input_clips(), io["test_input_clips"], atol=1e-6)
    np.testing.assert_allclose(ev.label_clips(), io["test_label_clips"], atol=1e-6)
    assert ev.input_clips(with_confidence=False).shape == (6, 27, 17, 2)


def test_h36m_evaluate_matches_official(h36m):
    data, io, stdout = h36m
    ev = M.H36MEvaluator(data["test"], clip_len=27)
    pix, norm = _normalised_predictions(ev, io)
    # The official run computed in float32; agreement is ~1e-8 relative.
    for preds, normalized in ((norm, True), (norm.astype(np.float32), True), (torch.tensor(norm), True), (pix, False)):
        res = ev.evaluate(preds, normalized=normalized)
        np.testing.assert_allclose(res.protocol1, io["e1_mpjpe"], rtol=1e-7)
        np.testing.assert_allclose(res.protocol2, io["e2_pmpjpe"], rtol=1e-7)
    names = re.search(r"test_name \|(.*)\|", stdout).group(1).split("|")
    p1 = [float(v) for v in re.search(r"\|\s+P1\s+\|(.*)\|", stdout).group(1).split("|")]
    p2 = [float(v) for v in re.search(r"\|\s+P2\s+\|(.*)\|", stdout).group(1).split("|")]
    names = [n.strip() for n in names]
    assert list(res.per_action_p1) == names == ["Directions", "Discussion", "Eating"]
    np.testing.assert_allclose([res.per_action_p1[n] for n in names], p1, rtol=1e-7)
    np.testing.assert_allclose([res.per_action_p2[n] for n in names], p2, rtol=1e-7)
    assert "Protocol #1 Error (MPJPE)" in res.table()
    # Functional form gives the same numbers.
    res_f = M.evaluate_h36m_motionbert(norm, data["test"], clip_len=27)
    assert res_f.protocol1 == res.protocol1 and res_f.protocol2 == res.protocol2


def test_h36m_frames_evaluated(h36m):
    data, io, _ = h36m
    ev = M.H36MEvaluator(data["test"], clip_len=27)
    _, norm = _normalised_predictions(ev, io)
    res = ev.evaluate(norm)
    sources = np.asarray(data["test"]["source"]).astype(str)
    evaluated = ~np.isnan(res.frame_p1)
    blocked = np.char.startswith(sources, "s_09_act_05_subact_02")
    assert not evaluated[blocked].any()  # block list
    assert not evaluated[54:60].any()  # tail of the 60-frame video: never covered by a full clip
    assert evaluated.sum() == 5 * 27
    # Without the block list the blocked sequence counts (Eating then has 2 videos).
    res_nb = ev.__class__(data["test"], clip_len=27, block_list=()).evaluate(norm)
    assert (~np.isnan(res_nb.frame_p1)).sum() == 6 * 27
    assert res_nb.per_action_p1["Eating"] != pytest.approx(res.per_action_p1["Eating"])
    # A perfect prediction scores 0 (the official code would drop such frames).
    ev_gt = M.H36MEvaluator(data["test"], clip_len=27)
    gt_pix = ev_gt.gt[ev_gt.split_ids] / ev_gt.factors[ev_gt.split_ids][..., None, None]
    perfect = ev_gt.evaluate(gt_pix, normalized=False)
    assert perfect.protocol1 == pytest.approx(0.0, abs=1e-9)
    assert perfect.protocol2 == pytest.approx(0.0, abs=1e-6)


def test_h36m_bad_input(h36m):
    data, io, _ = h36m
    ev = M.H36MEvaluator(data["test"], clip_len=27)
    with pytest.raises(ValueError, match="n_clips, clip_len, 17, 3"):
        ev.evaluate(np.zeros((5, 27, 17, 3)))
    with pytest.raises(ValueError, match="lacks keys"):
        M.H36MEvaluator({"source": data["test"]["source"]}, clip_len=27)
    bad = dict(data["test"])
    bad["camera_name"] = np.array(["12345678"] * len(bad["source"]))
    with pytest.raises(ValueError, match="unknown H36M camera"):
        M.H36MEvaluator(bad, clip_len=27)
    with pytest.raises(ValueError, match="split_ids"):
        M.H36MEvaluator(data["test"], clip_len=27, split_ids=np.zeros((2, 26), dtype=int))
    with pytest.raises(TypeError, match="mapping"):
        M.H36MEvaluator([1, 2, 3])
    explicit = M.H36MEvaluator(data["test"], clip_len=27, split_ids=io["split_id_test"])
    np.testing.assert_array_equal(explicit.split_ids, ev.split_ids)


def test_split_clips_matches_official(fx):
    vid = list(fx["split_clips_vid"])  # videos a(60) b(20) c(30)
    for stride, key in ((9, "split_clips_n27_s9"), (27, "split_clips_n27_s27")):
        ours = M.motionbert_split_clips(vid, 27, stride)
        ref = fx[key]
        assert ours.shape == ref.shape
        full = ref[:, 0] != 60  # the row of the short video b is randomly resampled officially
        np.testing.assert_array_equal(ours[full], ref[full])
        short = ours[~full][0]
        assert short.min() >= 60 and short.max() <= 79 and np.all(np.diff(short) >= 0)
    rand = M.motionbert_split_clips(vid, 27, 27, rng=np.random.default_rng(0))
    assert rand.shape == (4, 27) and np.all(np.diff(rand[2]) >= 0) and 60 <= rand[2].min() and rand[2].max() <= 79
    # A too-short LAST video is dropped (official loop quirk); a too-short middle one is resampled.
    assert M.motionbert_split_clips(["a"] * 30 + ["b"] * 5, 27, 27).shape == (1, 27)
    assert M.motionbert_split_clips(["b"] * 5 + ["a"] * 30, 27, 27).shape == (2, 27)
    # A short run of an id that already produced a clip is not resampled again.
    assert M.motionbert_split_clips(["a"] * 30 + ["b"] * 5 + ["a"] * 5 + ["c"] * 30, 27, 27).shape == (3, 27)


def test_bad_metric_input():
    x = np.zeros((4, 17, 3))
    with pytest.raises(ValueError, match="same shape"):
        M.mpjpe(x, x[:3])
    with pytest.raises(ValueError, match="3 channels"):
        M.p_mpjpe(x[..., :2], x[..., :2])
    with pytest.raises(TypeError, match="numbers"):
        M.mpjpe(np.array(["a"]), np.array(["b"]))
    with pytest.raises(ValueError, match="at least 2 frames"):
        M.velocity_error(x[:1], x[:1])
    with pytest.raises(ValueError, match="at least 3 frames"):
        M.acceleration_error(x[:2], x[:2])
    with pytest.raises(ValueError, match="threshold"):
        M.pck(x, x, threshold=-1)
    with pytest.raises(ValueError, match="thresholds"):
        M.auc(x, x, thresholds=[])
    with pytest.raises(ValueError, match="out of range"):
        M.pck(x, x, joints=[17])
