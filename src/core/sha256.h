// Hex SHA-256 of bytes: content hashes (chunks, crawled pages) and stored secret hashes.
#pragma once

#include <string>
#include <string_view>

namespace parley {

std::string sha256_hex(std::string_view bytes);

}  // namespace parley
