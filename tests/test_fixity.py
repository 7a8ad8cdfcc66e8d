"""Sealing published bulletins (versions, photos, data) append-only, and proving nothing sealed was altered."""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.model.errors import RULES, has_errors
from dailyarchive.archivist.fixity import MANIFEST, SealRefused, read_sealed, seal, verify
from dailyarchive.publish.html import build
from dailyarchive.archivist.seallog import LOG
from dailyarchive.archivist.sha256sum import parse

ROOT = Path(__file__).resolve().parents[1]
PHOTO = b"\xff\xd8\xff\xe0 a photo \x00\x01"
MEMORY = 1 << 30


def errors(problems):
    """(file name, line, rule) of every error, to assert on."""
    return [(p.path.name, p.line, p.rule) for p in problems if p.level == "error"]


def invoke(*args: str, limit_file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run a task in a real process, in 1 GB of memory; `limit_file_size` makes every write past that many
    bytes fail with EFBIG, as a full disk does (root ignores permissions, so a size limit is the honest way
    to fail a write here)."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-B", "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, preexec_fn=limited)


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def sealed(archive: Path) -> Path:
    """Two bulletins, one with a photo and a data file, sealed."""
    first = write_bulletin(archive, date="2019-07-08", slug="first")
    write_raw(archive, "test-daily/2019/2019-07-08-first/photo.jpg", PHOTO)
    write_raw(archive, "test-daily/2019/2019-07-08-first/data/counts.csv", "day,killed\n2019-07-08,3\n")
    write_bulletin(archive, date="2019-07-09", slug="second")
    assert first.exists()
    seal(archive)
    return archive


# --- what is sealed, and in which format -------------------------------------------------------------------


def test_seal_lists_every_file_of_a_bulletin_in_sha256sum_format(sealed: Path):
    lines = (sealed / MANIFEST).read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == ["test-daily/2019/2019-07-08-first/data/counts.csv", "test-daily/2019/2019-07-08-first/photo.jpg",
                     "test-daily/2019/2019-07-08-first/v1.md", "test-daily/2019/2019-07-09-second/v1.md"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", line.split("  ")[0]) for line in lines)
    result = subprocess.run(["sha256sum", "-c", "--strict", MANIFEST], cwd=sealed, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count(": OK") == 4, result.stdout + result.stderr
    assert verify(sealed) == []


def test_an_unsealed_version_is_a_warning_until_sealed(sealed: Path):
    added = write_bulletin(sealed, date="2019-07-08", slug="first", version=2)

    assert [(p.path, p.level, p.rule) for p in verify(sealed)] == [(added, "warning", "fixity-unsealed")]
    assert seal(sealed).added == ["test-daily/2019/2019-07-08-first/v2.md"]
    assert verify(sealed) == []


def test_names_sha256sum_escapes_are_sealed_as_it_writes_them(archive: Path):
    write_bulletin(archive, date="2019-07-08", slug="first")
    write_raw(archive, "test-daily/2019/2019-07-08-first/scan\\no 1\n.png", PHOTO)
    seal(archive)
    written = subprocess.run(["sha256sum", "test-daily/2019/2019-07-08-first/scan\\no 1\n.png"], cwd=archive,
                             capture_output=True, check=True).stdout
    assert written in (archive / MANIFEST).read_bytes() and written.startswith(b"\\")
    assert subprocess.run(["sha256sum", "-c", "--strict", MANIFEST], cwd=archive, capture_output=True).returncode == 0
    assert verify(archive) == []


def test_dot_files_backups_and_temporary_files_are_not_sealed(archive: Path):
    write_bulletin(archive, date="2019-07-08", slug="first")
    for name in (".DS_Store", "v1.md~", ".v1.md.abc.tmp"):
        write_raw(archive, f"test-daily/2019/2019-07-08-first/{name}", "junk")
    assert seal(archive).added == ["test-daily/2019/2019-07-08-first/v1.md"]


# --- sealed means final: verify, check and the build ---------------------------------------------------------


def test_a_swapped_photo_is_an_error_and_sealing_refuses(sealed: Path):
    photo = sealed / "test-daily/2019/2019-07-08-first/photo.jpg"
    photo.write_bytes(PHOTO + b"retouched")
    before = (sealed / MANIFEST).read_bytes(), (sealed / LOG).read_bytes()

    problems = verify(sealed)
    assert [(p.path, p.line, p.rule) for p in problems] == [(photo, 1, "fixity-altered")]
    assert "photo.jpg" in problems[0].message and "invoke revise" in problems[0].message
    with pytest.raises(SealRefused):
        seal(sealed)
    assert ((sealed / MANIFEST).read_bytes(), (sealed / LOG).read_bytes()) == before


def test_a_deleted_sealed_file_is_reported_at_its_manifest_line(sealed: Path):
    (sealed / "test-daily/2019/2019-07-09-second/v1.md").unlink()
    assert errors(verify(sealed)) == [(MANIFEST, 4, "fixity-missing")]


def test_check_fails_on_an_edited_sealed_version_naming_revise(sealed: Path):
    path = sealed / "test-daily/2019/2019-07-09-second/v1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Something", "Nothing"), encoding="utf-8")

    problems = [p for p in check_archive(sealed) if p.level == "error"]
    assert [(p.path, p.line, p.rule) for p in problems] == [(path, 1, "fixity-altered")]
    assert "v1.md" in problems[0].message and "`invoke revise`" in problems[0].message
    result = invoke("check", "--archive", str(sealed))
    assert result.returncode == 1 and f"{path}:1: error:" in result.stdout, result.stdout + result.stderr


def test_the_build_fails_on_an_edited_sealed_version_and_publishes_the_head(sealed: Path, tmp_path: Path):
    out = tmp_path / "out"
    warnings = io.StringIO()
    result = build(sealed, out, ROOT / "docs", "html", status=None, warning=warnings)
    head = read_sealed(sealed).head
    assert result.status == 0, warnings.getvalue()
    assert head and head in (out / "html" / "data.html").read_text(encoding="utf-8")

    path = sealed / "test-daily/2019/2019-07-09-second/v1.md"
    path.write_bytes(path.read_bytes().replace(b"Something", b"Somethinq"))
    warnings = io.StringIO()
    result = build(sealed, out, ROOT / "docs", "html", status=None, warning=warnings)
    assert result.status != 0
    assert re.search(rf"{re.escape(str(path))}:1: WARNING: .*invoke revise.*\[dailyarchive\.fixity-altered\]",
                     warnings.getvalue()), warnings.getvalue()


# --- append-only: the seal log ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["remove a line", "change a line", "empty it", "delete it"])
def test_a_damaged_manifest_is_an_error_and_an_edited_file_is_not_sealed_again(sealed: Path, damage: str):
    manifest = sealed / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = sealed / "test-daily/2019/2019-07-09-second/v1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "Edited after publication.\n", encoding="utf-8")
    if damage == "remove a line":
        manifest.write_text("".join(lines[:3]), encoding="utf-8")  # the edited file's line goes
    elif damage == "change a line":
        checksum = subprocess.run(["sha256sum", str(edited)], capture_output=True, text=True).stdout.split()[0]
        manifest.write_text("".join(lines[:3]) + f"{checksum}  {lines[3].split('  ')[1]}", encoding="utf-8")
    elif damage == "empty it":
        manifest.write_bytes(b"")
    else:
        manifest.unlink()

    damaged = manifest.read_bytes() if manifest.exists() else None
    problems = errors(verify(sealed))
    rule = "fixity-manifest-missing" if damage == "delete it" else "fixity-manifest-changed"
    assert rule in [r for _, _, r in problems], problems
    assert invoke("verify", "--archive", str(sealed)).returncode == 1
    with pytest.raises(SealRefused):
        seal(sealed)
    assert (manifest.read_bytes() if manifest.exists() else None) == damaged  # the edit was not sealed


def test_seal_only_appends_and_keeps_comments(sealed: Path):
    manifest = sealed / MANIFEST
    manifest.write_bytes(manifest.read_bytes() + b"# checked by hand on 2019-07-10\n")
    before = manifest.read_bytes()
    write_bulletin(sealed, date="2019-07-10", slug="third")

    seal(sealed)
    after = manifest.read_bytes()
    assert after.startswith(before) and after[len(before):].endswith(b"  test-daily/2019/2019-07-10-third/v1.md\n")
    assert verify(sealed) == []


def test_the_log_chains_each_seal_to_the_one_before(sealed: Path):
    write_bulletin(sealed, date="2019-07-10", slug="third")
    seal(sealed)
    log = sealed / LOG
    text = log.read_text(encoding="utf-8")
    first, second = [line for line in text.splitlines() if not line.startswith("#")]
    assert re.fullmatch(r"\S+Z lines=4 manifest=[0-9a-f]{64} prev=0{64}", first)
    assert re.fullmatch(r"\S+Z lines=5 manifest=[0-9a-f]{64} prev=[0-9a-f]{64}", second)

    log.write_text(text.replace(first, first.replace("lines=4", "lines=3")), encoding="utf-8")
    assert ("SEAL-LOG.txt", text.splitlines().index(second) + 1, "fixity-log-broken") in errors(verify(sealed))


def test_a_cut_back_log_and_manifest_show_against_a_copy(sealed: Path, tmp_path: Path):
    copies = tmp_path / "elsewhere"
    copies.mkdir()
    shutil.copy(sealed / LOG, copies / "old-log.txt")
    shutil.copy(sealed / MANIFEST, copies / "old-manifest.txt")
    log_then, manifest_then = (sealed / LOG).read_bytes(), (sealed / MANIFEST).read_bytes()
    write_bulletin(sealed, date="2019-07-10", slug="third")
    seal(sealed)
    shutil.copy(sealed / LOG, copies / LOG)
    shutil.copy(sealed / MANIFEST, copies / MANIFEST)
    assert verify(sealed, copies / "old-log.txt") == []  # older copies: the archive only grew since
    assert verify(sealed, copies / "old-manifest.txt") == []

    (sealed / LOG).write_bytes(log_then)  # both cut back to the first seal: consistent on their own
    (sealed / MANIFEST).write_bytes(manifest_then)
    write_bulletin(sealed, date="2019-07-10", slug="third")
    assert errors(verify(sealed)) == []
    assert errors(verify(sealed, copies / LOG)) == [("SEAL-LOG.txt", 4, "fixity-copy-differs")]
    found = [p for p in verify(sealed, copies / MANIFEST) if p.level == "error"]
    assert [(p.line, p.rule) for p in found] == [(4, "fixity-copy-differs")]
    assert "line 5 of the copy" in found[0].message and "2019-07-10-third/v1.md" in found[0].message

    lines = manifest_then.decode().splitlines(keepends=True)
    (sealed / MANIFEST).write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    found = [p for p in verify(sealed, copies / "old-manifest.txt") if p.rule == "fixity-copy-differs"]
    assert [(p.line, "line 2 of the copy" in p.message) for p in found] == [(2, True)]
    result = invoke("verify", "--archive", str(sealed), "--against", str(copies / "old-manifest.txt"))
    assert result.returncode == 1 and "fixity-copy-differs" in result.stdout


def test_seal_starts_the_log_of_a_manifest_written_before_logs(archive: Path):
    write_bulletin(archive, date="2019-07-08", slug="first")
    old = subprocess.run(["sha256sum", "test-daily/2019/2019-07-08-first/v1.md"], cwd=archive,
                         capture_output=True, text=True, check=True).stdout
    (archive / MANIFEST).write_text(old, encoding="utf-8")
    assert [p.rule for p in verify(archive)] == ["fixity-log-missing"]
    assert seal(archive).added == []
    assert verify(archive) == [] and (archive / MANIFEST).read_text(encoding="utf-8") == old


# --- the manifest reads as `sha256sum -c` reads it ----------------------------------------------------------

HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"  # sha256 of b"hello"
OTHER = "0" * 64
NAME = "test-daily/2019/2019-07-08-first/v1.md"  # a version file: what the old reader checked
ODD = "test-daily/2019/2019-07-08-first/back\\slash\nnewline.txt"  # a file name sha256sum escapes

HOSTILE = {
    "two spaces": f"{HELLO}  {NAME}\n",
    "a second line for an altered file": f"{HELLO}  {NAME}\n{OTHER}  {NAME}\n",
    "the altered line first": f"{OTHER}  {NAME}\n{HELLO}  {NAME}\n",
    "binary marker": f"{HELLO} *{NAME}\n",
    "comments and blank lines": f"# sealed by hand\n\n{HELLO}  {NAME}\n# end\n",
    "a comment after blanks": f"  # not a comment to sha256sum\n{HELLO}  {NAME}\n",
    "escaped name": f"\\{HELLO}  test-daily/2019/2019-07-08-first/back\\\\slash\\nnewline.txt\n",
    "escaped name, bad escape": f"\\{HELLO}  test-daily/2019/2019-07-08-first/back\\slash\\nnewline.txt\n",
    "unescaped backslash": f"{HELLO}  test-daily/2019/2019-07-08-first/back\\\\slash\\nnewline.txt\n",
    "upper-case digest": f"{HELLO.upper()}  {NAME}\n",
    "leading blanks": f"  \t{HELLO}  {NAME}\n",
    "CRLF": f"{HELLO}  {NAME}\r\n",
    "BSD tag": f"SHA256 ({NAME}) = {HELLO}\n",
    "BSD tag, wrong digest": f"SHA256 ({NAME}) = {OTHER}\n",
    "one space": f"{HELLO} {NAME}\n",
    "one space after two": f"{HELLO}  {NAME}\n{OTHER} {NAME}\n",
    "a tab": f"{HELLO}\t{NAME}\n",
    "trailing blank in the name": f"{HELLO}  {NAME} \n",
    "short digest": f"{HELLO[:-1]}  {NAME}\n",
    "no newline at the end": f"{HELLO}  {NAME}",
    "a missing file": f"{HELLO}  {NAME}\n{HELLO}  test-daily/2019/2019-07-08-first/gone.txt\n",
}


def sha256sum_verdict(root: Path) -> tuple[bool, list[tuple[str, bool]]]:
    """What the real `sha256sum -c --strict` says: passed, and (name, OK) per checked line, names unescaped."""
    result = subprocess.run(["sha256sum", "-c", "--strict", MANIFEST], cwd=root, capture_output=True)
    checked = []
    for line in result.stdout.decode().splitlines():
        name, _, verdict = line.rpartition(": ")
        if name.startswith("\\"):
            name = name[1:].replace("\\\\", "\0").replace("\\n", "\n").replace("\\r", "\r").replace("\0", "\\")
        checked.append((name, verdict == "OK"))
    return result.returncode == 0, checked


def verify_verdict(root: Path) -> tuple[bool, list[tuple[str, bool]]]:
    """What `verify` says about the same manifest: passed, and (name, OK) per line it read."""
    problems = [p for p in verify(root) if p.level == "error"]
    failed = {p.line for p in problems if p.path.name == MANIFEST} | {
        int(line) for p in problems for line in re.findall(rf"{MANIFEST}:(\d+)", p.message)}
    entries, _ = parse((root / MANIFEST).read_bytes())
    return not has_errors(problems), [(entry.name, entry.line not in failed) for entry in entries]


@pytest.mark.parametrize("case", HOSTILE)
def test_verify_reads_the_manifest_as_sha256sum_does(archive: Path, case: str):
    write_raw(archive, NAME, "hello")
    write_raw(archive, ODD, "hello")
    (archive / MANIFEST).write_bytes(HOSTILE[case].encode())

    assert verify_verdict(archive) == sha256sum_verdict(archive)


@pytest.mark.parametrize("line", [f"{HELLO}  ../outside.txt", f"{HELLO}  /etc/hostname", f"{HELLO}  -",
                                  f"{HELLO}  {NAME}\0.ignored"])
def test_lines_sha256sum_would_follow_out_of_the_archive_are_errors(archive: Path, line: str):
    write_raw(archive, NAME, "hello")
    write_raw(archive.parent, "outside.txt", "hello")
    (archive / MANIFEST).write_bytes(line.encode() + b"\n")

    assert [r for _, _, r in errors(verify(archive))] == ["fixity-manifest-malformed"]


# --- messages, not tracebacks; nothing left behind ---------------------------------------------------------


def test_seal_on_a_full_disk_says_so_and_changes_nothing(sealed: Path):
    write_bulletin(sealed, date="2019-07-10", slug="third")
    before = {p: p.read_bytes() for p in (sealed / MANIFEST, sealed / LOG)}

    result = invoke("seal", "--archive", str(sealed), limit_file_size=len(before[sealed / MANIFEST]) + 20)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "cannot write" in result.stderr and "File too large" in result.stderr
    assert {p: p.read_bytes() for p in before} == before and temporaries(sealed) == []


def test_seal_of_an_unreadable_photo_says_which_and_writes_nothing(sealed: Path):
    write_bulletin(sealed, date="2019-07-10", slug="third")
    (sealed / "test-daily/2019/2019-07-10-third/photo.jpg").symlink_to(sealed / "nowhere.jpg")
    before = (sealed / MANIFEST).read_bytes()

    result = invoke("seal", "--archive", str(sealed))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2019-07-10-third/photo.jpg:1: error: cannot seal it" in result.stdout, result.stdout + result.stderr
    assert (sealed / MANIFEST).read_bytes() == before and temporaries(sealed) == []


def test_verify_of_unreadable_files_says_which(sealed: Path):
    photo = sealed / "test-daily/2019/2019-07-08-first/photo.jpg"
    photo.unlink()
    photo.mkdir()  # root reads any file: a folder where the photo was is what cannot be read
    result = invoke("verify", "--archive", str(sealed))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{photo}:1: error: sealed at {MANIFEST}:2 but cannot be read" in result.stdout

    (sealed / MANIFEST).rename(sealed / "kept")
    (sealed / MANIFEST).mkdir()
    result = invoke("verify", "--archive", str(sealed))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{sealed / MANIFEST}:1: error: this is a folder, not a file" in result.stdout


@pytest.mark.parametrize("name", [MANIFEST, LOG])
def test_a_manifest_or_log_linked_to_an_endless_device_is_refused_unread(sealed: Path, name: str):
    (sealed / name).unlink()
    (sealed / name).symlink_to("/dev/zero")
    result = invoke("check", "--archive", str(sealed))  # in 1 GB: /dev/zero is never read
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{sealed / name}:1: error: a symbolic link is not read" in result.stdout, result.stdout


def test_seal_waits_for_the_archive_lock_then_names_the_holder(archive: Path):
    from dailyarchive.build.locks import LockHeld

    write_bulletin(archive, date="2019-07-08", slug="first")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from dailyarchive.build.locks import hold\n"
                               "with hold(Path(sys.argv[1]), 'build'):\n print('held', flush=True); time.sleep(60)",
                               str(archive)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(LockHeld, match=f"pid {holder.pid}"):
            seal(archive, wait=0.3)
        assert not (archive / MANIFEST).exists() and not (archive / LOG).exists()
    finally:
        holder.kill()
        holder.wait()
    assert seal(archive).added == ["test-daily/2019/2019-07-08-first/v1.md"]


@pytest.mark.parametrize("task", ["seal", "verify"])
def test_seal_and_verify_of_a_folder_that_is_no_archive(tmp_path: Path, task: str):
    result = invoke(task, "--archive", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no series.yml" in result.stderr and not (tmp_path / "nowhere").exists()


@pytest.fixture
def read_only(tmp_path: Path):
    """A folder on a tmpfs that can be remounted read-only (root ignores file permissions)."""
    folder = tmp_path / "mounted"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("this machine cannot mount a tmpfs (needed for a read-only folder as root)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_seal_in_a_read_only_archive_says_so(read_only: Path):
    from helpers import write_archive

    archive = write_archive(read_only / "archive")
    write_bulletin(archive, date="2019-07-08", slug="first")
    subprocess.run(["mount", "-o", "remount,ro", str(read_only)], check=True)

    result = invoke("seal", "--archive", str(archive))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Read-only file system" in result.stderr and "nothing was sealed" in result.stderr
    assert invoke("verify", "--archive", str(archive)).returncode == 0  # reading needs no writing


def test_every_fixity_rule_is_registered():
    for rule in ("fixity-altered", "fixity-missing", "fixity-unsealed", "fixity-manifest-malformed",
                 "fixity-manifest-changed", "fixity-manifest-missing", "fixity-log-broken", "fixity-log-missing",
                 "fixity-copy-differs"):
        assert rule in RULES


def test_the_sample_archive_is_sealed_and_intact():
    root = ROOT / "archive"
    problems = verify(root)
    assert [p.format(root) for p in problems if p.level == "error"] == []
    # a bulletin added since the last seal is the one thing allowed: the daily routine seals after checking
    assert {p.rule for p in problems} <= {"fixity-unsealed"}, [p.format(root) for p in problems]
    assert (root / LOG).is_file() and read_sealed(root).entries
    assert os.path.getsize(root / MANIFEST) > 0
