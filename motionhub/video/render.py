# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``--plot out.mp4``: every frame of the video with its 2D skeleton, next to the lifted 3D skeleton.

Frames where a person was not detected show no skeleton for that person, in 2D nor in 3D, and a red
"no detection" label: the lifted poses of those frames come from interpolated input and are not drawn. Without a
video (keypoint files) the 2D panel is a blank canvas of the image size. Encoded with PyAV (H.264, ``yuv420p``).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..skeleton import get_layout
from .decode import iter_frames, require_video_extra

__all__ = ["render_video"]

_LEFT, _RIGHT, _MID = (40, 110, 255), (255, 60, 40), (235, 235, 235)
_PERSON_TINT = [(255, 255, 255), (255, 220, 0), (0, 230, 160), (200, 120, 255), (0, 200, 255)]


def _side_colors(layout: str) -> list[tuple[int, int, int]]:
    lay = get_layout(layout)
    left, right = set(lay.left), set(lay.right)
    return [_LEFT if c in left else _RIGHT if c in right else _MID for c, _ in lay.limbs]


def _blank_frames(size: tuple[int, int], n: int) -> Iterator[np.ndarray]:
    frame = np.full((size[1], size[0], 3), 40, dtype=np.uint8)
    for _ in range(n):
        yield frame


def _even(v: int) -> int:
    return max(2, int(v) // 2 * 2)


def render_video(
    out: str | Path,
    keypoints_2d: np.ndarray,
    layout_2d: str,
    pose_3d: np.ndarray,
    detected: np.ndarray,
    fps: float,
    *,
    video: str | Path | None = None,
    image_size: tuple[int, int] | None = None,
    height: int = 360,
    title: str | None = None,
    progress: bool = True,
) -> Path:
    """Write an ``.mp4`` with the 2D detections over the video (left) and the 3D skeletons (right).

    Args:
        out: output ``.mp4``.
        keypoints_2d: ``(M, T, J, 2|3)`` pixels in ``layout_2d`` (NaN / confidence 0 = not drawn).
        layout_2d: layout of ``keypoints_2d`` (limbs drawn from its tree).
        pose_3d: ``(M, T, 17, 3)`` H36M-17 in camera axes (x right, y down, z forward), any units, root-relative.
        detected: ``(M, T)`` bool: the person was detected in the frame (else nothing is drawn for it).
        fps: frame rate of the output.
        video: the source video (else a blank canvas of ``image_size``).
        image_size: ``(width, height)`` of the pixel space of ``keypoints_2d`` (needed without ``video``).
        height: output height in pixels (panels are scaled to it).
        title: text in the 3D panel's corner.
        progress: tqdm bar.

    Returns:
        ``out``.
    """
    require_video_extra("av", "writing an .mp4")
    import av
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from PIL import Image, ImageDraw
    from tqdm.auto import tqdm

    kp = np.asarray(keypoints_2d, dtype=np.float64)
    p3 = np.asarray(pose_3d, dtype=np.float64)
    det = np.asarray(detected, dtype=bool)
    if kp.ndim != 4 or p3.ndim != 4 or det.ndim != 2:
        raise ValueError("render_video takes (M, T, J, C) keypoints, (M, T, 17, 3) poses and an (M, T) mask")
    m, t = det.shape
    if kp.shape[:2] != (m, t) or p3.shape[:2] != (m, t) or p3.shape[2:] != (17, 3):
        raise ValueError(f"shapes disagree: keypoints {kp.shape}, poses {p3.shape}, detected {det.shape}")
    if not (fps and fps > 0):
        raise ValueError(f"render_video needs a positive fps, got {fps!r}")
    if video is None and image_size is None:
        raise ValueError("render_video needs the video or image_size=(width, height) for the 2D panel")
    lay2 = get_layout(layout_2d)
    limbs2, colors2 = lay2.limbs, _side_colors(layout_2d)
    limbs3, colors3 = get_layout("h36m-17").limbs, _side_colors("h36m-17")
    frames = iter_frames(video, t) if video is not None else _blank_frames(tuple(image_size), t)

    # 3D panel: one figure, line data updated per frame (x right, z depth, -y up)
    side = _even(height)
    width3 = _even(side * (1.0 if m == 1 else min(m, 3) * 0.75))  # wider 3D panel for several people
    fig = plt.figure(figsize=(width3 / 100, side / 100), dpi=100)
    ax = fig.add_subplot(111, projection="3d")
    fig.subplots_adjust(0, 0, 1, 1)
    ok3 = np.isfinite(p3).all(-1) & det[..., None]
    span = float(np.nanmax(np.abs(p3[ok3]))) if ok3.any() else 1.0
    offs = (np.arange(m) - (m - 1) / 2) * 2.2 * span
    ax.set_xlim(offs[0] - span, offs[-1] + span)
    ax.set_ylim(-span, span)
    ax.set_zlim(-span, span)
    ax.set_box_aspect(((offs[-1] - offs[0]) / (2 * span) + 1, 1, 1), zoom=1.25 if m == 1 else 1.0)
    ax.view_init(elev=12, azim=-70)
    ax.set_xticklabels([])
    ax.set_yticklabels([])
    ax.set_zticklabels([])
    dark = {_MID: (60, 60, 60)}  # the midline in dark grey on the white 3D panel
    lines = [[ax.plot([], [], [], color=np.array(dark.get(c, c)) / 255, lw=2.5)[0] for c in colors3] for _ in range(m)]
    label = fig.text(0.03, 0.94, "", color="red", fontsize=9, weight="bold")
    if title:
        fig.text(0.03, 0.02, title, fontsize=7, color="0.3")

    from ..io_utils import atomic_path

    container = None
    with atomic_path(out) as tmp_out:  # a killed render leaves the previous file
        try:
            bar = tqdm(total=t, desc="rendering", unit="frame", disable=not progress)
            for f, frame in enumerate(frames):
                if f >= t:
                    break
                h0, w0 = frame.shape[:2]
                scale = side / h0
                img = Image.fromarray(frame).resize((_even(w0 * scale), side))
                draw = ImageDraw.Draw(img)
                for p in range(m):
                    if not det[p, f]:
                        continue
                    pts = kp[p, f]
                    good = np.isfinite(pts[:, :2]).all(1) & ((pts[:, 2] > 0) if pts.shape[1] > 2 else True)
                    for (c, q), col in zip(limbs2, colors2):
                        if good[c] and good[q]:
                            draw.line([tuple(pts[q, :2] * scale), tuple(pts[c, :2] * scale)], fill=col, width=3)
                    for j in np.flatnonzero(good):
                        x, y = pts[j, :2] * scale
                        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=_PERSON_TINT[p % len(_PERSON_TINT)])
                missing = [p for p in range(m) if not det[p, f]]
                if missing:
                    text = "no detection" if m == 1 else "no detection: person " + ", ".join(map(str, missing))
                    draw.rectangle([0, 0, 8 + 7 * len(text), 18], fill=(0, 0, 0))
                    draw.text((4, 3), text, fill=(255, 40, 40))
                for p in range(m):
                    for (c, q), ln in zip(limbs3, lines[p]):
                        if det[p, f]:
                            a, b = p3[p, f, q], p3[p, f, c]
                            ln.set_data_3d([a[0] + offs[p], b[0] + offs[p]], [a[2], b[2]], [-a[1], -b[1]])
                        else:
                            ln.set_data_3d([], [], [])
                label.set_text(text if missing else "")
                fig.canvas.draw()
                right = np.asarray(fig.canvas.buffer_rgba())[..., :3]
                panel = np.concatenate([np.asarray(img), right[:side, :width3]], axis=1)
                if container is None:
                    container = av.open(str(tmp_out), "w")
                    stream = container.add_stream("libx264", rate=Fraction(float(fps)).limit_denominator(1001))
                    stream.width, stream.height = panel.shape[1], panel.shape[0]
                    stream.pix_fmt = "yuv420p"
                    stream.options = {"crf": "26", "preset": "veryfast"}
                for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(panel), format="rgb24")):
                    container.mux(packet)
                bar.update(1)
            bar.close()
            if container is None:
                raise ValueError("render_video: no frame to render")
            for packet in stream.encode():
                container.mux(packet)
        finally:
            if container is not None:
                container.close()
            plt.close(fig)
    return Path(out)
