// The keyring file's bytes: how records are framed, how the header proves the master key,
// how data keys are wrapped, and which damage is a harmless torn append. Internal to the
// keyring (keyring*.cpp).
#pragma once

#include <sodium.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace parley::keyring_internal {

constexpr size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kMaxOwnerBytes = 255;

inline const uint8_t* bytes_of(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Appends nonce || ciphertext+tag of `plain` (XChaCha20-Poly1305, random nonce) to `out`.
void append_sealed(std::string& out, const uint8_t* key, const uint8_t* plain, size_t plain_len,
                   std::string_view ad);
// Opens nonce || ciphertext+tag into `plain`, which holds sealed.size() - 40 bytes; false
// when the value was forged, altered, or sealed with other additional data.
bool open_sealed(uint8_t* plain, std::string_view sealed, const uint8_t* key, std::string_view ad);

// Whole framed records, ready to write.
std::string header_record(const uint8_t* master);
std::string key_record(std::string_view owner, const uint8_t* data_key, const uint8_t* master);

struct ParsedKey {
  std::string_view owner;
  std::string_view wrapped;  // nonce || sealed data key
};

struct ParsedFile {
  std::string_view header_body;  // empty when parsing began after the header
  std::vector<ParsedKey> keys;
  size_t valid_bytes = 0;  // of whole records; less than the bytes given when the last is torn
};

// Splits a keyring file, or its bytes from `file_offset` on (a record boundary after the
// header, for reading what was appended since), into records pointing into `bytes`. Fails
// on damage; a torn last record (a crashed append, or one still being written) is left out:
// see valid_bytes.
Result<ParsedFile> parse_records(std::string_view bytes, const std::filesystem::path& path,
                                 size_t file_offset = 0);

// Checks the header's format and that `master` opens it. `key_hint` says where the right
// key is given, for the message when it does not.
Status check_header(std::string_view header_body, const uint8_t* master,
                    const std::filesystem::path& path, std::string_view key_hint);

// Unwraps a parsed key into `data_key` (kKeyBytes); false when the record was altered.
bool unwrap_key(uint8_t* data_key, const ParsedKey& key, const uint8_t* master);

}  // namespace parley::keyring_internal
