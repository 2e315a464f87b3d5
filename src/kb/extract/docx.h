// Word (.docx) to Document with libzip and pugixml: headings from paragraph styles and outline
// levels, list items, tables, title and language. Called by extract_document.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"
#include "kb/extract/zip_reader.h"

namespace parley {

// invalid_argument when the file is damaged, not a Word document, or breaks `limits`.
Result<Document> extract_docx(std::string_view bytes, const ZipLimits& limits);

// dc:title from docProps/core.xml of any Office file (also used for XLSX); "" when absent.
Result<std::string> office_document_title(ZipReader& zip);

}  // namespace parley
