# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Video front-end: decoding, the Detector interface, MediaPipe Pose, the .mp4 renderer and ``motionhub lift clip.mp4``.

Tests that need the ``video`` extra (PyAV, mediapipe) skip cleanly without it; the clip is a committed Apache-2.0
excerpt (tests/fixtures/video/SOURCE.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from motionhub.cli import main
from motionhub.formats import load_bvh, load_generic

CLIP = Path(__file__).parent / "fixtures" / "video" / "juggle_2s.mp4"
TWO = Path(__file__).parent / "fixtures" / "video" / "basketball_two_3s.mp4"
HAS_AV = importlib.util.find_spec("av") is not None
HAS_MEDIAPIPE = importlib.util.find_spec("mediapipe") is not None
needs_av = pytest.mark.skipif(not HAS_AV, reason="needs the video extra (PyAV): pip install -e '.[video]'")
needs_mediapipe = pytest.mark.skipif(not (HAS_AV and HAS_MEDIAPIPE),
                                     reason="needs the video extra (PyAV + mediapipe): pip install -e '.[video]'")  # fmt: skip


def _frames(path: Path) -> list[np.ndarray]:
    from motionhub.video import iter_frames

    return list(iter_frames(path))


@needs_av
def test_probe_and_decode_clip():
    from motionhub.video import probe_video

    info = probe_video(CLIP)
    assert (info.fps, info.width, info.height, info.num_frames) == (24.0, 480, 270, 48)
    frames = _frames(CLIP)
    assert len(frames) == 48 and frames[0].shape == (270, 480, 3) and frames[0].dtype == np.uint8
    with pytest.raises(FileNotFoundError):
        probe_video(CLIP.with_name("missing.mp4"))


def _fake_detector():
    """A plug-in detector: a fixed COCO-17 figure moving right, nobody in frames 10-14."""
    from motionhub.video import Detector

    class Fake(Detector):
        layout = "coco-17"
        name = "fake"

        def __init__(self):
            self.calls = 0
            rng = np.random.default_rng(0)
            self.pose = np.concatenate([rng.uniform([180, 40], [300, 250], (17, 2)), np.full((17, 1), 0.9)], 1)

        def __call__(self, frame):
            f = self.calls
            self.calls += 1
            return [] if 10 <= f < 15 else [self.pose + [f, 0, 0]]

    return Fake()


@needs_av
def test_custom_detector_and_renderer_mark_undetected_frames(tmp_path):
    from motionhub.video import detect_video, render_video

    det = _fake_detector()
    seq = detect_video(CLIP, det, progress=False)
    assert det.calls == 48 and seq.layout == "coco-17" and seq.fps == 24.0 and seq.image_size == (480, 270)
    assert seq.keypoints_2d.shape == (48, 17, 3)
    assert np.isnan(seq.keypoints_2d[10:15]).all() and np.isfinite(seq.keypoints_2d[15]).all()  # not invented
    np.testing.assert_array_equal(seq.meta["detected"], ~np.isin(np.arange(48), np.arange(10, 15)))
    pose = np.zeros((1, 48, 17, 3))
    pose[..., 1] = np.linspace(-0.8, 0.8, 17)  # a vertical stick, camera axes
    out = render_video(tmp_path / "r.mp4", seq.keypoints_2d[None], "coco-17", pose, seq.meta["detected"][None],
                       24.0, video=CLIP, height=270, progress=False)  # fmt: skip
    rendered = _frames(out)
    source = _frames(CLIP)
    assert len(rendered) == 48 and rendered[0].shape == (270, 480 + 270, 3)

    def left_diff(f: int) -> int:  # pixels of the 2D panel far from the video's (drawn lines), below the label
        return int((np.abs(rendered[f][30:, :480].astype(int) - source[f][30:].astype(int)).max(-1) > 100).sum())

    assert left_diff(12) < 50 < 300 < left_diff(5)  # skeleton drawn on detected frames only
    label = rendered[12][2:16, 4:80]
    assert (label[..., 0] > 150).sum() > 20 and (rendered[5][2:16, 4:80, 0] > 150).sum() < (label[..., 0] > 150).sum()
    panel3d = lambda f: rendered[f][:, 480:].astype(int)
    assert (panel3d(12) < 100).sum() < (panel3d(5) < 100).sum()  # no 3D skeleton without a detection
    with pytest.raises(ValueError, match="shapes disagree"):
        render_video(tmp_path / "x.mp4", seq.keypoints_2d[None], "coco-17", pose[:, :5], seq.meta["detected"][None],
                     24.0, video=CLIP)  # fmt: skip


def test_missing_extra_gives_a_clear_error(monkeypatch, capsys):
    import motionhub.video.decode as dec
    from motionhub.video import MediaPipePoseDetector, MissingExtraError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("mediapipe", "av", "cv2")
                        else real(name, *a))  # fmt: skip
    with pytest.raises(MissingExtraError, match=r'pip install -e "\.\[video\]"'):
        MediaPipePoseDetector()
    with pytest.raises(MissingExtraError, match="PyAV or OpenCV"):
        dec.probe_video(CLIP)
    assert main(["lift", str(CLIP), "-o", "x.bvh", "-q"]) == 1
    err = capsys.readouterr().err
    assert 'pip install -e ".[video]"' in err and "Traceback" not in err


def test_mediapipe_refuses_downloading_models():
    from motionhub.video import MediaPipePoseDetector

    with pytest.raises(ValueError, match="offline"):
        MediaPipePoseDetector(model_complexity=2)


@needs_mediapipe
def test_lift_clip_to_bvh_and_mp4(tmp_path, capsys):
    bvh, mp4, npz = tmp_path / "out.bvh", tmp_path / "out.mp4", tmp_path / "clip_2d.npz"
    code = main(["lift", str(CLIP), "-o", str(bvh), "--plot", str(mp4), "--save-2d", str(npz), "-q"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "lifted 48 frames (blazepose-33 -> h36m-17" in out.out
    det = load_generic(npz)  # --save-2d: the detections with the video's fps and size
    assert det.layout == "blazepose-33" and det.keypoints_2d.shape == (48, 33, 3)
    assert det.fps == 24.0 and det.image_size == (480, 270)
    seen = np.isfinite(det.keypoints_2d[..., 0]).all(-1)
    assert seen.sum() >= 40  # a clear full-body clip: MediaPipe finds the juggler in (nearly) every frame
    hips = det.keypoints_2d[seen][:, [23, 24], 0].mean()
    assert 150 < hips < 330  # he stands in the middle of the 480 px frame
    seq = load_bvh(bvh, units="cm")
    assert seq.num_frames == 48 and seq.fps == pytest.approx(24.0)
    names = seq.meta["joint_names"]
    pos = seq.keypoints_3d  # mm, Y up
    thigh = np.linalg.norm(pos[:, names.index("LeftLeg")] - pos[:, names.index("LeftUpLeg")], axis=-1)
    np.testing.assert_allclose(thigh, thigh[0], atol=1e-3)  # rigid rig
    assert 300 < thigh[0] < 600  # a human thigh, mm
    head_up = pos[:, names.index("Head"), 1] - pos[:, names.index("Hips"), 1]
    assert (head_up > 300).all()  # upright
    frames = _frames(mp4)
    assert len(frames) == 48 and frames[0].shape[0] == 360


@needs_mediapipe
def test_two_people_in_a_video_give_two_tracks(tmp_path, capsys):
    """The committed basketball clip (a player in white on the left, one in blue on the right, small, 426 x 240):
    ``motionhub lift`` finds both (the default 'multi' detector), lifts and places both in one world, ``--person 1``
    picks one, and ``--detector single`` (MediaPipe's one tracked person) is still there."""
    out_npz = tmp_path / "two.npz"
    code = main(["lift", str(TWO), "-o", str(out_npz), "--save-2d", str(tmp_path / "two_2d.npz"), "-q"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "2 persons, blazepose-33 -> h36m-17" in out.out and "person 1:" in out.out
    det = load_generic(tmp_path / "two_2d.npz")
    assert det.keypoints_2d.shape == (2, 90, 33, 3)
    seen = np.isfinite(det.keypoints_2d[..., 0]).all(-1)  # (2, 90)
    assert (seen.sum(1) >= 45).all()  # each player found in at least half of the frames (measured: 71 and 63)
    hips_x = [np.nanmean(det.keypoints_2d[m][seen[m]][:, [23, 24], 0]) for m in range(2)]
    assert min(hips_x) < 180 and max(hips_x) > 250  # one track per player: left and right of the frame
    with np.load(out_npz) as z:
        assert z["pose_3d"].shape == (2, 90, 17, 3) and z["root_world"].shape == (2, 90, 3)
        assert json.loads(str(z["world_meta_json"]))[0]["intrinsics"]["source"] == "assumed"
    code = main(["lift", str(tmp_path / "two_2d.npz"), "--person", "1", "-o", str(tmp_path / "one.npz"), "-q"])
    assert code == 0
    with np.load(tmp_path / "one.npz") as z:
        assert z["pose_3d"].shape == (90, 17, 3)
    code = main(["lift", str(TWO), "--detector", "single", "--max-frames", "20", "-o", str(tmp_path / "s.npz"), "-q"])
    assert code == 0, capsys.readouterr().err


@needs_mediapipe
def test_online_lifting_example_on_the_clip(tmp_path, capsys):
    import importlib

    spec = importlib.util.spec_from_file_location("online_lifting", Path(__file__).parents[1] / "examples" /
                                                  "online_lifting.py")  # fmt: skip
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main([str(CLIP), "--out", str(tmp_path / "s.npz")]) == 0
    assert "latency 13 frames" in capsys.readouterr().out
    with np.load(tmp_path / "s.npz") as z:
        assert z["pose_3d"].shape == (48, 17, 3) and z["frame_index"].tolist() == list(range(48))


@needs_av
def test_a_truncated_video_is_an_error_not_a_fragment(tmp_path):
    import av

    fast = tmp_path / "fast.mp4"  # moov first (faststart), as streamed downloads are: a cut file still opens
    with av.open(str(CLIP)) as src, av.open(str(fast), "w", options={"movflags": "faststart"}) as dst:
        stream = src.streams.video[0]
        out = dst.add_stream_from_template(stream)
        for packet in src.demux(stream):
            if packet.dts is not None:
                packet.stream = out
                dst.mux(packet)
    assert len(_frames(fast)) == 48
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(fast.read_bytes()[: int(fast.stat().st_size * 0.6)])
    with pytest.raises(ValueError, match=r"cut.mp4: only \d+ of the 48 frames .* truncated or damaged"):
        _frames(cut)


def test_an_impossible_video_header_is_refused():
    from motionhub.video import VideoInfo, check_video_info

    assert check_video_info(CLIP, VideoInfo(24.0, 480, 270, 48)).width == 480
    with pytest.raises(ValueError, match=r"claims 60000 x 270 pixels .* header is damaged"):
        check_video_info(CLIP, VideoInfo(24.0, 60000, 270, 48))
    with pytest.raises(ValueError, match="claims 0 frames per second"):
        check_video_info(CLIP, VideoInfo(0.0, 480, 270, 48))
