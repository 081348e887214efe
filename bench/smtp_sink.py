"""The SMTP server of bench/delivery.py, in a process of its own (run under SCHED_IDLE, so that it
stands for a mail server on another machine and takes only idle CPU): aiosmtpd with STARTTLS
and AUTH required, as e2e/test_delivery.py runs it, appending one line per email to a file.
    python3 bench/smtp_sink.py DIRECTORY PORT COUNT_FILE"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

import test_delivery  # noqa: E402

directory, port, count_file = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
tally = open(count_file, "a", buffering=1)


class Tally(test_delivery.Inbox):
    async def handle_DATA(self, server, session, envelope):
        assert session.ssl is not None and session.authenticated
        tally.write("1\n")
        return "250 OK"


test_delivery.Inbox = Tally
controller, _inbox = test_delivery.smtp_server(directory, port)
print("ready", flush=True)
while True:
    time.sleep(3600)
