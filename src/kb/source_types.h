// The values the source service takes and gives: what an owner adds, and how a source and
// its chunks look from outside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley {

struct FileInput {
  std::string filename;  // shown as the title; the type comes from the content
  std::string bytes;
};

struct TextInput {
  std::string title;
  std::string text;  // plain text or Markdown
  std::optional<std::string> external_id;
  std::optional<std::string> url;  // where the text lives, for citations
};

struct QaInput {
  std::string question;
  std::string answer;
  std::vector<std::string> alternatives;
  std::optional<std::string> external_id;
};

struct WebsiteInput {
  std::string url;  // the start page, or a sitemap when `sitemap` is the same URL
  std::optional<int> max_pages;
  std::optional<int> max_depth;
  std::optional<std::string> sitemap;  // a sitemap.xml URL to seed the crawl from
};

struct SourceView {
  std::string id;
  std::string bot_id;
  std::string kind;    // file | text | qa | url
  std::string status;  // queued | processing | ready | failed
  int64_t progress_done = 0;
  int64_t progress_total = 0;
  std::string title;
  std::optional<std::string> url;
  std::optional<std::string> external_id;
  std::optional<std::string> file_type;
  int64_t byte_size = 0;
  int64_t page_count = 0;
  int64_t chunk_count = 0;
  std::optional<std::string> error;  // why it failed, in words a person understands
  std::string options;               // JSON: a website's crawl limits
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> synced_at;
};

struct SourcePage {
  std::vector<SourceView> sources;
  std::optional<std::string> next_cursor;
};

struct BulkItem {
  std::string id;
  std::optional<std::string> external_id;
  bool created = true;  // false: an existing source with this external_id was replaced
};

struct BulkResult {
  int64_t created = 0;
  int64_t updated = 0;
  std::vector<BulkItem> items;
};

// What a passage carries for retrieval and citations.
struct ChunkBody {
  std::string text;
  std::string title;
  std::vector<std::string> headings;  // heading path, outermost first
  std::string url;
  int64_t page = 0;
  std::string question;  // Q&A chunks: the question (text holds the answer)
  std::vector<std::string> alternatives;
};

struct ChunkView {
  std::string id;
  std::string source_id;
  std::string kind;  // passage | qa
  int64_t ordinal = 0;
  ChunkBody body;
};

struct ChunkPage {
  std::vector<ChunkView> chunks;
  std::optional<std::string> next_cursor;
};

}  // namespace parley
