// The knowledge layer wired together: bots, sources, the processor that turns sources into
// chunks and the worker threads that run it. Built once by `parley serve` (and `parley
// ingest`, and the API tests), so they all assemble it the same way.
#pragma once

#include "core/log.h"
#include "kb/bot_service.h"
#include "kb/ingest_worker.h"
#include "kb/source_processor.h"
#include "kb/source_service.h"

namespace parley {

// Extraction in the sandboxed child `<executable> extract-worker`, with the configured
// limits. `executable` is normally /proc/self/exe.
ExtractFn sandboxed_extractor(std::string executable, const KbConfig& config);

struct KnowledgeBase {
  KnowledgeBase(KbContext context, ExtractFn extract, Log& log)
      : bots(context),
        processor(context, std::move(extract)),
        worker(context, processor, log),
        sources(context, [this] { worker.wake(); }) {}

  BotService bots;
  SourceProcessor processor;
  IngestWorker worker;
  SourceService sources;
};

}  // namespace parley
