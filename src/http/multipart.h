// multipart/form-data (RFC 7578), the way browsers and curl upload files. Parts point into
// the request body, which must outlive them. Called by upload routes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace parley {

struct MultipartPart {
  std::string name;      // the form field's name
  std::string filename;  // empty for a plain field
  std::string content_type;
  std::string_view data;
};

// invalid_argument (saying what is wrong) for a body that is not well-formed multipart or a
// Content-Type without a boundary.
Result<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                   std::string_view body);

}  // namespace parley
