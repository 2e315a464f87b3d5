// Secrets an account holder receives (session tokens, one-time email tokens, API keys)
// and how they are stored: only a hash ever reaches the database. Passwords are hashed
// with argon2id.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace parley {

// `bytes` random bytes as unpadded URL-safe base64 (32 bytes: 43 characters, 256 bits).
std::string random_token(size_t bytes = 32);

// Hex SHA-256: how high-entropy secrets are stored and looked up.
std::string secret_hash(std::string_view secret);

// Equal-length comparison that takes the same time wherever the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

struct Argon2Params {
  unsigned long long ops_limit = 2;              // libsodium's "interactive"
  size_t mem_limit_bytes = 64ull * 1024 * 1024;  // 64 MiB
};

Result<std::string> hash_password(std::string_view password, const Argon2Params& params);
bool verify_password(std::string_view password, const std::string& hash);

}  // namespace parley
