// CSV to Document: RFC 4180 records with the delimiter sniffed (comma, semicolon, tab). A file
// whose header names a question and an answer column becomes Q&A pairs; any other becomes
// table blocks. Called by extract_document.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

struct CsvRecord {
  int line = 0;  // where the record starts, from 1; a quoted field may span lines
  std::vector<std::string> fields;
};

// Records of `text` (UTF-8, no BOM). invalid_argument naming the line when a quoted field is
// never closed.
Result<std::vector<CsvRecord>> parse_csv(std::string_view text, char delimiter);

// ',', ';' or '\t': the one that splits the first records into the same number of fields.
char sniff_csv_delimiter(std::string_view text);

// Table blocks hold this many data rows each, under a copy of the header row.
inline constexpr size_t kCsvRowsPerBlock = 50;

// `text` is UTF-8 (decode_text makes it so). invalid_argument naming the lines when a Q&A
// file has rows that cannot be read as a question and its answer.
Result<Document> extract_csv(std::string_view text);

}  // namespace parley
