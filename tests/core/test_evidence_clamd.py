"""The clamd client speaks INSTREAM to a real socket: clean, infected (EICAR), clamd's own
errors, and no clamd at all."""

from __future__ import annotations

import pytest

from dti.evidence.clamd import CHUNK, Clamd, ScannerUnavailable
from tests.core.fake_clamd import EICAR, fake_clamd, fake_clamd_tcp
from tests.core.hostile import PLAIN_PDF


def test_a_clean_stream_is_ok_and_sent_in_length_prefixed_chunks(tmp_path):
    data = PLAIN_PDF + bytes(3 * CHUNK)  # several chunks
    with fake_clamd(tmp_path / "clamd.sock") as clamd:
        assert Clamd(socket_path=str(tmp_path / "clamd.sock")).scan(data) is None
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [data]


def test_the_eicar_test_file_is_found_and_named(tmp_path):
    with fake_clamd(tmp_path / "clamd.sock"):
        found = Clamd(socket_path=str(tmp_path / "clamd.sock")).scan(EICAR)
    assert found == "Eicar-Test-Signature"


def test_clamd_over_tcp(tmp_path):
    with fake_clamd_tcp() as (_clamd, port):
        assert Clamd(host="127.0.0.1", port=port).scan(EICAR) == "Eicar-Test-Signature"
        assert Clamd(host="127.0.0.1", port=port).scan(b"sach") is None


def test_clamd_not_listening_is_unavailable(tmp_path):
    with pytest.raises(ScannerUnavailable, match="clamd"):
        Clamd(socket_path=str(tmp_path / "khong-co.sock")).scan(b"x")


def test_an_error_answer_is_unavailable_not_clean(tmp_path):
    answer = b"INSTREAM size limit exceeded. ERROR\0"
    with fake_clamd(tmp_path / "clamd.sock", answer), pytest.raises(ScannerUnavailable):
        Clamd(socket_path=str(tmp_path / "clamd.sock")).scan(b"x")


def test_a_silent_clamd_is_unavailable(tmp_path):
    with fake_clamd(tmp_path / "clamd.sock", answer=b""), pytest.raises(ScannerUnavailable):
        Clamd(socket_path=str(tmp_path / "clamd.sock")).scan(b"x")
