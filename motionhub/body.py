# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The SMPL body model: reading the user's model files and a functional SMPL layer whose data is never saved.

SMPL is licence-restricted, so motionhub neither ships it nor stores it in checkpoints: :class:`SMPLBody` keeps every
body-model array in **non-persistent** buffers (``model.safetensors`` of a mesh model holds zero SMPL tensors) and the
task models refill them from the user's files whenever transformers builds or loads a model.

Getting the files (once, by hand; they cannot be downloaded automatically):

* ``SMPL_NEUTRAL.pkl``: register at https://smpl.is.tue.mpg.de and download "SMPL for Python"; the neutral model is
  ``basicModel_neutral_lbs_10_207_0_v1.0.0.pkl`` (SMPLify ships it as ``SMPL_NEUTRAL.pkl``). The original files
  contain ``chumpy`` objects; :func:`load_smpl_file` reads them *without* chumpy. ``.npz`` and ``.safetensors`` files
  with the same array names also work.
* ``J_regressor_h36m_correct.npy`` (Pose2Mesh): ``(17, 6890)`` regressor of the H36M-17 joints from the vertices,
  needed by the mesh-recovery heads (their joint losses and outputs are H36M-17).
* optional ``J_regressor_extra.npy`` (SPIN, ``(9, 6890)``) and ``smpl_mean_params.npz`` (SPIN: the mean pose in 6D
  and mean shape that initialise a new mesh head).

MotionBERT's ``data/mesh`` folder contains exactly these files: point motionhub at it.

Where motionhub looks (first hit wins):

======================== ================================== ======================================== ==========================
file                     argument / config field            environment variable                      default
======================== ================================== ======================================== ==========================
SMPL model (file/folder) ``smpl_model_path``                ``MOTIONHUB_SMPL_PATH``                   --
H36M regressor           ``smpl_j_regressor_h36m_path``     ``MOTIONHUB_J_REGRESSOR_H36M``            next to the SMPL model
extra regressor          ``smpl_j_regressor_extra_path``    ``MOTIONHUB_J_REGRESSOR_EXTRA``           next to the SMPL model
mean parameters          ``smpl_mean_params_path``          ``MOTIONHUB_SMPL_MEAN_PARAMS``            next to the SMPL model
======================== ================================== ======================================== ==========================

A folder is searched for ``SMPL_NEUTRAL.{pkl,npz,safetensors}`` / ``basicModel_neutral_lbs_10_207_0_v1.0.0.pkl``
(also inside ``smpl/``); "next to" means the folder of the SMPL file, searched for ``J_regressor_h36m_correct.npy``
(or ``J_regressor_h36m.npy``), ``J_regressor_extra.npy`` and ``smpl_mean_params.npz``.

Units: SMPL works in metres; :class:`SMPLBody` returns metres (the mesh heads convert to millimetres).
"""

from __future__ import annotations

import functools
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from transformers.utils import ModelOutput

from .rotations import axis_angle_to_rotmat
from .safe_pickle import data_globals, restricted_load

__all__ = [
    "J_REGRESSOR_EXTRA_ENV_VAR",
    "J_REGRESSOR_H36M_ENV_VAR",
    "SMPL_ENV_VAR",
    "SMPL_MEAN_PARAMS_ENV_VAR",
    "SMPLBody",
    "SMPLBodyOutput",
    "SMPLNotFoundError",
    "SMPLPaths",
    "load_joint_regressor",
    "load_smpl_file",
    "load_smpl_mean_params",
    "resolve_smpl_paths",
]

SMPL_ENV_VAR = "MOTIONHUB_SMPL_PATH"
J_REGRESSOR_H36M_ENV_VAR = "MOTIONHUB_J_REGRESSOR_H36M"
J_REGRESSOR_EXTRA_ENV_VAR = "MOTIONHUB_J_REGRESSOR_EXTRA"
SMPL_MEAN_PARAMS_ENV_VAR = "MOTIONHUB_SMPL_MEAN_PARAMS"

_MODEL_NAMES = (
    "SMPL_NEUTRAL.pkl", "SMPL_NEUTRAL.npz", "SMPL_NEUTRAL.safetensors", "basicModel_neutral_lbs_10_207_0_v1.0.0.pkl",
)
_H36M_NAMES = ("J_regressor_h36m_correct.npy", "J_regressor_h36m.npy")
_EXTRA_NAMES = ("J_regressor_extra.npy",)
_MEAN_NAMES = ("smpl_mean_params.npz",)

_HOW_TO_GET_SMPL = (
    "motionhub does not ship SMPL (its licence forbids redistribution, and motionhub never stores it in "
    "checkpoints). Register at https://smpl.is.tue.mpg.de, download 'SMPL for Python' and use the neutral model "
    "basicModel_neutral_lbs_10_207_0_v1.0.0.pkl (SMPLify's SMPL_NEUTRAL.pkl); the mesh heads also need Pose2Mesh's "
    "J_regressor_h36m_correct.npy (MotionBERT's data/mesh folder has all files). Then pass smpl_model_path=... "
    f"(file or folder), set config.smpl_model_path, or export {SMPL_ENV_VAR}=/path/to/SMPL_NEUTRAL.pkl."
)


class SMPLNotFoundError(FileNotFoundError):
    """No usable SMPL body model (or a required regressor) was found; the message says how to get and configure it."""


# ------------------------------------------------------------------------------------------------ restricted unpickler
class _ChumpyStub:
    """Stand-in for ``chumpy`` objects in the official SMPL pickles: keeps the pickled state (the array is ``x``)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:  # (dict, slots) form
            merged: dict = {}
            for part in state:
                if isinstance(part, dict):
                    merged.update(part)
            state = merged
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.__dict__["x"] = state


@functools.lru_cache(maxsize=1)
def _smpl_globals() -> dict[tuple[str, str], Any]:
    """The data globals (:func:`motionhub.safe_pickle.data_globals`) plus scipy sparse matrices."""
    import scipy.sparse

    allowed = data_globals()
    for name in ("csc_matrix", "csr_matrix", "coo_matrix", "csc_array", "csr_array", "coo_array"):
        if hasattr(scipy.sparse, name):
            allowed[("scipy.sparse", name)] = getattr(scipy.sparse, name)
    return allowed


def _smpl_resolve(module: str, name: str) -> Any:
    if module == "chumpy" or module.startswith("chumpy."):
        return _ChumpyStub
    if module.startswith("scipy.sparse."):  # scipy.sparse._csc, scipy.sparse.csc, ... -> scipy.sparse
        return _smpl_globals().get(("scipy.sparse", name))
    return None


def _load_smpl_pickle(raw: bytes, source: str) -> Any:
    """An SMPL / regressor pickle through THE restricted unpickler (numpy, scipy sparse, chumpy stubs only)."""
    return restricted_load(raw, source=source, allowed=_smpl_globals(), resolve=_smpl_resolve,
                           what="numpy arrays, scipy sparse matrices and chumpy arrays (in an SMPL model file)")


def _to_numpy(value: Any, key: str, source: str) -> np.ndarray:
    if isinstance(value, _ChumpyStub):
        if "x" not in value.__dict__:
            raise ValueError(
                f"{source}: `{key}` is a chumpy expression without a stored value; re-save the model with plain numpy "
                "arrays (e.g. load it once with chumpy installed and np.save the arrays)"
            )
        value = value.__dict__["x"]
    if hasattr(value, "toarray"):  # scipy.sparse
        value = value.toarray()
    return np.asarray(value)


# ---------------------------------------------------------------------------------------------------------- readers
def _check_file(path: str | os.PathLike, what: str) -> Path:
    if path is None or str(path) == "":
        raise ValueError(f"no path given for {what}")
    p = Path(path).expanduser()
    if not p.is_file():
        raise SMPLNotFoundError(f"{what} not found: {p} (no such file). {_HOW_TO_GET_SMPL}")
    return p


def _read_mapping(path: Path) -> dict[str, Any]:
    suffix = path.suffix.lower()
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    if suffix == ".safetensors":
        from safetensors.numpy import load_file

        return load_file(str(path))
    if suffix in (".pkl", ".pickle"):
        with open(path, "rb") as f:
            raw = f.read()
        try:
            obj = _load_smpl_pickle(raw, str(path))
        except pickle.UnpicklingError:
            raise
        except Exception as err:
            raise ValueError(f"{path} is not a readable SMPL pickle: {type(err).__name__}: {err}") from err
        if not isinstance(obj, dict):
            raise ValueError(f"{path} holds a {type(obj).__name__}, expected a dict of SMPL arrays")
        return obj
    raise ValueError(f"unsupported SMPL model file type {path.suffix!r} ({path}); use .pkl, .npz or .safetensors")


_ALIASES = {"lbs_weights": "weights", "faces": "f", "faces_tensor": "f"}


def load_smpl_file(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read an SMPL model file into plain numpy arrays.

    Supports the official ``.pkl`` files (Python-2 pickles with ``chumpy`` arrays and a ``scipy.sparse``
    ``J_regressor``; read by a restricted unpickler that needs neither chumpy nor trust in the file), and ``.npz`` /
    ``.safetensors`` files with the same array names (``lbs_weights``/``faces``/``parents`` and smplx's
    ``posedirs (P, V*3)`` layout are accepted too).

    Args:
        path: the model file.

    Returns:
        ``{"v_template": (V, 3) float64, "shapedirs": (V, 3, S), "posedirs": (V, 3, P), "J_regressor": (K, V)
        dense, "weights": (V, K), "parents": (K,) int64 with -1 for the root, "f": (F, 3) int64}`` with ``K`` the
        joint count (24 for SMPL), ``S`` shape components (10), ``P = 9 (K - 1)`` pose blend shapes (207).

    Raises:
        SMPLNotFoundError: the file does not exist.
        ValueError: an array is missing or has the wrong shape (the message names it).
    """
    p = _check_file(path, "SMPL model file")
    raw = _read_mapping(p)
    data: dict[str, np.ndarray] = {}
    for key, value in raw.items():
        key = _ALIASES.get(key, key)
        if key in ("v_template", "shapedirs", "posedirs", "J_regressor", "weights", "kintree_table", "parents", "f"):
            data[key] = _to_numpy(value, key, str(p))
    missing = [k for k in ("v_template", "shapedirs", "posedirs", "J_regressor", "weights", "f") if k not in data]
    if "kintree_table" not in data and "parents" not in data:
        missing.append("kintree_table")
    if missing:
        raise ValueError(f"{p} is not an SMPL model: missing {missing} (found {sorted(map(str, raw))})")

    v = np.asarray(data["v_template"], dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 3:
        raise ValueError(f"{p}: v_template must be (V, 3), got {v.shape}")
    num_verts = v.shape[0]
    shapedirs = np.asarray(data["shapedirs"], dtype=np.float64)
    if shapedirs.ndim != 3 or shapedirs.shape[:2] != (num_verts, 3):
        raise ValueError(f"{p}: shapedirs must be ({num_verts}, 3, S), got {shapedirs.shape}")
    j_reg = np.asarray(data["J_regressor"], dtype=np.float64)
    if j_reg.ndim != 2 or j_reg.shape[1] != num_verts:
        raise ValueError(f"{p}: J_regressor must be (K, {num_verts}), got {j_reg.shape}")
    num_joints = j_reg.shape[0]
    posedirs = np.asarray(data["posedirs"], dtype=np.float64)
    num_pose = 9 * (num_joints - 1)
    if posedirs.shape == (num_pose, num_verts * 3):  # smplx buffer layout
        posedirs = posedirs.T.reshape(num_verts, 3, num_pose)
    if posedirs.shape != (num_verts, 3, num_pose):
        raise ValueError(f"{p}: posedirs must be ({num_verts}, 3, {num_pose}), got {posedirs.shape}")
    weights = np.asarray(data["weights"], dtype=np.float64)
    if weights.shape != (num_verts, num_joints):
        raise ValueError(f"{p}: weights must be ({num_verts}, {num_joints}), got {weights.shape}")
    if "parents" in data:
        parents = np.asarray(data["parents"]).astype(np.int64).reshape(-1)
    else:
        table = np.asarray(data["kintree_table"])
        if table.ndim != 2 or table.shape[0] != 2:
            raise ValueError(f"{p}: kintree_table must be (2, {num_joints}), got {table.shape}")
        parents = table[0].astype(np.int64)
    if parents.shape != (num_joints,):
        raise ValueError(f"{p}: the kinematic tree has {parents.shape[0]} joints, J_regressor {num_joints}")
    parents[0] = -1  # the root's parent is stored as 2**32 - 1 in the official files
    if np.any(parents[1:] < 0) or np.any(parents[1:] >= np.arange(1, num_joints)):
        raise ValueError(f"{p}: kinematic tree parents must precede their children, got {parents.tolist()}")
    faces = np.asarray(data["f"]).astype(np.int64)
    if faces.ndim != 2 or faces.shape[1] != 3 or faces.min() < 0 or faces.max() >= num_verts:
        raise ValueError(f"{p}: f (faces) must be (F, 3) vertex indices < {num_verts}, got shape {faces.shape}")
    return {
        "v_template": v, "shapedirs": shapedirs, "posedirs": posedirs, "J_regressor": j_reg, "weights": weights,
        "parents": parents, "f": faces,
    }


def load_joint_regressor(path: str | os.PathLike, num_vertices: int | None = None) -> np.ndarray:
    """A joint regressor ``(J, V)`` from ``.npy``, ``.npz`` (one array or key ``J_regressor``) or ``.pkl`` (dense or
    scipy sparse), e.g. Pose2Mesh's ``J_regressor_h36m_correct.npy`` (17 x 6890)."""
    p = _check_file(path, "joint regressor")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        arr = np.load(p, allow_pickle=False)
    elif suffix in (".npz", ".safetensors", ".pkl", ".pickle"):
        if suffix == ".npz" or suffix == ".safetensors":
            mapping = _read_mapping(p)
        else:
            obj = _load_smpl_pickle(p.read_bytes(), str(p))
            mapping = obj if isinstance(obj, dict) else {"J_regressor": obj}
        key = "J_regressor" if "J_regressor" in mapping else (next(iter(mapping)) if len(mapping) == 1 else None)
        if key is None:
            raise ValueError(f"{p}: expected one array or a `J_regressor` entry, found {sorted(mapping)}")
        arr = _to_numpy(mapping[key], key, str(p))
    else:
        raise ValueError(f"unsupported joint regressor file type {p.suffix!r} ({p}); use .npy, .npz or .pkl")
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 2 or (num_vertices is not None and arr.shape[1] != num_vertices):
        raise ValueError(f"{p}: a joint regressor must be (J, {num_vertices or 'V'}), got {arr.shape}")
    return arr


def load_smpl_mean_params(path: str | os.PathLike, num_joints: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """SPIN's ``smpl_mean_params.npz`` -> ``(pose6d (num_joints * 6,) float32, betas (S,) float32)``.

    The pose is in the 6D layout of :mod:`motionhub.rotations` (what the mesh heads regress).
    """
    p = _check_file(path, "SMPL mean parameters")
    mapping = _read_mapping(p)
    if "pose" not in mapping or "shape" not in mapping:
        raise ValueError(f"{p}: expected arrays `pose` ({num_joints * 6},) and `shape` (10,), found {sorted(mapping)}")
    pose = np.asarray(mapping["pose"], dtype=np.float32).reshape(-1)
    shape = np.asarray(mapping["shape"], dtype=np.float32).reshape(-1)
    if pose.shape != (num_joints * 6,):
        raise ValueError(f"{p}: `pose` must hold {num_joints} 6D rotations ({num_joints * 6} numbers), got {pose.shape}")
    return pose, shape


# --------------------------------------------------------------------------------------------------- path resolution
@dataclass(frozen=True)
class SMPLPaths:
    """Resolved body-model files (``None`` = not available)."""

    model: Path
    j_regressor_h36m: Path | None = None
    j_regressor_extra: Path | None = None
    mean_params: Path | None = None


def _first_existing(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        for candidate in (folder / name, folder / "smpl" / name):
            if candidate.is_file():
                return candidate
    return None


def _pick(explicit: Any, config: Any, field: str, env: str) -> tuple[str | None, str]:
    if explicit not in (None, ""):
        return str(explicit), "argument"
    value = getattr(config, field, None) if config is not None else None
    if value not in (None, ""):
        return str(value), f"config.{field}"
    value = os.environ.get(env)
    if value not in (None, ""):
        return value, f"${env}"
    return None, ""


def _resolve_aux(explicit, config, field, env, folder: Path, names, what) -> Path | None:
    value, source = _pick(explicit, config, field, env)
    if value is not None:
        p = Path(value).expanduser()
        if p.is_dir():
            found = _first_existing(p, names)
            if found is None:
                raise SMPLNotFoundError(f"{what}: no {' / '.join(names)} in the folder {p} (from {source})")
            return found
        if not p.is_file():
            raise SMPLNotFoundError(f"{what} not found: {p} (from {source})")
        return p
    return _first_existing(folder, names)


def resolve_smpl_paths(
    smpl_model_path: str | os.PathLike | None = None,
    *,
    j_regressor_h36m_path: str | os.PathLike | None = None,
    j_regressor_extra_path: str | os.PathLike | None = None,
    mean_params_path: str | os.PathLike | None = None,
    config: Any = None,
) -> SMPLPaths:
    """Find the body-model files: argument, then config field, then environment variable (see the module docstring).

    Raises:
        SMPLNotFoundError: no SMPL model is configured or the configured path does not exist; the message explains
            how to obtain SMPL and where to put its path.
    """
    value, source = _pick(smpl_model_path, config, "smpl_model_path", SMPL_ENV_VAR)
    if value is None:
        raise SMPLNotFoundError(f"no SMPL body model configured. {_HOW_TO_GET_SMPL}")
    p = Path(value).expanduser()
    if p.is_dir():
        model = _first_existing(p, _MODEL_NAMES)
        if model is None:
            raise SMPLNotFoundError(
                f"the SMPL folder {p} (from {source}) has none of {', '.join(_MODEL_NAMES)}. {_HOW_TO_GET_SMPL}"
            )
    elif p.is_file():
        model = p
    else:
        raise SMPLNotFoundError(f"SMPL model path {p} (from {source}) does not exist. {_HOW_TO_GET_SMPL}")
    folder = model.parent
    if folder.name == "smpl" and not _first_existing(folder, _H36M_NAMES):
        folder = folder.parent  # data/mesh/smpl/SMPL_NEUTRAL.pkl next to data/mesh/J_regressor_*.npy
    return SMPLPaths(
        model=model,
        j_regressor_h36m=_resolve_aux(j_regressor_h36m_path, config, "smpl_j_regressor_h36m_path",
                                      J_REGRESSOR_H36M_ENV_VAR, folder, _H36M_NAMES, "H36M joint regressor"),
        j_regressor_extra=_resolve_aux(j_regressor_extra_path, config, "smpl_j_regressor_extra_path",
                                       J_REGRESSOR_EXTRA_ENV_VAR, folder, _EXTRA_NAMES, "extra joint regressor"),
        mean_params=_resolve_aux(mean_params_path, config, "smpl_mean_params_path", SMPL_MEAN_PARAMS_ENV_VAR,
                                 folder, _MEAN_NAMES, "SMPL mean parameters"),
    )


def _file_key(path: Path | None) -> tuple | None:
    if path is None:
        return None
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=4)
def _cached_body_tensors(model_key: tuple, h36m_key: tuple | None, extra_key: tuple | None) -> dict[str, torch.Tensor]:
    smpl = load_smpl_file(model_key[0])
    num_verts = smpl["weights"].shape[0]
    num_pose = smpl["posedirs"].shape[-1]
    f32 = np.float32
    tensors = {
        "v_template": torch.from_numpy(smpl["v_template"].astype(f32)),
        "shapedirs": torch.from_numpy(smpl["shapedirs"].astype(f32)),
        # smplx's layout: (P, V*3)
        "posedirs": torch.from_numpy(np.ascontiguousarray(smpl["posedirs"].reshape(-1, num_pose).T.astype(f32))),
        "J_regressor": torch.from_numpy(smpl["J_regressor"].astype(f32)),
        "lbs_weights": torch.from_numpy(smpl["weights"].astype(f32)),
        "parents": torch.from_numpy(smpl["parents"].astype(np.int64)),
        "faces": torch.from_numpy(smpl["f"].astype(np.int64)),
    }
    if h36m_key is not None:
        tensors["J_regressor_h36m"] = torch.from_numpy(load_joint_regressor(h36m_key[0], num_verts).astype(f32))
    if extra_key is not None:
        tensors["J_regressor_extra"] = torch.from_numpy(load_joint_regressor(extra_key[0], num_verts).astype(f32))
    for t in tensors.values():
        t.requires_grad_(False)
    return tensors


# ------------------------------------------------------------------------------------------------------- the layer
@dataclass
class SMPLBodyOutput(ModelOutput):
    """Output of :class:`SMPLBody` (metres, leading axes as the inputs).

    Args:
        vertices: ``(..., V, 3)`` posed mesh (V = 6890 for SMPL), no global translation.
        joints: ``(..., 24, 3)`` SMPL skeleton joints.
        joints_h36m: ``(..., 17, 3)`` H36M-17 joints regressed from the vertices (when the regressor is loaded).
        joints_extra: ``(..., 9, 3)`` SPIN's extra joints (when that regressor is loaded).
    """

    vertices: torch.Tensor | None = None
    joints: torch.Tensor | None = None
    joints_h36m: torch.Tensor | None = None
    joints_extra: torch.Tensor | None = None


class SMPLBody(nn.Module):
    """Functional SMPL layer (linear blend skinning via ``smplx.lbs``) with non-persistent body-model buffers.

    ``state_dict()`` of this module is empty: the body model comes from the user's files (see the module docstring)
    and is never written to checkpoints. Models that contain an ``SMPLBody`` refill it after ``from_pretrained``
    with :meth:`reload_` (their ``_init_weights`` does it).

    Args:
        smpl_model_path: SMPL model file or folder; ``None`` falls back to ``config.smpl_model_path`` then
            ``$MOTIONHUB_SMPL_PATH``.
        j_regressor_h36m_path / j_regressor_extra_path: regressor files (default: config / env / next to the model).
        mean_params_path: SPIN mean parameters (only recorded in ``paths`` for the heads; default as above).
        config: object with the ``smpl_*`` fields (a model config), optional.
        num_betas: shape components used (<= those in the file; SMPL has 10).
        require_h36m_regressor: raise :class:`SMPLNotFoundError` when no H36M regressor is found.

    Buffers: ``v_template (V, 3)``, ``shapedirs (V, 3, num_betas)``, ``posedirs (P, V*3)``, ``J_regressor (24, V)``,
    ``lbs_weights (V, 24)``, ``parents (24,)``, ``faces (F, 3)`` and, when available, ``J_regressor_h36m (17, V)``,
    ``J_regressor_extra (9, V)``.
    """

    def __init__(
        self,
        smpl_model_path: str | os.PathLike | None = None,
        *,
        j_regressor_h36m_path: str | os.PathLike | None = None,
        j_regressor_extra_path: str | os.PathLike | None = None,
        mean_params_path: str | os.PathLike | None = None,
        config: Any = None,
        num_betas: int = 10,
        require_h36m_regressor: bool = False,
    ) -> None:
        super().__init__()
        self.paths = resolve_smpl_paths(
            smpl_model_path, j_regressor_h36m_path=j_regressor_h36m_path,
            j_regressor_extra_path=j_regressor_extra_path, mean_params_path=mean_params_path, config=config,
        )
        if require_h36m_regressor and self.paths.j_regressor_h36m is None:
            raise SMPLNotFoundError(
                f"no H36M joint regressor found next to {self.paths.model}: the mesh heads need Pose2Mesh's "
                "J_regressor_h36m_correct.npy (17 x 6890). Put it in that folder, set "
                f"config.smpl_j_regressor_h36m_path or export {J_REGRESSOR_H36M_ENV_VAR}=/path/to/it."
            )
        tensors = self._source_tensors()
        available = tensors["shapedirs"].shape[-1]
        if not 1 <= num_betas <= available:
            raise ValueError(f"num_betas must be in [1, {available}] for {self.paths.model}, got {num_betas}")
        self.num_betas = int(num_betas)
        for name, value in self._prepared(tensors).items():
            self.register_buffer(name, value.clone(), persistent=False)
        self._parents_np = tensors["parents"].numpy().astype(np.int64)

    # -------------------------------------------------------------------------------------------- data handling
    def _kinematic_tree(self) -> np.ndarray:
        """``parents`` (K,) as int64 numpy, kept beside the buffer (under tracing the buffer is symbolic)."""
        tree = getattr(self, "_parents_np", None)
        if tree is None:
            tree = self._parents_np = self.parents.detach().cpu().numpy().astype(np.int64)
        return tree

    def _source_tensors(self) -> dict[str, torch.Tensor]:
        return _cached_body_tensors(
            _file_key(self.paths.model), _file_key(self.paths.j_regressor_h36m), _file_key(self.paths.j_regressor_extra)
        )

    def _prepared(self, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out = dict(tensors)
        out["shapedirs"] = tensors["shapedirs"][..., : getattr(self, "num_betas", tensors["shapedirs"].shape[-1])]
        return out

    @torch.no_grad()
    def reload_(self) -> SMPLBody:
        """Refill every body-model buffer from the files (after meta-device construction / ``from_pretrained``)."""
        for name, value in self._prepared(self._source_tensors()).items():
            current = getattr(self, name, None)
            if current is None or current.shape != value.shape or current.device.type == "meta":
                device = current.device if current is not None and current.device.type != "meta" else "cpu"
                dtype = current.dtype if current is not None and current.is_floating_point() else value.dtype
                self.register_buffer(name, value.to(device=device, dtype=dtype).clone(), persistent=False)
            else:
                current.copy_(value)
        self._parents_np = None  # re-read from the refilled buffer
        return self

    @property
    def num_vertices(self) -> int:
        return int(self.v_template.shape[0])

    @property
    def num_body_joints(self) -> int:
        return int(self.J_regressor.shape[0])

    @property
    def has_h36m_regressor(self) -> bool:
        return getattr(self, "J_regressor_h36m", None) is not None

    def h36m_joints(self, vertices: torch.Tensor) -> torch.Tensor:
        """``(..., V, 3)`` vertices -> ``(..., 17, 3)`` H36M-17 joints (``J_regressor_h36m @ vertices``, any unit)."""
        if not self.has_h36m_regressor:
            raise SMPLNotFoundError(
                f"no H36M joint regressor loaded (J_regressor_h36m_correct.npy next to {self.paths.model} or "
                f"${J_REGRESSOR_H36M_ENV_VAR})"
            )
        return torch.matmul(self.J_regressor_h36m, vertices)

    def extra_repr(self) -> str:
        return f"model={self.paths.model.name}, num_betas={self.num_betas}, h36m_regressor={self.has_h36m_regressor}"

    # ---------------------------------------------------------------------------------------------------- forward
    def forward(self, betas: torch.Tensor, pose: torch.Tensor) -> SMPLBodyOutput:
        """Pose and shape the body.

        Args:
            betas: ``(..., num_betas)`` shape coefficients.
            pose: rotation matrices ``(..., 24, 3, 3)`` (root first: global orientation, then the 23 body joints) or
                axis-angle ``(..., 72)`` / ``(..., 24, 3)`` (SMPL's theta).

        Returns:
            :class:`SMPLBodyOutput` in metres with the leading axes ``(...)`` of the inputs.
        """
        k = self.num_body_joints
        if betas.shape[-1] != self.num_betas:
            raise ValueError(f"`betas` must have shape (..., {self.num_betas}), got {tuple(betas.shape)}")
        lead = betas.shape[:-1]
        if pose.shape[-3:] == (k, 3, 3):
            rotmat = pose
        elif pose.shape[-1] == 3 * k or pose.shape[-2:] == (k, 3):
            # same Rodrigues numerics as MotionBERT's batch_rodrigues
            rotmat = axis_angle_to_rotmat(pose.reshape(*pose.shape[: -1 if pose.shape[-1] == 3 * k else -2], k, 3))
        else:
            raise ValueError(
                f"`pose` must be rotation matrices (..., {k}, 3, 3) or axis-angle (..., {3 * k}) / (..., {k}, 3), got "
                f"{tuple(pose.shape)}"
            )
        if rotmat.shape[:-3] != lead:
            raise ValueError(f"`betas` {tuple(betas.shape)} and `pose` {tuple(pose.shape)} have different leading axes")
        from smplx.lbs import lbs

        # -1, not int(prod(lead)): a Python int would freeze the batch size when the model is exported
        flat_betas = betas.reshape(-1, self.num_betas).to(self.v_template.dtype)
        flat_rot = rotmat.reshape(-1, k, 3, 3).to(self.v_template.dtype)
        # The kinematic tree as a numpy array: smplx walks it in a Python loop (`parents[i]`), which torch.export /
        # ONNX export cannot trace through a tensor (a data-dependent index); numpy ints are constants to them.
        parents = self._kinematic_tree()
        vertices, joints = lbs(
            flat_betas, flat_rot, self.v_template, self.shapedirs, self.posedirs, self.J_regressor, parents,
            self.lbs_weights, pose2rot=False,
        )
        out = SMPLBodyOutput(
            vertices=vertices.reshape(*lead, -1, 3),
            joints=joints.reshape(*lead, k, 3),
            joints_h36m=self.h36m_joints(vertices).reshape(*lead, -1, 3) if self.has_h36m_regressor else None,
            joints_extra=(torch.matmul(self.J_regressor_extra, vertices).reshape(*lead, -1, 3)
                          if getattr(self, "J_regressor_extra", None) is not None else None),
        )
        return out
