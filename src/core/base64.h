// Text forms of binary values: base64 for keys in config and API payloads, hex for
// fingerprints and digests. Thin wrappers over libsodium's constant-time codecs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace parley {

// Standard alphabet (+/), with padding.
std::string base64_encode(const std::vector<uint8_t>& bytes);

// Accepts the standard and the URL-safe (-_) alphabets, padded or not. Whitespace is not
// skipped: callers that read files or environment variables trim first.
Result<std::vector<uint8_t>> base64_decode(std::string_view text);

// Lowercase hex.
std::string hex_encode(const std::vector<uint8_t>& bytes);

}  // namespace parley
