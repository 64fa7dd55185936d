"""Publishing over SFTP to a real asyncssh server on 127.0.0.1, host key checked."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from warroom.statuspage.choices import IncidentStatus
from warroom.statuspage.models import PublishRun
from warroom.statuspage.publish import publish_site
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0

asyncssh = pytest.importorskip("asyncssh", reason="the sftp extra (asyncssh) is not installed")


@dataclass
class Server:
    port: int
    root: Path
    host_key: object

    @property
    def url(self) -> str:
        return f"sftp://publisher@127.0.0.1:{self.port}/www/status"

    @property
    def site(self) -> Path:
        return self.root / "www" / "status"


@pytest.fixture
def server(tmp_path, settings):
    """An SFTP server (chrooted to a temporary folder) accepting one generated client key."""
    root = tmp_path / "remote"
    root.mkdir()
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key.write_private_key(str(tmp_path / "id_ed25519"))
    authorized = asyncssh.import_authorized_keys(client_key.export_public_key().decode())
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> object:
        return await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            authorized_client_keys=authorized,
            sftp_factory=lambda channel: asyncssh.SFTPServer(channel, chroot=str(root)),
        )

    acceptor = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    port = acceptor.get_port()  # type: ignore[attr-defined]
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {host_key.export_public_key().decode()}")
    settings.STATUS_SSH_KNOWN_HOSTS = str(known_hosts)
    settings.STATUS_SSH_KEY = str(tmp_path / "id_ed25519")
    yield Server(port, root, host_key)
    acceptor.close()  # type: ignore[attr-defined]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@pytest.fixture
def outage(db):
    return site_data.voice_outage(site_data.catalog())


def files_in(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}


def test_it_uploads_the_whole_page(outage, server):
    [result] = publish_site(T0, [server.url])
    assert result.ok, result.detail
    assert f"incidents/{outage.code}.html" in files_in(server.site)
    assert (server.site / "api/v2/summary.json").read_bytes().startswith(b'{"page":')
    assert not [p for p in files_in(server.site) if p.endswith(".part")]
    assert PublishRun.objects.get().ok


def test_a_second_push_sends_only_what_changed_and_removes_what_left(outage, server):
    publish_site(T0, [server.url])
    old_page = server.site / f"incidents/{outage.code}.html"
    outage.status = IncidentStatus.RESOLVED
    outage.save()
    gone = site_data.incident("Short blip")
    publish_site(T0, [server.url])
    gone.published_at = None
    gone.save()
    [result] = publish_site(T0, [server.url])
    assert result.ok, result.detail
    assert " unchanged" in result.detail
    assert "1 removed" in result.detail
    assert not (server.site / f"incidents/{gone.code}.html").exists()
    assert old_page.exists()


def test_an_unknown_host_key_is_refused(outage, server, tmp_path, settings):
    stranger = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    (tmp_path / "known_hosts").write_text(f"[127.0.0.1]:{server.port} {stranger}")
    [result] = publish_site(T0, [server.url])
    assert not result.ok
    assert "HostKeyNotVerifiable" in result.detail or "host key" in result.detail.lower()
    assert not server.site.exists()


def test_a_key_the_server_does_not_know_is_refused(outage, server, tmp_path, settings):
    other = asyncssh.generate_private_key("ssh-ed25519")
    other.write_private_key(str(tmp_path / "other_key"))
    settings.STATUS_SSH_KEY = str(tmp_path / "other_key")
    [result] = publish_site(T0, [server.url])
    assert not result.ok
    assert "PermissionDenied" in result.detail or "denied" in result.detail.lower()
