#include "kb/ingest_worker.h"

#include <algorithm>
#include <chrono>

namespace parley {
namespace {

// A claimed source is the worker's until the lease runs out; progress renews it. It outlasts
// the longest extraction the configuration allows.
int64_t lease_ms(const KbConfig& config) {
  return std::max<int64_t>(5 * 60 * 1000, int64_t{2000} * config.extract_wall_seconds);
}
// Texts and Q&A pairs are cheap: this many are processed and stored together.
constexpr int kLightBatch = 64;
// Idle threads look again this often, for leases that ran out and other nodes' sources.
constexpr auto kPoll = std::chrono::seconds(5);

}  // namespace

void IngestWorker::start(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

void IngestWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void IngestWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  wake_.notify_one();
}

bool IngestWorker::run_one() {
  const int64_t now = ctx_.clock.now_ms();
  const int64_t lease = lease_ms(ctx_.config);
  std::vector<SourceRow> claimed;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto found = claim_sources(tx, now, now + lease, kLightBatch);
    if (!found) return found.error();
    claimed = std::move(*found);
    return ok_status();
  });
  if (!written) {
    log_.error("ingest.claim_failed", {{"error", written.error().message}});
    return false;
  }
  if (claimed.empty()) return false;

  auto started = std::chrono::steady_clock::now();
  std::vector<ProcessedSource> results;
  std::vector<int64_t> leases;
  for (const SourceRow& source : claimed) {
    int64_t held = *source.claimed_until;
    ProgressFn progress = [&](int64_t done, int64_t total) {
      bool still_ours = false;
      const int64_t at = ctx_.clock.now_ms();
      Status saved = ctx_.store.db().write([&](Tx& tx) -> Status {
        auto renewed = set_source_progress(tx, source.id, done, total, held, at + lease, at);
        if (!renewed) return renewed.error();
        still_ours = *renewed;
        return ok_status();
      });
      if (saved.ok() && still_ours) held = at + lease;
      return saved.ok() && still_ours;
    };
    results.push_back(processor_.process(source, progress));
    leases.push_back(held);
  }

  // Chunks and outcomes together, so a source is never ready without its chunks. A source
  // deleted, queued again or claimed by another worker meanwhile is left alone.
  std::vector<bool> recorded(claimed.size(), false);
  Status finished = ctx_.store.db().write([&](Tx& tx) -> Status {
    for (size_t i = 0; i < claimed.size(); ++i) {
      recorded[i] = false;
      auto ours = still_claimed(tx, claimed[i].id, leases[i]);
      if (!ours) return ours.error();
      if (!*ours) continue;
      SourceOutcome outcome = results[i].outcome;
      if (outcome.status == "ready" && results[i].chunks) {
        auto count = replace_chunks(tx, claimed[i].id, std::nullopt, *results[i].chunks);
        if (!count) return count.error();
        outcome.chunk_count = *count;
      }
      if (auto s = finish_source(tx, claimed[i].id, outcome, ctx_.clock.now_ms()); !s) return s;
      recorded[i] = true;
    }
    return ok_status();
  });
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!finished) {
    log_.error("ingest.record_failed", {{"sources", static_cast<int64_t>(claimed.size())},
                                        {"error", finished.error().message}});
    return true;  // their leases run out and they are claimed again
  }
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (recorded[i] && results[i].outcome.status == "ready") embed(claimed[i]);
    if (recorded[i]) events_.source_processed(claimed[i].bot_id, claimed[i].id);
    log_.info(recorded[i] ? "ingest.source_done" : "ingest.source_changed_meanwhile",
              {{"source_id", claimed[i].id},
               {"bot_id", claimed[i].bot_id},
               {"kind", claimed[i].kind},
               {"status", results[i].outcome.status},
               {"ms", ms}});
  }
  return true;
}

// After the chunks are committed: the source is ready whatever happens here. Vectors the
// endpoint could not give are embedded when the bot's index is next built, or at re-sync.
void IngestWorker::embed(const SourceRow& source) {
  Status embedded = embedder_.embed_source(source.workspace_id, source.bot_id, source.id);
  if (!embedded) {
    log_.warn(
        "ingest.embeddings_failed",
        {{"source_id", source.id}, {"bot_id", source.bot_id}, {"error", embedded.error().message}});
  }
}

void IngestWorker::run() {
  uint64_t seen = 0;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen = wakeups_;
    }
    if (run_one()) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, kPoll, [&] { return stopping_ || wakeups_ != seen; });
  }
}

}  // namespace parley
