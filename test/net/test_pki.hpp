#pragma once
// A throwaway PKI for TLS tests, made in-process with OpenSSL: certificate
// authorities and certificates they sign (chosen subjectAltNames, validity,
// server or client use), written as PEM files into a temporary directory
// that is removed afterwards. Keys are EC P-256, signatures SHA-256.
#include <memory>
#include <string>
#include <vector>

namespace sluice::test {

class TestPki {
 public:
  struct Issued {
    std::string cert;  // PEM file paths
    std::string key;
  };
  struct Spec {
    std::string common_name;
    std::vector<std::string> alt_names;  // e.g. "DNS:localhost", "IP:127.0.0.1"
    long valid_from_days = -1;           // relative to now
    long valid_to_days = 30;
    bool client = false;                 // clientAuth instead of serverAuth
    std::string key_password;            // encrypts the key file (AES-256-CBC)
  };
  static Spec server_spec(std::string cn, std::vector<std::string> alt_names, long from_days = -1,
                          long to_days = 30) {
    Spec s;
    s.common_name = std::move(cn);
    s.alt_names = std::move(alt_names);
    s.valid_from_days = from_days;
    s.valid_to_days = to_days;
    return s;
  }
  static Spec client_spec(std::string cn, std::string key_password = {}) {
    Spec s;
    s.common_name = std::move(cn);
    s.client = true;
    s.key_password = std::move(key_password);
    return s;
  }

  TestPki();  // makes the directory and a CA ("ca")
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const noexcept { return dir_; }
  const std::string& ca_cert() const noexcept { return ca_cert_; }
  // A second, unrelated CA: trusting it verifies nothing issued here.
  std::string other_ca_cert();
  // A certificate signed by the CA, in files named after `name`.
  Issued issue(const std::string& name, const Spec& spec);
  // A file `name` holding `text` (for malformed-input tests).
  std::string write_file(const std::string& name, const std::string& text);
  // `issued` (unencrypted key) with the CA as its chain, in a PKCS#12 file
  // sealed with `password`.
  std::string pkcs12(const std::string& name, const Issued& issued, const std::string& password);
  // A PEM CRL of the CA revoking the certificates in these PEM files.
  std::string crl(const std::string& name, const std::vector<std::string>& revoked);
  // A directory holding the CA under its subject hash (`openssl rehash` layout).
  std::string hashed_ca_dir();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string dir_;
  std::string ca_cert_;
};

}  // namespace sluice::test
