// Crawls one website (from a start page or a sitemap.xml) into Documents, and re-syncs a
// previous crawl fetching only what changed. Called by the knowledge-source service on a
// worker thread; every request goes through the guarded Fetcher.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/crawl/fetcher.h"
#include "kb/extract/document.h"

namespace parley {

struct CrawlOptions {
  std::string start_url;
  bool sitemap = false;         // start_url is a sitemap.xml (or a sitemap index): its pages are
                                // the depth-0 seeds
  int max_pages = 100;          // page requests, whatever their outcome (robots.txt, sitemaps and
                                // pages robots.txt forbids are not counted)
  int max_depth = 3;            // links followed from the start page (or the sitemap's pages)
  int concurrency = 4;          // worker threads, each with its own connection
  int per_host_delay_ms = 250;  // between requests to the site; robots.txt's Crawl-delay
                                // wins when longer
  int64_t max_page_bytes = 10ll * 1024 * 1024;
  int max_sitemap_urls = 50'000;
  std::vector<std::string> allow_private;  // CIDRs the SSRF guard lets through
                                           // (config crawl.allow_private)
  std::string user_agent = default_user_agent();
  int connect_timeout_ms = 10'000;
  int timeout_ms = 30'000;  // per request
};

// What the store keeps of a page from the previous crawl, so that a re-sync asks the site
// only for changes and still follows the links of pages that did not change.
struct PageState {
  std::string url;  // canonical
  std::string etag;
  std::string last_modified;
  std::string content_hash;
  uint64_t simhash = 0;            // 0: unknown
  std::vector<std::string> links;  // the page's same-site links, canonical
};

struct CrawledPage {
  enum class Status {
    added,              // new page: store `document`
    changed,            // stored before, content differs: replace with `document`
    unchanged,          // stored before, same content (304, or same hash): keep
    removed,            // stored before, now gone (404/410), moved elsewhere, or no longer
                        // to be stored (robots.txt, noindex, duplicate): delete it
    not_seen,           // stored before, not reached this time (limits, cancel): keep
    failed,             // could not be fetched or read; if stored before, keep it
    skipped_duplicate,  // same canonical URL, same or nearly the same text as a kept page
    skipped_robots,     // robots.txt forbids it: never requested
    skipped_noindex,    // <meta name="robots" content="noindex">: its links are followed
    skipped_not_html,   // not text/html
    skipped_offsite,    // redirected to another site
  };
  Status status = Status::failed;
  std::string url;          // canonical: the page's identity for kept pages
  std::string fetched_url;  // the URL requested, when it differs (redirect, rel=canonical)
  int depth = 0;
  Document document;  // added and changed only
  std::string etag;
  std::string last_modified;
  std::string content_hash;
  uint64_t simhash = 0;
  std::vector<std::string> links;
  std::string error;  // why, for failed, skipped and removed pages

  PageState state() const;  // what to keep for the next re-sync (added/changed/unchanged)
};

// "added", "skipped_robots"...
const char* crawl_status_name(CrawledPage::Status status);

struct CrawlSummary {
  int added = 0;
  int changed = 0;
  int unchanged = 0;
  int removed = 0;
  int not_seen = 0;
  int failed = 0;
  int skipped = 0;
  int fetched = 0;  // page requests made
  bool page_limit_reached = false;
  bool cancelled = false;
};

// Turns a fetched HTML page into a Document (the integrator runs it in the extraction
// sandbox; tests pass extract_html).
using PageParser = std::function<Result<Document>(std::string_view html, std::string_view url)>;
using PageCallback = std::function<void(const CrawledPage& page)>;
using ProgressCallback = std::function<void(int done, int discovered)>;

// Crawls the site of options.start_url: same site only (www. and bare host are one site),
// robots.txt honoured, depth and page limits, `concurrency` workers with a per-site delay,
// canonical URLs, duplicates and near-duplicates skipped. With `previous` (the last crawl's
// kept pages) it re-syncs: conditional requests, then every previous page is accounted for
// (unchanged, changed, removed, failed or not_seen).
// on_page and on_progress are called from worker threads, one call at a time.
// Errors: invalid_argument (bad start URL or options), forbidden (the site's address is
// refused), or the reason the start page / sitemap could not be read when nothing was
// crawled. Cancelling returns the summary so far, with cancelled set.
Result<CrawlSummary> crawl(const CrawlOptions& options, const std::vector<PageState>& previous,
                           const PageParser& parse_page, const PageCallback& on_page,
                           const ProgressCallback& on_progress, const std::atomic<bool>& cancel);

}  // namespace parley
