// Knowledge sources of a bot: files, texts, Q&A pairs and websites. Adding one checks it
// and the bot's limits, seals its content with the workspace key and queues it; the ingest
// worker (ingest_worker.h) turns it into chunks. Deleting one removes its chunks in the
// same transaction. Called by the HTTP API and `parley ingest`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/workspace_service.h"
#include "kb/kb_context.h"
#include "kb/knowledge_events.h"
#include "kb/source_types.h"

namespace parley {

class SourceService {
 public:
  SourceService(KbContext context, const KnowledgeEvents& events)
      : ctx_(context), events_(events) {}

  Result<SourceView> add_file(std::string_view workspace_id, std::string_view bot_id,
                              const FileInput& input, const Actor& actor);
  Result<SourceView> add_text(std::string_view workspace_id, std::string_view bot_id,
                              const TextInput& input, const Actor& actor);
  Result<SourceView> add_qa(std::string_view workspace_id, std::string_view bot_id,
                            const QaInput& input, const Actor& actor);
  Result<SourceView> add_website(std::string_view workspace_id, std::string_view bot_id,
                                 const WebsiteInput& input, const Actor& actor);
  // JSON Lines, one text or Q&A source per line. Every line is checked first: one bad line
  // fails the whole import (naming the line) and nothing is stored. A line whose
  // external_id the bot already has replaces that source.
  Result<BulkResult> add_bulk(std::string_view workspace_id, std::string_view bot_id,
                              std::string_view jsonl, const Actor& actor);

  Result<SourceView> get(std::string_view workspace_id, std::string_view bot_id,
                         std::string_view source_id);
  Result<SourcePage> list(std::string_view workspace_id, std::string_view bot_id,
                          std::string_view cursor, int limit);
  // Queues the source again: a website is crawled again for what changed; other kinds are
  // re-extracted from their stored content. Refused while the source is being processed.
  Result<SourceView> resync(std::string_view workspace_id, std::string_view bot_id,
                            std::string_view source_id, const Actor& actor);
  Status remove(std::string_view workspace_id, std::string_view bot_id, std::string_view source_id,
                const Actor& actor);
  Result<ChunkPage> chunks(std::string_view workspace_id, std::string_view bot_id,
                           std::string_view source_id, std::string_view cursor, int limit);

 private:
  struct NewSource;
  Result<SourceView> add(std::string_view workspace_id, std::string_view bot_id, NewSource source,
                         const Actor& actor);
  Result<NewSource> prepare(std::string_view workspace_id, std::string_view bot_id,
                            const std::string& kind, std::string_view title,
                            std::optional<std::string> url, std::string content,
                            std::string options, std::optional<std::string> external_id,
                            std::optional<std::string> existing_id);
  Status check_bot(Tx& tx, std::string_view workspace_id, std::string_view bot_id);
  Status check_limits(Tx& tx, std::string_view bot_id);
  Result<SourceView> view_of(const struct SourceRow& row);

  KbContext ctx_;
  const KnowledgeEvents& events_;
};

}  // namespace parley
