# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The facts about every released official checkpoint of the seed systems: one record per file.

Each :class:`OfficialCheckpoint` holds everything motionhub states about one file the authors released: where it is
published (Hub repository and path, download page, file name, size, sha256), the config facts its conversion needs
(converter, architecture, ``num_heads`` / strides, config preset, the authors' training config), its license, the
paper it comes from (a key of :data:`motionhub.papers.SEED_PAPERS`), the numbers the authors report for it
(:class:`ReportedResult`, with their source) and, for the checkpoints motionhub publishes converted, the text of the
model card (:class:`OfficialCard`). Everything else is derived from these records:

* :mod:`motionhub.official` loads a checkpoint by name (``from_official``, ``--model official:NAME``);
* :mod:`motionhub.model_cards.official` renders ``model_cards/<card name>.md`` from the record (license, citation,
  results table and ``model-index`` metadata, config preset) and its card text;
* ``motionhub info official:NAME`` shows the record.

A fact is stated here once. Card text refers to facts of its record, or of another record, through ``str.format``
fields (:meth:`OfficialCheckpoint.format_card_text`), and the card of a pretrained encoder lists the numbers of the
checkpoints finetuned from it (``finetuned_from``) and of its variants (``variant_of``) from their own records
(:func:`results_on_card`). ``tests/test_official.py`` checks that no reported number is typed twice.

Plain data (stdlib only): importing this module imports neither torch nor transformers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .papers import SEED_PAPERS

__all__ = [
    "OFFICIAL_CHECKPOINTS",
    "OfficialCard",
    "OfficialCheckpoint",
    "ReportedResult",
    "results_on_card",
]


@dataclass(frozen=True)
class ReportedResult:
    """One number the authors report for an official checkpoint: a row of a model card's results table and one
    entry of its ``model-index`` metadata (``huggingface_hub.EvalResult``).

    Attributes:
        dataset: display name of the evaluation data (``"Human3.6M (CPN 2D)"``).
        dataset_type: Hub dataset type (``"human3.6m"``).
        split: evaluation split (``"test (S9, S11)"``, ``"cross-subject"``).
        metric: metric type, defined in the card (``"mpjpe"``, ``"accuracy"``, ``"mpve"``).
        metric_name: display name with its unit (``"MPJPE (mm)"``).
        value: the number, as the source states it.
        source / source_url: where the authors state it (README, paper, checkpoint file name).
        dataset_config: tells results on one dataset and split apart in the metadata (the 2D input: ``"2d-cpn"``).
        notes: what a reader must know (rounded elsewhere, a source that disagrees, ...).
    """

    dataset: str
    dataset_type: str
    split: str
    metric: str
    metric_name: str
    value: float
    source: str
    source_url: str
    dataset_config: str | None = None
    notes: str = ""

    def eval_result(self, **overrides: Any) -> dict[str, Any]:
        """The ``results=`` entry of :func:`motionhub.hub.generate_model_card` (``EvalResult`` fields plus
        ``notes``); ``overrides`` set further fields (``task_name``, ``task_type``, ``notes``)."""
        return {"dataset_name": self.dataset, "dataset_type": self.dataset_type, "dataset_split": self.split,
                "metric_type": self.metric, "metric_name": self.metric_name, "metric_value": self.value,
                "source_name": self.source, "source_url": self.source_url, "notes": self.notes,
                "dataset_config": self.dataset_config, **overrides}


@dataclass(frozen=True)
class OfficialCard:
    """The prose of the model card of a converted official checkpoint (``model_cards/<name>.md``, published as
    ``motionhub/<name>``); the facts the card shows come from its :class:`OfficialCheckpoint`.

    Text fields are ``str.format`` templates filled by :meth:`OfficialCheckpoint.format_card_text`: ``{file_name}``,
    ``{converter}``, ``{official_config}``, ``{config[num_heads]}``, ``{reported[0].value}`` (any field of the
    record), ``{card_name}``, and ``{official[NAME].FIELD}`` for another record
    (``{official[motionbert-h36m-scratch].reported[0].value}``).

    Attributes:
        name: card / Hub repository name (``"motionbert"``).
        summary: first paragraph.
        training_data / training_procedure / evaluation: those sections (the evaluation section explains the
            numbers; the numbers themselves are the records' :class:`ReportedResult`).
        conversion: how the official file becomes this model.
        tags: extra Hub tags.
        extra_sections: ``{title: markdown}`` appended before the citation.
    """

    name: str
    summary: str
    training_data: str
    training_procedure: str
    evaluation: str
    conversion: str
    tags: tuple[str, ...] = ()
    extra_sections: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OfficialCheckpoint:
    """One released official checkpoint: every fact motionhub states about it.

    Attributes:
        name: the motionhub name (``from_official(name)``, ``--model official:NAME``).
        family: seed system (``"MotionBERT"``, ``"P-STMO"``, ``"MPM"``, ``"STRIDE"``).
        converter: :func:`motionhub.conversion.convert_checkpoint` ``family=`` value.
        architecture: the motionhub class the conversion gives.
        description: one line.
        download_page: where users download it (always set).
        file_name: the official file name (for files downloaded by hand).
        license: Hub license id of the weights as the authors publish them (``"apache-2.0"``, ``"mit"``,
            ``"other"`` with ``license_name`` / ``license_link``).
        license_note: the license in words: the original terms, the training data's restrictions.
        paper: key of :data:`motionhub.papers.SEED_PAPERS`: the paper the checkpoint was released with.
        license_name / license_link: name and link of a license the Hub does not list (``license="other"``).
        also_cites: further :data:`~motionhub.papers.SEED_PAPERS` keys its card cites (STRIDE: MotionBERT).
        config: config facts the file does not store, passed to the converter (``num_heads``, ``stride_num``).
        preset: classmethod of the family's config that builds the released configuration (``"motionbert"``).
        official_config: the authors' training config (or command) the facts come from.
        hub_repo / hub_filename: where the authors publish it on the Hugging Face Hub (``None``: not on the Hub).
        reported: the numbers the authors report for this file (empty: none reported).
        finetuned_from: name of the official checkpoint it was finetuned from; that checkpoint's card lists these
            numbers.
        variant_of: name of the official checkpoint this one repeats with other training input (same architecture);
            that checkpoint's card lists these numbers.
        card: model-card text, for the checkpoints motionhub publishes converted (``model_cards/<card.name>.md``).
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
    license_note: str
    paper: str
    license_name: str | None = None
    license_link: str | None = None
    also_cites: tuple[str, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    preset: str | None = None
    official_config: str | None = None
    hub_repo: str | None = None
    hub_filename: str | None = None
    reported: tuple[ReportedResult, ...] = ()
    finetuned_from: str | None = None
    variant_of: str | None = None
    card: OfficialCard | None = None
    size: int | None = None
    sha256: str | None = None

    @property
    def on_hub(self) -> bool:
        return self.hub_repo is not None and self.hub_filename is not None

    @property
    def papers(self) -> tuple[str, ...]:
        """Keys of the papers its card cites: ``paper`` then ``also_cites``."""
        return (self.paper, *self.also_cites)

    @property
    def citation(self) -> str:
        """Citation line of ``paper`` (from :data:`motionhub.papers.SEED_PAPERS`)."""
        return SEED_PAPERS[self.paper].citation

    @property
    def card_name(self) -> str | None:
        """Name of its model card (``model_cards/<card_name>.md``), ``None`` when it has none."""
        return self.card.name if self.card is not None else None

    def convert_command(self, path: str = "FILE") -> str:
        """The ``motionhub convert`` line for a file downloaded by hand (strides are read from the frames table)."""
        heads = f" --num-heads {self.config['num_heads']}" if "num_heads" in self.config else ""
        return f"motionhub convert {path} {self.name} --family {self.converter}{heads}"

    def format_card_text(self, text: str) -> str:
        """``text`` (a template of :class:`OfficialCard`) with the record's facts filled in."""
        context = {f.name: getattr(self, f.name) for f in fields(self)}
        context.update(card_name=self.card_name, official=OFFICIAL_CHECKPOINTS)
        return text.format_map(context)

    def card_text(self) -> dict[str, Any]:
        """The fields of :attr:`card` with the record's facts filled in (``{}`` when it has no card)."""
        if self.card is None:
            return {}
        out = {}
        for f in fields(self.card):
            value = getattr(self.card, f.name)
            if isinstance(value, str):
                value = self.format_card_text(value)
            elif isinstance(value, dict):
                value = {title: self.format_card_text(text) for title, text in value.items()}
            out[f.name] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data (the card text filled in), plus the derived ``citation`` line."""
        return {**asdict(self), "card": self.card_text() or None, "citation": self.citation}


def results_on_card(record: OfficialCheckpoint) -> list[tuple[OfficialCheckpoint, ReportedResult]]:
    """The numbers the card of ``record`` lists, each with the record that reports it: its own, then those of the
    checkpoints finetuned from it, then those of its variants (registry order)."""
    rows = [(record, r) for r in record.reported]
    for relation in ("finetuned_from", "variant_of"):
        rows += [(other, r) for other in OFFICIAL_CHECKPOINTS.values() if getattr(other, relation) == record.name
                 for r in other.reported]
    return rows


# ---------------------------------------------------------------------------------------------------------------------
# MotionBERT (Hugging Face Hub: walterzhu/MotionBERT)
# ---------------------------------------------------------------------------------------------------------------------
_MB_REPO = "walterzhu/MotionBERT"
_MB_README = "https://github.com/Walter0807/MotionBERT#model-zoo"
_MB_PAPER = f"MotionBERT paper ({SEED_PAPERS['motionbert'].venue})"
_MB_LICENSE_NOTE = (
    "The original code and checkpoints (github.com/Walter0807/MotionBERT) are released under the Apache License 2.0. "
    "The training data have their own licenses: Human3.6M and AMASS allow non-commercial research use only. Check "
    "them before any other use of these weights."
)
_H36M_P1 = (
    "Human3.6M, protocol #1: MPJPE in mm between the predicted and ground-truth root-relative 17 joints on the test "
    "subjects S9 and S11, averaged per action and then over the 15 actions."
)
_MB_PRETRAIN_DATA = (
    "Pretraining on 3D motion from AMASS and Human3.6M (training subjects S1, S5, S6, S7, S8), whose 2D input is "
    "the projected ground truth corrupted by MotionBERT's synthetic detector noise model and random joint / frame "
    "masks, plus 2D-only clips from PoseTrack and InstaVariety."
)
_MB_PRETRAIN_RECIPE = (
    "2D-to-3D lifting of 243-frame clips: AdamW (weight decay 0.01), lr 5e-4 with ×0.99 decay per epoch, batch 64, "
    "90 epochs; loss MPJPE + 0.5·N-MPJPE + 20·velocity error on root-relative 3D; input noise (per-joint Gaussian / "
    "uniform offsets), 5 % joint and 10 % frame masking; 2D-only batches use a confidence-weighted 2D loss "
    "(config `{official_config}` of the original repository)."
)
_MB_CONVERSION = (
    "Converted losslessly from the official checkpoint (`{file_name}` of the model-zoo folder, a `train.py` "
    "container with `module.`-prefixed keys under `model_pos`) with `motionhub convert {file_name} OUT_DIR`, which "
    "reads the container without executing pickled code and infers the configuration from the tensor shapes "
    "(`num_heads` = {config[num_heads]} as in every released config). Publish with `motionhub push OUT_DIR "
    "motionhub/{card_name}`."
)


def _h36m_sh(value: float) -> ReportedResult:
    return ReportedResult("Human3.6M (H36M-SH)", "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", value,
                          "MotionBERT README, model zoo", _MB_README, dataset_config="2d-sh")


def _ntu60(split: str, value: float, which: str) -> ReportedResult:
    return ReportedResult(
        "NTU RGB+D 60", "ntu-rgbd-60", split, "accuracy", "Top-1 accuracy (%)", value, _MB_PAPER,
        SEED_PAPERS["motionbert"].url,
        notes=f"the paper's {which} result; the README model-zoo table swaps the x-sub and x-view accuracies of the "
        "two checkpoints")


def _mb(name: str, converter: str, architecture: str, description: str, filename: str, official_config: str,
        **kw: Any) -> OfficialCheckpoint:
    return OfficialCheckpoint(
        name=name, family="MotionBERT", converter=converter, architecture=architecture, description=description,
        download_page=f"https://huggingface.co/{_MB_REPO}/blob/main/{filename} ({_MB_README})",
        file_name=filename.rsplit("/", 1)[-1], license="apache-2.0", license_note=_MB_LICENSE_NOTE,
        paper="motionbert", config={"num_heads": 8}, official_config=official_config, hub_repo=_MB_REPO,
        hub_filename=filename, **kw)


_MOTIONBERT = [
    _mb("motionbert-pretrain", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT pretrained encoder (AMASS + PoseTrack + InstaVariety, unified lifting pretraining)",
        "checkpoint/pretrain/MB_release/latest_epoch.bin", "configs/pretrain/MB_pretrain.yaml", preset="motionbert",
        size=169_958_969, sha256="02a9ee017e5c9d688b5dd41e0055bddb75b6eee7f5eed326a8cdc6e5bf08eaf8",
        card=OfficialCard(
            name="motionbert",
            summary="The pretrained MotionBERT motion encoder (DSTformer, 42.5 M parameters) with its 2D-to-3D "
            "lifting head, converted from the official release (\"MotionBERT (162MB)\", `MB_release`). Its "
            "representation E (`(B, T, 17, 512)`) is the starting point for 3D pose, action recognition and mesh "
            "recovery finetuning; the reported numbers below come from the authors' finetuned checkpoints.",
            tags=("motionbert", "human3.6m", "amass", "pretrained"),
            training_data=_MB_PRETRAIN_DATA,
            training_procedure=_MB_PRETRAIN_RECIPE,
            evaluation=_H36M_P1 + " The pose numbers use Stacked-Hourglass 2D detections (H36M-SH), 243-frame clips "
            "and flip test-time augmentation; the same architecture trained from scratch on Human3.6M reaches "
            "{official[motionbert-h36m-scratch].reported[0].value} mm (README model zoo, "
            "{official[motionbert-h36m-scratch].official_config}). Action: top-1 accuracy on NTU RGB+D 60 (HRNet 2D "
            "keypoints), cross-subject and cross-view. Mesh: MPVE on 3DPW test.",
            conversion=_MB_CONVERSION,
        )),
    _mb("motionbert-lite-pretrain", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT-Lite pretrained encoder (dim_feat 256, mlp_ratio 4)",
        "checkpoint/pretrain/MB_lite/latest_epoch.bin", "configs/pretrain/MB_lite.yaml", preset="motionbert_lite",
        card=OfficialCard(
            name="motionbert-lite",
            summary="MotionBERT-Lite: the smaller pretrained MotionBERT encoder (DSTformer with width 256, 16.0 M "
            "parameters) and its 2D-to-3D lifting head, converted from the official release (\"MotionBERT-Lite "
            "(61MB)\"). The authors note that in most use cases, especially with finetuning, it performs similarly "
            "to the full model at a lower cost.",
            tags=("motionbert", "human3.6m", "amass", "pretrained"),
            training_data=_MB_PRETRAIN_DATA,
            training_procedure=_MB_PRETRAIN_RECIPE,
            evaluation="The authors report no benchmark numbers for this checkpoint. Its finetuned in-the-wild "
            "variant ({official[motionbert-lite-h36m].official_config}) is the model of MotionBERT's video demo.",
            conversion=_MB_CONVERSION,
        )),
    _mb("motionbert-h36m-scratch", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT trained from scratch on Human3.6M (SH detections)",
        "checkpoint/pose3d/MB_train_h36m/best_epoch.bin", "configs/pose3d/MB_train_h36m.yaml",
        reported=(_h36m_sh(39.2),)),
    _mb("motionbert-h36m", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT finetuned on Human3.6M (SH detections) from the pretrained encoder",
        "checkpoint/pose3d/FT_MB_release_MB_ft_h36m/best_epoch.bin", "configs/pose3d/MB_ft_h36m.yaml",
        reported=(_h36m_sh(37.2),), finetuned_from="motionbert-pretrain"),
    _mb("motionbert-lite-h36m", "motionbert", "DSTformerForPoseLifting",
        "MotionBERT-Lite finetuned on Human3.6M, global (not root-relative) output: the in-the-wild demo model",
        "checkpoint/pose3d/FT_MB_lite_MB_ft_h36m_global_lite/best_epoch.bin",
        "configs/pose3d/MB_ft_h36m_global_lite.yaml", finetuned_from="motionbert-lite-pretrain"),
    _mb("motionbert-ntu60-xsub", "motionbert-action", "DSTformerForActionClassification",
        "MotionBERT action classifier, NTU RGB+D 60 cross-subject (HRNet 2D, 2 persons, 243 frames)",
        "checkpoint/action/FT_MB_release_MB_ft_NTU60_xsub/best_epoch.bin", "configs/action/MB_ft_NTU60_xsub.yaml",
        reported=(_ntu60("cross-subject", 93.0, "X-Sub"),), finetuned_from="motionbert-pretrain"),
    _mb("motionbert-ntu60-xview", "motionbert-action", "DSTformerForActionClassification",
        "MotionBERT action classifier, NTU RGB+D 60 cross-view",
        "checkpoint/action/FT_MB_release_MB_ft_NTU60_xview/best_epoch.bin", "configs/action/MB_ft_NTU60_xview.yaml",
        reported=(_ntu60("cross-view", 97.2, "X-View"),), finetuned_from="motionbert-pretrain"),
    _mb("motionbert-3dpw-mesh", "motionbert-mesh", "DSTformerForMeshRecovery",
        "MotionBERT SMPL mesh regressor finetuned with 3DPW (needs your SMPL files to run)",
        "checkpoint/mesh/FT_MB_release_MB_ft_pw3d/best_epoch.bin", "configs/mesh/MB_ft_pw3d.yaml",
        reported=(ReportedResult("3DPW", "3dpw", "test", "mpve", "MPVE (mm)", 88.1, "MotionBERT README, model zoo",
                                 _MB_README),),
        finetuned_from="motionbert-pretrain"),
]

# ---------------------------------------------------------------------------------------------------------------------
# P-STMO (Google Drive)
# ---------------------------------------------------------------------------------------------------------------------
_PSTMO_PAGE = "https://drive.google.com/drive/folders/1vLtC86_hs01JKKRQ6akvdH5QDKxt71cY (linked from " \
              "https://github.com/paTRICK-swk/P-STMO#dataset-and-checkpoints)"
_PSTMO_README = "https://github.com/paTRICK-swk/P-STMO#evaluating-our-models"
_PSTMO_LICENSE_NOTE = (
    "The original code and checkpoints (github.com/paTRICK-swk/P-STMO) are released under the MIT license. The "
    "training data (Human3.6M) allow non-commercial research use only."
)
_PSTMO_DATA = (
    "Human3.6M training subjects S1, S5, S6, S7, S8 (VideoPose3D preprocessing), 2D input from the CPN detector "
    "(`data_2d_h36m_cpn_ft_h36m_dbb.npz`), normalised with `normalize_screen_coordinates`."
)
_PSTMO_CONVERSION = (
    "Converted from the official bare state dict (`module.` keys) with `motionhub convert {file_name} OUT_DIR`. "
    "Publish with `motionhub push OUT_DIR motionhub/{card_name}`."
)
_PSTMO_EVALUATION = (
    _H36M_P1 + " One prediction per frame from the window centred on it (edge padding) with flip test-time "
    "augmentation."
)


def _file_name_p1(file_name: str) -> float:
    """The MPJPE (P1, mm) P-STMO's ``save_model`` writes into a checkpoint's name
    (``<model>_no_refine_<epoch>_<100 x P1>_<data>.pth``)."""
    return int(file_name.split("_")[4]) / 100


def _pstmo(name: str, description: str, file_name: str, official_config: str, dataset: str,
           dataset_config: str | None, notes: str = "", **kw: Any) -> OfficialCheckpoint:
    """A P-STMO checkpoint; its reported MPJPE is the P1 in its file name (the README links the files by name)."""
    result = ReportedResult(dataset, "human3.6m", "test (S9, S11)", "mpjpe", "MPJPE (mm)", _file_name_p1(file_name),
                            f"P-STMO README (checkpoint {file_name})", _PSTMO_README, dataset_config=dataset_config,
                            notes=notes)
    return OfficialCheckpoint(
        name=name, family="P-STMO", converter="pstmo", architecture="STMOForPoseLifting", description=description,
        download_page=_PSTMO_PAGE, file_name=file_name, license="mit", license_note=_PSTMO_LICENSE_NOTE,
        paper="pstmo", config={"stride_num": [3, 3, 3, 3, 3]}, official_config=official_config,
        reported=(result,), **kw)


_PSTMO = [
    _pstmo("pstmo-h36m", "P-STMO (4 layers, 243 frames at tds 2) finetuned on Human3.6M with CPN detections",
           "PSTMO_no_refine_11_4288_h36m_cpn.pth", "run.py -f 243 --layers 4 -tds 2 (README)", "Human3.6M (CPN 2D)",
           "2d-cpn", notes="README table: 42.8", preset="pstmo",
           card=OfficialCard(
               name="pstmo",
               summary="P-STMO (4 layers): a many-to-one 2D-to-3D lifting model that predicts the 3D pose of the "
               "centre frame of a 243-frame window (temporal downsampling 2), pretrained with masked pose modeling "
               "and finetuned on Human3.6M with CPN 2D detections. Converted from the official checkpoint "
               "`{file_name}`.",
               tags=("p-stmo", "human3.6m"),
               training_data=_PSTMO_DATA,
               training_procedure="Stage I, masked pose modeling: 60 % of the frames (temporal mask ratio 0.6) and "
               "3 joints per frame (spatial mask number 3) are masked and the 2D poses reconstructed, Adam "
               "(amsgrad), lr 1e-4, batch 160. Stage II, finetuning with the pretrained encoder: Adam (amsgrad), lr "
               "1e-3 decayed ×0.97 per epoch, batch 160; loss MPJPE on all frames of the window plus MPJPE of the "
               "centre frame (root-relative, metres).",
               evaluation=_PSTMO_EVALUATION + " The number is the P1 encoded in the released checkpoint's file name "
               "({reported[0].value} mm after epoch 11); the README's comparison table rounds it to 42.8 mm. With "
               "the ST-GCN refine module (not part of this model) the authors' checkpoint reaches 42.15 mm.",
               conversion=_PSTMO_CONVERSION,
           )),
    _pstmo("pstmo-s-h36m", "P-STMO-S (3 layers, 243 frames at tds 2) finetuned on Human3.6M with CPN detections",
           "PSTMOS_no_refine_28_4306_h36m_cpn.pth", "run.py -f 243 --layers 3 -tds 2 (README)", "Human3.6M (CPN 2D)",
           "2d-cpn", notes="this checkpoint; README table: 43.0", preset="pstmo_s",
           card=OfficialCard(
               name="pstmo-s",
               summary="P-STMO-S (3 layers, 6.5 M parameters): the small P-STMO many-to-one 2D-to-3D lifting model "
               "(centre frame of a 243-frame window, temporal downsampling 2), pretrained with masked pose modeling "
               "and finetuned on Human3.6M with CPN 2D detections. Converted from the official checkpoint "
               "`{file_name}`; the same architecture was also released trained on ground-truth 2D "
               "(`{official[pstmo-s-h36m-gt].file_name}`), on MPI-INF-3DHP (81 frames) and for in-the-wild COCO "
               "input.",
               tags=("p-stmo", "human3.6m"),
               training_data=_PSTMO_DATA,
               training_procedure="Stage I, masked pose modeling: temporal mask ratio 0.8 and 2 masked joints per "
               "frame (ground-truth-2D variant: 7), 2D reconstruction loss, Adam (amsgrad), lr 1e-4, batch 160. "
               "Stage II, finetuning with the pretrained encoder: Adam (amsgrad), lr 7e-4 (ground-truth-2D variant: "
               "1e-3) decayed ×0.97 per epoch, batch 160; loss MPJPE on all frames of the window plus MPJPE of the "
               "centre frame.",
               evaluation=_PSTMO_EVALUATION + " The numbers are the P1 values encoded in the released checkpoints' "
               "file names; the README's comparison table rounds the CPN result to 43.0 mm.",
               conversion=_PSTMO_CONVERSION,
           )),
    _pstmo("pstmo-s-h36m-gt", "P-STMO-S (3 layers, 243 frames at tds 2) finetuned on Human3.6M with ground-truth 2D",
           "PSTMOS_no_refine_15_2936_h36m_gt.pth", "run.py -f 243 --layers 3 -tds 2, ground-truth 2D input (README)",
           "Human3.6M (ground-truth 2D)", "2d-gt", notes="same architecture, separate checkpoint trained on "
           "ground-truth 2D", variant_of="pstmo-s-h36m"),
    _pstmo("pstmo-s-in-the-wild", "P-STMO-S for in-the-wild videos (COCO-style 2D -> H36M 3D, 243 frames)",
           "PSTMOS_no_refine_48_5137_in_the_wild.pth", "in_the_wild/videopose_PSTMO.py (README)", "Human3.6M",
           None, notes="the P1 in the file name; the 2D input of this evaluation is not documented"),
]

# ---------------------------------------------------------------------------------------------------------------------
# MPM and STRIDE (Google Drive)
# ---------------------------------------------------------------------------------------------------------------------
_OTHERS = [
    OfficialCheckpoint(
        name="mpm-h36m", family="MPM", converter="mpm", architecture="MPMForPoseLifting",
        description="MPM finetuned for 3D pose on Human3.6M (file names in the Drive folder are not documented)",
        download_page="https://drive.google.com/drive/folders/1wALsIyyHnKzVDCYjUpuC7N_MFZHcRkA5 (linked from "
        "https://github.com/vvirgooo2/MPM)",
        file_name="(see the Drive folder; the README uses x.pth)",
        license="other", license_name="no-license", license_link=SEED_PAPERS["mpm"].code_url,
        license_note="The MPM repository (github.com/vvirgooo2/MPM, checked at commit 47ceae4) has **no LICENSE "
        "file**, so no license grants reuse of its code or checkpoints: these weights are republished for research "
        "reproducibility only; ask the authors before any other use. The training data (Human3.6M) allow "
        "non-commercial research use only.",
        paper="mpm", preset="mpm", official_config="run.py (README)",
        card=OfficialCard(
            name="mpm",
            summary="MPM's Human3.6M 3D pose model: the masked-pose-modeling encoder (shared spatial MLP and temporal "
            "transformer, P-STMO design, 4 layers) finetuned for many-to-one 2D-to-3D lifting of 243-frame windows "
            "(README command `-f 243 --n_joints 17 --layers 4 -tds 2`). Converted from a checkpoint of the authors' "
            "shared Google Drive folder.",
            tags=("mpm", "human3.6m"),
            training_data="Pretraining on Human3.6M (17 joints; the 16-joint models add MPI-INF-3DHP and AMASS, "
            "whose preprocessing the authors have not released), finetuning on Human3.6M training subjects S1, S5, "
            "S6, S7, S8 with VideoPose3D preprocessing.",
            training_procedure="Pretraining (MPMmask2): 2D and 3D poses with 60 % of the frames and 5 joints per "
            "frame masked are reconstructed by shared encoders and separate 2D / 3D decoders, loss 5·MPJPE(2D) + "
            "2·MPJPE(3D), Adam (amsgrad), lr 1e-4 decayed ×0.97 per epoch, batch 1024. Finetuning for lifting: lr "
            "7e-4, the P-STMO loss (MPJPE on all frames plus the centre frame).",
            evaluation="The MPM README documents the evaluation commands but reports no numbers, and the released "
            "checkpoint file names are not documented, so no result is given here.",
            conversion="Converted from the authors' bare state dict (`module.` keys) with `motionhub convert x.pth "
            "OUT_DIR --family {converter}`. Publish with `motionhub push OUT_DIR motionhub/{card_name}`.",
        )),
    OfficialCheckpoint(
        name="stride-prior", family="STRIDE", converter="stride", architecture="DSTformerForPoseLifting",
        description="STRIDE motion prior (MotionBERT full DSTformer pretrained on masked 3D) for test-time "
                    "training with `motionhub stride`",
        download_page="https://drive.google.com/file/d/1k3UxjfzfDSs8ts1Fff_fEgcXIDaZP-Ik (gdown id used by "
        "https://github.com/take2rohit/STRIDE run_stride.py)",
        file_name="latest_epoch.bin", license="mit",
        license_note="The original code and checkpoint (github.com/take2rohit/STRIDE) are released under the MIT "
        "license. The architecture comes from MotionBERT (Apache-2.0).",
        paper="stride", also_cites=("motionbert",), config={"num_heads": 8}, preset="stride",
        official_config="stride/configs/pose3d/MB_ft_h36m.yaml",
        card=OfficialCard(
            name="stride",
            summary="STRIDE's motion prior: a MotionBERT DSTformer (full size) that maps a noisy 3D pose sequence "
            "to a temporally coherent, occlusion-robust one. STRIDE refines it on each test video by test-time "
            "training (TTT) on the per-frame pose estimates of an image model. Converted from the official "
            "`stride/checkpoint/{file_name}`.",
            tags=("stride", "motionbert", "test-time-training", "occlusion"),
            training_data="The released checkpoint is the starting point of test-time training; the repository does "
            "not document how it was trained. At test time the input and the target are the same per-frame 3D pose "
            "estimates of one video (camera space, metres; H36M-17 joints regressed from BEDLAM-CLIFF SMPL-X "
            "meshes).",
            training_procedure="Test-time training per video (`{official_config}`): 243-frame chunks, 30 epochs, "
            "batch 1, AdamW lr 2e-4, weight decay 0.01, ×0.99 decay per epoch, random flips; loss MPJPE + "
            "0.5·N-MPJPE + 20·velocity + 200·limb-length variance on root-relative targets "
            "(`motionhub.tasks.stride` implements it). Predictions use flip test-time augmentation.",
            evaluation="The STRIDE README reports no numbers for this checkpoint.",
            extra_sections={
                "Upstream pose estimator (not included)": "STRIDE's demo obtains the per-frame 3D poses from "
                "BEDLAM-CLIFF (an HRNet image model predicting SMPL-X meshes). Its checkpoint and the SMPL-X / MANO "
                "body models need registration at bedlam.is.tue.mpg.de, smpl-x.is.tue.mpg.de and mano.is.tue.mpg.de "
                "and are not part of this repository; any per-frame 3D pose estimator giving H36M-17 joints can be "
                "used instead.",
            },
            conversion="Converted from the official `train.py` container (`model_pos`, `module.` keys) with "
            "`motionhub convert {file_name} OUT_DIR --family {converter}`. Publish with `motionhub push OUT_DIR "
            "motionhub/{card_name}`.",
        )),
]

#: Every official checkpoint by name (registry order: MotionBERT, P-STMO, MPM, STRIDE).
OFFICIAL_CHECKPOINTS: dict[str, OfficialCheckpoint] = {c.name: c for c in (*_MOTIONBERT, *_PSTMO, *_OTHERS)}
