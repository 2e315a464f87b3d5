#include "kb/extract/zip_reader.h"

#include <zip.h>

#include <array>
#include <cstdio>

namespace parley {
namespace {

constexpr int64_t kReadChunk = 64 * 1024;

Error too_large(const ZipLimits& limits) {
  return make_error(ErrorCode::invalid_argument,
                    "the file unpacks to more than " +
                        describe_byte_count(limits.max_uncompressed_bytes) +
                        ", the limit for documents inside a ZIP (it may be a zip bomb)");
}

Error damaged(std::string_view what) {
  return make_error(ErrorCode::invalid_argument,
                    "the file is damaged and cannot be read (" + std::string(what) + ")");
}

}  // namespace

std::string describe_byte_count(int64_t bytes) {
  constexpr int64_t kKilo = 1024, kMega = 1024 * 1024;
  auto scaled = [&](int64_t unit, const char* suffix) {
    std::array<char, 32> buffer{};
    if (bytes % unit == 0 || bytes / unit >= 100) {
      std::snprintf(buffer.data(), buffer.size(), "%lld %s", static_cast<long long>(bytes / unit),
                    suffix);
    } else {
      std::snprintf(buffer.data(), buffer.size(), "%.1f %s",
                    static_cast<double>(bytes) / static_cast<double>(unit), suffix);
    }
    return std::string(buffer.data());
  };
  if (bytes >= kMega) return scaled(kMega, "MB");
  if (bytes >= kKilo) return scaled(kKilo, "KB");
  return std::to_string(bytes) + " bytes";
}

ZipReader::ZipReader(zip_t* zip, ZipLimits limits) : zip_(zip), limits_(limits) {}

ZipReader::ZipReader(ZipReader&& other) noexcept
    : zip_(std::exchange(other.zip_, nullptr)),
      limits_(other.limits_),
      inflated_bytes_(other.inflated_bytes_) {}

ZipReader& ZipReader::operator=(ZipReader&& other) noexcept {
  if (this != &other) {
    if (zip_ != nullptr) zip_discard(zip_);
    zip_ = std::exchange(other.zip_, nullptr);
    limits_ = other.limits_;
    inflated_bytes_ = other.inflated_bytes_;
  }
  return *this;
}

ZipReader::~ZipReader() {
  if (zip_ != nullptr) zip_discard(zip_);
}

Result<ZipReader> ZipReader::open(std::string_view bytes, ZipLimits limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return damaged("not a readable ZIP archive");
  }
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip == nullptr) {
    zip_source_free(source);
    zip_error_fini(&error);
    return damaged("not a readable ZIP archive");
  }
  zip_error_fini(&error);
  ZipReader reader(zip, limits);

  zip_int64_t entries = zip_get_num_entries(zip, 0);
  if (entries > limits.max_entries) {
    return make_error(ErrorCode::invalid_argument,
                      "the file holds " + std::to_string(entries) + " files inside, more than " +
                          std::to_string(limits.max_entries) +
                          ", the limit for documents inside a ZIP (it may be a zip bomb)");
  }
  // What the directory declares; read() enforces the same limit on what actually inflates.
  uint64_t declared = 0;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    if ((stat.valid & ZIP_STAT_SIZE) == 0) continue;
    declared += stat.size;
    if (stat.size > static_cast<uint64_t>(limits.max_uncompressed_bytes) ||
        declared > static_cast<uint64_t>(limits.max_uncompressed_bytes)) {
      return too_large(limits);
    }
  }
  return reader;
}

bool ZipReader::contains(std::string_view name) const {
  return zip_name_locate(zip_, std::string(name).c_str(), 0) >= 0;
}

Result<std::string> ZipReader::read(std::string_view name) {
  zip_int64_t index = zip_name_locate(zip_, std::string(name).c_str(), 0);
  if (index < 0) {
    return make_error(ErrorCode::not_found, "the file has no " + std::string(name));
  }
  auto entry = static_cast<zip_uint64_t>(index);
  zip_stat_t stat;
  zip_stat_init(&stat);
  zip_stat_index(zip_, entry, 0, &stat);
  if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
    return make_error(ErrorCode::invalid_argument, "the file is password-protected");
  }
  zip_file_t* file = zip_fopen_index(zip_, entry, 0);
  if (file == nullptr) return damaged(std::string(name) + " cannot be opened");

  std::string contents;
  int64_t budget = limits_.max_uncompressed_bytes - inflated_bytes_;
  if ((stat.valid & ZIP_STAT_SIZE) != 0) {
    contents.reserve(static_cast<size_t>(std::min<uint64_t>(stat.size, budget)));
  }
  std::array<char, kReadChunk> chunk;
  while (true) {
    zip_int64_t n = zip_fread(file, chunk.data(), chunk.size());
    if (n < 0) {
      zip_fclose(file);
      return damaged(std::string(name) + " does not unpack");
    }
    if (n == 0) break;
    inflated_bytes_ += n;
    if (inflated_bytes_ > limits_.max_uncompressed_bytes) {
      zip_fclose(file);
      return too_large(limits_);
    }
    contents.append(chunk.data(), static_cast<size_t>(n));
  }
  zip_fclose(file);
  return contents;
}

}  // namespace parley
