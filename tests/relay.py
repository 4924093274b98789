"""A TCP relay on 127.0.0.1 in front of a real server, for the call tests' bad networks.

It reads each HTTP request the kiosk sends, waits ``delay`` seconds, forwards it to
``target`` and passes the answer back, except for the first ``lose_answers`` requests:
those reach the server, but their answer is lost on the way back (the connection closes).
"""

from __future__ import annotations

import socket
import threading
import time

import requests


class Relay:
    def __init__(self, target: str, *, delay: float = 0.0, lose_answers: int = 0):
        self.target, self.delay, self.lose_answers = target.rstrip("/"), delay, lose_answers
        #: Requests that reached the server so far.
        self.forwarded = 0
        self._count = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client:
            reader = client.makefile("rb")
            method, path, _ = reader.readline().decode().split(" ")
            headers = {}
            while (line := reader.readline().decode()) not in ("\r\n", ""):
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
            body = reader.read(int(headers.get("content-length", 0)))
            time.sleep(self.delay)
            try:
                answer = requests.request(method, self.target + path, data=body, timeout=5,
                                          headers={"Content-Type": "application/json"})  # fmt: skip
            except requests.RequestException:
                return  # the test is over and its server gone
            with self._count:
                self.forwarded += 1
                lost = self.forwarded <= self.lose_answers
            if lost or self.listener.fileno() == -1:
                return  # the request arrived; its answer is lost on the way back
            client.sendall(
                f"HTTP/1.1 {answer.status_code} OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(answer.content)}\r\nConnection: close\r\n\r\n".encode()
                + answer.content
            )

    def close(self) -> None:
        self.listener.close()
