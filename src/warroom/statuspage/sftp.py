"""Pushing the exported page to an SFTP server with asyncssh (the `sftp` extra).

Each changed file is uploaded under a temporary name and renamed over the old one (POSIX
rename where the server offers it), so the served site never holds a half-written file. The
remote copy of the export's manifest says what is there already: unchanged files are not sent
again, and files that left the site are removed. The host key is always checked.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

from warroom.statuspage.export import MANIFEST, read_manifest
from warroom.statuspage.site import site_paths

CONNECT_TIMEOUT = 30


def _target(url: str) -> tuple[dict[str, Any], PurePosixPath]:
    """asyncssh's connect options and the remote directory of an sftp:// URL."""
    parts = urlsplit(url)
    if not parts.hostname or not parts.username:
        raise ValueError(f"{url}: an sftp target needs a user and a host (sftp://user@host/path)")
    path = unquote(parts.path) or "/"
    # /~/status is relative to the login directory; any other path is absolute.
    remote = PurePosixPath(path[3:] or ".") if path.startswith("/~/") else PurePosixPath(path)
    known_hosts = getattr(settings, "STATUS_SSH_KNOWN_HOSTS", "") or ()
    key = getattr(settings, "STATUS_SSH_KEY", "")
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": parts.port or 22,
        "username": unquote(parts.username),
        "known_hosts": known_hosts,  # () means ~/.ssh/known_hosts; never None (no check)
        "connect_timeout": CONNECT_TIMEOUT,
    }
    if key:
        options["client_keys"] = [key]
    return options, remote


def push(url: str, exported: Path) -> str:
    """Mirror the export in EXPORTED to the SFTP target URL; returns what was done."""
    try:
        import asyncssh  # noqa: F401
    except ImportError:
        raise RuntimeError("sftp targets need asyncssh: pip install 'warroom[sftp]'") from None
    options, remote = _target(url)
    return asyncio.run(_push(options, remote, exported))


async def _push(options: dict[str, Any], remote: PurePosixPath, exported: Path) -> str:
    import asyncssh

    local = read_manifest(exported)
    async with (
        asyncssh.connect(**options) as connection,
        connection.start_sftp_client() as client,
    ):
        await client.makedirs(str(remote), exist_ok=True)
        previous = await _remote_manifest(client, remote)
        sent = 0
        for path in site_paths(local):
            if previous.get(path) != local[path]:
                await _upload(client, exported / path, remote / path)
                sent += 1
        removed = await _remove(client, remote, set(previous) - set(local))
        await _upload(client, exported / MANIFEST, remote / MANIFEST)
    return f"{sent} sent, {len(local) - sent} unchanged, {removed} removed over SFTP"


async def _remote_manifest(client: Any, remote: PurePosixPath) -> dict[str, str]:
    import asyncssh

    try:
        async with client.open(str(remote / MANIFEST), "rb") as handle:
            data = json.loads(await handle.read())
    except (asyncssh.SFTPError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


async def _upload(client: Any, source: Path, target: PurePosixPath) -> None:
    """Upload SOURCE beside TARGET under a temporary name, then rename it over TARGET."""
    import asyncssh

    await client.makedirs(str(target.parent), exist_ok=True)
    temporary = f"{target.parent}/.{target.name}.{secrets.token_hex(4)}.part"
    await client.put(str(source), temporary)
    try:
        await client.posix_rename(temporary, str(target))
    except asyncssh.SFTPError:
        # Without the posix-rename extension, SFTP v3 refuses to rename over a file.
        if await client.exists(str(target)):
            await client.remove(str(target))
        await client.rename(temporary, str(target))


async def _remove(client: Any, remote: PurePosixPath, paths: set[str]) -> int:
    import asyncssh

    removed = 0
    for path in sorted(paths):
        if ".." in PurePosixPath(path).parts:
            continue  # a manifest naming paths outside the site is ignored, not obeyed
        try:
            await client.remove(str(remote / path))
        except asyncssh.SFTPError:
            continue
        removed += 1
    return removed
