#include "regimen/common/sha256.h"

#include <openssl/evp.h>
#include <stdexcept>

namespace regimen {
namespace {

// OpenSSL 3 looks the algorithm up in its provider tables (under a lock) each time EVP_sha256()
// is used to start a digest; fetching it once, and reusing one context per thread, keeps a short
// text's hash to the hashing itself. Audited batches hash two texts a record.
struct Hasher {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Hasher() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  thread_local Hasher h;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!h.md || !h.ctx || EVP_DigestInit_ex(h.ctx, h.md, nullptr) != 1 || EVP_DigestUpdate(h.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(h.ctx, digest, &length) != 1)
    throw std::runtime_error("SHA-256 failed");  // only on a broken libcrypto: an internal error
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace regimen
