# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Skeleton action heads: classification (MotionBERT ``ActionHeadClassification``) and one-shot embedding
(``ActionHeadEmbed`` + supervised contrastive loss), usable on top of every encoder family.

Inputs are multi-person clips ``(B, M, T, J, C)`` (``(B, T, J, C)`` is read as ``M = 1``): ``B`` clips, ``M``
persons (MotionBERT pads NTU clips to ``M = 2`` with an all-zero person), ``T`` frames, ``J`` joints, ``C =
config.dim_in`` channels (2D ``x, y[, confidence]`` normalised to [-1, 1]). All ``B * M`` person tracks go through the
encoder in one batch; the representation ``(B*M, T, J, D)`` (per-joint encoders such as DSTformer) or ``(B*M, T, D)``
(per-frame encoders such as STMO/MPM) is pooled as MotionBERT does:

``dropout -> mean over T -> flatten to (B, M, F) -> mean over M`` with ``F = config.frame_feature_size``.

Head hyper-parameters live in the encoder config (so they round-trip through ``config.json``); the task models fill
in defaults when the config lacks them:

=========================== ======== ================================================================================
config field                default  meaning
=========================== ======== ================================================================================
``num_labels``/``id2label`` (HF)     classes of the classification head (``label2id`` for the inverse map)
``action_hidden_size``      2048     hidden width of the classifier MLP (MotionBERT's ActionNet always uses 2048)
``action_dropout``          0.5      dropout on the representation before pooling (classification; NTU-60 uses 0.5)
``embedding_size``          2048     size of the one-shot embedding (MotionBERT ``hidden_dim``)
``embedding_dropout``       0.1      dropout before pooling (embedding; MotionBERT NTU-120 one-shot uses 0.1)
``supcon_temperature``      0.1      temperature of the supervised contrastive loss
``supcon_base_temperature`` 0.07     loss scale ``temperature / base_temperature`` (MotionBERT keeps the 0.07 default)
=========================== ======== ================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import initialization as init

from ..encoders.dstformer.modeling_dstformer import DSTformerModel, DSTformerPreTrainedModel
from ..encoders.mpm.modeling_mpm import MPMModel, MPMPreTrainedModel
from ..encoders.stmo.modeling_stmo import STMOModel, STMOPreTrainedModel
from ..configuration_utils import MotionEncoderConfig
from ..modeling_outputs import ActionClassificationOutput, ActionEmbeddingOutput

__all__ = [
    "ActionClassificationHead",
    "ActionClassificationMixin",
    "ActionEmbeddingHead",
    "ActionEmbeddingMixin",
    "DSTformerForActionClassification",
    "DSTformerForActionEmbedding",
    "MPMForActionClassification",
    "MPMForActionEmbedding",
    "STMOForActionClassification",
    "STMOForActionEmbedding",
    "OneShotEvaluator",
    "OneShotResult",
    "flatten_persons",
    "pool_persons_time",
]

CLASSIFICATION_DEFAULTS = {"action_hidden_size": 2048, "action_dropout": 0.5}
_EMBEDDING_DEFAULTS = {
    "embedding_size": 2048, "embedding_dropout": 0.1, "supcon_temperature": 0.1, "supcon_base_temperature": 0.07,
}


# ------------------------------------------------------------------------------------------------- pooling helpers
def flatten_persons(keypoints: torch.Tensor) -> tuple[torch.Tensor, int, int]:
    """``(B, M, T, J, C)`` -> ``(B*M, T, J, C)``; ``(B, T, J, C)`` is taken as one person per clip.

    Returns:
        ``(tracks, B, M)``.
    """
    if not isinstance(keypoints, torch.Tensor):
        raise TypeError(f"`keypoints` must be a torch.Tensor (B, M, T, J, C), got {keypoints.__class__.__name__}")
    if keypoints.ndim == 5:
        b, m = keypoints.shape[:2]
        if m < 1:
            raise ValueError(f"`keypoints` has no persons (shape {tuple(keypoints.shape)})")
        return keypoints.reshape(b * m, *keypoints.shape[2:]), b, m
    if keypoints.ndim == 4:
        return keypoints, keypoints.shape[0], 1
    raise ValueError(
        f"`keypoints` must have shape (B, M, T, J, C) (multi-person) or (B, T, J, C) (one person), "
        f"got {tuple(keypoints.shape)}"
    )


def pool_persons_time(representation: torch.Tensor, num_persons: int) -> torch.Tensor:
    """MotionBERT's pooling: mean over frames, flatten each person's frame feature, mean over persons.

    Args:
        representation: ``(B*M, T, J, D)`` (per-joint) or ``(B*M, T, D)`` (per-frame) encoder output.
        num_persons: ``M``.

    Returns:
        ``(B, F)`` with ``F = J*D`` or ``D``.
    """
    if representation.ndim not in (3, 4):
        raise ValueError(
            f"representation must be (B*M, T, J, D) or (B*M, T, D), got shape {tuple(representation.shape)}"
        )
    if representation.shape[0] % num_persons:
        raise ValueError(f"batch {representation.shape[0]} is not a multiple of the {num_persons} persons")
    pooled = representation.mean(dim=1)  # (B*M, J, D) or (B*M, D)
    pooled = pooled.reshape(representation.shape[0] // num_persons, num_persons, -1)
    return pooled.mean(dim=1)


# ----------------------------------------------------------------------------------------------------------- heads
class ActionClassificationHead(nn.Module):
    """MotionBERT ``ActionHeadClassification``: ``dropout -> pool -> fc1 -> BatchNorm1d -> ReLU -> fc2``.

    Args:
        in_features: ``F`` = the encoder's ``frame_feature_size``.
        num_labels: number of classes.
        hidden_size: width of ``fc1`` / the BatchNorm.
        dropout: dropout probability on the representation (before pooling).
    """

    def __init__(self, in_features: int, num_labels: int, hidden_size: int = 2048, dropout: float = 0.5) -> None:
        super().__init__()
        if num_labels < 1 or hidden_size < 1 or in_features < 1:
            raise ValueError(
                f"ActionClassificationHead needs positive sizes, got in_features={in_features}, "
                f"num_labels={num_labels}, hidden_size={hidden_size}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(in_features, hidden_size)
        self.bn = nn.BatchNorm1d(hidden_size, momentum=0.1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_labels)

    def forward(self, representation: torch.Tensor, num_persons: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(B*M, T, J, D)`` or ``(B*M, T, D)`` -> ``(logits (B, num_labels), pooled (B, F))``."""
        pooled = pool_persons_time(self.dropout(representation), num_persons)
        hidden = self.relu(self.bn(self.fc1(pooled)))
        return self.fc2(hidden), pooled


class ActionEmbeddingHead(nn.Module):
    """MotionBERT ``ActionHeadEmbed``: ``dropout -> pool -> fc1 -> L2-normalise``.

    Args:
        in_features: ``F`` = the encoder's ``frame_feature_size``.
        embedding_size: output size ``E``.
        dropout: dropout probability on the representation (before pooling).
    """

    def __init__(self, in_features: int, embedding_size: int = 2048, dropout: float = 0.1) -> None:
        super().__init__()
        if embedding_size < 1 or in_features < 1:
            raise ValueError(
                f"ActionEmbeddingHead needs positive sizes, got in_features={in_features}, "
                f"embedding_size={embedding_size}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(in_features, embedding_size)

    def forward(self, representation: torch.Tensor, num_persons: int) -> tuple[torch.Tensor, torch.Tensor]:
        """-> ``(embeddings (B, E) with unit L2 norm, pooled (B, F))``."""
        pooled = pool_persons_time(self.dropout(representation), num_persons)
        return F.normalize(self.fc1(pooled), dim=-1), pooled


# ---------------------------------------------------------------------------------------------------- task mixins
def _fill_defaults(config, defaults: dict[str, Any], overrides: dict[str, Any], cls_name: str) -> None:
    """Head fields: explicit ``overrides`` (``from_pretrained(..., action_hidden_size=...)``) > config > defaults."""
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise TypeError(f"{cls_name} got unexpected arguments {unknown}; head fields are {sorted(defaults)}")
    saved = config.to_dict()
    for key, value in defaults.items():
        if key in overrides:
            setattr(config, key, overrides[key])
        elif saved.get(key) is None:  # a head field the saved config lacks (older files): its default
            setattr(config, key, value)


class ActionTaskMixin:
    """Shared plumbing: encoder under ``base_model_prefix``, person flattening, head weight init."""

    encoder_class: type  # the family's bare encoder, set by each <Family>For<Task> class
    keys_to_ignore_at_inference: ClassVar[list[str]] = ["pooled_features", "hidden_states"]

    def _build_encoder(self, config) -> None:
        setattr(self, self.base_model_prefix, self.encoder_class(config))
        if not isinstance(config, MotionEncoderConfig):  # the encoder contract gives frame_feature_size
            raise TypeError(f"{config.__class__.__name__} is not a motionhub encoder config (MotionEncoderConfig); "
                            "action heads need its frame_feature_size")

    def _encode(self, keypoints: torch.Tensor, output_hidden_states: bool | None):
        tracks, batch, persons = flatten_persons(keypoints)
        grad = torch.is_grad_enabled() and not self.backbone_frozen
        with torch.set_grad_enabled(grad):
            enc = self.backbone(tracks, output_hidden_states=output_hidden_states, return_dict=True)
        return enc, batch, persons

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        # transformers dispatches the encoder's own _init_weights to the encoder's modules, so every module that
        # reaches this method belongs to the head (or is the task model itself). Initialise the leaves directly:
        # container modules without parameters of their own may be skipped by transformers' loading path.
        if isinstance(module, nn.Linear):
            init.trunc_normal_(module.weight, std=self.config.initializer_range)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)
            init.zeros_(module.running_mean)
            init.ones_(module.running_var)
            init.zeros_(module.num_batches_tracked)
        else:
            super()._init_weights(module)


class ActionClassificationMixin(ActionTaskMixin):
    """<Encoder> + MotionBERT action classifier: ``(B, M, T, J, C)`` clips -> ``(B, num_labels)`` logits.

    Every person track goes through the <Encoder> encoder; the representation is pooled over frames and persons and
    classified by ``fc1 -> BatchNorm -> ReLU -> fc2`` (:class:`ActionClassificationHead`, sizes from
    ``config.action_hidden_size``/``config.action_dropout``/``config.num_labels``; class names in
    ``config.id2label``). With ``labels`` ``(B,)`` the cross-entropy loss is returned. Head fields can also be given
    as keyword arguments (``from_pretrained(encoder_dir, num_labels=60, action_hidden_size=512)``).

    Example::

        >>> clf = AutoModelForActionClassification.from_pretrained(encoder_dir, num_labels=60)
        >>> out = clf(keypoints=x, labels=y)       # x: (B, 2, T, 17, 3); out.loss, out.logits
    """

    def __init__(self, config, **head_fields):
        _fill_defaults(config, CLASSIFICATION_DEFAULTS, head_fields, self.__class__.__name__)
        super().__init__(config)
        self._build_encoder(config)
        self.action_head = ActionClassificationHead(
            config.frame_feature_size, config.num_labels, config.action_hidden_size, config.action_dropout
        )
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        labels: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> ActionClassificationOutput | tuple:
        """Args:
        keypoints: ``(B, M, T, J, C)`` or ``(B, T, J, C)`` normalised 2D keypoints (``C = config.dim_in``).
        labels: ``(B,)`` class indices in ``[0, num_labels)``.
        output_hidden_states: also return the encoder's per-layer features (batch axis = ``B*M`` tracks).
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        enc, _, persons = self._encode(keypoints, output_hidden_states)
        logits, pooled = self.action_head(enc.last_hidden_state, persons)
        loss = None
        if labels is not None:
            labels = check_labels(labels, logits.shape[0], self.config.num_labels)
            loss = F.cross_entropy(logits, labels.to(logits.device))
        out = ActionClassificationOutput(
            loss=loss, logits=logits, pooled_features=pooled, hidden_states=enc.hidden_states
        )
        return out if return_dict else out.to_tuple()


class ActionEmbeddingMixin(ActionTaskMixin):
    """<Encoder> + MotionBERT one-shot embedding head: ``(B, M, T, J, C)`` clips -> ``(B, E)`` unit-norm embeddings.

    Pooled representation -> Linear -> L2 normalisation (:class:`ActionEmbeddingHead`, ``config.embedding_size``,
    ``config.embedding_dropout``). With ``labels`` ``(B,)`` the supervised contrastive loss (Khosla et al.;
    temperature ``config.supcon_temperature`` = 0.1, one view per clip, positives = same label in the batch) is
    returned: sample batches with several clips per class (``motionhub.tasks.action.MPerClassSampler``). Evaluate
    with :class:`OneShotEvaluator` (exemplars, cosine similarity, 1-NN).
    """

    def __init__(self, config, **head_fields):
        _fill_defaults(config, _EMBEDDING_DEFAULTS, head_fields, self.__class__.__name__)
        super().__init__(config)
        self._build_encoder(config)
        self.embedding_head = ActionEmbeddingHead(
            config.frame_feature_size, config.embedding_size, config.embedding_dropout
        )
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        labels: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> ActionEmbeddingOutput | tuple:
        """Args:
        keypoints: ``(B, M, T, J, C)`` or ``(B, T, J, C)``.
        labels: ``(B,)`` integer class ids; clips sharing a label are positives of each other.
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        enc, _, persons = self._encode(keypoints, output_hidden_states)
        embeddings, pooled = self.embedding_head(enc.last_hidden_state, persons)
        loss = None
        if labels is not None:
            from ..losses import SupConLoss

            labels = check_labels(labels, embeddings.shape[0], None)
            loss_fn = SupConLoss(
                temperature=self.config.supcon_temperature, base_temperature=self.config.supcon_base_temperature
            )
            loss = loss_fn(embeddings.unsqueeze(1), labels.to(embeddings.device))
        out = ActionEmbeddingOutput(
            loss=loss, embeddings=embeddings, pooled_features=pooled, hidden_states=enc.hidden_states
        )
        return out if return_dict else out.to_tuple()


# ------------------------------------------------------------------------------------------ classes per family
# One class per encoder family x task (transformers' BertFor... pattern): the mixin holds the head and forward, the
# family's PreTrainedModel gives config_class / base_model_prefix / weight init, encoder_class is what sits under
# base_model_prefix. State-dict keys: ``<base_model_prefix>.*`` + ``action_head.*`` / ``embedding_head.*``.
class DSTformerForActionClassification(ActionClassificationMixin, DSTformerPreTrainedModel):
    """DSTformer (MotionBERT) encoder + MotionBERT action classifier (:class:`ActionClassificationMixin`)."""

    encoder_class = DSTformerModel


class DSTformerForActionEmbedding(ActionEmbeddingMixin, DSTformerPreTrainedModel):
    """DSTformer (MotionBERT) encoder + one-shot embedding head (:class:`ActionEmbeddingMixin`)."""

    encoder_class = DSTformerModel


class STMOForActionClassification(ActionClassificationMixin, STMOPreTrainedModel):
    """STMO (P-STMO) encoder + MotionBERT action classifier (:class:`ActionClassificationMixin`)."""

    encoder_class = STMOModel


class STMOForActionEmbedding(ActionEmbeddingMixin, STMOPreTrainedModel):
    """STMO (P-STMO) encoder + one-shot embedding head (:class:`ActionEmbeddingMixin`)."""

    encoder_class = STMOModel


class MPMForActionClassification(ActionClassificationMixin, MPMPreTrainedModel):
    """MPM encoder + MotionBERT action classifier (:class:`ActionClassificationMixin`)."""

    encoder_class = MPMModel


class MPMForActionEmbedding(ActionEmbeddingMixin, MPMPreTrainedModel):
    """MPM encoder + one-shot embedding head (:class:`ActionEmbeddingMixin`)."""

    encoder_class = MPMModel


def check_labels(labels: Any, batch: int, num_labels: int | None) -> torch.Tensor:
    labels = torch.as_tensor(labels)
    if labels.shape != (batch,):
        raise ValueError(f"`labels` must have shape ({batch},) (one class index per clip), got {tuple(labels.shape)}")
    if labels.dtype.is_floating_point or labels.dtype == torch.bool:
        raise TypeError(f"`labels` must be integer class indices, got dtype {labels.dtype}")
    if num_labels is not None and batch and (labels.min() < 0 or labels.max() >= num_labels):
        raise ValueError(
            f"`labels` must lie in [0, {num_labels}) (config.num_labels), got range "
            f"[{int(labels.min())}, {int(labels.max())}]; pass num_labels= when loading the model"
        )
    return labels.long()


# ------------------------------------------------------------------------------------------------ one-shot protocol
@dataclass
class OneShotResult:
    """Result of :meth:`OneShotEvaluator.evaluate`.

    Attributes:
        accuracy: fraction of queries whose most similar exemplar has the right label, in [0, 1].
        predictions: ``(Q,)`` predicted labels.
        similarity: ``(S, Q)`` cosine similarity exemplar x query.
        support_embeddings: ``(S, E)``; query_embeddings: ``(Q, E)``.
    """

    accuracy: float
    predictions: np.ndarray
    similarity: np.ndarray
    support_embeddings: np.ndarray
    query_embeddings: np.ndarray


class OneShotEvaluator:
    """One-shot action recognition (MotionBERT ``train_action_1shot.py::validate``; NTU-120 one-shot protocol).

    Embeds the exemplars (one clip per novel class) and the query clips with an embedding model, computes the cosine
    similarity of every exemplar with every query and predicts the label of the most similar exemplar (1-NN).

    Args:
        model: a model whose output has ``embeddings`` (``<Encoder>ForActionEmbedding``); any ``nn.Module`` mapping
            ``keypoints`` to such an output works. Run in eval mode (restored afterwards).
        batch_size: clips per forward pass.
        device: where to run (default: the model's device).

    Example::

        >>> ev = OneShotEvaluator(model)
        >>> ev.evaluate(exemplar_clips, query_clips, support_labels=ex_y, query_labels=q_y).accuracy
    """

    def __init__(self, model: nn.Module, batch_size: int = 32, device: str | torch.device | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.batch_size = int(batch_size)
        self.device = torch.device(device) if device is not None else next(model.parameters()).device

    def _batches(self, data: Any) -> Iterable[tuple[torch.Tensor, np.ndarray | None]]:
        if isinstance(data, (np.ndarray, torch.Tensor)):
            x = torch.as_tensor(np.asarray(data) if isinstance(data, np.ndarray) else data, dtype=torch.float32)
            for i in range(0, len(x), self.batch_size):
                yield x[i : i + self.batch_size], None
            return
        if not hasattr(data, "__getitem__") or not hasattr(data, "__len__"):
            raise TypeError(
                "data must be an array/tensor (N, M, T, J, C) or a Dataset of {'keypoints', 'labels'} items, "
                f"got {data.__class__.__name__}"
            )
        for i in range(0, len(data), self.batch_size):
            items = [data[j] for j in range(i, min(i + self.batch_size, len(data)))]
            x = torch.stack([torch.as_tensor(it["keypoints"], dtype=torch.float32) for it in items])
            y = np.array([int(it["labels"]) for it in items]) if "labels" in items[0] else None
            yield x, y

    @torch.no_grad()
    def embed(self, data: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """Embeddings ``(N, E)`` of clips ``(N, M, T, J, C)`` or of a Dataset, plus the dataset's labels if any."""
        was_training = self.model.training
        self.model.eval()
        feats, labels = [], []
        try:
            for x, y in self._batches(data):
                out = self.model(keypoints=x.to(self.device), return_dict=True)
                feats.append(out.embeddings.float().cpu().numpy())
                if y is not None:
                    labels.append(y)
        finally:
            self.model.train(was_training)
        if not feats:
            raise ValueError("cannot embed an empty set of clips")
        return np.concatenate(feats), (np.concatenate(labels) if labels else None)

    def evaluate(
        self,
        support: Any,
        queries: Any,
        support_labels: Any | None = None,
        query_labels: Any | None = None,
    ) -> OneShotResult:
        """Run the protocol.

        Args:
            support: exemplar clips ``(S, M, T, J, C)`` or a Dataset (labels read from it when not given).
            queries: query clips ``(Q, M, T, J, C)`` or a Dataset.
            support_labels: ``(S,)`` exemplar labels; query_labels: ``(Q,)`` true labels of the queries.
        """
        from ..metrics import oneshot_predict

        s_emb, s_lab = self.embed(support)
        q_emb, q_lab = self.embed(queries)
        s_lab = np.asarray(support_labels) if support_labels is not None else s_lab
        q_lab = np.asarray(query_labels) if query_labels is not None else q_lab
        if s_lab is None or q_lab is None:
            raise ValueError("labels are required: pass support_labels/query_labels or Datasets with 'labels'")
        if len(s_lab) != len(s_emb) or len(q_lab) != len(q_emb):
            raise ValueError(
                f"got {len(s_emb)} exemplars with {len(s_lab)} labels and {len(q_emb)} queries with {len(q_lab)} labels"
            )
        pred, sim = oneshot_predict(s_emb, s_lab, q_emb)
        return OneShotResult(
            accuracy=float(np.mean(pred == q_lab)), predictions=pred, similarity=sim,
            support_embeddings=s_emb, query_embeddings=q_emb,
        )

    __call__ = evaluate
