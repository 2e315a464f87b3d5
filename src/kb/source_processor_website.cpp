// SourceProcessor's website part: crawl (or re-sync) a site and store each page's chunks
// as it arrives; pages the site removed are deleted with their chunks.
#include <atomic>
#include <boost/json.hpp>
#include <map>

#include "core/ids.h"
#include "core/sha256.h"
#include "kb/crawl/crawler.h"
#include "kb/source_input.h"
#include "kb/source_processor.h"

namespace parley {
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
  if (stopped_by_owner) return make_error(ErrorCode::conflict, kSourceChangedMeanwhile);
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

}  // namespace parley
