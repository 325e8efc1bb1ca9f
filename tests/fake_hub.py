# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A loopback fake of the Hugging Face Hub HTTP API, for tests that must not touch the network.

huggingface_hub ships no mock server and its own tests use the staging Hub, so motionhub's tests talk to this small
in-memory server instead. It listens on ``127.0.0.1`` on a random free port, uses only the standard library, and
implements the subset of the Hub API that ``huggingface_hub`` (2.x, with ``HF_HUB_DISABLE_XET=1``) uses to create a
repository, upload files (pre-upload, LFS batch + basic PUT, NDJSON commit, README front-matter validation) and
download them (repo info, tree, refs, paths-info, resolve with ETag / X-Repo-Commit / Range):

=====================================================  ==========================================================
route                                                  used by
=====================================================  ==========================================================
``GET  /api/whoami-v2``                                ``whoami``
``POST /api/repos/create``                             ``create_repo`` (409 when it exists)
``DELETE /api/repos/delete``                           ``delete_repo``
``GET  /api/{type}s/{id}[/revision/{rev}]``            ``repo_info`` / ``model_info`` (``sha``, ``siblings``)
``GET  /api/{type}s/{id}/tree/{rev}[/{path}]``         ``list_repo_tree`` (``?recursive=``), ``snapshot_download``
``GET  /api/{type}s/{id}/refs``                        ``list_repo_refs``
``GET  /api/{type}s/{id}/commits/{rev}``               ``list_repo_commits``
``POST /api/{type}s/{id}/branch/{branch}``             ``create_branch`` (from ``startingPoint`` or main)
``POST /api/{type}s/{id}/paths-info/{rev}``            ``get_paths_info``
``POST /api/{type}s/{id}/preupload/{rev}``             ``create_commit`` (``uploadMode`` lfs / regular)
``POST /api/{type}s/{id}/commit/{rev}``                ``create_commit`` (NDJSON: header, file, lfsFile, deleted*)
``POST /api/validate-yaml``                            ``create_commit`` of a README.md, ``ModelCard.validate``
``POST /{id}.git/info/lfs/objects/batch``              LFS upload negotiation (``transfer: basic``)
``PUT  /lfs-upload/{sha256}``                          LFS upload (sha256 checked)
``HEAD|GET /{id}/resolve/{rev}/{path}``                ``hf_hub_download`` (ETag, X-Repo-Commit, Range → 206)
=====================================================  ==========================================================

Errors carry the ``X-Error-Code`` header the client maps to exceptions: ``RepoNotFound``
(``RepositoryNotFoundError``), ``RevisionNotFound`` (``RevisionNotFoundError``) and ``EntryNotFound``
(``RemoteEntryNotFoundError``). Revisions are branch names or full 40-hex commit shas. Every request is recorded in
:attr:`FakeHub.requests` so tests can assert on the traffic (e.g. that weights went through the LFS path).

The client must be pointed at the server *before* it builds URLs: set ``HF_ENDPOINT`` before importing
huggingface_hub, or patch ``huggingface_hub.constants.ENDPOINT`` and ``HUGGINGFACE_CO_URL_TEMPLATE`` at runtime
(:meth:`FakeHub.client_environment` lists the values).

Example::

    with FakeHub() as hub:
        api = HfApi(endpoint=hub.url, token="hf_fake")
        api.create_repo("me/model")
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = ["LFS_SUFFIXES", "FakeHub"]

#: Files committed as LFS pointers (the Hub decides this from .gitattributes; the default one lists these).
LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".npz", ".npy", ".pkl", ".h5", ".onnx", ".zip", ".gz")
#: Files above this size go through LFS whatever their name (the Hub's limit for regular files is 10 MB).
LFS_THRESHOLD = 10 * 1024 * 1024

_GITATTRIBUTES = "".join(f"*{suffix} filter=lfs diff=lfs merge=lfs -text\n" for suffix in LFS_SUFFIXES)
_COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
_REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def _git_blob_sha1(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


@dataclass(frozen=True)
class _Blob:
    content: bytes
    lfs: bool

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def git_sha1(self) -> str:
        return _git_blob_sha1(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def etag(self) -> str:
        # The Hub's ETag is the git blob sha1 for regular files and the sha256 for LFS files.
        return self.sha256 if self.lfs else self.git_sha1


@dataclass
class _Commit:
    oid: str
    parent: str | None
    title: str
    description: str
    date: str
    files: dict[str, _Blob]


@dataclass
class _Repo:
    repo_id: str
    repo_type: str
    private: bool
    created_at: str
    commits: dict[str, _Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> _Commit | None:
        revision = revision.removeprefix("refs/heads/")
        if revision in self.branches:
            return self.commits[self.branches[revision]]
        if _COMMIT_RE.match(revision) and revision in self.commits:
            return self.commits[revision]
        return None


class _HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


class FakeHub:
    """In-memory Hub on ``http://127.0.0.1:<random port>``; start/stop it or use it as a context manager.

    Args:
        timeout: socket timeout (s) of every connection on the server side, so a stuck client never hangs a test.
        user: name returned by ``whoami``.
    """

    def __init__(self, *, timeout: float = 30.0, user: str = "motionhub-tester"):
        self.timeout = timeout
        self.user = user
        self.repos: dict[tuple[str, str], _Repo] = {}
        self.lfs_store: dict[str, bytes] = {}
        #: ``(method, path)`` of every request served, in order.
        self.requests: list[tuple[str, str]] = []
        #: ``callable(path_in_repo, content) -> content`` applied to every file download (the headers, ETag
        #: included, still describe the stored file): a server or proxy that corrupts what it serves.
        self.tamper = None
        #: ``callable(method, path) -> bool``: when it answers True for a request, the server reads half of the
        #: request's body and closes the connection without answering, as a server that stops mid-upload (e.g.
        #: ``lambda method, path: method == "PUT"`` breaks every LFS upload). ``None``: every request is served.
        self.hang_up = None
        self._lock = threading.RLock()
        self._counter = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeHub is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        if self._server is not None:
            return self
        hub = self

        class Handler(_Handler):
            fake_hub = hub
            timeout = hub.timeout

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def client_environment(self, home: str) -> dict[str, str]:
        """Environment variables that point a fresh huggingface_hub / transformers process at this server."""
        return {
            "HF_ENDPOINT": self.url,
            "HF_HOME": home,
            "HF_HUB_CACHE": f"{home}/hub",
            "HF_TOKEN": "hf_fake_token",
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_OFFLINE": "0",
        }

    # ------------------------------------------------------------------ helpers for tests
    def commits(self, repo_id: str, repo_type: str = "model") -> list[str]:
        """Commit shas of ``repo_id``'s main branch, oldest first."""
        repo = self._repo(repo_type, repo_id)
        oid: str | None = repo.branches["main"]
        chain = []
        while oid is not None:
            chain.append(oid)
            oid = repo.commits[oid].parent
        return chain[::-1]

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, bytes]:
        """Files of ``repo_id`` at ``revision`` (path → content)."""
        commit = self._commit(self._repo(repo_type, repo_id), revision)
        return {path: blob.content for path, blob in commit.files.items()}

    # ------------------------------------------------------------------ state (called under the lock)
    def _new_oid(self, *parts: str) -> str:
        self._counter += 1
        return hashlib.sha1("\x00".join((*parts, str(self._counter), str(time.time_ns()))).encode()).hexdigest()

    def _repo(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self.repos.get((repo_type, repo_id))
        if repo is None:
            raise _HubError(404, f"Repository {repo_id!r} not found", "RepoNotFound")
        return repo

    @staticmethod
    def _commit(repo: _Repo, revision: str) -> _Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise _HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return commit

    def _create_repo(self, repo_type: str, repo_id: str, private: bool) -> _Repo:
        if (repo_type, repo_id) in self.repos:
            raise _HubError(409, "You already created this repo")
        repo = _Repo(repo_id=repo_id, repo_type=repo_type, private=private, created_at=_now())
        oid = self._new_oid(repo_type, repo_id, "initial commit")
        repo.commits[oid] = _Commit(
            oid, None, "initial commit", "", _now(), {".gitattributes": _Blob(_GITATTRIBUTES.encode(), lfs=False)}
        )
        repo.branches["main"] = oid
        self.repos[(repo_type, repo_id)] = repo
        return repo

    def _apply_commit(self, repo: _Repo, revision: str, lines: list[dict]) -> _Commit:
        if not lines or lines[0].get("key") != "header":
            raise _HubError(400, "commit payload must start with a header line")
        header = lines[0]["value"]
        branch = revision.removeprefix("refs/heads/")
        if branch not in repo.branches:
            raise _HubError(404, f"Invalid rev id: {revision} (commits go to a branch)", "RevisionNotFound")
        head = repo.commits[repo.branches[branch]]
        parent_commit = header.get("parentCommit")
        if parent_commit is not None and parent_commit != head.oid:
            raise _HubError(412, f"parentCommit {parent_commit} is not the head of {branch} ({head.oid})")
        files = dict(head.files)
        for line in lines[1:]:
            key, value = line.get("key"), line.get("value", {})
            path = value.get("path", "")
            if key == "file":
                if value.get("encoding", "base64") != "base64":
                    raise _HubError(400, f"unsupported encoding {value.get('encoding')!r}")
                content = base64.b64decode(value["content"])
                files[path] = _Blob(content, lfs=False)
            elif key == "lfsFile":
                oid = value.get("oid", "")
                if oid not in self.lfs_store:
                    raise _HubError(422, f"LFS object {oid} of {path!r} was never uploaded")
                files[path] = _Blob(self.lfs_store[oid], lfs=True)
            elif key == "deletedFile":
                if files.pop(path, None) is None:
                    raise _HubError(404, f"cannot delete {path!r}: no such file", "EntryNotFound")
            elif key == "deletedFolder":
                prefix = path.rstrip("/") + "/"
                for name in [name for name in files if name.startswith(prefix)]:
                    del files[name]
            else:
                raise _HubError(400, f"unknown commit operation {key!r}")
        oid = self._new_oid(repo.repo_id, head.oid, header.get("summary", ""))
        commit = _Commit(oid, head.oid, header.get("summary", ""), header.get("description", ""), _now(), files)
        repo.commits[oid] = commit
        repo.branches[branch] = oid
        return commit


def _tree_entry(path: str, blob: _Blob, commit: _Commit | None = None) -> dict:
    entry: dict = {"type": "file", "oid": blob.git_sha1, "size": blob.size, "path": path}
    if blob.lfs:
        entry["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": 134}
    if commit is not None:
        entry["lastCommit"] = {"id": commit.oid, "title": commit.title, "date": commit.date}
    return entry


def _folder_entry(path: str, commit: _Commit | None = None) -> dict:
    entry: dict = {"type": "directory", "oid": hashlib.sha1(path.encode()).hexdigest(), "size": 0, "path": path}
    if commit is not None:
        entry["lastCommit"] = {"id": commit.oid, "title": commit.title, "date": commit.date}
    return entry


class _Handler(BaseHTTPRequestHandler):
    fake_hub: FakeHub
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"

    def log_message(self, format, *args):
        pass

    # ------------------------------------------------------------------ plumbing
    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, ctype: str = "") -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if ctype:
            self.send_header("Content-Type", ctype)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, payload, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers, ctype="application/json")

    def _dispatch(self) -> None:
        hub = self.fake_hub
        split = urlsplit(self.path)
        with hub._lock:
            hub.requests.append((self.command, split.path))
        segments = [unquote(s) for s in split.path.strip("/").split("/")] if split.path.strip("/") else []
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if hub.hang_up is not None and hub.hang_up(self.command, split.path):
            return self._hang_up()
        try:
            body = self._body() if self.command in ("POST", "PUT", "DELETE") else b""
            self._route(segments, query, body)
        except _HubError as err:
            headers = {"X-Error-Message": err.message}
            if err.code:
                headers["X-Error-Code"] = err.code
            self._json({"error": err.message}, err.status, headers)
        except Exception as err:  # noqa: BLE001 - a bug in the fake: answer 500 instead of hanging the client
            self._json({"error": f"FakeHub internal error: {type(err).__name__}: {err}"}, 500)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _dispatch

    def _hang_up(self) -> None:
        """Read half of the body, then close the connection without a response (see :attr:`FakeHub.hang_up`)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length // 2)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ------------------------------------------------------------------ routing
    def _route(self, seg: list[str], query: dict[str, str], body: bytes) -> None:
        hub = self.fake_hub
        method = self.command
        if seg[:1] == ["api"]:
            if seg == ["api", "whoami-v2"] and method == "GET":
                return self._json({"type": "user", "name": hub.user, "fullname": hub.user, "orgs": [],
                                   "auth": {"type": "access_token", "accessToken": {"displayName": "fake",
                                                                                    "role": "write"}}})
            if seg == ["api", "repos", "create"] and method == "POST":
                return self._create(json.loads(body or b"{}"))
            if seg == ["api", "repos", "delete"] and method == "DELETE":
                return self._delete(json.loads(body or b"{}"))
            if seg == ["api", "validate-yaml"] and method == "POST":
                return self._validate_yaml(json.loads(body or b"{}"))
            if len(seg) >= 4 and seg[1] in _REPO_TYPES:
                repo_type, repo_id, rest = _REPO_TYPES[seg[1]], f"{seg[2]}/{seg[3]}", seg[4:]
                return self._repo_api(method, repo_type, repo_id, rest, query, body)
            raise _HubError(404, f"FakeHub does not implement {method} {self.path}")
        if seg[:1] == ["lfs-upload"] and method == "PUT" and len(seg) == 2:
            return self._lfs_put(seg[1], body)
        # Repo-scoped git/file routes: models have no URL prefix, datasets/spaces have "datasets/" / "spaces/".
        repo_type, rest = ("model", seg)
        if seg[:1] == ["datasets"] or seg[:1] == ["spaces"]:
            repo_type, rest = _REPO_TYPES[seg[0]], seg[1:]
        # LFS batch: /{prefix}{ns}/{name}.git/info/lfs/objects/batch
        if len(rest) == 6 and rest[2:] == ["info", "lfs", "objects", "batch"] and method == "POST":
            return self._lfs_batch(repo_type, f"{rest[0]}/{rest[1].removesuffix('.git')}", json.loads(body))
        # File download: /{prefix}{ns}/{name}/resolve/{rev}/{path...}
        if len(rest) >= 5 and rest[2] == "resolve" and method in ("GET", "HEAD"):
            return self._resolve(repo_type, f"{rest[0]}/{rest[1]}", rest[3], "/".join(rest[4:]))
        raise _HubError(404, f"FakeHub does not implement {method} {self.path}")

    # ------------------------------------------------------------------ repos
    def _create(self, payload: dict) -> None:
        hub = self.fake_hub
        name, org = payload.get("name"), payload.get("organization")
        if not name:
            raise _HubError(400, "missing repo name")
        repo_id = f"{org}/{name}" if org else f"{hub.user}/{name}"
        repo_type = payload.get("type") or "model"
        url = f"{hub.url}/{_URL_PREFIX[repo_type]}{repo_id}"
        with hub._lock:
            try:
                hub._create_repo(repo_type, repo_id, bool(payload.get("private")))
            except _HubError as err:
                self._json({"error": err.message, "url": url}, err.status, {"X-Error-Message": err.message})
                return
        self._json({"url": url, "name": repo_id, "id": repo_id})

    def _delete(self, payload: dict) -> None:
        hub = self.fake_hub
        org, name = payload.get("organization"), payload.get("name")
        repo_id = f"{org}/{name}" if org else f"{hub.user}/{name}"
        with hub._lock:
            hub._repo(payload.get("type") or "model", repo_id)
            del hub.repos[(payload.get("type") or "model", repo_id)]
        self._json({})

    def _validate_yaml(self, payload: dict) -> None:
        content = payload.get("content", "")
        if content.startswith("---"):
            end = content.find("\n---", 3)
            if end < 0:
                raise _HubError(400, "README.md front matter is not closed by '---'")
        self._json({"errors": [], "warnings": []})

    def _repo_api(self, method: str, repo_type: str, repo_id: str, rest: list[str], query: dict, body: bytes):
        hub = self.fake_hub
        with hub._lock:
            repo = hub._repo(repo_type, repo_id)
            if method == "GET" and (not rest or rest[0] == "revision"):
                revision = rest[1] if len(rest) >= 2 else "main"
                return self._json(self._info(repo, hub._commit(repo, revision)))
            if method == "GET" and rest[:1] == ["tree"] and len(rest) >= 2:
                commit = hub._commit(repo, rest[1])
                recursive = query.get("recursive", "false").lower() in ("1", "true")
                expand = query.get("expand", "false").lower() in ("1", "true")
                return self._json(self._tree(commit, "/".join(rest[2:]), recursive, expand))
            if method == "GET" and rest == ["refs"]:
                branches = [{"name": name, "ref": f"refs/heads/{name}", "targetCommit": oid}
                            for name, oid in repo.branches.items()]
                return self._json({"branches": branches, "converts": [], "tags": []})
            if method == "GET" and rest[:1] == ["commits"] and len(rest) == 2:
                commit: _Commit | None = hub._commit(repo, rest[1])
                out = []
                while commit is not None:
                    out.append({"id": commit.oid, "title": commit.title, "message": commit.description,
                                "authors": [{"user": hub.user}], "date": commit.date})
                    commit = repo.commits[commit.parent] if commit.parent else None
                return self._json(out)
            if method == "POST" and rest[:1] == ["branch"] and len(rest) == 2:
                payload = json.loads(body or b"{}")
                if rest[1] in repo.branches:
                    raise _HubError(409, f"branch {rest[1]!r} already exists")
                start = hub._commit(repo, payload.get("startingPoint") or "main")
                repo.branches[rest[1]] = start.oid
                return self._json({})
            if method == "POST" and rest[:1] == ["paths-info"] and len(rest) == 2:
                return self._paths_info(hub._commit(repo, rest[1]), body)
            if method == "POST" and rest[:1] == ["preupload"] and len(rest) == 2:
                return self._preupload(hub._commit(repo, rest[1]), json.loads(body))
            if method == "POST" and rest[:1] == ["commit"] and len(rest) == 2:
                if query.get("create_pr"):
                    raise _HubError(400, "FakeHub does not implement pull requests (create_pr)")
                lines = [json.loads(line) for line in body.splitlines() if line.strip()]
                commit = hub._apply_commit(repo, rest[1], lines)
                url = f"{hub.url}/{_URL_PREFIX[repo_type]}{repo_id}/commit/{commit.oid}"
                return self._json({"success": True, "commitOid": commit.oid, "commitUrl": url,
                                   "commitMessage": commit.title, "pullRequestUrl": None})
        raise _HubError(404, f"FakeHub does not implement {method} {self.path}")

    def _info(self, repo: _Repo, commit: _Commit) -> dict:
        siblings = []
        for path, blob in sorted(commit.files.items()):
            sibling: dict = {"rfilename": path, "size": blob.size, "blobId": blob.git_sha1}
            if blob.lfs:
                sibling["lfs"] = {"size": blob.size, "sha256": blob.sha256, "pointerSize": 134}
            siblings.append(sibling)
        return {"_id": hashlib.sha1(repo.repo_id.encode()).hexdigest()[:24], "id": repo.repo_id,
                "modelId": repo.repo_id, "author": repo.repo_id.split("/")[0], "sha": commit.oid,
                "lastModified": commit.date, "createdAt": repo.created_at, "private": repo.private,
                "gated": False, "disabled": False, "downloads": 0, "likes": 0, "tags": [], "siblings": siblings}

    @staticmethod
    def _tree(commit: _Commit, path: str, recursive: bool, expand: bool) -> list[dict]:
        path = path.strip("/")
        prefix = f"{path}/" if path else ""
        if path and path in commit.files:
            raise _HubError(400, f"{path!r} is a file, not a folder")
        below = {p: b for p, b in commit.files.items() if p.startswith(prefix)}
        if path and not below:
            raise _HubError(404, f"{path!r} does not exist at {commit.oid}", "EntryNotFound")
        last = commit if expand else None
        entries, folders = [], set()
        for file_path, blob in sorted(below.items()):
            relative = file_path[len(prefix):]
            parts = relative.split("/")
            for depth in range(1, len(parts)):
                folder = prefix + "/".join(parts[:depth])
                if folder not in folders and (recursive or depth == 1):
                    folders.add(folder)
                    entries.append(_folder_entry(folder, last))
            if recursive or len(parts) == 1:
                entries.append(_tree_entry(file_path, blob, last))
        return entries

    def _paths_info(self, commit: _Commit, body: bytes) -> None:
        ctype = self.headers.get("Content-Type", "")
        if "json" in ctype:
            payload = json.loads(body)
            paths, expand = payload.get("paths", []), bool(payload.get("expand"))
        else:
            form = parse_qs(body.decode())
            paths, expand = form.get("paths", []), form.get("expand", ["False"])[-1].lower() == "true"
        out = []
        for path in paths:
            path = path.strip("/")
            last = commit if expand else None
            if path in commit.files:
                out.append(_tree_entry(path, commit.files[path], last))
            elif any(p.startswith(path + "/") for p in commit.files):
                out.append(_folder_entry(path, last))
        self._json(out)

    def _preupload(self, commit: _Commit, payload: dict) -> None:
        files = []
        for item in payload.get("files", []):
            path, size = item["path"], int(item.get("size", 0))
            lfs = path.lower().endswith(LFS_SUFFIXES) or size >= LFS_THRESHOLD
            remote = commit.files.get(path)
            oid = None if remote is None else (remote.sha256 if lfs else remote.git_sha1)
            files.append({"path": path, "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False,
                          "oid": oid})
        self._json({"files": files, "commitOid": commit.oid})

    # ------------------------------------------------------------------ LFS
    def _lfs_batch(self, repo_type: str, repo_id: str, payload: dict) -> None:
        hub = self.fake_hub
        with hub._lock:
            hub._repo(repo_type, repo_id)
            stored = set(hub.lfs_store)
        if payload.get("operation") != "upload":
            raise _HubError(400, "FakeHub only implements LFS uploads (operation=upload)")
        objects = []
        for obj in payload.get("objects", []):
            entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in stored:
                entry["actions"] = {"upload": {"href": f"{hub.url}/lfs-upload/{quote(obj['oid'])}"}}
            objects.append(entry)
        self._send(200, json.dumps({"transfer": "basic", "objects": objects, "hash_algo": "sha256"}).encode(),
                   ctype="application/vnd.git-lfs+json")

    def _lfs_put(self, oid: str, body: bytes) -> None:
        digest = hashlib.sha256(body).hexdigest()
        if digest != oid:
            raise _HubError(400, f"LFS upload content has sha256 {digest}, expected {oid}")
        with self.fake_hub._lock:
            self.fake_hub.lfs_store[oid] = body
        self._send(200)

    # ------------------------------------------------------------------ download
    def _resolve(self, repo_type: str, repo_id: str, revision: str, path: str) -> None:
        hub = self.fake_hub
        with hub._lock:
            repo = hub._repo(repo_type, repo_id)
            commit = hub._commit(repo, revision)
            blob = commit.files.get(path)
        if blob is None:
            raise _HubError(404, f"{path!r} does not exist at {commit.oid}", "EntryNotFound")
        headers = {"X-Repo-Commit": commit.oid, "ETag": f'"{blob.etag}"', "Accept-Ranges": "bytes",
                   "Content-Disposition": f'inline; filename="{path.rsplit("/", 1)[-1]}"'}
        if blob.lfs:
            headers["X-Linked-Etag"] = f'"{blob.sha256}"'
            headers["X-Linked-Size"] = str(blob.size)
        content, status = blob.content, 200
        if hub.tamper is not None:
            content = hub.tamper(path, content)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if match and (match.group(1) or match.group(2)):
            start_s, end_s = match.groups()
            if start_s:
                start, end = int(start_s), int(end_s) if end_s else blob.size - 1
            else:  # suffix range: the last N bytes
                start, end = max(blob.size - int(end_s), 0), blob.size - 1
            if start >= blob.size or start > end:
                self._send(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, b"",
                           {"Content-Range": f"bytes */{blob.size}", **headers})
                return
            end = min(end, blob.size - 1)
            content, status = blob.content[start:end + 1], 206
            headers["Content-Range"] = f"bytes {start}-{end}/{blob.size}"
        headers["Content-Length"] = str(len(content))
        self._send(status, content, headers, ctype="application/octet-stream")
