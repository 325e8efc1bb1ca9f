# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model cards of the converted official checkpoints: MotionBERT, MotionBERT-Lite, P-STMO, P-STMO-S, MPM, STRIDE.

Each card is rendered by :func:`motionhub.hub.generate_model_card` from a specification below (original license,
numbers reported by the authors with their source, training recipe, citation) and committed as
``model_cards/<name>.md``. Numbers come only from the original READMEs, checkpoint file names and papers; where the
authors report none, the card says so.

Regenerate the committed cards after changing a specification, the template or a config preset::

    python -m motionhub.model_cards.official            # writes model_cards/<name>.md

Publish a converted checkpoint with its card::

    motionhub convert best_epoch.bin out/motionbert
    python -c "from motionhub.model_cards.official import push_official; push_official('motionbert', 'out/motionbert')"
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["OFFICIAL_CARDS", "OfficialCard", "main", "official_config", "push_official", "render_official_card"]

_MB_README = "https://github.com/Walter0807/MotionBERT#model-zoo"
_MB_PAPER = "https://arxiv.org/abs/2210.06551"
_PSTMO_README = "https://github.com/paTRICK-swk/P-STMO#evaluating-our-models"

_H36M_P1 = (
    "Human3.6M, protocol #1: MPJPE in mm between the predicted and ground-truth root-relative 17 joints on the test "
    "subjects S9 and S11, averaged per action and then over the 15 actions."
)
_SMPL_DATA = (
    "The training data have their own licenses: Human3.6M and AMASS allow non-commercial research use only. Check "
    "them before any other use of these weights."
)


@dataclass(frozen=True)
class OfficialCard:
    """What :func:`motionhub.hub.generate_model_card` needs for one converted official checkpoint.

    Attributes:
        name: card / repository name (``model_cards/<name>.md``, Hub id ``motionhub/<name>``).
        model_type: motionhub family (``dstformer``, ``stmo``, ``mpm``).
        preset: classmethod of the family's config that builds the released configuration.
        architecture: motionhub class the converter produces.
        fallback_config: the official hyper-parameters, used when the family's classes are not importable.
        card: keyword arguments of ``generate_model_card`` (license, results, training, citations ...).
    """

    name: str
    model_type: str
    preset: str
    architecture: str
    fallback_config: dict[str, Any]
    card: dict[str, Any] = field(default_factory=dict)


def _result(dataset: str, dataset_type: str, split: str, metric: str, name: str, value: float, source: str,
            url: str, task_name: str | None = None, notes: str = "", config: str | None = None,
            task_type: str | None = None) -> dict[str, Any]:
    out = dict(dataset_name=dataset, dataset_type=dataset_type, dataset_split=split, metric_type=metric,
               metric_name=name, metric_value=value, source_name=source, source_url=url, notes=notes,
               dataset_config=config)
    if task_name:
        out["task_name"] = task_name
    if task_type:
        out["task_type"] = task_type
    return out


_MOTIONBERT_CONVERSION = (
    "Converted losslessly from the official checkpoint (`best_epoch.bin` of the model-zoo folder, a `train.py` "
    "container with `module.`-prefixed keys under `model_pos`) with `motionhub convert best_epoch.bin OUT_DIR`, which "
    "reads the container without executing pickled code and infers the configuration from the tensor shapes "
    "(`num_heads` = 8 as in every released config). Publish with `motionhub push OUT_DIR motionhub/{name}`."
)

_MB_PRETRAIN_DATA = (
    "Pretraining on 3D motion from AMASS and Human3.6M (training subjects S1, S5, S6, S7, S8), whose 2D input is "
    "the projected ground truth corrupted by MotionBERT's synthetic detector noise model and random joint / frame "
    "masks, plus 2D-only clips from PoseTrack and InstaVariety."
)
_MB_PRETRAIN_RECIPE = (
    "2D-to-3D lifting of 243-frame clips: AdamW (weight decay 0.01), lr {lr} with ×0.99 decay per epoch, batch 64, "
    "90 epochs; loss MPJPE + 0.5·N-MPJPE + 20·velocity error on root-relative 3D; input noise (per-joint Gaussian / "
    "uniform offsets), 5 % joint and 10 % frame masking; 2D-only batches use a confidence-weighted 2D loss "
    "(config `{config}` of the original repository)."
)

OFFICIAL_CARDS: dict[str, OfficialCard] = {
    "motionbert": OfficialCard(
        name="motionbert",
        model_type="dstformer",
        preset="motionbert",
        architecture="DSTformerForPoseLifting",
        fallback_config=dict(model_type="dstformer", architectures=["DSTformerForPoseLifting"], dim_in=3, dim_out=3,
                             dim_feat=512, dim_rep=512, depth=5, num_heads=8, mlp_ratio=2.0, num_joints=17,
                             maxlen=243, joint_layout="h36m-17", input_normalization="crop_scale"),
        card=dict(
            summary="The pretrained MotionBERT motion encoder (DSTformer, 42.5 M parameters) with its 2D-to-3D "
            "lifting head, converted from the official release (\"MotionBERT (162MB)\", `MB_release`). Its "
            "representation E (`(B, T, 17, 512)`) is the starting point for 3D pose, action recognition and mesh "
            "recovery finetuning; the reported numbers below come from the authors' finetuned checkpoints.",
            license="apache-2.0",
            license_note="The original code and checkpoints (github.com/Walter0807/MotionBERT) are released under the "
            "Apache License 2.0. " + _SMPL_DATA,
            tags=["motionbert", "human3.6m", "amass", "pretrained"],
            training_data=_MB_PRETRAIN_DATA,
            training_procedure=_MB_PRETRAIN_RECIPE.format(lr="5e-4", config="configs/pretrain/MB_pretrain.yaml"),
            evaluation=_H36M_P1 + " The pose numbers use Stacked-Hourglass 2D detections (H36M-SH), 243-frame clips "
            "and flip test-time augmentation; the same architecture trained from scratch on Human3.6M reaches 39.2 mm "
            "(README model zoo, configs/pose3d/MB_train_h36m.yaml). Action: top-1 accuracy on NTU RGB+D 60 (HRNet 2D "
            "keypoints), cross-"
            "subject and cross-view. Mesh: MPVE on 3DPW test. The README model-zoo table lists the two action "
            "checkpoints as x-sub 97.2 % and x-view 93.0 %; the paper's NTU-60 results are X-Sub 93.0 % and X-View "
            "97.2 %, which is what the table below records.",
            results=[
                _result("Human3.6M (H36M-SH)", "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", 37.2,
                        "MotionBERT README, model zoo", _MB_README, "3D human pose estimation (finetuned)",
                        "this model finetuned on H36M (configs/pose3d/MB_ft_h36m.yaml)", config="2d-sh"),
                _result("NTU RGB+D 60", "ntu-rgbd-60", "cross-subject", "accuracy", "Top-1 accuracy (%)", 93.0,
                        "MotionBERT paper (ICCV 2023)", _MB_PAPER, "skeleton-based action recognition (finetuned)",
                        "action head finetuned (configs/action/MB_ft_NTU60_xsub.yaml)",
                        task_type="skeleton-based-action-recognition"),
                _result("NTU RGB+D 60", "ntu-rgbd-60", "cross-view", "accuracy", "Top-1 accuracy (%)", 97.2,
                        "MotionBERT paper (ICCV 2023)", _MB_PAPER, "skeleton-based action recognition (finetuned)",
                        "action head finetuned (configs/action/MB_ft_NTU60_xview.yaml)",
                        task_type="skeleton-based-action-recognition"),
                _result("3DPW", "3dpw", "test", "mpve", "MPVE (mm)", 88.1, "MotionBERT README, model zoo",
                        _MB_README, "human mesh recovery (finetuned)",
                        "mesh head finetuned with 3DPW (configs/mesh/MB_ft_pw3d.yaml)",
                        task_type="human-mesh-recovery"),
            ],
            conversion=_MOTIONBERT_CONVERSION.format(name="motionbert"),
        ),
    ),
    "motionbert-lite": OfficialCard(
        name="motionbert-lite",
        model_type="dstformer",
        preset="motionbert_lite",
        architecture="DSTformerForPoseLifting",
        fallback_config=dict(model_type="dstformer", architectures=["DSTformerForPoseLifting"], dim_in=3, dim_out=3,
                             dim_feat=256, dim_rep=512, depth=5, num_heads=8, mlp_ratio=4.0, num_joints=17,
                             maxlen=243, joint_layout="h36m-17", input_normalization="crop_scale"),
        card=dict(
            summary="MotionBERT-Lite: the smaller pretrained MotionBERT encoder (DSTformer with width 256, 16.0 M "
            "parameters) and its 2D-to-3D lifting head, converted from the official release (\"MotionBERT-Lite "
            "(61MB)\"). The authors note that in most use cases, especially with finetuning, it performs similarly to "
            "the full model at a lower cost.",
            license="apache-2.0",
            license_note="The original code and checkpoints (github.com/Walter0807/MotionBERT) are released under the "
            "Apache License 2.0. " + _SMPL_DATA,
            tags=["motionbert", "human3.6m", "amass", "pretrained"],
            training_data=_MB_PRETRAIN_DATA,
            training_procedure=_MB_PRETRAIN_RECIPE.format(lr="5e-4", config="configs/pretrain/MB_lite.yaml"),
            evaluation="The authors report no benchmark numbers for this checkpoint. Its finetuned in-the-wild "
            "variant (configs/pose3d/MB_ft_h36m_global_lite.yaml) is the model of MotionBERT's video demo.",
            conversion=_MOTIONBERT_CONVERSION.format(name="motionbert-lite"),
        ),
    ),
    "pstmo": OfficialCard(
        name="pstmo",
        model_type="stmo",
        preset="pstmo",
        architecture="STMOForPoseLifting",
        fallback_config=dict(model_type="stmo", architectures=["STMOForPoseLifting"], frames=243, layers=4,
                             channel=256, d_hid=512, stride_num=[3, 3, 3, 3, 3], num_joints=17, tds=2,
                             joint_layout="h36m-17", input_normalization="screen"),
        card=dict(
            summary="P-STMO (4 layers): a many-to-one 2D-to-3D lifting model that predicts the 3D pose of the centre "
            "frame of a 243-frame window (temporal downsampling 2), pretrained with masked pose modeling and "
            "finetuned on Human3.6M with CPN 2D detections. Converted from the official checkpoint "
            "`PSTMO_no_refine_11_4288_h36m_cpn.pth`.",
            license="mit",
            license_note="The original code and checkpoints (github.com/paTRICK-swk/P-STMO) are released under the MIT "
            "license. The training data (Human3.6M) allow non-commercial research use only.",
            tags=["p-stmo", "human3.6m"],
            training_data="Human3.6M training subjects S1, S5, S6, S7, S8 (VideoPose3D preprocessing), 2D input from "
            "the CPN detector (`data_2d_h36m_cpn_ft_h36m_dbb.npz`), normalised with `normalize_screen_coordinates`.",
            training_procedure="Stage I, masked pose modeling: 60 % of the frames (temporal mask ratio 0.6) and 3 "
            "joints per frame (spatial mask number 3) are masked and the 2D poses reconstructed, Adam (amsgrad), lr "
            "1e-4, batch 160. Stage II, finetuning with the pretrained encoder: Adam (amsgrad), lr 1e-3 decayed ×0.97 "
            "per epoch, "
            "batch 160; loss MPJPE on all frames of the window plus MPJPE of the centre frame (root-relative, metres).",
            evaluation=_H36M_P1 + " One prediction per frame from the window centred on it (edge padding) with flip "
            "test-time augmentation. The number is the P1 encoded in the released checkpoint's file name (42.88 mm "
            "after epoch 11); the README's comparison table rounds it to 42.8 mm. With the ST-GCN refine module (not "
            "part of this model) the authors' checkpoint reaches 42.15 mm.",
            results=[
                _result("Human3.6M (CPN 2D)", "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", 42.88,
                        "P-STMO README (checkpoint PSTMO_no_refine_11_4288_h36m_cpn.pth)", _PSTMO_README,
                        notes="README table: 42.8", config="2d-cpn"),
            ],
            conversion="Converted from the official bare state dict (`module.` keys) with `motionhub convert "
            "PSTMO_no_refine_11_4288_h36m_cpn.pth OUT_DIR`. Publish with `motionhub push OUT_DIR motionhub/pstmo`.",
        ),
    ),
    "pstmo-s": OfficialCard(
        name="pstmo-s",
        model_type="stmo",
        preset="pstmo_s",
        architecture="STMOForPoseLifting",
        fallback_config=dict(model_type="stmo", architectures=["STMOForPoseLifting"], frames=243, layers=3,
                             channel=256, d_hid=512, stride_num=[3, 3, 3, 3, 3], num_joints=17, tds=2,
                             joint_layout="h36m-17", input_normalization="screen"),
        card=dict(
            summary="P-STMO-S (3 layers, 6.5 M parameters): the small P-STMO many-to-one 2D-to-3D lifting model "
            "(centre frame of a 243-frame window, temporal downsampling 2), pretrained with masked pose modeling and "
            "finetuned on Human3.6M with CPN 2D detections. Converted from the official checkpoint "
            "`PSTMOS_no_refine_28_4306_h36m_cpn.pth`; the same architecture was also released trained on ground-truth "
            "2D (`PSTMOS_no_refine_15_2936_h36m_gt.pth`), on MPI-INF-3DHP (81 frames) and for in-the-wild COCO input.",
            license="mit",
            license_note="The original code and checkpoints (github.com/paTRICK-swk/P-STMO) are released under the MIT "
            "license. The training data (Human3.6M) allow non-commercial research use only.",
            tags=["p-stmo", "human3.6m"],
            training_data="Human3.6M training subjects S1, S5, S6, S7, S8 (VideoPose3D preprocessing), 2D input from "
            "the CPN detector (`data_2d_h36m_cpn_ft_h36m_dbb.npz`), normalised with `normalize_screen_coordinates`.",
            training_procedure="Stage I, masked pose modeling: temporal mask ratio 0.8 and 2 masked joints per frame "
            "(ground-truth-2D variant: 7), 2D reconstruction loss, Adam (amsgrad), lr 1e-4, batch 160. Stage II, "
            "finetuning with the pretrained encoder: Adam (amsgrad), lr 7e-4 (ground-truth-2D variant: 1e-3) decayed "
            "×0.97 per epoch, batch 160; loss MPJPE on all frames of the window plus MPJPE of the centre frame.",
            evaluation=_H36M_P1 + " One prediction per frame from the window centred on it (edge padding) with flip "
            "test-time augmentation. The numbers are the P1 values encoded in the released checkpoints' file names; "
            "the README's comparison table rounds the CPN result to 43.0 mm.",
            results=[
                _result("Human3.6M (CPN 2D)", "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", 43.06,
                        "P-STMO README (checkpoint PSTMOS_no_refine_28_4306_h36m_cpn.pth)", _PSTMO_README,
                        notes="this checkpoint; README table: 43.0", config="2d-cpn"),
                _result("Human3.6M (ground-truth 2D)", "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", 29.36,
                        "P-STMO README (checkpoint PSTMOS_no_refine_15_2936_h36m_gt.pth)", _PSTMO_README,
                        notes="same architecture, separate checkpoint trained on ground-truth 2D", config="2d-gt"),
            ],
            conversion="Converted from the official bare state dict (`module.` keys) with `motionhub convert "
            "PSTMOS_no_refine_28_4306_h36m_cpn.pth OUT_DIR`. Publish with `motionhub push OUT_DIR motionhub/pstmo-s`.",
        ),
    ),
    "mpm": OfficialCard(
        name="mpm",
        model_type="mpm",
        preset="mpm",
        architecture="MPMForPoseLifting",
        fallback_config=dict(model_type="mpm", architectures=["MPMForPoseLifting"], frames=243, layers=4,
                             channel=256, d_hid=512, stride_num=[3, 3, 3, 3, 3], num_joints=17, tds=2,
                             joint_layout="h36m-17", input_normalization="screen"),
        card=dict(
            summary="MPM's Human3.6M 3D pose model: the masked-pose-modeling encoder (shared spatial MLP and temporal "
            "transformer, P-STMO design, 4 layers) finetuned for many-to-one 2D-to-3D lifting of 243-frame windows "
            "(README command `-f 243 --n_joints 17 --layers 4 -tds 2`). Converted from a checkpoint of the authors' "
            "shared Google Drive folder.",
            license="other",
            license_name="no-license",
            license_link="https://github.com/vvirgooo2/MPM",
            license_note="The MPM repository (github.com/vvirgooo2/MPM, checked at commit 47ceae4) has **no LICENSE "
            "file**, so no license grants reuse of its code or checkpoints: these weights are republished for "
            "research reproducibility only; ask the authors before any other use. The training data (Human3.6M) allow "
            "non-commercial research use only.",
            tags=["mpm", "human3.6m"],
            training_data="Pretraining on Human3.6M (17 joints; the 16-joint models add MPI-INF-3DHP and AMASS, whose "
            "preprocessing the authors have not released), finetuning on Human3.6M training subjects S1, S5, S6, S7, "
            "S8 with VideoPose3D preprocessing.",
            training_procedure="Pretraining (MPMmask2): 2D and 3D poses with 60 % of the frames and 5 joints per frame "
            "masked are reconstructed by shared encoders and separate 2D / 3D decoders, loss 5·MPJPE(2D) + "
            "2·MPJPE(3D), Adam (amsgrad), lr 1e-4 decayed ×0.97 per epoch, batch 1024. Finetuning for lifting: lr "
            "7e-4, "
            "the P-STMO loss (MPJPE on all frames plus the centre frame).",
            evaluation="The MPM README documents the evaluation commands but reports no numbers, and the released "
            "checkpoint file names are not documented, so no result is given here.",
            conversion="Converted from the authors' bare state dict (`module.` keys) with `motionhub convert x.pth "
            "OUT_DIR --family mpm`. Publish with `motionhub push OUT_DIR motionhub/mpm`.",
        ),
    ),
    "stride": OfficialCard(
        name="stride",
        model_type="dstformer",
        preset="stride",
        architecture="DSTformerForPoseLifting",
        fallback_config=dict(model_type="dstformer", architectures=["DSTformerForPoseLifting"], dim_in=3, dim_out=3,
                             dim_feat=512, dim_rep=512, depth=5, num_heads=8, mlp_ratio=2.0, num_joints=17,
                             maxlen=243, joint_layout="h36m-17", input_normalization="none_3d"),
        card=dict(
            summary="STRIDE's motion prior: a MotionBERT DSTformer (full size) that maps a noisy 3D pose sequence "
            "to a temporally coherent, occlusion-robust one. STRIDE refines it on each test video by test-time "
            "training (TTT) on the per-frame pose estimates of an image model. Converted from the official "
            "`stride/checkpoint/latest_epoch.bin`.",
            license="mit",
            license_note="The original code and checkpoint (github.com/take2rohit/STRIDE) are released under the MIT "
            "license. The architecture comes from MotionBERT (Apache-2.0).",
            tags=["stride", "motionbert", "test-time-training", "occlusion"],
            papers=["stride", "motionbert"],
            training_data="The released checkpoint is the starting point of test-time training; the repository does "
            "not document how it was trained. At test time the input and the target are the same per-frame 3D pose "
            "estimates of one video (camera space, metres; H36M-17 joints regressed from BEDLAM-CLIFF SMPL-X meshes).",
            training_procedure="Test-time training per video (`stride/configs/pose3d/MB_ft_h36m.yaml`): 243-frame "
            "chunks, 30 epochs, batch 1, AdamW lr 2e-4, weight decay 0.01, ×0.99 decay per epoch, random flips; loss "
            "MPJPE + 0.5·N-MPJPE + 20·velocity + 200·limb-length variance on root-relative targets "
            "(`motionhub.tasks.stride` implements it). Predictions use flip test-time augmentation.",
            evaluation="The STRIDE README reports no numbers for this checkpoint.",
            extra_sections={
                "Upstream pose estimator (not included)": "STRIDE's demo obtains the per-frame 3D poses from "
                "BEDLAM-CLIFF (an HRNet image model predicting SMPL-X meshes). Its checkpoint and the SMPL-X / MANO "
                "body models need registration at bedlam.is.tue.mpg.de, smpl-x.is.tue.mpg.de and mano.is.tue.mpg.de "
                "and "
                "are not part of this repository; any per-frame 3D pose estimator giving H36M-17 joints can be used "
                "instead.",
            },
            conversion="Converted from the official `train.py` container (`model_pos`, `module.` keys) with "
            "`motionhub convert latest_epoch.bin OUT_DIR --family stride`. Publish with `motionhub push OUT_DIR "
            "motionhub/stride`.",
        ),
    ),
}


def official_config(name: str) -> Any:
    """The released configuration of ``name``: the family's config preset, or the official hyper-parameters as a
    dict when the family is not importable."""
    spec = _spec(name)
    try:
        from transformers import AutoConfig

        import motionhub  # noqa: F401  (registers the families)

        config_class = type(AutoConfig.for_model(spec.model_type))
        config = getattr(config_class, spec.preset)()
    except (ValueError, AttributeError, KeyError, ImportError):
        return dict(spec.fallback_config)
    config.architectures = [spec.architecture]
    return config


def _spec(name: str) -> OfficialCard:
    if name not in OFFICIAL_CARDS:
        raise ValueError(f"unknown official model {name!r}; known: {', '.join(OFFICIAL_CARDS)}")
    return OFFICIAL_CARDS[name]


def render_official_card(name: str, repo_id: str | None = None):
    """``huggingface_hub.ModelCard`` of the official model ``name`` (a key of :data:`OFFICIAL_CARDS`)."""
    from motionhub.hub import generate_model_card

    spec = _spec(name)
    return generate_model_card(official_config(name), repo_id=repo_id or f"motionhub/{spec.name}",
                               model_name=spec.name, **spec.card)


def push_official(name: str, folder: str | Path, repo_id: str | None = None, **push_kwargs: Any):
    """Publish a converted official checkpoint (``motionhub convert`` output folder) with its card."""
    from motionhub.hub import push_folder

    repo_id = repo_id or f"motionhub/{_spec(name).name}"
    return push_folder(folder, repo_id, card=render_official_card(name, repo_id), **push_kwargs)


def main(argv: list[str] | None = None) -> int:
    """Write ``model_cards/<name>.md`` for every official model (or the names given)."""
    names = (argv if argv is not None else sys.argv[1:]) or list(OFFICIAL_CARDS)
    folder = Path(__file__).resolve().parent
    for name in names:
        render_official_card(name).save(folder / f"{name}.md")
        print(f"wrote {folder / f'{name}.md'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
