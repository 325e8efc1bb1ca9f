# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Saving, pushing and downloading: :func:`save_for_hub` (weights, config, processor, card, remote code into a
folder), :func:`push_to_hub` / :func:`push_folder` (one commit) and :func:`download` (a verified snapshot)."""

from __future__ import annotations

import json
import os
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cards import generate_model_card, motion_model_classes
from .constants import (
    DEFAULT_ALLOW_PATTERNS,
    LIBRARY_NAME,
    REPLACED_PATTERNS,
    motionhub_version,
)
from .remote_code import add_remote_code

__all__ = ["HubConnectionError", "download", "push_folder", "push_to_hub", "save_for_hub"]


class HubConnectionError(ConnectionError):
    """The connection to the Hub broke during a push (the server went away, a timeout): ``str(err)`` is one line
    saying what was being sent, whether anything was committed, and to retry the same command."""


def _card_from(card: Any):
    from huggingface_hub import ModelCard

    if isinstance(card, ModelCard):
        return card
    if isinstance(card, os.PathLike) or (isinstance(card, str) and "\n" not in card):
        if not Path(card).is_file():
            raise FileNotFoundError(f"model card {card} does not exist (pass a README.md path or the card's text)")
        return ModelCard.load(Path(card))
    if isinstance(card, str):
        return ModelCard(card)
    raise TypeError(f"card must be a huggingface_hub.ModelCard, a README path or its text, got {type(card).__name__}")


def save_for_hub(
    model: Any,
    save_directory: str | os.PathLike,
    *,
    card: Any = None,
    max_shard_size: int | str = "5GB",
    remote_code: bool | None = None,
    repo_id: str | None = None,
    processor: Any = None,
    **card_kwargs: Any,
) -> Path:
    """Write what :func:`push_to_hub` uploads into ``save_directory`` (no network).

    Args:
        model: a motionhub ``PreTrainedModel``.
        save_directory: output folder (created).
        card: a ready ``ModelCard`` / README path / README text; default: :func:`generate_model_card` with
            ``card_kwargs``.
        max_shard_size: shard ``model.safetensors`` above this size (``"5GB"``, ``"200MB"``, bytes).
        remote_code: also write the bundled remote code and ``auto_map`` (:func:`bundle_remote_code`): ``None``
            (default) when the model can be bundled (a warning says why not otherwise), ``True`` always (raise
            :class:`RemoteCodeError` if impossible), ``False`` never.
        repo_id: used by the card's usage snippet.
        processor: the model's :class:`~motionhub.processor.MotionProcessor`, written as ``preprocessor_config.json``
            (default: the one saved where the model was loaded from, else derived from its config), so the published
            model prepares its inputs as in training.
        **card_kwargs: forwarded to :func:`generate_model_card` (``license=``, ``results=``, ...).

    Returns:
        The folder path.
    """
    from transformers import PreTrainedModel

    if not isinstance(model, PreTrainedModel):
        raise TypeError(f"expected a motionhub PreTrainedModel, got {type(model).__name__}")
    if card is not None and card_kwargs:
        raise TypeError(f"pass either card= or card keyword arguments ({sorted(card_kwargs)}), not both")
    out = Path(save_directory)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, max_shard_size=max_shard_size)
    from ..processor import MotionProcessor, processor_for_model

    if processor is not None and not isinstance(processor, MotionProcessor):
        raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
    (processor if processor is not None else processor_for_model(model)).save_pretrained(out)
    has_remote_code = add_remote_code(type(model), out, remote_code, type(model).__name__)
    readme = _card_from(card) if card is not None else generate_model_card(
        model, repo_id=repo_id, remote_code=has_remote_code, **card_kwargs
    )
    _save_card(readme, out / "README.md")
    return out


def _save_card(card: Any, path: Path) -> None:
    """``ModelCard.save``, atomically (a killed save never leaves a half README)."""
    from ..io_utils import atomic_path

    with atomic_path(path) as tmp:
        card.save(tmp)


def _safetensors_parameter_count(folder: Path) -> int | None:
    total = 0
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    for path in files:
        with path.open("rb") as fh:
            (length,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(length))
        for key, meta in header.items():
            if key != "__metadata__":
                n = 1
                for dim in meta["shape"]:
                    n *= dim
                total += n
    return total


def _check_folder(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a directory; pass a folder written by save_pretrained / "
                                "`motionhub convert`")
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} has no config.json; it is not a save_pretrained folder")
    if not (folder / "model.safetensors").is_file() and not (folder / "model.safetensors.index.json").is_file():
        raise FileNotFoundError(f"{folder} has neither model.safetensors nor model.safetensors.index.json; motionhub "
                                "publishes safetensors weights only (re-save with save_pretrained)")
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def _upload(folder: Path, repo_id: str, *, revision: str | None, private: bool | None, token: str | None,
            commit_message: str, commit_description: str | None):
    from huggingface_hub import HfApi

    api = HfApi(token=token, library_name=LIBRARY_NAME, library_version=motionhub_version())  # endpoint read now
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        if revision not in (None, "main"):
            api.create_branch(repo_id, branch=revision, exist_ok=True)
        return api.upload_folder(
            repo_id=repo_id,
            folder_path=folder,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            delete_patterns=REPLACED_PATTERNS,
            ignore_patterns=[".cache/**", "*.bin", "*.pth", "*.pt"],
        )
    except Exception as err:
        broken = _connection_failure(err)
        if broken is None:
            raise
        raise broken from err


def _connection_failure(err: BaseException) -> HubConnectionError | None:
    """A push that failed because the connection broke (huggingface_hub wraps a failed LFS upload in a bare
    ``RuntimeError("Error while uploading 'model.safetensors' to the Hub.")``) as one line saying what was being sent
    and whether the Hub may hold a commit; ``None`` for any other error (an HTTP status the server answered is an
    ``HfHubHTTPError`` with the server's message)."""
    import re

    transport: BaseException | None = None
    file = None
    seen = err
    while seen is not None and transport is None:
        if isinstance(seen, RuntimeError) and file is None:
            found = re.match(r"Error while uploading '(.+)' to the Hub", str(seen))
            file = found.group(1) if found else None
        if _is_transport_error(seen):
            transport = seen
        seen = seen.__cause__ or seen.__context__
    if transport is None:
        return None
    url = None
    try:
        url = str(transport.request.url)  # httpx errors carry their request (a property that may raise)
    except Exception:  # noqa: BLE001, S110 - no request recorded: the message goes without the URL
        pass
    detail = str(transport).strip().splitlines()[0] if str(transport).strip() else ""
    why = f"{type(transport).__name__}" + (f": {detail}" if detail else "")
    if url is not None and re.search(r"/api/[a-z]+s/.+/commit/", url):
        return HubConnectionError(
            f"the connection to the Hub broke while it was recording the commit ({why}): the commit may or may not "
            "have been made; check the repository's history on the Hub, or retry the same command (pushing the same "
            "files again is harmless)"
        )
    what = f"uploading {file}" if file else ("sending " + (url or "a request"))
    return HubConnectionError(
        f"the connection to the Hub broke while {what} ({why}); nothing was committed on the Hub: retry the same "
        "command"
    )


def _is_transport_error(err: BaseException) -> bool:
    """The connection failed (refused, reset, timed out, closed mid-request), as opposed to an HTTP answer."""
    import sys

    if isinstance(err, (ConnectionError, TimeoutError)):
        return True
    for name in ("httpx2", "httpx"):
        module = sys.modules.get(name)
        if module is not None and isinstance(err, module.TransportError):
            return True
    return False


def push_folder(
    folder: str | os.PathLike,
    repo_id: str,
    *,
    revision: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str | None = None,
    commit_description: str | None = None,
    remote_code: bool | None = None,
    card: Any = None,
    **card_kwargs: Any,
):
    """Upload a ``save_pretrained`` folder (e.g. from ``motionhub convert``) to ``repo_id`` in one commit.

    Missing pieces are added in a temporary copy (the folder itself is not modified): a model card when the folder
    has no README.md (or ``card``/``card_kwargs`` are given), and the remote code + ``auto_map`` of
    ``config.architectures[0]`` (``remote_code`` as in :func:`save_for_hub`).

    Returns:
        ``huggingface_hub.CommitInfo`` (``.oid`` is the commit sha, usable as ``revision=``).

    Raises:
        FileNotFoundError: the folder has no config.json or no safetensors weights.
    """
    import shutil

    src = Path(folder)
    config = _check_folder(src)
    arch = (config.get("architectures") or [None])[0]
    with tempfile.TemporaryDirectory(prefix="motionhub-push-") as tmp:
        staged = Path(tmp)
        for path in src.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, staged / path.name)
        _add_missing_processor(staged)
        cls = motion_model_classes().get(arch) if arch and remote_code is not False else None
        has_remote_code = add_remote_code(cls, staged, remote_code, f"{arch!r} (config.architectures)")
        if card is not None or card_kwargs or not (staged / "README.md").is_file():
            if card is not None:
                if card_kwargs:
                    raise TypeError("pass either card= or card keyword arguments, not both")
                readme = _card_from(card)
            else:
                cfg_obj: Any = config
                try:
                    from transformers import AutoConfig

                    from ..auto import register_all

                    register_all()  # AutoConfig must know every family

                    cfg_obj = AutoConfig.from_pretrained(staged, trust_remote_code=False)  # never run its code
                except (ValueError, KeyError, OSError):  # family not installed: describe the raw config.json
                    cfg_obj = config
                card_kwargs.setdefault("num_parameters", _safetensors_parameter_count(staged))
                readme = generate_model_card(cfg_obj, repo_id=repo_id, remote_code=has_remote_code, **card_kwargs)
            _save_card(readme, staged / "README.md")
        message = commit_message or f"Upload {arch or 'model'} with motionhub {motionhub_version()}"
        return _upload(staged, repo_id, revision=revision, private=private, token=token,
                       commit_message=message, commit_description=commit_description)


def _add_missing_processor(folder: Path) -> None:
    """A folder saved without ``preprocessor_config.json`` (e.g. by an older motionhub) gets the processor derived from
    its config, so every published model carries one; folders of families motionhub does not know are left as
    they are."""
    from ..processor import PROCESSOR_CONFIG_NAME, MotionProcessor

    if (folder / PROCESSOR_CONFIG_NAME).is_file():
        return
    from transformers import AutoConfig

    from ..auto import register_all

    register_all()  # AutoConfig must know every family
    try:
        config = AutoConfig.from_pretrained(folder, trust_remote_code=False)  # never run the folder's code
    except (ValueError, KeyError, OSError):
        return
    MotionProcessor.from_model_config(config).save_pretrained(folder)


def push_to_hub(
    model: Any,
    repo_id: str,
    *,
    card: Any = None,
    revision: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    max_shard_size: int | str = "5GB",
    commit_message: str | None = None,
    commit_description: str | None = None,
    remote_code: bool | None = None,
    processor: Any = None,
    **card_kwargs: Any,
):
    """Publish a motionhub model: weights, config, processor, model card and remote code, in one commit.

    The repository is created if needed (``private`` applies then); ``revision`` names a branch, created from
    ``main`` if missing. Weight files and remote code already on the branch are replaced, so re-pushing with a
    different ``max_shard_size`` leaves no stale shards.

    Args:
        model: a motionhub ``PreTrainedModel`` (encoder or task model).
        repo_id: ``"org/name"``.
        card: a ready ``ModelCard`` / README path / text instead of a generated card.
        revision: branch to commit to (default ``main``).
        private: visibility of a newly created repository.
        token: Hub token (default: ``HF_TOKEN`` / the cached login).
        max_shard_size: shard weights above this size.
        commit_message / commit_description: commit text (default ``"Upload <Class> with motionhub <version>"``).
        remote_code: bundle remote code for ``trust_remote_code`` loading without motionhub (``None``: when
            possible, with a warning otherwise; ``True``: required; ``False``: never).
        processor: the :class:`~motionhub.processor.MotionProcessor` to publish (default: see :func:`save_for_hub`).
        **card_kwargs: forwarded to :func:`generate_model_card` (``license=``, ``results=``, ``datasets=``,
            ``base_model=``, ``training_data=``, ...).

    Returns:
        ``huggingface_hub.CommitInfo``; ``.oid`` is the new commit sha (pin it with ``revision=``).
    """
    with tempfile.TemporaryDirectory(prefix="motionhub-push-") as tmp:
        save_for_hub(model, tmp, card=card, max_shard_size=max_shard_size, remote_code=remote_code,
                     repo_id=repo_id, processor=processor, **card_kwargs)
        message = commit_message or f"Upload {type(model).__name__} with motionhub {motionhub_version()}"
        return _upload(Path(tmp), repo_id, revision=revision, private=private, token=token,
                       commit_message=message, commit_description=commit_description)


def download(
    repo_id: str,
    revision: str | None = None,
    *,
    local_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    local_files_only: bool = False,
    token: str | None = None,
    allow_patterns: Sequence[str] | None = None,
    force_download: bool = False,
    repair: bool = True,
) -> Path:
    """Download a published motionhub model (config, safetensors weights, card, remote code), verify it and return
    its folder.

    Without ``local_dir`` the files go to the Hub cache (``HF_HUB_CACHE``), where ``from_pretrained(repo_id)`` and
    offline runs (``HF_HUB_OFFLINE=1`` or ``local_files_only=True``) find them. Pickled weights are never fetched.

    Every file is checked (also when it comes from the cache, online or offline) against the sha256 (LFS files) or
    git hash (regular files) and size the Hub reports for that commit, and against the hash its cache blob is named
    after (see :mod:`motionhub.hub.verify`). Damaged files are downloaded again when ``repair`` is on and the network
    is available; a file the Hub serves damaged is removed from the cache and reported.

    Args:
        repo_id: ``"org/name"``.
        revision: branch, tag or commit sha (default ``main``).
        local_dir: copy the files into this folder instead of returning the cache snapshot.
        cache_dir: a different Hub cache.
        local_files_only: do not touch the network; fail if the snapshot is not cached.
        token: Hub token for private repositories.
        allow_patterns: file patterns to fetch (default :data:`DEFAULT_ALLOW_PATTERNS`).
        force_download: download every file again even if it is cached (``motionhub download --force``).
        repair: re-download cached files that fail the check (``False``: raise :class:`DamagedFileError` with the
            repair command instead; what loading a model by repo id does).

    Returns:
        The snapshot folder (contains ``config.json``); pass it to ``from_pretrained``.

    Raises:
        huggingface_hub.errors.RepositoryNotFoundError: no such repository (or no access to it).
        huggingface_hub.errors.RevisionNotFoundError: the repository has no such branch, tag or commit.
        huggingface_hub.errors.LocalEntryNotFoundError: offline and the snapshot is not in the cache.
        FileNotFoundError: the snapshot has no ``config.json`` (not a model repository).
        DamagedFileError: a file differs from what the Hub published (the message names it and says how to repair).
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        path = snapshot_download(
            repo_id,
            revision=revision,
            cache_dir=cache_dir,
            local_dir=local_dir,
            local_files_only=local_files_only,
            token=token,
            allow_patterns=list(allow_patterns or DEFAULT_ALLOW_PATTERNS),
            force_download=force_download,
            library_name=LIBRARY_NAME,
            library_version=motionhub_version(),
        )
    except RevisionNotFoundError as err:
        err.append_to_message(f"\nmotionhub: {repo_id!r} has no revision {revision!r}; use a branch, tag or full "
                              "commit sha (see `HfApi().list_repo_refs(repo_id)`).")
        raise
    except RepositoryNotFoundError as err:
        err.append_to_message(f"\nmotionhub: repository {repo_id!r} does not exist or is private; check the id "
                              "(org/name) and your token.")
        raise
    except LocalEntryNotFoundError as err:
        raise LocalEntryNotFoundError(
            f"motionhub: {repo_id!r} (revision {revision or 'main'}) is not in the local Hub cache and network "
            f"access is disabled (offline mode or local_files_only=True). Download it once while online with "
            f"`motionhub download {repo_id}`. ({err})"
        ) from err
    path = Path(path)
    if not (path / "config.json").is_file():
        found = sorted(p.name for p in path.iterdir())
        raise FileNotFoundError(f"{repo_id!r} (revision {revision or 'main'}) has no config.json: it is not a "
                                f"motionhub / transformers model repository (files: {found})")
    _verify_download(path, repo_id, revision, local_dir=local_dir, cache_dir=cache_dir, token=token,
                     offline=local_files_only, repair=repair)
    return path


def _is_offline(local_files_only: bool) -> bool:
    from huggingface_hub import constants

    return bool(local_files_only or constants.HF_HUB_OFFLINE)


def _snapshot_commit(path: Path, local_dir: str | os.PathLike | None) -> str | None:
    """The commit sha of a downloaded snapshot: the cache folder's name, or what a ``local_dir`` download recorded."""
    if local_dir is None:
        return path.name
    meta = path / ".cache" / "huggingface" / "download" / "config.json.metadata"
    try:
        return meta.read_text(encoding="utf-8").splitlines()[0].strip() or None
    except (OSError, IndexError):
        return None


def _verify_download(path: Path, repo_id: str, revision: str | None, *, local_dir, cache_dir, token,
                     offline: bool, repair: bool) -> None:
    from huggingface_hub.errors import HfHubHTTPError

    from .verify import DamagedFileError, expected_digests, find_mismatches, repair_hint

    offline = _is_offline(offline)
    commit = _snapshot_commit(path, local_dir)
    hub = None
    if not offline and commit is not None:
        try:
            hub = expected_digests(repo_id, commit, token=token)
        except (HfHubHTTPError, OSError) as err:  # Hub unreachable after a cached snapshot_download: cache names only
            import warnings

            warnings.warn(f"motionhub: could not fetch the file hashes of {repo_id!r} from the Hub ({err}); checked "
                          "the cached files against their cache names only", stacklevel=3)
    bad = find_mismatches(path, hub)
    if not bad:
        return
    listing = "; ".join(f"{m.filename} ({m.path.resolve() if m.path.exists() else m.path}: {m.problem})" for m in bad)
    if offline or not repair:
        why = "offline, so it cannot be downloaded again" if offline and repair else "not repaired"
        raise DamagedFileError(f"{repo_id} (revision {revision or 'main'}): damaged file(s) in the local copy: "
                               f"{listing}; {why}: {repair_hint(repo_id, revision)}")
    from huggingface_hub import hf_hub_download

    for m in bad:
        hf_hub_download(repo_id, m.filename, revision=commit, cache_dir=cache_dir, local_dir=local_dir, token=token,
                        force_download=True, library_name=LIBRARY_NAME, library_version=motionhub_version())
    still = find_mismatches(path, hub, files=[m.filename for m in bad])
    if still:
        for m in still:  # never leave a wrong file under the right name
            _remove_cached(m.path)
        listing = "; ".join(f"{m.filename} ({m.problem})" for m in still)
        raise DamagedFileError(f"{repo_id} (revision {revision or 'main'}): the Hub served file(s) that do not match "
                               f"the hashes it publishes, twice: {listing}. The damaged copies were removed; try "
                               "again later, or report it to the repository's owner")
    import warnings

    warnings.warn(f"motionhub: repaired {len(bad)} damaged file(s) of {repo_id} by downloading them again: "
                  + ", ".join(m.filename for m in bad), stacklevel=3)


def _remove_cached(path: Path) -> None:
    targets = [path.resolve(), path] if path.is_symlink() else [path]
    for target in targets:
        try:
            target.unlink()
        except FileNotFoundError:
            pass
