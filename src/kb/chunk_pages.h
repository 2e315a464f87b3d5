// Reads a bot's chunks from the store a page at a time, their sealed bodies opened, so that
// a caller can work per page (index, embed) without holding the whole bot in memory. Used
// by the search service to build an index and by the chunk embedder to embed a source.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kb/kb_context.h"
#include "kb/source_types.h"
#include "store/chunks_repo.h"

namespace parley {

struct OpenedChunk {
  ChunkRow row;
  ChunkBody body;
};

using ChunkPageVisitor = std::function<Status(const std::vector<OpenedChunk>& page)>;

// Visits the chunks of `source_id` (every source's, when empty) in order, page by page;
// stops at the first failure, the store's, the keyring's or the visitor's.
Status for_each_chunk_page(const KbContext& ctx, const std::string& workspace_id,
                           const std::string& bot_id, const std::string& source_id,
                           const ChunkPageVisitor& visit);

}  // namespace parley
