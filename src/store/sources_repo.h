// SQL for knowledge sources, their original content and the pages of crawled sites. The
// sources table is also the ingestion queue: a queued source is claimed by a worker with a
// lease, so a worker that dies leaves it to be claimed again. Called by the source service
// and the ingest worker.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct SourceRow {
  std::string id;
  std::string workspace_id;
  std::string bot_id;
  std::string kind;  // file | text | qa | url
  std::optional<std::string> external_id;
  Bytes title_sealed;
  std::optional<Bytes> url_sealed;
  std::optional<std::string> file_type;
  int64_t byte_size = 0;
  std::string options;  // JSON: crawl limits for a website; "{}" otherwise
  std::string status;   // queued | processing | ready | failed
  int64_t progress_done = 0;
  int64_t progress_total = 0;
  std::optional<std::string> error;
  int64_t page_count = 0;
  int64_t chunk_count = 0;
  std::optional<int64_t> claimed_until;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> synced_at;
};

Status insert_source(Tx& tx, const SourceRow& source);
// Replaces what a source is (title, URL, options, size) and queues it again: for a bulk
// import that names an existing external_id.
Status replace_source(Tx& tx, const SourceRow& source);
Result<std::optional<SourceRow>> find_source(Tx& tx, std::string_view bot_id,
                                             std::string_view source_id);
Result<std::optional<SourceRow>> find_source_by_external_id(Tx& tx, std::string_view bot_id,
                                                            std::string_view external_id);
Result<std::vector<SourceRow>> list_sources(Tx& tx, std::string_view bot_id,
                                            std::string_view after_id, int limit);
// external_id -> source id, for the bot's sources that have one.
using ExternalIds = std::map<std::string, std::string>;
Result<ExternalIds> list_external_ids(Tx& tx, std::string_view bot_id);
struct BotUsage {
  int64_t sources = 0;
  int64_t bytes = 0;
};
Result<BotUsage> bot_usage(Tx& tx, std::string_view bot_id);
// Deletes the source and, through foreign keys, its content, pages and chunks.
Status delete_source(Tx& tx, std::string_view bot_id, std::string_view source_id);

// The queue. claim_sources takes the oldest queued source (or one whose lease ran out) and
// marks it processing until `lease_until`. When that one is light (a text or a Q&A pair),
// up to `max_light` light ones are taken together, so that an import of thousands is
// stored in few transactions. Empty when nothing waits.
Result<std::vector<SourceRow>> claim_sources(Tx& tx, int64_t now, int64_t lease_until,
                                             int max_light);
// Whether the worker holding `lease` still owns the source (see set_source_progress).
Result<bool> still_claimed(Tx& tx, std::string_view source_id, int64_t lease);
Status requeue_source(Tx& tx, std::string_view bot_id, std::string_view source_id, int64_t now);
// Renews the worker's lease (`lease` is the one it holds) and records progress. False when
// the source is no longer this worker's: deleted, queued again, or claimed by another
// worker after the lease ran out. The worker should stop.
Result<bool> set_source_progress(Tx& tx, std::string_view source_id, int64_t done, int64_t total,
                                 int64_t lease, int64_t new_lease, int64_t now);
struct SourceOutcome {
  std::string status;  // ready | failed
  std::optional<std::string> error;
  std::optional<std::string> file_type;
  std::optional<Bytes> title_sealed;  // replaces the title when set (a file's own title)
  int64_t page_count = 0;
  int64_t chunk_count = 0;
};
// Records the outcome of processing; call it after still_claimed said yes, in the same write.
Status finish_source(Tx& tx, std::string_view source_id, const SourceOutcome& outcome, int64_t now);

Status put_source_content(Tx& tx, std::string_view source_id, const Bytes& content_sealed);
Result<std::optional<Bytes>> find_source_content(Tx& tx, std::string_view source_id);

struct PageRow {
  std::string id;
  std::string source_id;
  std::string url_hash;  // hex SHA-256 of the canonical URL: one row per page
  Bytes url_sealed;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::string content_hash;
  int64_t simhash = 0;  // the page text's SimHash, its 64 bits as a signed integer
  Bytes links_sealed;   // the page's same-site links, for re-syncs that get a 304
  int64_t fetched_at = 0;
};

// Inserts or, for a URL already known, updates the page; returns its id.
Result<std::string> upsert_page(Tx& tx, const PageRow& page);
Result<std::vector<PageRow>> list_pages(Tx& tx, std::string_view source_id);
Status delete_page(Tx& tx, std::string_view source_id, std::string_view page_id);

}  // namespace parley
