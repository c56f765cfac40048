"Fixtures shared by the test files."
import socket
import pytest

@pytest.fixture
def no_network(monkeypatch):
    "Any name lookup or connection in this process is recorded, refused, and fails the test (a file opts in with `pytestmark`)."
    attempts = []
    def refuse(*a, **k):
        attempts.append([x for x in a if not isinstance(x, socket.socket)][:1])
        raise OSError(f"network guard: connection attempted {attempts[-1]}")
    for obj, name in [(socket, "getaddrinfo"), (socket, "create_connection"), (socket.socket, "connect"), (socket.socket, "connect_ex")]:
        monkeypatch.setattr(obj, name, refuse)
    yield
    assert not attempts, f"network attempted: {attempts}"
