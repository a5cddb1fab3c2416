"""Commit a built site to the gh-pages branch and push it, without touching anything else.

Only git plumbing is used: the built folder is added to a temporary index (GIT_INDEX_FILE)
with the built folder as the work tree, so the person's working tree, index, HEAD and other
branches are never read or changed. The branch moves only if nobody moved it meanwhile
(update-ref with the old value), and an unchanged site makes no new commit.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

NO_COMMIT = "0" * 40
MARKER = ".site-builder-output"  # output.MARKER: says a folder was built by us


class PublishError(Exception):
    """Something stopped the publish; the message says what, the hint what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Published:
    commit: str
    parent: str | None
    changed: bool  # False when the site is identical to the branch's last commit
    pushed: bool
    branch: str
    remote: str | None
    files: int


@dataclass(frozen=True)
class Repository:
    """A git repository, reached through its git folder so no working tree is ever used."""

    git_dir: Path
    top: Path

    @classmethod
    def containing(cls, folder: Path) -> Repository:
        result = _git(["rev-parse", "--absolute-git-dir", "--show-toplevel"], cwd=folder)
        if result.returncode != 0:
            raise PublishError(
                f"{folder} is not inside a git repository",
                "publishing to GitHub Pages pushes a branch of the repository that holds your "
                "content: clone it from GitHub (or run 'git init' and 'git remote add origin "
                "URL'), then publish from there",
            )
        git_dir, top = result.stdout.splitlines()[:2]
        return cls(Path(git_dir), Path(top))

    def run(
        self,
        args: Sequence[str],
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        result = _git(["--git-dir", str(self.git_dir), *args], cwd=self.top, env=env)
        if check and result.returncode != 0:
            raise PublishError(
                f"git {args[0]} failed: {_first_lines(result.stderr)}",
                "fix what git says above, then publish again; nothing was changed",
            )
        return result

    def commit_of(self, ref: str) -> str | None:
        return self.object_id(f"{ref}^{{commit}}")

    def object_id(self, name: str) -> str | None:
        result = self.run(["rev-parse", "--verify", "--quiet", name], check=False)
        return result.stdout.strip() or None

    def remote_url(self, remote: str) -> str:
        result = self.run(["remote", "get-url", remote], check=False)
        if result.returncode != 0:
            known = self.run(["remote"], check=False).stdout.split()
            hint = (
                f"use --remote {known[0]}"
                if known
                else "add the GitHub repository: git remote add origin "
                "https://github.com/ORGANISATION/REPOSITORY.git"
            )
            raise PublishError(
                f"this repository has no remote called '{remote}'",
                f"{hint}; or publish with --no-push to make the commit only",
            )
        return result.stdout.strip()

    def checked_out(self, branch: str) -> bool:
        """Whether any worktree of this repository has `branch` checked out."""
        listing = self.run(["worktree", "list", "--porcelain"], check=False).stdout
        return f"branch refs/heads/{branch}" in listing.splitlines()


def publish_folder(
    repo: Repository,
    site: Path,
    *,
    branch: str = "gh-pages",
    remote: str | None = "origin",
    message: str,
) -> Published:
    """Commit every file in `site` as the whole tree of `branch`, then push it to `remote`."""
    ref = f"refs/heads/{branch}"
    if repo.checked_out(branch):
        raise PublishError(
            f"the {branch} branch is checked out, so publishing would change your files",
            "switch to your main branch (git switch main) and publish again",
        )
    if remote is not None:
        repo.remote_url(remote)
    parent = repo.commit_of(ref)
    if parent is None and remote is not None:
        parent = _fetch_remote_tip(repo, remote, branch)
    tree, files = _write_tree(repo, site)
    changed = parent is None or repo.object_id(f"{parent}^{{tree}}") != tree
    commit = _commit(repo, tree, parent, message) if changed else str(parent)
    current = repo.commit_of(ref)
    if current != commit:
        # Moves the branch only if it still points where we read it: never loses a commit.
        repo.run(["update-ref", "-m", "site-builder publish", ref, commit, current or NO_COMMIT])
    if remote is not None:
        _push(repo, remote, branch)
    return Published(
        commit=commit,
        parent=parent,
        changed=changed,
        pushed=remote is not None,
        branch=branch,
        remote=remote,
        files=files,
    )


def _commit(repo: Repository, tree: str, parent: str | None, message: str) -> str:
    args = ["commit-tree", tree, "-m", message, *(["-p", parent] if parent else [])]
    result = repo.run(args, check=False)
    if result.returncode != 0:
        identity = "identity" in result.stderr or "user.email" in result.stderr
        raise PublishError(
            f"git could not make the commit: {_first_lines(result.stderr)}",
            "tell git who you are: git config --global user.name 'Your Name' and "
            "git config --global user.email you@example.ac.uk"
            if identity
            else "fix what git says above, then publish again; nothing was changed",
        )
    return result.stdout.strip()


def _write_tree(repo: Repository, site: Path) -> tuple[str, int]:
    with tempfile.TemporaryDirectory(prefix="site-builder-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        # --force: a person's global ignore rules (*.log, .DS_Store) must not drop site files.
        in_site = ["-C", str(site), "-c", "core.autocrlf=false", "--work-tree", str(site)]
        repo.run([*in_site, "add", "--all", "--force", "."], env=env)
        files = len(repo.run(["ls-files", "--cached"], env=env).stdout.splitlines())
        tree = repo.run(["write-tree"], env=env).stdout.strip()
    return tree, files


def _fetch_remote_tip(repo: Repository, remote: str, branch: str) -> str | None:
    """In a fresh clone the branch exists only on GitHub: continue its history, don't fork it."""
    result = repo.run(["fetch", "--quiet", remote, f"refs/heads/{branch}"], check=False)
    if result.returncode != 0:
        return None  # not published before (or offline: the push will say so)
    return repo.commit_of("FETCH_HEAD")


def _push(repo: Repository, remote: str, branch: str) -> None:
    refspec = f"refs/heads/{branch}:refs/heads/{branch}"
    result = repo.run(["push", "--porcelain", remote, refspec], check=False)
    if result.returncode == 0:
        return
    said = result.stderr + result.stdout
    if "rejected" in said or "non-fast-forward" in said or "fetch first" in said:
        raise PublishError(
            f"{remote} refused the new {branch}: it has a commit this copy does not have "
            "(someone else published from another computer)",
            f"take theirs as the starting point, then publish again: git fetch {remote} "
            f"{branch} && git branch -f {branch} FETCH_HEAD (the site is rebuilt from your "
            "content, so nothing of yours is lost)",
        )
    raise PublishError(
        f"pushing to {remote} failed: {_first_lines(said)}",
        f"check that you can push to {remote} (git push {remote} {branch}); the commit is "
        f"made, so 'make publish' again will just push it",
    )


def _git(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as missing:
        raise PublishError(
            "git is not installed", "install git (https://git-scm.com/) and try again"
        ) from missing


def _first_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[:count]) or "no message"


def default_message(repo: Repository) -> str:
    """'Publish site from main@1a2b3c4', so gh-pages history says which content it shows."""
    head = repo.run(["rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    name = repo.run(["symbolic-ref", "--short", "-q", "HEAD"], check=False).stdout.strip()
    if not head:
        return "Publish site"
    return f"Publish site from {name or 'commit'}@{head}"


def uncommitted(repo: Repository, paths: Sequence[Path]) -> bool:
    """Whether content being published has changes not yet committed (read-only: no index
    refresh, thanks to --no-optional-locks)."""
    existing = [str(p) for p in paths if p.exists()]
    result = repo.run(
        [
            "--work-tree",
            str(repo.top),
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--",
            *existing,
        ],
        check=False,
    )
    return bool(result.stdout.strip())


def prepare_for_pages(site: Path, domain: str | None) -> None:
    """Files GitHub Pages reads: .nojekyll (serve files as they are, _folders included) and
    CNAME (the custom domain). The build's own marker file is not part of the site."""
    (site / ".nojekyll").write_text("", encoding="utf-8")
    if domain:
        (site / "CNAME").write_text(domain + "\n", encoding="utf-8")
    (site / MARKER).unlink(missing_ok=True)
