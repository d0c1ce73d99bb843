"""A test certificate authority made with the `openssl` command, for TLS integration tests.

    ca = TestCa()                                  # in a temporary directory
    cert, key = ca.issue("mail", ["mail.example.test", "localhost"])
    ssl_context = ca.client_context()              # verifies against this CA only
    ca.cleanup()

Keys are written mode 0600 (the daemon refuses keys readable by others). Stdlib only.
"""
import os
import ssl
import subprocess
import tempfile

CA_CNF = """[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
[p]
commonName = supplied
"""


class TestCa:
    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="ringmail-ca-")
        self.dir = self._dir.name
        self.cert = os.path.join(self.dir, "ca.pem")
        self._run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                  "-subj", "/CN=ringmail test CA")

    def _run(self, *args):
        subprocess.run(["openssl", *args], cwd=self.dir, check=True, capture_output=True,
                       timeout=60)

    def issue(self, name, dns_names, rsa=False, expired=False):
        """Makes NAME.pem (leaf then CA) and NAME.key; returns their paths."""
        key_args = (["-newkey", "rsa:2048"] if rsa
                    else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        self._run("req", "-new", *key_args, "-nodes", "-keyout", name + ".key",
                  "-out", name + ".csr", "-subj", "/CN=" + dns_names[0])
        with open(os.path.join(self.dir, name + ".ext"), "w") as f:
            f.write("subjectAltName=" + ",".join("DNS:" + n for n in dns_names) + "\n")
        if expired:
            with open(os.path.join(self.dir, "ca.cnf"), "w") as f:
                f.write(CA_CNF)
            open(os.path.join(self.dir, "index.txt"), "a").close()
            with open(os.path.join(self.dir, "serial"), "w") as f:
                f.write("01\n")
            self._run("ca", "-config", "ca.cnf", "-batch", "-notext", "-in", name + ".csr",
                      "-cert", "ca.pem", "-keyfile", "ca.key", "-startdate", "20200101000000Z",
                      "-enddate", "20200102000000Z", "-extfile", name + ".ext",
                      "-out", name + ".leaf")
        else:
            self._run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                      "-CAcreateserial", "-days", "2", "-extfile", name + ".ext",
                      "-out", name + ".leaf")
        cert = os.path.join(self.dir, name + ".pem")
        key = os.path.join(self.dir, name + ".key")
        with open(cert, "w") as out:
            for part in (name + ".leaf", "ca.pem"):
                with open(os.path.join(self.dir, part)) as f:
                    out.write(f.read())
        os.chmod(key, 0o600)
        return cert, key

    def client_context(self):
        """An ssl.SSLContext that trusts this CA only and checks host names."""
        return ssl.create_default_context(cafile=self.cert)

    def cleanup(self):
        self._dir.cleanup()
