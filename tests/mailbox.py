"""A real SMTP server for the tests (aiosmtpd, in a thread of the test process) and the mail it got."""
from __future__ import annotations

import email
import errno
import re
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LINK_RE = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class ReceivedMail:
    """One mail as the server received it, parsed with the email package."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        # Python's sender folds a long encoded subject onto its own line; readers unfold it.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    @property
    def links(self) -> list[str]:
        """The web addresses in the plain-text body, in order."""
        return LINK_RE.findall(self.text)


class SMTPServer:
    """Accepts every mail on 127.0.0.1:<port> and keeps it in ``messages``.

    ``refuse = True`` makes it answer every mail with a temporary error (451), as a
    busy or broken server would.
    """

    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []
        self.refuse = False
        self._controller = self._new_controller()

    def _new_controller(self) -> Controller:
        """A controller on a port that was free a moment ago (another process may take it
        before ours binds it: ``start`` then tries another)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        return Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=default_policy)
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self, attempts: int = 5) -> None:
        for attempt in range(attempts):
            try:
                self._controller.start()
                return
            except OSError as error:
                if error.errno != errno.EADDRINUSE or attempt == attempts - 1:
                    raise
                self._controller._thread.join()   # its loop ended when the bind failed
                self._controller.loop.close()
                self._controller = self._new_controller()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.messages if address in m.rcpt_tos]
