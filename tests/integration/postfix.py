"""A private instance of Debian's Postfix for integration tests: its own config, queue and
data directories in a temp dir, smtpd on a free loopback port, mail for one domain relayed to
one loopback port (ringmail's relay listener, smtp-sink, ...). Never the system's Postfix.
Needs root (Postfix drops privileges to its own user)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

MAIN_CF = """
compatibility_level = 3.6
queue_directory = @DIR@/queue
data_directory = @DIR@/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = /dev/stdout
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = @HOSTNAME@
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = @DOMAIN@
transport_maps = inline:{ @DOMAIN@=smtp:[127.0.0.1]:@NEXT_HOP@ }
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
smtp_dns_support_level = disabled
"""

# No chroot, no port 25: only what accepting on a private port and relaying needs.
MASTER_CF = """
127.0.0.1:@PORT@ inet n - n - - smtpd
pickup    unix  n  -  n  60    1  pickup
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
smtp      unix  -  -  n  -     -  smtp
relay     unix  -  -  n  -     -  smtp
showq     unix  n  -  n  -     -  showq
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n - 1  postlogd
"""


def available():
    return shutil.which("postfix") is not None and os.geteuid() == 0


# smtpd offers STARTTLS with a test certificate; the Received field it adds names the TLS
# version and cipher.
TLS_MAIN_CF = """
smtpd_tls_security_level = may
smtpd_tls_cert_file = @CERT@
smtpd_tls_key_file = @KEY@
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
"""
TLS_MASTER_CF = "tlsmgr    unix  -  -  n  1000? 1  tlsmgr\n"


def start_private_postfix(test, hostname, domain, next_hop_port, tls=None):
    """Starts Postfix as `hostname`, relaying mail for `domain` to 127.0.0.1:next_hop_port;
    returns its smtpd port once it accepts connections. Stopped and removed by `test`'s
    cleanups. `tls`: (certificate chain file, key file) for STARTTLS (TLS_MAIN_CF)."""
    pf = tempfile.mkdtemp(prefix="ringmail-postfix-")
    test.addCleanup(shutil.rmtree, pf, True)
    os.chmod(pf, 0o755)  # the postfix user walks into data/ and queue/
    for sub in ("etc", "queue", "data"):
        os.makedirs(os.path.join(pf, sub))
    os.chown(os.path.join(pf, "data"), pwd.getpwnam("postfix").pw_uid, -1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    etc = os.path.join(pf, "etc")
    main = (MAIN_CF.replace("@DIR@", pf).replace("@HOSTNAME@", hostname)
            .replace("@DOMAIN@", domain).replace("@NEXT_HOP@", str(next_hop_port)))
    master_cf = MASTER_CF.replace("@PORT@", str(port))
    if tls is not None:
        main += TLS_MAIN_CF.replace("@CERT@", tls[0]).replace("@KEY@", tls[1])
        master_cf += TLS_MASTER_CF
    with open(os.path.join(etc, "main.cf"), "w") as f:
        f.write(main)
    with open(os.path.join(etc, "master.cf"), "w") as f:
        f.write(master_cf)
    checked = subprocess.run(["postfix", "-c", etc, "check"], timeout=60,
                             capture_output=True, text=True)
    test.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
    master = subprocess.Popen(["postfix", "-c", etc, "start-fg"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)

    def stop():
        subprocess.run(["postfix", "-c", etc, "stop"], timeout=60, capture_output=True)
        master.wait(timeout=30)

    test.addCleanup(stop)
    deadline = time.monotonic() + 30
    while True:  # until Postfix's smtpd listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port
        except OSError:
            test.assertLess(time.monotonic(), deadline, "postfix did not start")
            test.assertIsNone(master.poll(), "postfix exited")
            time.sleep(0.05)
