"""Integration: the administration CLI (CONTRACT.md, docs/directory.md) and the directory
settings the daemon checks at start.

`ringmail domain ...`, `account ...` and `dns-records` against SQLite (also while a server has
the same database open) and PostgreSQL (a private cluster through tests/store/pg_cluster.sh);
exit codes 0/1/2; passwords only from stdin and stored hashed (checked with libxcrypt through
Python's crypt module); the fallback administrator's plain or default secret refused unless
every listener is on loopback.

Usage: /usr/bin/python3 test_cli.py PATH/TO/ringmail
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # removed in 3.13; Debian 12 has 3.11
    import crypt  # libxcrypt: verifies the yescrypt/sha512-crypt strings the CLI stores

from daemon import METRICS_CONFIG, Daemon
from test_storage import PostgresCluster, exit_code

BINARY = None


def config(bind="127.0.0.1:0", extra=""):
    """The metrics-only config, its listener on `bind`, with `extra` tables appended."""
    return METRICS_CONFIG.replace("127.0.0.1:0", bind) + extra


class Cli:
    """Runs `ringmail --config FILE ...` in a scratch directory, removed with the test."""

    def __init__(self, test, config_text):
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-cli-")
        test.addCleanup(self.dir.cleanup)
        self.config = os.path.join(self.dir.name, "ringmail.toml")
        with open(self.config, "w") as f:
            f.write(config_text.replace("@DATA@", self.dir.name))

    def run(self, *args, stdin=""):
        out = subprocess.run([BINARY, "--config", self.config, *args], input=stdin,
                             capture_output=True, text=True, timeout=60)
        return out.returncode, out.stdout, out.stderr

    def ok(self, *args, stdin=""):
        code, out, err = self.run(*args, stdin=stdin)
        if code != 0:
            raise AssertionError(f"{args} exited {code}: {err}")
        return out

    def db(self):
        return sqlite3.connect(os.path.join(self.dir.name, "meta.db"))


class AccountsTest(unittest.TestCase):
    def exercise(self, cli, secret_of):
        cli.ok("domain", "add", "Example.TEST")
        cli.ok("domain", "add", "bücher.example")
        self.assertEqual(cli.ok("domain", "list").splitlines(),
                         ["example.test", "xn--bcher-kva.example (bücher.example)"])
        cli.ok("account", "add", "team", "--type", "group", "--email", "team@example.test")
        cli.ok("account", "add", "alice", "--email", "Alice@Example.test", "--email",
               "ali@bücher.example", "--member-of", "team", "--quota", "1G",
               "--password-stdin", stdin="correct horse\n")
        shown = cli.ok("account", "show", "alice")
        self.assertIn("alice@example.test, ali@xn--bcher-kva.example", shown)
        self.assertIn("member of:   team", shown)
        self.assertIn("of 1073741824", shown)
        stored = secret_of("alice")
        self.assertTrue(stored.startswith("$y$"), stored)
        self.assertEqual(crypt.crypt("correct horse", stored), stored)
        self.assertNotIn("correct horse", stored)

        cli.ok("account", "passwd", "alice", "--password-stdin", stdin="battery staple\n")
        self.assertNotEqual(secret_of("alice"), stored)
        self.assertEqual(crypt.crypt("battery staple", secret_of("alice")), secret_of("alice"))

        cli.ok("account", "update", "alice", "--add-email", "a@example.test", "--remove-email",
               "ali@bücher.example", "--remove-member-of", "team", "--inactive")
        shown = cli.ok("account", "show", "alice")
        self.assertIn("alice@example.test, a@example.test", shown)
        self.assertIn("(inactive)", shown)
        self.assertIn("member of:   -", shown)
        listing = cli.ok("account", "list").splitlines()
        self.assertEqual([l.split()[0] for l in listing], ["alice", "team"])

        # Refused operations: exit 1 with the reason.
        code, _, err = cli.run("account", "add", "bob", "--email", "bob@nowhere.test")
        self.assertEqual(code, 1)
        self.assertIn("not a local domain", err)
        code, _, err = cli.run("account", "add", "carol", "--email", "alice@EXAMPLE.test")
        self.assertEqual(code, 1)
        self.assertIn("belongs to another account", err)
        code, _, err = cli.run("domain", "remove", "example.test")
        self.assertEqual(code, 1)
        self.assertIn("still has", err)
        code, _, err = cli.run("account", "passwd", "alice", "--password-stdin", stdin="")
        self.assertEqual(code, 1)
        # Usage errors: exit 2. A password never comes from argv.
        self.assertEqual(cli.run("account", "add", "dave", "--password", "pw")[0], 2)
        self.assertEqual(cli.run("domain", "frobnicate")[0], 2)

        cli.ok("account", "remove", "alice")
        cli.ok("account", "remove", "team")
        cli.ok("domain", "remove", "example.test")
        self.assertEqual(cli.ok("domain", "list").splitlines(),
                         ["xn--bcher-kva.example (bücher.example)"])
        self.assertEqual(cli.run("account", "remove", "alice")[0], 1)

    def test_sqlite_while_the_server_runs(self):
        cli = Cli(self, config())
        with Daemon(BINARY, config().replace("@DATA@", cli.dir.name)) as d:
            d.wait_ready()
            self.exercise(cli, lambda name: cli.db().execute(
                "SELECT secret FROM accounts WHERE name = ?", (name,)).fetchone()[0])
            self.assertEqual(d.stop(), 0)

    def test_postgresql(self):
        with PostgresCluster() as pg:
            cli = Cli(self, config(extra=f'\n[storage]\nmetadata = "{pg.uri()}"\n'))
            self.exercise(cli, lambda name: pg.query(
                f"SELECT secret FROM accounts WHERE name = '{name}'"))

    def test_other_directories_are_not_managed_here(self):
        cli = Cli(self, config(extra='\n[directory]\ntype = "memory"\n'))
        code, _, err = cli.run("domain", "add", "example.test")
        self.assertEqual(code, 1)
        self.assertIn("memory directory", err)


class DnsRecordsTest(unittest.TestCase):
    def test_records_follow_the_listeners(self):
        # The listeners' ports are what the records publish (the server need not run).
        cli = Cli(self, config(extra='\n[listener.imap]\nprotocol = "imap"\nbind = ["127.0.0.1:143"]\n'
                               '\n[listener.smtp]\nprotocol = "smtp"\nbind = ["127.0.0.1:25"]\n'))
        out = cli.ok("dns-records", "bücher.example")
        lines = [l for l in out.splitlines() if l and not l.startswith(";")]
        self.assertIn("xn--bcher-kva.example. 3600 IN MX 10 mail.example.test.",
                      [" ".join(l.split()) for l in lines])
        self.assertIn("_imap._tcp.xn--bcher-kva.example. 3600 IN SRV 10 1 143 mail.example.test.",
                      [" ".join(l.split()) for l in lines])
        self.assertIn("_imaps._tcp.xn--bcher-kva.example. 3600 IN SRV 0 0 0 .",
                      [" ".join(l.split()) for l in lines])
        for line in lines:
            name, ttl, cls, rtype = line.split()[:4]
            self.assertTrue(name.endswith("."), line)
            self.assertEqual((ttl, cls), ("3600", "IN"))
        self.assertEqual(cli.run("dns-records", "not a domain")[0], 1)


class FallbackAdminTest(unittest.TestCase):
    ADMIN = '\n[authentication.fallback-admin]\nuser = "admin"\nsecret = "{secret}"\n'

    def start(self, bind, secret):
        return Daemon(BINARY, config(bind, self.ADMIN.format(secret=secret)))

    def test_plain_and_default_secrets_only_on_loopback(self):
        default_admin = crypt.crypt("admin", crypt.mksalt(crypt.METHOD_SHA512))
        for secret in ("{PLAIN}admin", default_admin):
            with self.start("0.0.0.0:0", secret) as d:
                self.assertEqual(exit_code(d), 2)
                self.assertIn("[authentication.fallback-admin]", "\n".join(d.log))
            with self.start("127.0.0.1:0", secret) as d:
                d.wait_ready()
                self.assertEqual(d.stop(), 0)
        good = crypt.crypt("a long passphrase", crypt.mksalt(crypt.METHOD_SHA512))
        with self.start("0.0.0.0:0", good) as d:
            d.wait_ready()
            self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
