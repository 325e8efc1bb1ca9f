# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The released official checkpoints of the seed systems, one name away.

>>> from motionhub.official import from_official, list_official
>>> [c.name for c in list_official()][:3]
['motionbert-3dpw-mesh', 'motionbert-h36m', 'motionbert-h36m-scratch']
>>> model = from_official("motionbert-lite-h36m")     # Hub download (cached, resumable) -> converted once -> model

On the command line every ``--model`` accepts ``official:NAME`` (``motionhub info official:motionbert-h36m``).

Where the authors publish a file on the Hugging Face Hub (MotionBERT: ``walterzhu/MotionBERT``), it is fetched with
``huggingface_hub.hf_hub_download`` into the Hub cache, checked against the size / sha256 recorded here when known,
converted with :func:`motionhub.conversion.convert_checkpoint` using the config facts the file does not store
(``num_heads``, strides) and cached as a ``save_pretrained`` folder (``config.json`` + ``model.safetensors``) under
``<HF_HOME>/motionhub/official/<name>/<blob sha>``, so later loads read safetensors only. Where no Hub copy exists
(P-STMO, MPM and STRIDE are on Google Drive), :class:`OfficialDownloadUnavailable` names the download page and the
``motionhub convert`` line for the downloaded file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "OFFICIAL_CHECKPOINTS",
    "OFFICIAL_PREFIX",
    "OfficialCheckpoint",
    "OfficialDownloadUnavailable",
    "from_official",
    "get_official",
    "list_official",
    "official_model_path",
    "parse_official_name",
]

#: ``--model official:NAME`` on the command line.
OFFICIAL_PREFIX = "official:"

_MB_REPO = "walterzhu/MotionBERT"
_MB_PAGE = "https://github.com/Walter0807/MotionBERT#model-zoo"
_MB_PAPER = "MotionBERT: A Unified Perspective on Learning Human Motion Representations (Zhu et al., ICCV 2023)"
_PSTMO_PAGE = "https://drive.google.com/drive/folders/1vLtC86_hs01JKKRQ6akvdH5QDKxt71cY (linked from " \
              "https://github.com/paTRICK-swk/P-STMO#dataset-and-checkpoints)"
_PSTMO_PAPER = "P-STMO: Pre-Trained Spatial Temporal Many-to-One Model for 3D Human Pose Estimation (Shan et al., " \
               "ECCV 2022)"
_MPM_PAGE = "https://drive.google.com/drive/folders/1wALsIyyHnKzVDCYjUpuC7N_MFZHcRkA5 (linked from " \
            "https://github.com/vvirgooo2/MPM)"
_MPM_PAPER = "MPM: A Unified 2D-3D Human Pose Representation via Masked Pose Modeling (Zhang et al., 2023)"
_STRIDE_PAGE = "https://drive.google.com/file/d/1k3UxjfzfDSs8ts1Fff_fEgcXIDaZP-Ik (gdown id used by " \
               "https://github.com/take2rohit/STRIDE run_stride.py)"
_STRIDE_PAPER = "STRIDE: Single-video based Temporally Continuous Occlusion-Robust 3D Pose Estimation (Lal et al., " \
                "WACV 2025)"


class OfficialDownloadUnavailable(FileNotFoundError):
    """The official file is not on the Hub: the message names the download page and the conversion command."""


@dataclass(frozen=True)
class OfficialCheckpoint:
    """One released official checkpoint.

    Attributes:
        name: the motionhub name (``from_official(name)``, ``--model official:NAME``).
        family: seed system (``"MotionBERT"``, ``"P-STMO"``, ``"MPM"``, ``"STRIDE"``).
        converter: :func:`motionhub.conversion.convert_checkpoint` ``family=`` value.
        architecture: the motionhub class the conversion gives.
        description: one line.
        hub_repo / hub_filename: where the authors publish it on the Hugging Face Hub (``None``: not on the Hub).
        download_page: where users download it (always set).
        file_name: the official file name (for files downloaded by hand).
        config: config facts the file does not store, passed to the converter (``num_heads``, ``stride_num``).
        official_config: the authors' training config the facts come from.
        license: license of the weights as published by the authors.
        reported: the numbers the authors report for this file (metric name -> value, with ``protocol``).
        paper: citation line.
        size / sha256: of the official file when known (checked after download).
    """

    name: str
    family: str
    converter: str
    architecture: str
    description: str
    download_page: str
    file_name: str
    license: str
    paper: str
    config: dict[str, Any] = field(default_factory=dict)
    official_config: str | None = None
    hub_repo: str | None = None
    hub_filename: str | None = None
    reported: dict[str, Any] = field(default_factory=dict)
    size: int | None = None
    sha256: str | None = None

    @property
    def on_hub(self) -> bool:
        return self.hub_repo is not None and self.hub_filename is not None

    def convert_command(self, path: str = "FILE") -> str:
        """The ``motionhub convert`` line for a file downloaded by hand (strides are read from the frames table)."""
        heads = f" --num-heads {self.config['num_heads']}" if "num_heads" in self.config else ""
        return f"motionhub convert {path} {self.name} --family {self.converter}{heads}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mb(name, converter, architecture, description, filename, official_config, reported, **kw) -> OfficialCheckpoint:
    return OfficialCheckpoint(
        name=name, family="MotionBERT", converter=converter, architecture=architecture, description=description,
        download_page=f"https://huggingface.co/{_MB_REPO}/blob/main/{filename} ({_MB_PAGE})",
        file_name=filename.rsplit("/", 1)[-1], license="Apache-2.0", paper=_MB_PAPER,
        config={"num_heads": 8}, official_config=official_config, hub_repo=_MB_REPO, hub_filename=filename,
        reported=reported, **kw)


_H36M = "Human3.6M S9/S11, SH detections, MotionBERT protocol (17 joints, 2.5D factor)"
_ENTRIES = [
    _mb("motionbert-pretrain", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT pretrained encoder (AMASS + PoseTrack + InstaVariety, unified lifting pretraining), 42.5 M",
        "checkpoint/pretrain/MB_release/latest_epoch.bin", "configs/pretrain/MB_pretrain.yaml", {},
        size=169_958_969, sha256="02a9ee017e5c9d688b5dd41e0055bddb75b6eee7f5eed326a8cdc6e5bf08eaf8"),
    _mb("motionbert-lite-pretrain", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT-Lite pretrained encoder (dim_feat 256, mlp_ratio 4), 16.0 M",
        "checkpoint/pretrain/MB_lite/latest_epoch.bin", "configs/pretrain/MB_lite.yaml", {}),
    _mb("motionbert-h36m-scratch", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT trained from scratch on Human3.6M (SH detections)",
        "checkpoint/pose3d/MB_train_h36m/best_epoch.bin", "configs/pose3d/MB_train_h36m.yaml",
        {"mpjpe_mm": 39.2, "protocol": _H36M}),
    _mb("motionbert-h36m", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT finetuned on Human3.6M (SH detections) from the pretrained encoder",
        "checkpoint/pose3d/FT_MB_release_MB_ft_h36m/best_epoch.bin", "configs/pose3d/MB_ft_h36m.yaml",
        {"mpjpe_mm": 37.2, "protocol": _H36M}),
    _mb("motionbert-lite-h36m", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT-Lite finetuned on Human3.6M, global (not root-relative) output: the in-the-wild demo model",
        "checkpoint/pose3d/FT_MB_lite_MB_ft_h36m_global_lite/best_epoch.bin",
        "configs/pose3d/MB_ft_h36m_global_lite.yaml", {}),
    _mb("motionbert-ntu60-xsub", "motionbert-action", "DSTformerForActionClassification",
        "MotionBERT action classifier, NTU RGB+D 60 cross-subject (HRNet 2D, 2 persons, 243 frames)",
        "checkpoint/action/FT_MB_release_MB_ft_NTU60_xsub/best_epoch.bin", "configs/action/MB_ft_NTU60_xsub.yaml",
        {"top1_accuracy": 97.2, "protocol": "NTU-60 xsub val (PYSKL HRNet 2D)"}),
    _mb("motionbert-ntu60-xview", "motionbert-action", "DSTformerForActionClassification",
        "MotionBERT action classifier, NTU RGB+D 60 cross-view",
        "checkpoint/action/FT_MB_release_MB_ft_NTU60_xview/best_epoch.bin", "configs/action/MB_ft_NTU60_xview.yaml",
        {"top1_accuracy": 93.0, "protocol": "NTU-60 xview val (PYSKL HRNet 2D)"}),
    _mb("motionbert-3dpw-mesh", "motionbert-mesh", "DSTformerForMeshRecovery",
        "MotionBERT SMPL mesh regressor finetuned with 3DPW (needs your SMPL files to run)",
        "checkpoint/mesh/FT_MB_release_MB_ft_pw3d/best_epoch.bin", "configs/mesh/MB_ft_pw3d.yaml",
        {"mpve_mm": 88.1, "protocol": "3DPW test"}),
    OfficialCheckpoint(
        name="pstmo-h36m", family="P-STMO", converter="pstmo", architecture="STMOForPoseLifting",
        description="P-STMO (4 layers, 243 frames at tds 2) finetuned on Human3.6M with CPN detections",
        download_page=_PSTMO_PAGE, file_name="PSTMO_no_refine_11_4288_h36m_cpn.pth", license="MIT",
        paper=_PSTMO_PAPER, config={"stride_num": [3, 3, 3, 3, 3]},
        official_config="run.py -f 243 --layers 4 -tds 2 (README)",
        reported={"mpjpe_mm": 42.88, "protocol": "Human3.6M S9/S11, CPN detections (p1 in the file name)"}),
    OfficialCheckpoint(
        name="pstmo-s-h36m", family="P-STMO", converter="pstmo", architecture="STMOForPoseLifting",
        description="P-STMO-S (3 layers, 243 frames at tds 2) finetuned on Human3.6M with CPN detections",
        download_page=_PSTMO_PAGE, file_name="PSTMOS_no_refine_28_4306_h36m_cpn.pth", license="MIT",
        paper=_PSTMO_PAPER, config={"stride_num": [3, 3, 3, 3, 3]},
        official_config="run.py -f 243 --layers 3 -tds 2 (README)",
        reported={"mpjpe_mm": 43.06, "protocol": "Human3.6M S9/S11, CPN detections (p1 in the file name)"}),
    OfficialCheckpoint(
        name="pstmo-s-in-the-wild", family="P-STMO", converter="pstmo", architecture="STMOForPoseLifting",
        description="P-STMO-S for in-the-wild videos (COCO-style 2D -> H36M 3D, 243 frames)",
        download_page=_PSTMO_PAGE, file_name="PSTMOS_no_refine_48_5137_in_the_wild.pth", license="MIT",
        paper=_PSTMO_PAPER, config={"stride_num": [3, 3, 3, 3, 3]},
        official_config="in_the_wild/videopose_PSTMO.py (README)",
        reported={"mpjpe_mm": 51.37, "protocol": "Human3.6M S9/S11 (p1 in the file name)"}),
    OfficialCheckpoint(
        name="mpm-h36m", family="MPM", converter="mpm", architecture="MPMForPoseLifting",
        description="MPM finetuned for 3D pose on Human3.6M (file names in the Drive folder are not documented)",
        download_page=_MPM_PAGE, file_name="(see the Drive folder; the README uses x.pth)", license="none stated "
        "(the repository has no LICENSE file: ask the authors before redistributing)", paper=_MPM_PAPER,
        official_config="run.py (README)"),
    OfficialCheckpoint(
        name="stride-prior", family="STRIDE", converter="stride", architecture="DSTformerForPoseLifting",
        description="STRIDE motion prior (MotionBERT full DSTformer pretrained on masked 3D) for test-time "
                    "training with `motionhub stride`",
        download_page=_STRIDE_PAGE, file_name="latest_epoch.bin", license="MIT", paper=_STRIDE_PAPER,
        config={"num_heads": 8}, official_config="stride/configs/pose3d/MB_ft_h36m.yaml"),
]

#: Every registered official checkpoint by name.
OFFICIAL_CHECKPOINTS: dict[str, OfficialCheckpoint] = {c.name: c for c in _ENTRIES}


def list_official() -> list[OfficialCheckpoint]:
    """Every official checkpoint, sorted by name."""
    return sorted(OFFICIAL_CHECKPOINTS.values(), key=lambda c: c.name)


def parse_official_name(spec: str | os.PathLike) -> str | None:
    """``"official:NAME"`` -> ``"NAME"``; anything else -> ``None``."""
    s = str(spec)
    return s[len(OFFICIAL_PREFIX):] if s.startswith(OFFICIAL_PREFIX) else None


def get_official(name: str) -> OfficialCheckpoint:
    """The registry entry ``name`` (``official:`` prefix allowed); unknown names list the known ones."""
    name = parse_official_name(name) or str(name)
    if name not in OFFICIAL_CHECKPOINTS:
        raise ValueError(f"unknown official checkpoint {name!r}; known: {', '.join(sorted(OFFICIAL_CHECKPOINTS))}")
    return OFFICIAL_CHECKPOINTS[name]


def _converted_root(cache_dir: str | os.PathLike | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from huggingface_hub import constants

    return Path(constants.HF_HOME) / "motionhub" / "official"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def official_model_path(
    name: str,
    *,
    revision: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    converted_dir: str | os.PathLike | None = None,
    local_files_only: bool = False,
    token: str | None = None,
) -> Path:
    """Download (once) and convert (once) an official checkpoint; returns its ``save_pretrained`` folder.

    Args:
        name: registry name (see :func:`list_official`), with or without ``official:``.
        revision: Hub revision of the authors' repository (default ``main``).
        cache_dir: Hub cache for the official file (default: huggingface_hub's).
        converted_dir: where converted folders are cached (default ``<HF_HOME>/motionhub/official``).
        local_files_only: no network: use the cached official file / converted folder only.
        token: Hub token.

    Raises:
        OfficialDownloadUnavailable: the checkpoint is not on the Hub (the message says where to get it and how to
            convert it).
        ValueError: unknown name, or the downloaded file's size / sha256 differs from the registry (the damaged
            cache entry is removed; run again to re-download).
    """
    entry = get_official(name)
    if not entry.on_hub:
        raise OfficialDownloadUnavailable(
            f"official checkpoint {entry.name!r} ({entry.family}) is not published on the Hugging Face Hub; download "
            f"{entry.file_name} from {entry.download_page}, then convert it once with:\n"
            f"  {entry.convert_command()}\nand use the folder as --model {entry.name} "
            f"(Python: from_pretrained({entry.name!r}))"
        )
    from huggingface_hub import hf_hub_download

    from . import __version__

    path = Path(hf_hub_download(
        entry.hub_repo, entry.hub_filename, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only,
        token=token, library_name="motionhub", library_version=__version__,
    ))
    blob = path.resolve()
    # The blob's file name in the Hub cache is the sha256 the Hub reported for an LFS file (or a git hash).
    out = _converted_root(converted_dir) / entry.name / blob.name
    if (out / "config.json").is_file() and (out / "model.safetensors").is_file():
        return out
    size = blob.stat().st_size
    if entry.size is not None and size != entry.size:
        _discard(blob, path)
        raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: {size} bytes, the official file has "
                         f"{entry.size}; the damaged download was removed, run again to download it anew")
    if entry.sha256 is not None and _sha256(blob) != entry.sha256:
        _discard(blob, path)
        raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: sha256 differs from the official file "
                         f"({entry.sha256}); the damaged download was removed, run again to download it anew")
    if entry.sha256 is None:  # no registry hash: the Hub's (the cache blob is named after the sha256 it served)
        from .hub.verify import check_cached_file

        mismatch = check_cached_file(path, entry.hub_filename)
        if mismatch is not None:
            _discard(blob, path)
            raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: {mismatch.problem}; the damaged download was "
                             "removed, run again to download it anew")
    from .conversion import convert_checkpoint

    model = convert_checkpoint(path, family=entry.converter, **entry.config)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    (tmp / "official.json").write_text(json.dumps({**entry.to_dict(), "source_blob": blob.name}, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, out)
    return out


def _discard(blob: Path, link: Path) -> None:
    for p in (link, blob):
        try:
            p.unlink()
        except OSError:
            pass


def from_official(name: str, **kwargs):
    """The official checkpoint ``name`` as a motionhub model (eval mode); ``kwargs`` go to
    :func:`official_model_path`."""
    from transformers import AutoConfig

    import motionhub

    folder = official_model_path(name, **kwargs)
    config = AutoConfig.from_pretrained(folder, trust_remote_code=False)  # motionhub's own conversion: no code
    arch = (config.architectures or [get_official(name).architecture])[0]
    cls = getattr(motionhub, arch, None)
    if cls is None:
        import motionhub.heads

        cls = getattr(motionhub.heads, arch)
    return cls.from_pretrained(folder, trust_remote_code=False).eval()
