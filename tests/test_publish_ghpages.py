"""`site-builder publish`: the site reaches gh-pages on the remote, and nothing else changes."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from site_builder import cli
from tests.sites import TinySite
from tests.test_validate import only_error

DOMAIN = "technicians.testford.example.ac.uk"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def repo(
    tiny_site: TinySite, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> TinySite:
    """The tiny site as a git repository on main, with a bare 'origin', work in progress in
    its working tree and index, and git's identity set for this test only."""
    home = tmp_path_factory.mktemp("home")
    for name, value in {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Sam Lee",
        "GIT_AUTHOR_EMAIL": "sam@testford.example.ac.uk",
        "GIT_COMMITTER_NAME": "Sam Lee",
        "GIT_COMMITTER_EMAIL": "sam@testford.example.ac.uk",
    }.items():
        monkeypatch.setenv(name, value)
    site = tiny_site
    with (site.content / "site.yaml").open("a", encoding="utf-8") as file:
        file.write(f"domain: {DOMAIN}\n")
    site.write(".gitignore", "/output/\n/.cache/\n")
    root = site.root
    git(root, "init", "--quiet", "--initial-branch", "main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Content")
    remote = tmp_path_factory.mktemp("remote") / "site.git"
    git(remote.parent, "init", "--quiet", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    # Work in progress that publishing must leave exactly as it is.
    site.write("notes.txt", "not committed\n")
    site.write("content/pages/draft-idea.md", "---\ntitle: An idea\ndraft: true\n---\nSoon.\n")
    git(root, "add", "content/pages/draft-idea.md")
    return site


def publish(site: TinySite, *extra: str) -> int:
    return cli.main(["publish", "-q", "--content", str(site.content), *extra])


def remote_dir(site: TinySite) -> Path:
    return Path(git(site.root, "remote", "get-url", "origin"))


def remote_files(site: TinySite, ref: str = "gh-pages") -> set[str]:
    return set(git(remote_dir(site), "ls-tree", "-r", "--name-only", ref).splitlines())


def test_publish_pushes_the_site_with_nojekyll_and_cname(repo: TinySite) -> None:
    assert publish(repo) == 0
    files = remote_files(repo)
    assert {"index.html", "about/index.html", "feed.xml", ".nojekyll", "CNAME"} <= files
    assert ".site-builder-output" not in files
    assert git(remote_dir(repo), "show", "gh-pages:CNAME") == DOMAIN
    assert "technicians.testford.example.ac.uk/about/" in git(
        remote_dir(repo), "show", "gh-pages:sitemap.xml"
    )


def test_publish_leaves_branches_index_and_working_tree_alone(repo: TinySite) -> None:
    root = repo.root
    index = root / ".git" / "index"
    before = (
        git(root, "status", "--porcelain"),
        git(root, "rev-parse", "HEAD"),
        git(root, "symbolic-ref", "HEAD"),
        git(root, "for-each-ref", "refs/heads/main"),
        hashlib.sha256(index.read_bytes()).hexdigest(),
    )
    assert publish(repo) == 0
    after = (
        git(root, "status", "--porcelain"),
        git(root, "rev-parse", "HEAD"),
        git(root, "symbolic-ref", "HEAD"),
        git(root, "for-each-ref", "refs/heads/main"),
        hashlib.sha256(index.read_bytes()).hexdigest(),
    )
    assert after == before
    assert not (root / "output").exists()
    assert git(root, "rev-parse", "gh-pages") == git(remote_dir(repo), "rev-parse", "gh-pages")


def test_second_publish_makes_a_child_commit(repo: TinySite) -> None:
    assert publish(repo) == 0
    first = git(repo.root, "rev-parse", "gh-pages")
    repo.write("content/pages/about.md", "---\ntitle: About us\n---\nChanged.\n")
    assert publish(repo) == 0
    second = git(remote_dir(repo), "rev-parse", "gh-pages")
    assert second != first
    assert git(remote_dir(repo), "rev-parse", "gh-pages^") == first


def test_publishing_an_unchanged_site_makes_no_new_commit(repo: TinySite) -> None:
    assert publish(repo) == 0
    first = git(repo.root, "rev-parse", "gh-pages")
    assert publish(repo) == 0
    assert git(repo.root, "rev-parse", "gh-pages") == first


def test_no_push_commits_locally_only(repo: TinySite) -> None:
    assert publish(repo, "--no-push", "--branch", "site", "--message", "Try it") == 0
    assert git(repo.root, "log", "-1", "--format=%s", "site") == "Try it"
    assert git(remote_dir(repo), "branch", "--list") == ""


def test_outside_a_git_repository_says_so(
    tiny_site: TinySite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tiny_site.root.parent))
    assert publish(tiny_site) == 1
    err = capsys.readouterr().err
    assert "is not inside a git repository" in err and "fix:" in err


def test_a_missing_remote_is_named_before_building(
    repo: TinySite, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo.root, "remote", "remove", "origin")
    assert publish(repo) == 1
    err = capsys.readouterr().err
    assert "no remote called 'origin'" in err and "git remote add origin" in err
    assert git(repo.root, "branch", "--list", "gh-pages") == ""


def test_a_rejected_push_says_what_to_do(
    repo: TinySite, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert publish(repo, "--no-push") == 0
    # Someone else publishes first, from another copy of the repository.
    other = tmp_path_factory.mktemp("other") / "clone"
    git(other.parent, "clone", "--quiet", str(remote_dir(repo)), str(other))
    git(other, "switch", "--quiet", "--orphan", "gh-pages")
    (other / "index.html").write_text("theirs\n", encoding="utf-8")
    git(other, "add", "index.html")
    git(other, "commit", "--quiet", "-m", "Their publish")
    git(other, "push", "--quiet", "origin", "gh-pages")
    assert publish(repo) == 1
    err = capsys.readouterr().err
    assert "origin refused the new gh-pages" in err
    assert "git fetch origin gh-pages && git branch -f gh-pages FETCH_HEAD" in err


def test_content_errors_are_reported_and_nothing_is_committed(
    repo: TinySite, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("content/technicians/alex-morgan.yaml", "name: Alex Morgan\nrole: [\n")
    assert publish(repo) == 1
    assert "alex-morgan.yaml" in capsys.readouterr().err
    assert git(repo.root, "branch", "--list", "gh-pages") == ""


# --- the custom domain in site.yaml -------------------------------------------------------------


def domain_error(site: TinySite, domain: str) -> str:
    with (site.content / "site.yaml").open("a", encoding="utf-8") as file:
        file.write(f"domain: {domain}\n")
    error = only_error(site)
    assert error.field == "domain" and error.line == 10
    return error.message + " / " + (error.hint or "")


def test_a_domain_with_a_scheme_says_to_write_the_name_alone(tiny_site: TinySite) -> None:
    said = domain_error(tiny_site, "https://technicians.testford.example.ac.uk/")
    assert "write 'technicians.testford.example.ac.uk'" in said


def test_a_domain_base_url_does_not_use_is_refused(tiny_site: TinySite) -> None:
    said = domain_error(tiny_site, "tc.testford.example.ac.uk")
    assert "set base_url: https://tc.testford.example.ac.uk/" in said


def test_publish_goes_to_the_remote_it_is_told_and_says_where(
    repo: TinySite, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh clone's origin is where it was cloned from: the README's step adds the real
    repository as another remote (or repoints origin), and the message names the address."""
    ours = tmp_path_factory.mktemp("ours") / "real-site.git"
    git(ours.parent, "init", "--quiet", "--bare", str(ours))
    git(repo.root, "remote", "add", "site", str(ours))
    assert cli.main(["publish", "--content", str(repo.content), "--remote", "site"]) == 0
    said = capsys.readouterr().out
    assert f"pushed to site ({ours})" in said
    assert "index.html" in git(ours, "ls-tree", "--name-only", "gh-pages").splitlines()
    assert git(remote_dir(repo), "branch", "--list") == ""  # origin untouched

    git(repo.root, "remote", "set-url", "origin", str(ours))
    assert cli.main(["publish", "--content", str(repo.content)]) == 0
    assert f"origin ({ours})" in capsys.readouterr().out
