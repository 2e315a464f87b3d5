// HTML to Document with gumbo: the main content only (no navigation, header, footer,
// aside, scripts, styles, forms or hidden elements), plus title, language, canonical URL,
// links and robots meta, which the crawler needs.
#pragma once

#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

Result<Document> extract_html(std::string_view html, std::string_view base_url);

}  // namespace parley
