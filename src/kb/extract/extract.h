// Turns the bytes of an uploaded file or fetched page into a Document. The type is detected
// from the content (libmagic), never trusted from the name. Runs inside the extraction child
// process (see sandbox.h): it must fail with a reason, never crash the caller's process on
// purpose, and respect the size guards it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

enum class FileType { pdf, docx, xlsx, csv, html, markdown, text, unsupported };

// "pdf", "docx", ... "unsupported": the stable name used in API answers and errors.
const char* file_type_name(FileType type);

// From the content; the name (e.g. "faq.md") only separates kinds that content cannot
// (Markdown or CSV from plain text). A binary file named ".txt" is unsupported.
FileType detect_file_type(std::string_view bytes, std::string_view filename_hint);

struct ExtractOptions {
  std::string base_url;                                 // HTML: resolves relative links
  int64_t max_uncompressed_bytes = 256ll * 1024 * 1024;  // DOCX/XLSX zip-bomb guard, in total
  int64_t max_zip_entries = 10000;
};

// Detects the type and extracts. Errors are invalid_argument or unsupported_media with a
// message a person understands ("the PDF is damaged: ...", "not a file type Parley reads").
Result<Document> extract_document(std::string_view bytes, std::string_view filename_hint,
                                  const ExtractOptions& options);

}  // namespace parley
