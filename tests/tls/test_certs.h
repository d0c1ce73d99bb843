// Test certificates made with the `openssl` command in a temporary directory: a CA, and leaf
// certificates it signs (ECDSA P-256 or RSA-2048), with their keys mode 0600; or, where the
// environment's RINGMAIL_TEST_CERTS names a directory, copies of the ones made there.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ringmail::testing {

class TestCa {
 public:
  TestCa() {
    char tmpl[] = "/tmp/ringmail-tls-XXXXXX";
    dir_ = mkdtemp(tmpl);
    if (const char* made = std::getenv("RINGMAIL_TEST_CERTS")) {
      made_ = made;
      Run("cp '" + made_ + "/ca.pem' .");
      return;
    }
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
        "-out ca.pem -days 2 -subj /CN=ringmail-test-ca");
  }
  ~TestCa() { std::filesystem::remove_all(dir_); }

  const std::string& dir() const { return dir_; }
  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Makes NAME.pem (chain: leaf, CA) and NAME.key for `dns` (subjectAltName DNS names,
  // comma-separated). `days` < 0: already expired. `rsa`: RSA-2048 instead of P-256.
  // With RINGMAIL_TEST_CERTS set (a machine without the `openssl` command: the appliance, where
  // image/test-boot makes them on the host), copies that directory's NAME.pem and NAME.key
  // instead, which must have been made for the same arguments.
  void Issue(const std::string& name, const std::string& dns, int days = 2, bool rsa = false) {
    if (!made_.empty()) {
      Run("cp '" + made_ + "/" + name + ".pem' '" + made_ + "/" + name + ".key' .");
      chmod(Path(name + ".key").c_str(), 0600);
      return;
    }
    const std::string key =
        rsa ? "-newkey rsa:2048" : "-newkey ec -pkeyopt ec_paramgen_curve:P-256";
    Run("openssl req -new " + key + " -nodes -keyout " + name + ".key -out " + name +
        ".csr -subj /CN=" + dns.substr(0, dns.find(',')));
    std::string san = "subjectAltName=DNS:" + dns;
    for (size_t i = 0; (i = san.find(',', i)) != std::string::npos; i += 5) {
      san.replace(i, 1, ",DNS:");
    }
    Run("printf '" + san + "' > " + name + ".ext");
    if (days >= 0) {
      Run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days " +
          std::to_string(days) + " -extfile " + name + ".ext -out " + name + ".leaf");
    } else {
      // `openssl x509` cannot backdate: `openssl ca` can.
      Run("printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\nnew_certs_dir=.\\n"
          "serial=serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' > ca.cnf"
          " && touch index.txt && echo 01 > serial && openssl ca -config ca.cnf -batch -notext "
          "-in " +
          name +
          ".csr -cert ca.pem -keyfile ca.key -startdate 20200101000000Z "
          "-enddate 20200102000000Z -extfile " +
          name + ".ext -out " + name + ".leaf");
    }
    Run("cat " + name + ".leaf ca.pem > " + name + ".pem");
    chmod(Path(name + ".key").c_str(), 0600);
  }

 private:
  void Run(const std::string& command) {
    const std::string full = "cd " + dir_ + " && " + command + " 2>/dev/null";
    ASSERT_EQ(std::system(full.c_str()), 0) << full;
  }
  std::string dir_;
  std::string made_;  // RINGMAIL_TEST_CERTS
};

}  // namespace ringmail::testing
