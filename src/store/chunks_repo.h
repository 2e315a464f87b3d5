// SQL for chunks: the passages answers are made from, one set per source (and, for a
// crawled site, per page). A chunk's content hash is unique within its source, so identical
// passages are stored once. Called by the ingest worker and the chunk listing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct ChunkRow {
  std::string id;
  std::string bot_id;
  std::string source_id;
  std::optional<std::string> page_id;
  std::string kind;  // passage | qa
  int64_t ordinal = 0;
  int64_t page = 0;
  std::string content_hash;
  Bytes body_sealed;
  int64_t created_at = 0;
  // SHA-256 of the text an embeddings model is given for this chunk (title, headings, body,
  // question): the key of its cached vector. Empty for chunks stored before hybrid search.
  std::string embed_hash;
};

// Makes the chunks of a source (or of one page of it, when page_id is set) exactly
// `chunks`: removes those whose hash is gone, refreshes those whose text is unchanged in
// place (same id, so citations stay valid; new title, URL, page and position) and inserts
// the new ones. A hash repeated in `chunks` counts once, at its first place. Returns how
// many chunks the source now has.
Result<int64_t> replace_chunks(Tx& tx, std::string_view source_id,
                               const std::optional<std::string>& page_id,
                               const std::vector<ChunkRow>& chunks);
// In document order: by source, then position. `after` is the last row of the previous
// page (nullopt for the first page).
struct ChunkPosition {
  std::string source_id;
  int64_t ordinal = 0;
  std::string id;
};
Result<std::vector<ChunkRow>> list_chunks(Tx& tx, std::string_view bot_id,
                                          std::string_view source_id,
                                          const std::optional<ChunkPosition>& after, int limit);
Result<int64_t> count_chunks(Tx& tx, std::string_view source_id);

}  // namespace parley
