"""Tries to reach the network at import: the grader's loopback, a public DNS server, a UDP packet."""
import socket as _socket

_reached = []
for _address in (("127.0.0.1", __PORT__), ("1.1.1.1", 53)):
    try:
        with _socket.create_connection(_address, timeout=1) as _s:
            _s.sendall(b"stolen")
            _reached.append(_address)
    except OSError:
        pass
try:
    _u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    _u.sendto(b"stolen", ("127.0.0.1", __PORT__))
    _reached.append("udp")
except OSError:
    pass

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _reached:
        raise RuntimeError(f"reached the network: {_reached}")
    return _solution_sobel_kernels()
