#include "core/keyring_format.h"

#include <array>
#include <cstring>
#include <stdexcept>

// The keyring file is a sequence of records:
//   u32 body length (little-endian) | body | BLAKE2b-128 of body
// The first body is the header:
//   'H' | "PARLEYKR" | u32 format version | nonce (24) | check constant sealed (31 + 16)
// then one body per data key:
//   'K' | u8 owner id length | owner id | nonce (24) | data key sealed (32 + 16)
// Sealing is XChaCha20-Poly1305 under the master key; a key's additional data is its owner
// id, so a wrapped key copied onto another owner's record does not open. Creating a key is
// one append. The checksum tells a torn append (a crash mid-write, or an append another
// process is still writing: always the last record) from damage anywhere else: the first is
// left out, the second refused.

namespace parley::keyring_internal {
namespace {

constexpr size_t kChecksumBytes = 16;
constexpr size_t kLengthBytes = 4;
constexpr size_t kMaxBodyBytes = 1024;
constexpr uint32_t kFormatVersion = 1;
constexpr std::string_view kMagic = "PARLEYKR";
constexpr std::string_view kCheckConstant = "parley keyring master key check";
constexpr std::string_view kCheckAd = "parley keyring header";
constexpr char kHeaderType = 'H';
constexpr char kKeyType = 'K';
constexpr size_t kHeaderBodyBytes =
    1 + kMagic.size() + 4 + kNonceBytes + kCheckConstant.size() + kTagBytes;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(in[i])} << (8 * i);
  return v;
}

std::array<uint8_t, kChecksumBytes> checksum(std::string_view body) {
  std::array<uint8_t, kChecksumBytes> sum{};
  crypto_generichash(sum.data(), sum.size(), bytes_of(body), body.size(), nullptr, 0);
  return sum;
}

std::string frame(std::string_view body) {
  std::string out;
  out.reserve(kLengthBytes + body.size() + kChecksumBytes);
  put_u32(out, static_cast<uint32_t>(body.size()));
  out.append(body);
  auto sum = checksum(body);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return out;
}

Error damaged(const std::filesystem::path& path, size_t offset, std::string_view what) {
  if (offset == 0) {
    return make_error(ErrorCode::invalid_argument,
                      "the file at " + path.string() + " is not a Parley keyring");
  }
  return make_error(ErrorCode::internal, "the keyring at " + path.string() +
                                             " is damaged at byte " + std::to_string(offset) +
                                             " (" + std::string(what) +
                                             "): restore it from your keyring backup");
}

}  // namespace

void append_sealed(std::string& out, const uint8_t* key, const uint8_t* plain, size_t plain_len,
                   std::string_view ad) {
  size_t start = out.size();
  out.resize(start + kNonceBytes + plain_len + kTagBytes);
  auto* nonce = reinterpret_cast<uint8_t*>(out.data() + start);
  randombytes_buf(nonce, kNonceBytes);
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, nullptr, plain, plain_len,
                                             bytes_of(ad), ad.size(), nullptr, nonce, key);
}

bool open_sealed(uint8_t* plain, std::string_view sealed, const uint8_t* key, std::string_view ad) {
  if (sealed.size() < kNonceBytes + kTagBytes) return false;
  const uint8_t* nonce = bytes_of(sealed);
  return crypto_aead_xchacha20poly1305_ietf_decrypt(plain, nullptr, nullptr, nonce + kNonceBytes,
                                                    sealed.size() - kNonceBytes, bytes_of(ad),
                                                    ad.size(), nonce, key) == 0;
}

std::string header_record(const uint8_t* master) {
  std::string body(1, kHeaderType);
  body.append(kMagic);
  put_u32(body, kFormatVersion);
  append_sealed(body, master, bytes_of(kCheckConstant), kCheckConstant.size(), kCheckAd);
  return frame(body);
}

std::string key_record(std::string_view owner, const uint8_t* data_key, const uint8_t* master) {
  std::string body(1, kKeyType);
  body.push_back(static_cast<char>(owner.size()));
  body.append(owner);
  append_sealed(body, master, data_key, kKeyBytes, owner);
  return frame(body);
}

Result<ParsedFile> parse_records(std::string_view bytes, const std::filesystem::path& path,
                                 size_t file_offset) {
  ParsedFile parsed;
  size_t pos = 0;
  auto damaged_here = [&](std::string_view what) { return damaged(path, file_offset + pos, what); };
  while (pos < bytes.size()) {
    std::string_view rest = bytes.substr(pos);
    bool torn = rest.size() < kLengthBytes;
    uint32_t len = torn ? 0 : get_u32(rest);
    size_t total = kLengthBytes + size_t{len} + kChecksumBytes;
    if (!torn && (len == 0 || len > kMaxBodyBytes)) {
      // Some file systems leave a zero-filled tail after a crash.
      if (rest.find_first_not_of('\0') != std::string_view::npos) {
        return damaged_here("impossible record length");
      }
      torn = true;
    }
    if (!torn && total > rest.size()) torn = true;
    std::string_view body = torn ? std::string_view() : rest.substr(kLengthBytes, len);
    if (!torn) {
      auto sum = checksum(body);
      bool sum_ok = std::memcmp(sum.data(), rest.data() + kLengthBytes + len, sum.size()) == 0;
      if (!sum_ok && total < rest.size()) return damaged_here("checksum mismatch");
      torn = !sum_ok;
    }
    if (torn) break;

    if (file_offset + pos == 0) {
      parsed.header_body = body;
    } else {
      if (body[0] != kKeyType || body.size() < 2) return damaged_here("unknown record");
      size_t owner_len = static_cast<uint8_t>(body[1]);
      if (body.size() != 2 + owner_len + kNonceBytes + kKeyBytes + kTagBytes) {
        return damaged_here("key record of the wrong size");
      }
      parsed.keys.push_back({body.substr(2, owner_len), body.substr(2 + owner_len)});
    }
    pos += total;
    parsed.valid_bytes = pos;
  }
  return parsed;
}

Status check_header(std::string_view header, const uint8_t* master,
                    const std::filesystem::path& path, std::string_view key_hint) {
  if (header.size() != kHeaderBodyBytes || header[0] != kHeaderType ||
      header.substr(1, kMagic.size()) != kMagic) {
    return make_error(ErrorCode::invalid_argument,
                      "the file at " + path.string() + " is not a Parley keyring");
  }
  uint32_t version = get_u32(header.substr(1 + kMagic.size()));
  if (version != kFormatVersion) {
    return make_error(ErrorCode::invalid_argument,
                      "the keyring at " + path.string() + " has format version " +
                          std::to_string(version) + "; this Parley reads version " +
                          std::to_string(kFormatVersion));
  }
  std::array<uint8_t, kCheckConstant.size()> check{};
  if (!open_sealed(check.data(), header.substr(1 + kMagic.size() + 4), master, kCheckAd) ||
      std::memcmp(check.data(), kCheckConstant.data(), check.size()) != 0) {
    std::string hint =
        key_hint.empty() ? "PARLEY_MASTER_KEY, or the master key file" : std::string(key_hint);
    return make_error(ErrorCode::invalid_argument,
                      "the master key does not open the keyring at " + path.string() +
                          ": expected the key that created it or that it was last rotated to (" +
                          hint + ")");
  }
  return ok_status();
}

bool unwrap_key(uint8_t* data_key, const ParsedKey& key, const uint8_t* master) {
  return open_sealed(data_key, key.wrapped, master, key.owner);
}

}  // namespace parley::keyring_internal
