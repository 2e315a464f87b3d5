// Reads members of a ZIP archive held in memory (DOCX and XLSX are ZIPs of XML), guarding
// against zip bombs. Used by detect_file_type, extract_docx and extract_xlsx.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/result.h"

typedef struct zip zip_t;

namespace parley {

struct ZipLimits {
  int64_t max_uncompressed_bytes = std::numeric_limits<int64_t>::max();  // all reads together
  int64_t max_entries = std::numeric_limits<int64_t>::max();
};

// "256 MB", "1.5 MB", "900 KB", "10 bytes": a size as a person reads it in an error message.
std::string describe_byte_count(int64_t bytes);

class ZipReader {
 public:
  // Opens the archive and checks the entry count and the total uncompressed size that the
  // central directory declares. The directory can lie, so read() also counts every byte it
  // inflates against max_uncompressed_bytes and stops at the limit. `bytes` must outlive
  // the reader.
  static Result<ZipReader> open(std::string_view bytes, ZipLimits limits);

  ZipReader(ZipReader&& other) noexcept;
  ZipReader& operator=(ZipReader&& other) noexcept;
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;
  ~ZipReader();

  bool contains(std::string_view name) const;

  // The whole member; not_found when absent, invalid_argument when it is damaged or the
  // archive's total budget runs out while inflating.
  Result<std::string> read(std::string_view name);

 private:
  ZipReader(zip_t* zip, ZipLimits limits);

  zip_t* zip_ = nullptr;
  ZipLimits limits_;
  int64_t inflated_bytes_ = 0;  // read so far, over all members
};

}  // namespace parley
