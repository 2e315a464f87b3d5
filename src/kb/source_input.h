// Checking what an owner sends before anything is stored: JSON source bodies, JSON Lines
// imports, uploads and crawl options, with errors that name the field (and the line).
// Called by the source service and the HTTP API.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "kb/source_types.h"

namespace parley {

// A JSON source body: {"type":"text"|"qa"|"url", ...}.
using SourceRequest = std::variant<TextInput, QaInput, WebsiteInput>;
Result<SourceRequest> parse_source_json(const boost::json::object& body);

// One line of a bulk import: a text or a Q&A pair (a line without "type" is a Q&A pair when
// it has "question").
struct BulkLine {
  std::optional<TextInput> text;
  std::optional<QaInput> qa;
};
// Blank lines are skipped. Errors name up to ten bad lines.
Result<std::vector<BulkLine>> parse_bulk_lines(std::string_view jsonl);

struct CheckedFile {
  std::string title;      // the file name without any directory
  std::string file_type;  // "pdf", "docx"... from the content
  std::string options;    // JSON {"filename": ...}
};
// Empty, too large or of a type Parley does not read: refused before anything is stored.
Result<CheckedFile> check_file_input(const FileInput& input, const KbConfig& config);
Status check_text_input(const TextInput& input);
Status check_qa_input(const QaInput& input);
// The crawl options as stored JSON, limits checked against the configuration.
Result<std::string> check_website_input(const WebsiteInput& input, const CrawlConfig& config);

// A Q&A pair as stored content, and back.
std::string qa_content(const QaInput& input);
Result<QaInput> qa_from_content(std::string_view content);

// A website source's stored options.
struct WebsiteOptions {
  std::string url;
  int max_pages = 0;
  int max_depth = 0;
  std::string sitemap;  // empty: crawl from the URL's links
};
Result<WebsiteOptions> website_options_from(std::string_view options);

}  // namespace parley
