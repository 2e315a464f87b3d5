// The ingestion queue's consumers: a few threads that claim queued sources (with a lease,
// so a source whose worker died is claimed again), process them and record the outcome,
// then embed the new chunks when the bot has an embeddings endpoint.
// Started by `parley serve` and `parley ingest`; woken when a source is queued.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.h"
#include "kb/chunk_embedder.h"
#include "kb/knowledge_events.h"
#include "kb/source_processor.h"

namespace parley {

class IngestWorker {
 public:
  IngestWorker(KbContext context, SourceProcessor& processor, ChunkEmbedder& embedder,
               const KnowledgeEvents& events, Log& log)
      : ctx_(context), processor_(processor), embedder_(embedder), events_(events), log_(log) {}
  ~IngestWorker() { stop(); }

  void start(int threads);
  // Lets the current sources finish, then joins the threads.
  void stop();
  // A source was queued: one idle thread looks for it now rather than at its next poll.
  void wake();

  // Claims and processes the next queued source (or a batch of light ones) on the calling
  // thread; false when none was queued.
  // For `parley ingest` and tests, which want to wait for the queue to empty.
  bool run_one();

 private:
  void run();
  void embed(const SourceRow& source);

  KbContext ctx_;
  SourceProcessor& processor_;
  ChunkEmbedder& embedder_;
  const KnowledgeEvents& events_;
  Log& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace parley
