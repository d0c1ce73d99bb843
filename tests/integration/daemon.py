"""Starts build/ringmail as a real process for integration tests, and waits on what it logs.

Stdlib only; run under /usr/bin/python3. Every wait has a deadline; nothing sleeps blindly.
"""
import os
import re
import select
import signal
import subprocess
import tempfile
import time

# The smallest config the daemon serves: a metrics listener on an ephemeral loopback port,
# data under the test's directory (@DATA@ is replaced by Daemon), a short drain.
METRICS_CONFIG = """
[server]
hostname = "mail.example.test"
data-dir = "@DATA@"

[runtime]
shutdown-timeout-ms = 2000

[listener.metrics]
protocol = "metrics"
bind = ["127.0.0.1:0"]
"""

LISTENING = re.compile(r"event=listening listener=(\S+) address=(\S+)")


class Daemon:
    """A running `ringmail serve`; use as a context manager."""

    def __init__(self, binary, config_text=None, args=None, env=None, cwd=None):
        self.binary = binary
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-it-")
        self.config_path = None
        cmd = [binary, "serve"]
        if config_text is not None:
            self.config_path = os.path.join(self.dir.name, "ringmail.toml")
            with open(self.config_path, "w") as f:
                f.write(config_text.replace("@DATA@", self.dir.name))
            cmd += ["--config", self.config_path]
        cmd += args or []
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=full_env, cwd=cwd or self.dir.name)
        self.log = []
        self.listeners = {}
        self._partial = b""

    def wait_for(self, pattern, timeout=20.0):
        """Returns the first log line matching `pattern` (regex), reading output as it comes."""
        regex = re.compile(pattern)
        for line in self.log:
            if regex.search(line):
                return line
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                if self.proc.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 65536)  # unbuffered: select() and the data agree
            if not chunk:
                break
            self._partial += chunk
            *lines, self._partial = self._partial.split(b"\n")
            found = None
            for raw in lines:
                line = raw.decode(errors="replace")
                self.log.append(line)
                m = LISTENING.search(line)
                if m:
                    host, port = m.group(2).rsplit(":", 1)
                    self.listeners[m.group(1)] = (host.strip("[]"), int(port))
                if found is None and regex.search(line):
                    found = line
            if found is not None:
                return found
        raise AssertionError(f"no log line matching {pattern!r}; log:\n" + "\n".join(self.log))

    def wait_ready(self):
        self.wait_for(r"event=ready")
        return self

    def add_account(self, user="alice", password="alice-secret", domain="example.test"):
        """Makes the domain and USER@DOMAIN with the CLI, on this daemon's config."""
        for args, stdin in [(("domain", "add", domain), ""),
                            (("account", "add", user, "--email", f"{user}@{domain}",
                              "--password-stdin"), password + "\n")]:
            done = subprocess.run([self.binary, "--config", self.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        """Sends `sig` and returns the exit code; the rest of the output lands in self.log."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
            raise AssertionError("daemon did not exit after signal; log:\n" + "\n".join(self.log))
        rest = self._partial + out
        self._partial = b""
        self.log.extend(rest.decode(errors="replace").splitlines())
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        self.dir.cleanup()
