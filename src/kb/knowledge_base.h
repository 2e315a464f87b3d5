// The knowledge layer wired together: bots, sources, the processor that turns sources into
// chunks and the worker threads that run it. Built once by `parley serve` (and `parley
// ingest`, and the API tests), so they all assemble it the same way.
#pragma once

#include "core/log.h"
#include "kb/bot_service.h"
#include "kb/chunk_embedder.h"
#include "kb/ingest_worker.h"
#include "kb/knowledge_events.h"
#include "kb/search_service.h"
#include "kb/source_processor.h"
#include "kb/source_service.h"

namespace parley {

// Extraction in the sandboxed child `<executable> extract-worker`, with the configured
// limits. `executable` is normally /proc/self/exe.
ExtractFn sandboxed_extractor(std::string executable, const KbConfig& config);

struct KnowledgeBase {
  KnowledgeBase(KbContext context, ExtractFn extract, Log& log)
      : bots(context, events),
        processor(context, std::move(extract)),
        embedder(context, embedding_counters),
        worker(context, processor, embedder, events, log),
        sources(context, events),
        search(context, static_cast<size_t>(context.config.search_memory_mb) * 1024 * 1024,
               embedder) {
    events.source_queued = [this] { worker.wake(); };
    events.source_processed = [this](const std::string& bot, const std::string& source) {
      search.source_changed(bot, source);
    };
    events.source_removed = [this](const std::string& bot, const std::string& source) {
      search.source_removed(bot, source);
    };
    events.bot_removed = [this](const std::string& bot) { search.bot_removed(bot); };
    events.bot_changed = [this](const std::string& bot) { search.bot_removed(bot); };
  }

  KnowledgeEvents events;  // first: the members below keep a reference to it
  EmbeddingCounters embedding_counters;
  BotService bots;
  SourceProcessor processor;
  ChunkEmbedder embedder;
  IngestWorker worker;
  SourceService sources;
  SearchService search;
};

}  // namespace parley
