#include "core/base64.h"

#include <sodium.h>

namespace parley {

std::string base64_encode(const std::vector<uint8_t>& bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  // The encoded length includes the terminating NUL that sodium writes.
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

Result<std::vector<uint8_t>> base64_decode(std::string_view text) {
  // At most one variant accepts a given text ('+/' and '-_' never mix, padding is either
  // required or forbidden), and any that accepts it yields the same bytes.
  constexpr int kVariants[] = {
      sodium_base64_VARIANT_ORIGINAL,
      sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
      sodium_base64_VARIANT_URLSAFE,
      sodium_base64_VARIANT_URLSAFE_NO_PADDING,
  };
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  for (int variant : kVariants) {
    size_t len = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                          variant) == 0) {
      out.resize(len);
      return out;
    }
  }
  return make_error(ErrorCode::invalid_argument, "not valid base64");
}

std::string hex_encode(const std::vector<uint8_t>& bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.resize(bytes.size() * 2);
  return out;
}

}  // namespace parley
