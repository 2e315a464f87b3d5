// Turns one claimed source into chunks: extracts a file (in the sandboxed child), reads a
// text as Markdown, makes a Q&A pair one chunk, crawls a website page by page; then
// chunks, seals and stores the passages. Called by the ingest worker, one source at a time
// per thread.
#pragma once

#include <functional>
#include <string_view>

#include "kb/crawl/crawler.h"
#include "kb/extract/extract.h"
#include "kb/kb_context.h"
#include "store/chunks_repo.h"
#include "store/sources_repo.h"

namespace parley {

// Extracts untrusted bytes: production runs the sandboxed child (sandbox.h); the result
// is the same Document either way.
using ExtractFn = std::function<Result<Document>(
    std::string_view bytes, std::string_view filename_hint, const ExtractOptions& options)>;

// Reports progress (done, total); returns false when the worker should stop because the
// source was deleted meanwhile.
using ProgressFn = std::function<bool(int64_t done, int64_t total)>;

// Why a run is dropped: the source was deleted or taken over while it was processed, so
// nothing of the run is recorded.
inline constexpr const char* kSourceChangedMeanwhile =
    "stopped: the source changed while it was processed";

// What processing a source produced. Files, texts and Q&A pairs hand back their chunks, for
// the worker to store with the outcome in one transaction; a website stores its pages'
// chunks as it crawls and hands back none.
struct ProcessedSource {
  SourceOutcome outcome;
  std::optional<std::vector<ChunkRow>> chunks;
};

class SourceProcessor {
 public:
  SourceProcessor(KbContext context, ExtractFn extract)
      : ctx_(context), extract_(std::move(extract)) {}

  // Never throws; a source that cannot be read comes back failed with the reason.
  ProcessedSource process(const SourceRow& source, const ProgressFn& progress);

 private:
  using Chunks = std::vector<ChunkRow>;
  Result<ProcessedSource> process_file(const SourceRow& source, const std::string& content);
  Result<ProcessedSource> process_text(const SourceRow& source, const std::string& content);
  Result<ProcessedSource> process_qa(const SourceRow& source, const std::string& content);
  Result<ProcessedSource> process_website(const SourceRow& source, const ProgressFn& progress);
  Result<std::vector<std::pair<PageState, std::string>>> previous_pages(const SourceRow& source);
  Status store_page(const SourceRow& source, const CrawledPage& page, const std::string& page_id);
  // The document's passages and Q&A pairs as sealed rows, ready to store.
  Result<Chunks> chunk_rows(const SourceRow& source, const Document& document,
                            const std::string& title, const std::string& url,
                            const std::optional<std::string>& page_id);
  ExtractOptions extract_options(std::string_view base_url) const;

  KbContext ctx_;
  ExtractFn extract_;
};

}  // namespace parley
