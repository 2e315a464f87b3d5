// Delivery without SMTP: each mail becomes <data_dir>/mail/<created_at>-<id>.eml (0600, in a
// 0700 directory), for development and for installations that hand mail on by hand.
// Called by the Mailer; `parley mail list` shows the paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace parley {

std::filesystem::path eml_directory(const std::filesystem::path& data_dir);
std::filesystem::path eml_path(const std::filesystem::path& data_dir, int64_t created_at,
                               std::string_view mail_id);

// Writes the file whole or not at all (temp file, fsync, rename); replaces an earlier copy.
Status write_eml(const std::filesystem::path& path, std::string_view message);

}  // namespace parley
