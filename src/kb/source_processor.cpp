#include "kb/source_processor.h"

#include <atomic>
#include <boost/json.hpp>
#include <map>

#include "core/ids.h"
#include "core/sha256.h"
#include "kb/chunk_codec.h"
#include "kb/chunker.h"
#include "kb/crawl/crawler.h"
#include "kb/extract/markdown.h"
#include "kb/source_input.h"
#include "kb/source_seal.h"
#include "store/chunks_repo.h"

namespace parley {
namespace {

Error no_text() {
  return make_error(ErrorCode::invalid_argument,
                    "no text found (a scanned image? Parley does not read text in images)");
}

// Identical Q&A pairs are stored once, like identical passages.
std::string qa_hash(const QaPair& pair) {
  std::string all = pair.question + '\n' + pair.answer;
  for (const std::string& alternative : pair.alternatives) all += '\n' + alternative;
  return sha256_hex(all);
}

// The source was deleted or taken over meanwhile: nothing of this run will be recorded.
constexpr const char* kStopped = "stopped: the source changed while it was processed";
ProcessedSource stopped() {
  ProcessedSource gone;
  gone.outcome.status = "failed";
  gone.outcome.error = kStopped;
  return gone;
}

std::string filename_of(std::string_view options) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(options, ec);
  if (ec || !value.is_object()) return "upload";
  const boost::json::value* name = value.as_object().if_contains("filename");
  return name && name->is_string() ? std::string(name->as_string()) : "upload";
}

}  // namespace

ExtractOptions SourceProcessor::extract_options(std::string_view base_url) const {
  ExtractOptions options;
  options.base_url = std::string(base_url);
  options.max_uncompressed_bytes =
      static_cast<int64_t>(ctx_.config.extract_max_uncompressed_mb) * 1024 * 1024;
  options.max_zip_entries = ctx_.config.extract_max_zip_entries;
  return options;
}

Result<SourceProcessor::Chunks> SourceProcessor::chunk_rows(
    const SourceRow& source, const Document& document, const std::string& title,
    const std::string& url, const std::optional<std::string>& page_id) {
  ChunkingOptions options;
  options.target_chars = static_cast<size_t>(ctx_.config.chunk_target_chars);
  options.max_chars = static_cast<size_t>(ctx_.config.chunk_max_chars);
  options.overlap_chars = static_cast<size_t>(ctx_.config.chunk_overlap_chars);
  const std::string chunk_title = document.title.empty() ? title : document.title;

  Chunks rows;
  auto add_row = [&](const char* kind, const std::string& hash, const ChunkBody& body) -> Status {
    ChunkRow row;
    row.id = new_id("chk", ctx_.clock);
    row.bot_id = source.bot_id;
    row.source_id = source.id;
    row.page_id = page_id;
    row.kind = kind;
    row.ordinal = static_cast<int64_t>(rows.size());
    row.page = body.page;
    row.content_hash = hash;
    row.created_at = ctx_.clock.now_ms();
    auto sealed = seal_chunk_body(ctx_.keyring, source.workspace_id, source.id, hash, body);
    if (!sealed) return sealed.error();
    row.body_sealed = std::move(*sealed);
    rows.push_back(std::move(row));
    return ok_status();
  };
  for (const Chunk& chunk : chunk_document(document, options, url)) {
    ChunkBody body{chunk.text,
                   chunk.title.empty() ? chunk_title : chunk.title,
                   chunk.heading_path,
                   chunk.url.empty() ? url : chunk.url,
                   chunk.page,
                   "",
                   {}};
    if (auto s = add_row("passage", chunk.content_hash, body); !s) return s.error();
  }
  for (const QaPair& pair : document.qa_pairs) {
    ChunkBody body{pair.answer, pair.question, {}, url, 0, pair.question, pair.alternatives};
    if (auto s = add_row("qa", qa_hash(pair), body); !s) return s.error();
  }
  return rows;
}

Result<ProcessedSource> SourceProcessor::process_file(const SourceRow& source,
                                                      const std::string& content) {
  std::string filename = filename_of(source.options);
  auto document = extract_(content, filename, extract_options(""));
  if (!document) return document.error();
  if (document->blocks.empty() && document->qa_pairs.empty()) return no_text();
  auto rows = chunk_rows(source, *document, filename, "", std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.outcome.page_count = document->page_count;
  done.chunks = std::move(*rows);
  return done;
}

Result<ProcessedSource> SourceProcessor::process_text(const SourceRow& source,
                                                      const std::string& content) {
  auto document = extract_markdown(content);
  if (!document) return document.error();
  if (document->blocks.empty()) return no_text();
  auto title = open_source_title(ctx_.keyring, source);
  if (!title) return title.error();
  auto url = open_source_url(ctx_.keyring, source);
  if (!url) return url.error();
  document->title = *title;  // the owner's title wins over the first heading
  auto rows = chunk_rows(source, *document, *title, *url, std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.chunks = std::move(*rows);
  return done;
}

Result<ProcessedSource> SourceProcessor::process_qa(const SourceRow& source,
                                                    const std::string& content) {
  auto qa = qa_from_content(content);
  if (!qa) return qa.error();
  Document document;
  document.qa_pairs.push_back({qa->question, qa->answer, qa->alternatives});
  auto rows = chunk_rows(source, document, qa->question, "", std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.chunks = std::move(*rows);
  return done;
}

namespace {

std::vector<std::string> allow_list_of(const std::string& config_value) {
  std::vector<std::string> cidrs;
  size_t at = 0;
  while (at <= config_value.size()) {
    size_t comma = config_value.find(',', at);
    std::string item = config_value.substr(at, comma - at);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) cidrs.push_back(item);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return cidrs;
}

SealContext page_field(const std::string& page_id, const char* column) {
  return {"source_pages", column, page_id};
}

std::string links_json(const std::vector<std::string>& links) {
  boost::json::array out;
  for (const std::string& link : links) out.emplace_back(link);
  return boost::json::serialize(out);
}

std::vector<std::string> links_from_json(std::string_view text) {
  std::vector<std::string> links;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return links;
  for (const auto& link : value.as_array()) {
    if (link.is_string()) links.emplace_back(link.as_string());
  }
  return links;
}

}  // namespace

// The pages kept by the last crawl, as the crawler's re-sync needs them, with their ids.
Result<std::vector<std::pair<PageState, std::string>>> SourceProcessor::previous_pages(
    const SourceRow& source) {
  std::vector<PageRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = list_pages(tx, source.id);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  std::vector<std::pair<PageState, std::string>> pages;
  for (const PageRow& row : rows) {
    auto url =
        ctx_.keyring.open(source.workspace_id, page_field(row.id, "url_sealed"), row.url_sealed);
    if (!url) return url.error();
    auto links = ctx_.keyring.open(source.workspace_id, page_field(row.id, "links_sealed"),
                                   row.links_sealed);
    if (!links) return links.error();
    PageState state{*url,
                    row.etag.value_or(""),
                    row.last_modified.value_or(""),
                    row.content_hash,
                    static_cast<uint64_t>(row.simhash),
                    links_from_json(*links)};
    pages.emplace_back(std::move(state), row.id);
  }
  return pages;
}

// Stores a page the crawl added or changed, with its chunks, in one transaction.
Status SourceProcessor::store_page(const SourceRow& source, const CrawledPage& page,
                                   const std::string& page_id) {
  PageRow row;
  row.id = page_id;
  row.source_id = source.id;
  row.url_hash = sha256_hex(page.url);
  row.etag = page.etag.empty() ? std::nullopt : std::optional(page.etag);
  row.last_modified = page.last_modified.empty() ? std::nullopt : std::optional(page.last_modified);
  row.content_hash = page.content_hash;
  row.simhash = static_cast<int64_t>(page.simhash);
  row.fetched_at = ctx_.clock.now_ms();
  auto url = ctx_.keyring.seal(source.workspace_id, page_field(page_id, "url_sealed"), page.url);
  if (!url) return url.error();
  auto links = ctx_.keyring.seal(source.workspace_id, page_field(page_id, "links_sealed"),
                                 links_json(page.links));
  if (!links) return links.error();
  row.url_sealed = std::move(*url);
  row.links_sealed = std::move(*links);
  auto chunks = chunk_rows(source, page.document, page.url, page.url, page_id);
  if (!chunks) return chunks.error();
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    auto stored_id = upsert_page(tx, row);
    if (!stored_id) return stored_id.error();
    if (*stored_id != page_id) {
      return make_error(ErrorCode::conflict, "the page was stored twice at once");
    }
    auto count = replace_chunks(tx, source.id, page_id, *chunks);
    if (!count) return count.error();
    return ok_status();
  });
}

Result<ProcessedSource> SourceProcessor::process_website(const SourceRow& source,
                                                         const ProgressFn& progress) {
  auto website = website_options_from(source.options);
  if (!website) return website.error();
  auto previous = previous_pages(source);
  if (!previous) return previous.error();
  std::map<std::string, std::string> page_ids;  // canonical URL -> stored page id
  std::vector<PageState> states;
  for (const auto& [state, id] : *previous) {
    page_ids[state.url] = id;
    states.push_back(state);
  }

  CrawlOptions options;
  options.sitemap = !website->sitemap.empty();
  options.start_url = options.sitemap ? website->sitemap : website->url;
  options.max_pages = website->max_pages;
  options.max_depth = website->max_depth;
  options.concurrency = ctx_.crawl.concurrency;
  options.per_host_delay_ms = ctx_.crawl.per_host_delay_ms;
  options.max_page_bytes = ctx_.crawl.max_page_bytes;
  options.allow_private = allow_list_of(ctx_.crawl.allow_private);
  options.user_agent = ctx_.crawl.user_agent;
  options.timeout_ms = ctx_.crawl.timeout_seconds * 1000;

  std::atomic<bool> cancel{false};
  std::optional<Error> store_error;
  bool stopped_by_owner = false;
  PageParser parse = [this](std::string_view html, std::string_view url) {
    return extract_(html, "page.html", extract_options(url));
  };
  PageCallback on_page = [&](const CrawledPage& page) {
    if (store_error) return;
    Status stored = ok_status();
    auto known = page_ids.find(page.url);
    if (page.status == CrawledPage::Status::added || page.status == CrawledPage::Status::changed) {
      std::string id = known != page_ids.end() ? known->second : new_id("pg", ctx_.clock);
      stored = store_page(source, page, id);
      if (stored) page_ids[page.url] = id;
    } else if (page.status == CrawledPage::Status::removed && known != page_ids.end()) {
      stored =
          ctx_.store.db().write([&](Tx& tx) { return delete_page(tx, source.id, known->second); });
    }
    if (!stored) {
      store_error = stored.error();
      cancel = true;
    }
  };
  ProgressCallback on_progress = [&](int done, int discovered) {
    if (!progress(done, discovered)) {
      stopped_by_owner = true;
      cancel = true;
    }
  };
  auto summary = crawl(options, states, parse, on_page, on_progress, cancel);
  if (stopped_by_owner) return make_error(ErrorCode::conflict, kStopped);
  if (store_error) return *store_error;
  if (!summary) return summary.error();

  ProcessedSource done;
  Status counted = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto pages = list_pages(tx, source.id);
    if (!pages) return pages.error();
    done.outcome.page_count = static_cast<int64_t>(pages->size());
    auto chunks = count_chunks(tx, source.id);
    if (!chunks) return chunks.error();
    done.outcome.chunk_count = *chunks;
    return ok_status();
  });
  if (!counted) return counted.error();
  if (done.outcome.page_count == 0) {
    return make_error(ErrorCode::invalid_argument,
                      "no page of the site could be read (" + std::to_string(summary->fetched) +
                          " fetched, " + std::to_string(summary->failed) + " failed, " +
                          std::to_string(summary->skipped) + " skipped)");
  }
  return done;
}

ProcessedSource SourceProcessor::process(const SourceRow& source, const ProgressFn& progress) {
  Result<ProcessedSource> done = make_error(ErrorCode::internal, "unknown source kind");
  try {
    if (source.kind == "url") {
      done = process_website(source, progress);
    } else {
      auto content = load_source_content(ctx_.store, ctx_.keyring, source);
      if (!content) {
        done = content.error();
      } else if (source.kind == "file") {
        if (!progress(0, 1)) return stopped();  // renews the lease before a long extraction
        done = process_file(source, *content);
      } else if (source.kind == "text") {
        done = process_text(source, *content);
      } else if (source.kind == "qa") {
        done = process_qa(source, *content);
      }
    }
  } catch (const std::exception& e) {
    done = make_error(ErrorCode::internal, std::string("processing failed: ") + e.what());
  }
  if (!done) {
    ProcessedSource failed;
    failed.outcome.status = "failed";
    failed.outcome.error = done.error().message;
    return failed;
  }
  done->outcome.status = "ready";
  if (done->chunks) done->outcome.chunk_count = static_cast<int64_t>(done->chunks->size());
  return std::move(*done);
}

}  // namespace parley
