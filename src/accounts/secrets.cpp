#include "accounts/secrets.h"

#include <sodium.h>

#include <vector>

#include "core/sha256.h"
#include "core/sodium.h"

namespace parley {

std::string random_token(size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string secret_hash(std::string_view secret) { return sha256_hex(secret); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> hash_password(std::string_view password, const Argon2Params& params) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit,
                            params.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::unavailable, "not enough memory to hash the password; try again");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
  ensure_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace parley
