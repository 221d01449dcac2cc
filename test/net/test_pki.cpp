#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sluice::test {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const noexcept { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

Key new_key() {
  Key k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(k != nullptr, "EC key generation");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, issued by `issuer` (itself when null);
// the caller adds extensions and signs it.
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, long from_days, long to_days, long serial) {
  Cert c(X509_new());
  check(c != nullptr, "X509_new");
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), to_days * 86400);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(c.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : c.get();
  add_ext(c.get(), signer, NID_subject_key_identifier, "hash");
  add_ext(c.get(), signer, NID_authority_key_identifier, "keyid:always");
  return c;
}

void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign"); }

void write_cert(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "open cert file");
  const int ok = PEM_write_X509(f, cert);
  std::fclose(f);
  check(ok == 1, "PEM_write_X509");
}

void write_key(const std::string& path, EVP_PKEY* key, const std::string& password) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "open key file");
  const int ok =
      password.empty()
          ? PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr)
          : PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(),
                                 reinterpret_cast<const unsigned char*>(password.data()),
                                 static_cast<int>(password.size()), nullptr, nullptr);
  std::fclose(f);
  check(ok == 1, "PEM_write_PrivateKey");
}

}  // namespace

struct TestPki::Impl {
  Key ca_key;
  Cert ca;
  long serial = 1;
};

TestPki::TestPki() : impl_(std::make_unique<Impl>()) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-pki-XXXXXX").string();
  check(mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;
  impl_->ca_key = new_key();
  impl_->ca = make_cert(impl_->ca_key.get(), "Sluice Test CA", nullptr, -1, 365, impl_->serial++);
  add_ext(impl_->ca.get(), impl_->ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(impl_->ca.get(), impl_->ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  sign(impl_->ca.get(), impl_->ca_key.get());
  ca_cert_ = dir_ + "/ca.pem";
  write_cert(ca_cert_, impl_->ca.get());
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestPki::other_ca_cert() {
  Key key = new_key();
  Cert ca = make_cert(key.get(), "Some Other CA", nullptr, -1, 365, impl_->serial++);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  sign(ca.get(), key.get());
  const std::string path = dir_ + "/other-ca.pem";
  write_cert(path, ca.get());
  return path;
}

TestPki::Issued TestPki::issue(const std::string& name, const Spec& spec) {
  Key key = new_key();
  Cert cert = make_cert(key.get(), spec.common_name, impl_->ca.get(), spec.valid_from_days, spec.valid_to_days,
                        impl_->serial++);
  add_ext(cert.get(), impl_->ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), impl_->ca.get(), NID_key_usage, "critical,digitalSignature,keyAgreement");
  add_ext(cert.get(), impl_->ca.get(), NID_ext_key_usage, spec.client ? "clientAuth" : "serverAuth");
  if (!spec.alt_names.empty()) {
    std::string sans;
    for (const auto& n : spec.alt_names) sans += (sans.empty() ? "" : ",") + n;
    add_ext(cert.get(), impl_->ca.get(), NID_subject_alt_name, sans);
  }
  sign(cert.get(), impl_->ca_key.get());
  Issued out{dir_ + "/" + name + ".pem", dir_ + "/" + name + "-key.pem"};
  write_cert(out.cert, cert.get());
  write_key(out.key, key.get(), spec.key_password);
  return out;
}

std::string TestPki::write_file(const std::string& name, const std::string& text) {
  const std::string path = dir_ + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string TestPki::hashed_ca_dir() {
  const std::string dir = dir_ + "/ca-dir";
  std::filesystem::create_directories(dir);
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(impl_->ca.get()));
  write_cert(dir + "/" + name, impl_->ca.get());
  return dir;
}

std::string TestPki::pkcs12(const std::string& name, const Issued& issued, const std::string& password) {
  auto read_pem = [](const std::string& path, bool key) -> void* {
    FILE* f = std::fopen(path.c_str(), "r");
    check(f != nullptr, "fopen");
    void* out = key ? static_cast<void*>(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr))
                    : static_cast<void*>(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    check(out != nullptr, "PEM_read");
    return out;
  };
  Cert cert(static_cast<X509*>(read_pem(issued.cert, false)));
  Key key(static_cast<EVP_PKEY*>(read_pem(issued.key, true)));
  STACK_OF(X509)* chain = sk_X509_new_null();
  sk_X509_push(chain, impl_->ca.get());
  PKCS12* p12 = PKCS12_create(password.c_str(), name.c_str(), key.get(), cert.get(), chain, 0, 0, 0, 0, 0);
  sk_X509_free(chain);
  check(p12 != nullptr, "PKCS12_create");
  const std::string path = dir_ + "/" + name + ".p12";
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "fopen");
  const int ok = i2d_PKCS12_fp(f, p12);
  std::fclose(f);
  PKCS12_free(p12);
  check(ok == 1, "i2d_PKCS12_fp");
  return path;
}

std::string TestPki::crl(const std::string& name, const std::vector<std::string>& revoked) {
  X509_CRL* crl = X509_CRL_new();
  check(crl != nullptr, "X509_CRL_new");
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(impl_->ca.get()));
  ASN1_TIME* now = ASN1_TIME_adj(nullptr, std::time(nullptr), -1, 0);
  ASN1_TIME* next = ASN1_TIME_adj(nullptr, std::time(nullptr), 30, 0);
  X509_CRL_set1_lastUpdate(crl, now);
  X509_CRL_set1_nextUpdate(crl, next);
  for (const auto& path : revoked) {
    FILE* f = std::fopen(path.c_str(), "r");
    check(f != nullptr, "fopen");
    Cert cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    check(cert != nullptr, "PEM_read_X509");
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert.get()));
    X509_REVOKED_set_revocationDate(r, now);
    X509_CRL_add0_revoked(crl, r);
  }
  X509_CRL_sort(crl);
  check(X509_CRL_sign(crl, impl_->ca_key.get(), EVP_sha256()) > 0, "X509_CRL_sign");
  const std::string path = dir_ + "/" + name + ".crl.pem";
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "fopen");
  const int ok = PEM_write_X509_CRL(f, crl);
  std::fclose(f);
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  X509_CRL_free(crl);
  check(ok == 1, "PEM_write_X509_CRL");
  return path;
}

}  // namespace sluice::test
