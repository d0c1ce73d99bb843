"""Integration: API keys and the admin role over HTTP (docs/directory.md "API keys", "Roles";
docs/http.md "Admin API"; docs/jmap.md).

A key made with the CLI opens JMAP (session, API) and, for an account with the admin role,
the admin API; an ordinary account's key or password gets 403 there; `api-key list` shows
when it was last used but never the key; a revoked key and a wrong one get 401; wrong keys
from one address end blocked (429) while the right key still works from elsewhere... and
from nowhere once revoked. Keys made over the admin API work the same, a role set over it
takes effect at once, and no key ever reaches the log. Clients: urllib.

Usage: /usr/bin/python3 test_http_auth.py PATH/TO/ringmail
"""
import base64
import http.client
import imaplib
import json
import re
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None

# One core: the rate limiter is per core, and the test counts on one limiter seeing every try.
CONFIG = METRICS_CONFIG.replace('data-dir', 'cores = [0]\ndata-dir') + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.web]
protocol = "http"
bind = ["127.0.0.1:0"]

[authentication]
password-scheme = "sha512-crypt"

[authentication.rate-limit.per-address]
failures-before-delay = 100
failures-before-block = 6

[authentication.fallback-admin]
user = "admin"
secret = "{PLAIN}admin-secret"
"""

USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]
KEY = re.compile(r"^rmk_[0-9a-f]{16}_[0-9a-f]{64}$")


class HttpAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        host, port = cls.daemon.listeners["web"]
        cls.base = f"http://{host}:{port}"
        cls.cli("domain", "add", "example.test")
        for name, extra in [("alice", []), ("bob", []), ("boss", ["--role", "admin"])]:
            cls.cli("account", "add", name, "--email", f"{name}@example.test", *extra,
                    "--password-stdin", stdin=f"{name}-pw\n")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    @classmethod
    def cli(cls, *args, stdin="", ok=True):
        done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def request(self, path, key=None, basic=None, body=None, method=None):
        """(status, parsed JSON or None) of one request with a Bearer key or Basic login."""
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = "Bearer " + key
        if basic is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{basic}:{'admin-secret' if basic == 'admin' else basic + '-pw'}".encode()
            ).decode()
        data = None if body is None else json.dumps(body).encode()
        r = urllib.request.Request(self.base + path, data=data, headers=headers,
                                   method=method or ("POST" if data is not None else "GET"))
        try:
            with urllib.request.urlopen(r, timeout=10) as answer:
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None

    def jmap_mailboxes(self, key):
        status, session = self.request("/jmap/session", key=key)
        self.assertEqual(status, 200, session)
        account = session["primaryAccounts"]["urn:ietf:params:jmap:mail"]
        status, answer = self.request("/jmap/api/", key=key, body={
            "using": USING, "methodCalls": [["Mailbox/get", {"accountId": account}, "m"]]})
        self.assertEqual(status, 200, answer)
        [[name, args, _]] = answer["methodResponses"]
        self.assertEqual(name, "Mailbox/get")
        return session["username"], sorted(m["name"] for m in args["list"])

    def new_key(self, account, name, *extra):
        done = self.cli("api-key", "add", account, name, *extra)
        key = done.stdout.strip()
        self.assertRegex(key, KEY)
        self.assertIn("shown only this once", done.stderr)
        return key

    def assert_not_logged(self, key):
        self.daemon.wait_for(r"event=admin_api", timeout=5)
        secret = key.rsplit("_", 1)[1]
        self.assertFalse([line for line in self.daemon.log if secret in line])

    def test_cli_key_for_jmap_and_revoke(self):
        key = self.new_key("alice", "laptop", "--expires", "30d")
        user, names = self.jmap_mailboxes(key)
        self.assertEqual(user, "alice")
        self.assertIn("INBOX", names)
        # An ordinary account's key is no admin's: 403, and the refusal is logged with who.
        self.assertEqual(self.request("/api/status", key=key)[0], 403)
        self.daemon.wait_for(r"event=admin_api user=alice api_key=laptop .*status=403")
        listed = self.cli("api-key", "list", "alice").stdout
        [row] = [line for line in listed.splitlines() if line.startswith("laptop ")]
        self.assertNotIn("never", row.split()[2])  # last used: just now
        self.assertNotIn(key.rsplit("_", 1)[1], listed)
        self.cli("api-key", "revoke", "alice", "laptop")
        status, body = self.request("/jmap/session", key=key)
        self.assertEqual(status, 401, body)
        refused = self.cli("api-key", "revoke", "alice", "laptop", ok=False)
        self.assertEqual(refused.returncode, 1)
        self.assert_not_logged(key)

    def test_admin_role(self):
        self.assertEqual(self.request("/api/status", basic="boss")[0], 200)
        boss_key = self.new_key("boss", "automation")
        status, accounts = self.request("/api/accounts", key=boss_key)
        self.assertEqual(status, 200)
        self.assertEqual({a["name"]: a["role"] for a in accounts}["boss"], "admin")
        self.daemon.wait_for(r"event=admin_api user=boss api_key=automation peer=\S+ "
                             r"method=GET path=/api/accounts status=200")
        self.assertEqual(self.request("/api/status", basic="bob")[0], 403)
        self.daemon.wait_for(r"event=admin_api user=bob api_key=- .*status=403")
        # A role given over the API counts at the next request; taken away, likewise.
        status, bob = self.request("/api/accounts/bob", basic="admin", method="PATCH",
                                   body={"role": "admin"})
        self.assertEqual((status, bob["role"]), (200, "admin"))
        self.assertEqual(self.request("/api/status", basic="bob")[0], 200)
        self.assertEqual(self.request("/api/accounts/bob", basic="boss", method="PATCH",
                                      body={"role": "user"})[0], 200)
        self.assertEqual(self.request("/api/status", basic="bob")[0], 403)
        self.assertEqual(self.request("/api/accounts/bob", basic="admin", method="PATCH",
                                      body={"role": "root"})[0], 400)
        self.assertIn("role:        user", self.cli("account", "show", "bob").stdout)
        self.assert_not_logged(boss_key)

    def test_keys_over_the_admin_api(self):
        status, made = self.request("/api/accounts/bob/keys", basic="admin",
                                    body={"name": "phone", "expires": "2099-01-01"})
        self.assertEqual(status, 201, made)
        self.assertRegex(made["key"], KEY)
        self.assertEqual((made["name"], made["expires"]), ("phone", "2099-01-01T00:00:00Z"))
        self.assertEqual(self.jmap_mailboxes(made["key"])[0], "bob")
        status, keys = self.request("/api/accounts/bob/keys", basic="admin")
        self.assertEqual(status, 200)
        [listed] = keys
        self.assertEqual(listed["name"], "phone")
        self.assertNotIn("key", listed)
        self.assertIsNotNone(listed["last_used"])
        self.assertEqual(self.request("/api/accounts/bob/keys", basic="admin",
                                      body={"name": "phone"})[0], 409)
        self.assertEqual(self.request("/api/accounts/bob/keys", basic="admin",
                                      body={"name": "x", "expires": "yesterday"})[0], 400)
        self.assertEqual(self.request("/api/accounts/nobody/keys", basic="admin")[0], 404)
        status, gone = self.request("/api/accounts/bob/keys/phone", basic="admin",
                                    method="DELETE")
        self.assertEqual((status, gone), (200, {"revoked": "phone"}))
        self.assertEqual(self.request("/jmap/session", key=made["key"])[0], 401)
        self.assert_not_logged(made["key"])

    def test_disabled_account_key_fails(self):
        key = self.new_key("bob", "disabled-later")
        self.assertEqual(self.request("/jmap/session", key=key)[0], 200)
        self.cli("account", "update", "bob", "--inactive")
        try:
            self.assertEqual(self.request("/jmap/session", key=key)[0], 401)
        finally:
            self.cli("account", "update", "bob", "--active")
        self.assertEqual(self.request("/jmap/session", key=key)[0], 200)
        self.cli("api-key", "revoke", "bob", "disabled-later")

    def test_wrong_keys_rate_limited(self):
        good = self.new_key("alice", "ratelimit")
        # Wrong keys from this address: 401 until the limiter blocks it (the 6th failure in
        # all, the few of earlier tests included), then 429, even for the right key.
        statuses = []
        for i in range(12):
            wrong = f"rmk_{i:016x}_" + "0" * 64
            statuses.append(self.request("/jmap/session", key=wrong)[0])
            if statuses[-1] == 429:
                break
        self.assertEqual(statuses[-1], 429, statuses)
        self.assertTrue(all(s == 401 for s in statuses[:-1]), statuses)
        self.assertEqual(self.request("/api/status", key="not-a-key-at-all")[0], 429)
        self.daemon.wait_for(r"event=auth_blocked")
        self.cli("api-key", "revoke", "alice", "ratelimit")
        self.assert_not_logged(good)

    def test_event_source_with_key_woken_by_imap_create(self):
        # The stream is woken by the change itself (the store is re-read only every 30 s).
        key = self.new_key("alice", "push")
        host, port = self.daemon.listeners["web"]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/jmap/eventsource/?types=Mailbox&closeafter=state&ping=0",
                     headers={"Authorization": "Bearer " + key})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn(b": waiting", r.fp.readline() + r.fp.readline())
        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        imap.login("alice", "alice-pw")
        self.assertEqual(imap.create("Pushed")[0], "OK")
        body = b""
        while True:  # the stream ends (last chunk "0") after the change's one event
            line = r.fp.readline()
            self.assertNotEqual(line, b"")
            if line.strip() == b"0":
                break
            body += line
        self.assertEqual(body.count(b"event: state"), 1, body)
        imap.logout()
        conn.close()
        self.cli("api-key", "revoke", "alice", "push")

    def test_no_credentials_offers_both_schemes(self):
        r = urllib.request.Request(self.base + "/jmap/session")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(r, timeout=10)
        challenges = e.exception.headers.get_all("WWW-Authenticate")
        self.assertTrue(any(c.startswith("Basic ") for c in challenges), challenges)
        self.assertTrue(any(c.startswith("Bearer ") for c in challenges), challenges)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
