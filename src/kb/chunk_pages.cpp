#include "kb/chunk_pages.h"

#include <optional>

#include "kb/chunk_codec.h"

namespace parley {
namespace {

constexpr int kChunkPage = 1000;

}  // namespace

Status for_each_chunk_page(const KbContext& ctx, const std::string& workspace_id,
                           const std::string& bot_id, const std::string& source_id,
                           const ChunkPageVisitor& visit) {
  std::optional<ChunkPosition> after;
  while (true) {
    std::vector<ChunkRow> rows;
    Status read = ctx.store.db().read([&](Tx& tx) -> Status {
      auto page = list_chunks(tx, bot_id, source_id, after, kChunkPage);
      if (!page) return page.error();
      rows = std::move(*page);
      return ok_status();
    });
    if (!read) return read;
    std::vector<OpenedChunk> page;
    page.reserve(rows.size());
    for (ChunkRow& row : rows) {
      auto body = open_chunk_body(ctx.keyring, workspace_id, row);
      if (!body) return body.error();
      page.push_back({std::move(row), std::move(*body)});
    }
    if (auto visited = visit(page); !visited) return visited;
    if (page.size() < static_cast<size_t>(kChunkPage)) return ok_status();
    const ChunkRow& last = page.back().row;
    after = ChunkPosition{last.source_id, last.ordinal, last.id};
  }
}

}  // namespace parley
