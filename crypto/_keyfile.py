"""Secure, atomic file primitives for the master key file (internal, POSIX only)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from crypto.errors import KeyConfigError, KeyFileInsecure

#: What identifies one version of the file on disk. ctime is in it so that a chmod
#: (which changes ctime only) makes the next operation re-check permissions.
Stamp = tuple[int, int, int, int, int]


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def current_stamp(path: Path) -> Stamp | None:
    try:
        return stamp_of(os.stat(path))
    except FileNotFoundError:
        return None


def read_secure(path: Path) -> tuple[Stamp, bytes]:
    """Read the whole file, refusing it if anyone but the owner can read or write it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise KeyConfigError(f"master key file {path} does not exist") from None
    with os.fdopen(fd, "rb") as handle:
        # fstat on the open descriptor: the file checked is the file read.
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise KeyFileInsecure(f"master key file {path} is not a regular file")
        if st.st_mode & 0o077:
            raise KeyFileInsecure(
                f"master key file {path} has mode {stat.S_IMODE(st.st_mode):04o}; "
                "it must not be accessible to group or others (chmod 600)"
            )
        return stamp_of(st), handle.read()


def _write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new 0600 file next to ``path`` and fsync it."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have removed bits we need; never adds any
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return temp


def _fsync_dir(path: Path) -> None:
    # Makes the rename or link itself durable, not only the file's contents.
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` so that a crash leaves either the old or the new file, whole."""
    temp = _write_temp(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path)


def create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data`` unless it exists; return whether it was created.

    XXX: written to a temporary file (O_CREAT|O_EXCL, 0600, fsync) and then hard-linked
    into place, which fails if ``path`` exists. Creating ``path`` itself with O_EXCL
    would leave a partial key file behind after a crash mid-write.
    """
    temp = _write_temp(path, data)
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path)
    return True


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the key file across processes.

    XXX: without it two concurrent rotations could each write a file missing the
    other's new version, and a master key lost that way loses every tenant.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
