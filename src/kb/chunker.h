// Cuts a Document into passages for retrieval, following its structure: a chunk stays under
// one heading and on one page. Called by the source processor after extraction; Q&A pairs
// are not chunked here (each is stored as its own chunk).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kb/extract/document.h"

namespace parley {

// Sizes count bytes of UTF-8; a cut never falls inside a character.
struct ChunkingOptions {
  size_t target_chars = 1000;  // small blocks are packed up to this; long ones cut near it
  size_t max_chars = 1600;     // no chunk is longer (a block that fits is never cut)
  size_t overlap_chars = 150;  // a continued section repeats this much of the chunk before
};

struct Chunk {
  std::string text;  // the section's heading lines lead its first chunk
  std::string title;
  std::vector<std::string> heading_path;  // {"h1", "h2", "h3"} above the text
  int page = 0;                           // 1-based for paged formats, else 0
  std::string url;
  std::string content_hash;  // hex SHA-256 of text; a document never repeats one
};

std::vector<Chunk> chunk_document(const Document& doc, const ChunkingOptions& options,
                                  std::string_view url);

}  // namespace parley
