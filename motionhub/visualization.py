# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Skeleton plots: the 2D input next to the lifted 3D pose, as an animated GIF or a still PNG (matplotlib, Agg).

:func:`plot_pose_3d` draws, for every frame, the 2D keypoints (left panel, image coordinates, y down) and the 3D
skeleton (right panel) with the limbs of the joint layout (:attr:`motionhub.skeleton.SkeletonLayout.limbs`); left
limbs are blue, right limbs red, the midline grey. The 3D axes are fixed over the whole clip (a cube around the
root-relative pose), so the motion, not the camera, moves. Camera-frame poses (x right, y down, z forward; what the
lifting models output) are shown upright: plot axes = (x, z, -y).

GIFs are rendered by blitting (the axes, grid and labels are drawn once; only the skeleton lines are redrawn per
frame) and written with Pillow, a few ms per frame; long clips are subsampled to at most ``max_frames`` frames
(every ``step``-th frame) and GIFs play at <= 25 frames per second (most viewers cannot show faster GIFs).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["plot_pose_3d"]

_LEFT, _RIGHT, _MID = "#1f77b4", "#d62728", "#555555"
_MAX_GIF_FPS = 25.0


def _limb_colors(layout) -> list[str]:
    left, right = set(layout.left), set(layout.right)
    colors = []
    for child, parent in layout.limbs:
        if child in left or (parent in left and child not in right):
            colors.append(_LEFT)
        elif child in right or parent in right:
            colors.append(_RIGHT)
        else:
            colors.append(_MID)
    return colors


def _as_pose(x: Any, name: str, channels: Sequence[int]) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-1] not in channels:
        want = " or ".join(str(c) for c in channels)
        raise ValueError(f"{name} must have shape (T, J, {want}) (one person), got {tuple(arr.shape)}")
    return arr


def _frame_indices(num_frames: int, step: int | None, max_frames: int | None, fps: float | None) -> tuple[np.ndarray, int]:
    if step is None:
        step = 1
        if fps is not None and fps > _MAX_GIF_FPS:
            step = math.ceil(fps / _MAX_GIF_FPS)
        if max_frames is not None and num_frames / step > max_frames:
            step = math.ceil(num_frames / max_frames)
    if step < 1:
        raise ValueError(f"step must be >= 1, got {step}")
    return np.arange(0, num_frames, step), step


def _render_blitted(fig, frames: np.ndarray, update, artists) -> list:
    """Draw the static figure once, then only the animated ``artists`` per frame (blitting): ~10x faster than a full
    redraw per frame (what ``matplotlib.animation.PillowWriter`` does). Returns palette PIL images."""
    from PIL import Image

    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    size = canvas.get_width_height()
    images = []
    palette_source = None
    for t in frames:
        update(int(t))
        canvas.restore_region(background)
        for artist in artists:
            if hasattr(artist, "do_3d_projection"):  # 3D collections project in the axes' draw, not their own
                artist.do_3d_projection()
            artist.axes.draw_artist(artist) if artist.axes is not None else fig.draw_artist(artist)
        rgb = Image.frombuffer("RGBA", size, bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")
        if palette_source is None:  # one shared palette: stable colours, fast quantisation
            palette_source = rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            images.append(palette_source)
        else:
            images.append(rgb.quantize(palette=palette_source, dither=Image.Dither.NONE))
    return images


def plot_pose_3d(
    pose_3d: Any,
    keypoints_2d: Any | None = None,
    out: str | os.PathLike = "pose3d.gif",
    fps: float | None = None,
    *,
    layout: str = "h36m-17",
    step: int | None = None,
    max_frames: int | None = 300,
    frame: int | None = None,
    image_size: Sequence[int] | None = None,
    title: str | None = None,
    elev: float = 15.0,
    azim: float = -70.0,
    dpi: int = 80,
    camera_frame: bool = True,
    ground: bool = False,
) -> Path:
    """Draw the 2D input and the 3D skeleton side by side; write a GIF animation or a PNG still.

    Args:
        pose_3d: ``(T, J, 3)`` 3D joints (any units; root-relative or not) in ``layout``.
        keypoints_2d: optional ``(T, J, 2|3)`` 2D input in the same layout (pixels or normalised; a third channel is
            a confidence, joints with confidence 0 or NaN are not drawn). Without it only the 3D panel is drawn.
        out: output file; ``.gif`` = animation (Pillow), ``.png`` = one frame.
        fps: frame rate of the sequence (GIF timing); default 25.
        layout: joint layout (limbs and left/right colours).
        step: draw every ``step``-th frame (default: chosen so the GIF plays at <= 25 fps and has at most
            ``max_frames`` frames).
        max_frames: upper bound on the number of GIF frames (``None`` = no bound).
        frame: frame shown in a PNG (default: the middle frame).
        image_size: ``(width, height)`` of the 2D panel's pixel space (default: the keypoints' extent).
        title: figure title.
        elev / azim: 3D view angles in degrees.
        dpi: resolution (figure is 8 x 4 inches with the 2D panel, 4 x 4 without).
        camera_frame: ``pose_3d`` is in camera coordinates (x right, y down, z forward), drawn upright. Set False for
            y-up world coordinates.
        ground: ``pose_3d`` is a world motion (:class:`motionhub.world.WorldMotion` ``pose_world``: y up, metres,
            the floor at y = 0; needs ``camera_frame=False``): draw the floor as a 0.5 m grid that moves under the
            walking skeleton, and the pelvis path on it; metre ticks on the 3D axes.

    Returns:
        The written path.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    from .skeleton import get_layout

    lay = get_layout(layout)
    pose = _as_pose(pose_3d, "pose_3d", (3,))
    num_frames, num_joints = pose.shape[:2]
    if num_joints != lay.num_joints:
        raise ValueError(f"pose_3d has {num_joints} joints but layout {lay.name!r} has {lay.num_joints}")
    kp2d = None
    if keypoints_2d is not None:
        kp2d = _as_pose(keypoints_2d, "keypoints_2d", (2, 3)).copy()
        if kp2d.shape[:2] != pose.shape[:2]:
            raise ValueError(f"keypoints_2d {kp2d.shape[:2]} and pose_3d {pose.shape[:2]} differ in frames/joints")
        if kp2d.shape[-1] == 3:
            kp2d[kp2d[..., 2] <= 0, :2] = np.nan
        kp2d = kp2d[..., :2]
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".gif", ".png"):
        raise ValueError(f"plot output must end in .gif or .png, got {out.name!r}")
    fps = float(fps) if fps else 25.0

    # camera frame (x right, y down, z forward) -> plot axes (x, z, -y): upright, depth into the picture
    p = np.stack([pose[..., 0], pose[..., 2], -pose[..., 1]], axis=-1) if camera_frame else pose[..., [0, 2, 1]]
    finite = np.isfinite(p).all(axis=-1)
    if not finite.any():
        raise ValueError("pose_3d has no finite joints to plot")
    # every frame is drawn around its own root (joint 0): a fixed cube, the skeleton never drifts out of view
    root = np.where(np.isfinite(p[:, :1]), p[:, :1], np.nanmedian(np.where(finite[..., None], p, np.nan), axis=1,
                                                                    keepdims=True))
    rel = p - root
    pts = rel[finite]
    lo, hi = np.percentile(pts, 0.5, axis=0), np.percentile(pts, 99.5, axis=0)
    if ground:
        if camera_frame:
            raise ValueError("ground=True draws the floor of a y-up world motion: pass camera_frame=False")
        heights = root[:, 0, 2][np.isfinite(root[:, 0, 2])]
        lo[2] = min(lo[2], -float(heights.max()) if heights.size else lo[2])  # the floor stays in view
    mid = (lo + hi) / 2
    radius = float(np.max(hi - lo)) / 2 * 1.1 or 1.0

    colors = _limb_colors(lay)
    child_idx = np.array([c for c, _ in lay.limbs])
    parent_idx = np.array([par for _, par in lay.limbs])
    with_2d = kp2d is not None
    fig = plt.figure(figsize=(8 if with_2d else 4, 4), dpi=dpi)
    if title:
        fig.suptitle(title, fontsize=10)
    lines2d = []
    if with_2d:
        ax2 = fig.add_subplot(1, 2, 1)
        ok = np.isfinite(kp2d).all(axis=-1)
        if image_size is not None:
            w, h = (float(v) for v in image_size)
            xlim, ylim = (0.0, w), (h, 0.0)
        else:
            q = kp2d[ok]
            qlo, qhi = q.min(axis=0), q.max(axis=0)
            half = 0.55 * float(max(qhi - qlo)) or 1.0
            c = (qlo + qhi) / 2
            xlim, ylim = (c[0] - half, c[0] + half), (c[1] + half, c[1] - half)
        ax2.set_xlim(*xlim)
        ax2.set_ylim(*ylim)  # image coordinates: y down
        ax2.set_aspect("equal")
        ax2.set_title("2D input", fontsize=9)
        ax2.tick_params(labelsize=6)
        lines2d.append(LineCollection(np.zeros((len(colors), 2, 2)), colors=colors, linewidths=2, animated=True))
        ax2.add_collection(lines2d[0], autolim=False)
        ax3 = fig.add_subplot(1, 2, 2, projection="3d")
    else:
        ax3 = fig.add_subplot(1, 1, 1, projection="3d")
    ax3.set_xlim(mid[0] - radius, mid[0] + radius)
    ax3.set_ylim(mid[1] - radius, mid[1] + radius)
    ax3.set_zlim(mid[2] - radius, mid[2] + radius)
    ax3.set_box_aspect((1, 1, 1))
    ax3.view_init(elev=elev, azim=azim)
    ax3.set_title("3D (lifted)", fontsize=9)
    if ground:
        ax3.tick_params(labelsize=5, pad=-2)
        ax3.set_xlabel("x (m)", fontsize=7, labelpad=-6)
        ax3.set_ylabel("z (m)", fontsize=7, labelpad=-6)
        ax3.set_zlabel("up (m, from the pelvis)", fontsize=7, labelpad=-6)
    else:
        for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
            axis.set_ticklabels([])
        ax3.set_xlabel("x", fontsize=7, labelpad=-10)
        ax3.set_ylabel("depth", fontsize=7, labelpad=-10)
        ax3.set_zlabel("up", fontsize=7, labelpad=-10)
    # one collection per panel (all limbs, one colour each): a few artists to redraw per frame instead of 2 x J
    lines3d = [Line3DCollection(np.zeros((len(colors), 2, 3)), colors=colors, linewidths=2, animated=True)]
    if ground:  # drawn first: the skeleton stays on top
        floor = Line3DCollection(np.zeros((1, 2, 3)), colors="0.75", linewidths=0.6, animated=True)
        path = Line3DCollection(np.zeros((1, 2, 3)), colors="tab:green", linewidths=1.2, animated=True)
        ax3.add_collection3d(floor, autolim=False)
        ax3.add_collection3d(path, autolim=False)
        lines3d = [floor, path, *lines3d]
        track = np.where(np.isfinite(root[:, 0]), root[:, 0], np.nan)  # (T, 3) plot axes: x, z, up
        track_segments = np.stack([track[:-1], track[1:]], axis=1)
        track_segments[..., 2] = 0.0
        grid_step = 0.5
    ax3.add_collection3d(lines3d[-1], autolim=False)
    label = fig.text(0.01, 0.01, "", fontsize=7, animated=True)

    def update_floor(t: int) -> None:
        c = track[t]
        if not np.isfinite(c).all():
            return
        ticks = lambda v: np.arange(np.floor((v - radius) / grid_step), np.ceil((v + radius) / grid_step) + 1) * grid_step  # noqa: E731
        xs, ys = ticks(c[0] + mid[0]), ticks(c[1] + mid[1])
        segs = [((x, ys[0], 0.0), (x, ys[-1], 0.0)) for x in xs] + [((xs[0], y, 0.0), (xs[-1], y, 0.0)) for y in ys]
        lines3d[0].set_segments(np.asarray(segs) - c)
        lines3d[1].set_segments(track_segments[np.isfinite(track_segments).all(axis=(1, 2))] - c)

    def update(t: int) -> None:
        if ground:
            update_floor(t)
        lines3d[-1].set_segments(np.stack([rel[t, child_idx], rel[t, parent_idx]], axis=1))
        if with_2d:
            lines2d[0].set_segments(np.stack([kp2d[t, child_idx], kp2d[t, parent_idx]], axis=1))
        label.set_text(f"frame {t + 1}/{num_frames}")

    from .io_utils import atomic_path

    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix == ".png":
            t = num_frames // 2 if frame is None else int(frame)
            if not 0 <= t < num_frames:
                raise ValueError(f"frame {frame} out of range for {num_frames} frames")
            for artist in (*lines3d, *lines2d, label):
                artist.set_animated(False)
            update(t)
            with atomic_path(out) as tmp:
                fig.savefig(tmp, dpi=dpi, format="png")
        else:
            frames, used_step = _frame_indices(num_frames, step, max_frames, fps)
            images = _render_blitted(fig, frames, update, (*lines3d, *lines2d, label))
            duration = round(1000.0 * used_step / fps)
            with atomic_path(out) as tmp:
                images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                               duration=max(duration, 20), loop=0, optimize=False, disposal=1)
    finally:
        plt.close(fig)
    return out
