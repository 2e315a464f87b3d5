// Markdown (CommonMark + GitHub tables) to Document with cmark-gfm.
#pragma once

#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

Result<Document> extract_markdown(std::string_view markdown);

}  // namespace parley
