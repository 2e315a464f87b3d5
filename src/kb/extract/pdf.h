// PDF to Document with poppler-cpp: text page by page (Block.page) in reading order,
// paragraphs where the page leaves a gap, words hyphenated across lines rejoined. Called by
// extract_document.
#pragma once

#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

// invalid_argument with a reason a person can act on when the PDF is damaged or cut off,
// password-protected, or holds no text (a scan).
Result<Document> extract_pdf(std::string_view bytes);

}  // namespace parley
