"""Video calls with a caseworker: providers, the call request, the browser, the hours.

A layer of its own, between the screen and the domain/sync siblings: a call needs both the
HTTP client (``sync.http_client``, for Whereby's API and the central side) and the domain's
words, and neither of those may import the other. No Kivy here; ``torg_kiosk.ui`` drives it.

- :mod:`.config` reads ``calls.toml`` (provider, topics, browser, caseworker hours);
- :mod:`.providers` makes a meeting (one module per provider, found by name);
- :mod:`.desk` sends the call request to the central side and asks how it stands;
- :mod:`.browser` opens the meeting in a browser of its own and ends it;
- :mod:`.policy` writes the Chromium policy that grants camera and microphone;
- :mod:`.hours` says whether a caseworker can answer now;
- :mod:`.session` ties them together for one visitor, on a worker thread.
"""
