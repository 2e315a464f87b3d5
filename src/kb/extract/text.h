// Plain text to Document, and the text clean-up every extractor in this folder shares:
// decoding file bytes to UTF-8, repairing invalid UTF-8, collapsing whitespace, table rows.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

// The bytes of a text file as UTF-8 without a BOM: UTF-8 (a few invalid sequences are
// replaced by U+FFFD), UTF-16 with a BOM, else Windows-1252 (a superset of Latin-1, which is
// what legacy Windows tools such as Excel write). nullopt when the bytes are not text
// (NUL bytes, control characters, bytes that no legacy encoding would produce).
std::optional<std::string> decode_text(std::string_view bytes);

bool is_valid_utf8(std::string_view text);

// Replaces each invalid UTF-8 sequence (and NUL) with U+FFFD.
std::string to_valid_utf8(std::string_view text);

// Valid UTF-8 with runs of whitespace (ASCII and Unicode spaces, line breaks) turned into one
// space, control and zero-width characters dropped, and the ends trimmed.
// (Not collapse_whitespace: search/sentence_splitter.h has that name for its ASCII version,
// and chat links both libraries.)
std::string normalize_whitespace(std::string_view text);

// Empty or only ASCII whitespace: how messages, settings and replies are refused as blank.
bool is_blank(std::string_view text);

// Text split at blank lines (lines holding only whitespace); the pieces keep their line
// breaks so a caller can still see lines (PDF hyphenation) before collapsing them.
std::vector<std::string> split_paragraphs(std::string_view text);

// "a | b | c": the line of a table block. Cells are collapsed; trailing empty cells dropped.
std::string table_row_text(const std::vector<std::string>& cells);

// At most max_bytes of text, cut at a character boundary.
std::string truncate_utf8(std::string_view text, size_t max_bytes);

// UTF-8 text to paragraphs (split on blank lines, lines joined).
Result<Document> extract_text(std::string_view text);

}  // namespace parley
