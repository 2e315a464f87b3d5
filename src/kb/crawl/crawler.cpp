#include "kb/crawl/crawler.h"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>

#include "kb/crawl/crawl_run.h"
#include "kb/crawl/sitemap.h"

namespace parley {
namespace {

constexpr int kMaxSitemapFiles = 50;  // an index and its sitemaps
constexpr int kMaxWorkers = 16;

bool is_kept(CrawledPage::Status status) {
  using S = CrawledPage::Status;
  return status == S::added || status == S::changed || status == S::unchanged;
}

Result<Sitemap> read_sitemap(Fetcher& fetcher, const std::string& url, int max_urls,
                             const std::atomic<bool>& cancel) {
  auto fetched = fetcher.fetch(url, {}, &cancel);
  if (!fetched) return fetched.error();
  if (fetched->status != 200) {
    return make_error(fetched->status >= 500 ? ErrorCode::unavailable : ErrorCode::invalid_argument,
                      "the site answered " + std::to_string(fetched->status));
  }
  return parse_sitemap(fetched->body, static_cast<size_t>(max_urls));
}

Error sitemap_error(const std::string& url, const Error& error) {
  return make_error(error.code, "the sitemap " + url + " could not be read: " + error.message);
}

}  // namespace

const char* crawl_status_name(CrawledPage::Status status) {
  using S = CrawledPage::Status;
  switch (status) {
    case S::added:
      return "added";
    case S::changed:
      return "changed";
    case S::unchanged:
      return "unchanged";
    case S::removed:
      return "removed";
    case S::not_seen:
      return "not_seen";
    case S::failed:
      return "failed";
    case S::skipped_duplicate:
      return "skipped_duplicate";
    case S::skipped_robots:
      return "skipped_robots";
    case S::skipped_noindex:
      return "skipped_noindex";
    case S::skipped_not_html:
      return "skipped_not_html";
    case S::skipped_offsite:
      return "skipped_offsite";
  }
  return "unknown";
}

PageState CrawledPage::state() const {
  return PageState{url, etag, last_modified, content_hash, simhash, links};
}

CrawlRun::CrawlRun(const CrawlOptions& options, FetchOptions fetch_options, UrlParts start,
                   const std::vector<PageState>& previous, const PageParser& parse_page,
                   const PageCallback& on_page, const ProgressCallback& on_progress,
                   const std::atomic<bool>& cancel)
    : options_(options),
      fetch_options_(std::move(fetch_options)),
      start_(std::move(start)),
      start_url_(start_.origin + start_.target),
      site_(site_of(start_)),
      parse_page_(parse_page),
      on_page_(on_page),
      on_progress_(on_progress),
      cancel_(cancel),
      policy_(options.per_host_delay_ms) {
  for (const auto& state : previous) {
    auto canonical = canonicalize_url(state.url);
    if (canonical) previous_[*canonical] = state;
  }
}

Status CrawlRun::seed(Fetcher& fetcher) {
  if (!options_.sitemap) {
    std::lock_guard lock(mutex_);
    enqueue_locked(start_url_, 0);
    return ok_status();
  }
  std::deque<std::string> pending{start_url_};
  std::set<std::string> read;
  int files = 0;
  while (!pending.empty() && files < kMaxSitemapFiles && !cancel_.load()) {
    const std::string url = pending.front();
    pending.pop_front();
    if (!read.insert(url).second) continue;
    const bool first = files++ == 0;
    policy_.wait_turn(site_, 0, cancel_);
    auto sitemap = read_sitemap(fetcher, url, options_.max_sitemap_urls, cancel_);
    if (!sitemap) {
      if (first) return sitemap_error(url, sitemap.error());
      continue;  // one broken sitemap of an index does not spoil the others
    }
    std::lock_guard lock(mutex_);
    for (const auto& entry : sitemap->entries) {
      auto canonical = canonicalize_url(entry.url);
      if (!canonical || !same_site(*canonical, start_url_)) continue;
      if (sitemap->is_index) {
        pending.push_back(*canonical);
      } else if (static_cast<int>(enqueued_.size()) < options_.max_sitemap_urls) {
        enqueue_locked(*canonical, 0);
      }
    }
  }
  std::lock_guard lock(mutex_);
  if (queue_.empty() && !cancel_.load()) {
    return make_error(ErrorCode::invalid_argument,
                      "the sitemap " + start_url_ + " lists no pages of " + site_);
  }
  return ok_status();
}

Result<CrawlSummary> CrawlRun::run() {
  const int workers =
      std::clamp(std::min(options_.concurrency, options_.max_pages), 1, kMaxWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    try {
      threads.emplace_back([this] { worker(); });
    } catch (const std::system_error&) {
      break;  // fewer workers than asked for is still a crawl
    }
  }
  if (threads.empty()) {
    return make_error(ErrorCode::unavailable, "the crawl could not start: no thread available");
  }
  for (auto& thread : threads) thread.join();
  if (internal_error_) return *internal_error_;

  std::vector<CrawledPage> unseen;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [url, state] : previous_) {
      if (accounted_.count(url)) continue;
      CrawledPage page;
      page.status = CrawledPage::Status::not_seen;
      page.url = url;
      page.etag = state.etag;
      page.last_modified = state.last_modified;
      page.content_hash = state.content_hash;
      page.simhash = state.simhash;
      page.links = state.links;
      page.error = page_limit_reached_ ? "not reached: the page limit was hit"
                   : cancel_.load()    ? "not reached: the crawl was cancelled"
                                       : "not reached this time";
      unseen.push_back(std::move(page));
    }
  }
  for (auto& page : unseen) report(std::move(page));

  std::lock_guard lock(report_mutex_);
  summary_.fetched = fetched_;
  summary_.page_limit_reached = page_limit_reached_;
  summary_.cancelled = cancel_.load();
  const int kept = summary_.added + summary_.changed + summary_.unchanged;
  if (kept == 0 && start_error_ && !summary_.cancelled) return *start_error_;
  return summary_;
}

void CrawlRun::worker() {
  bool in_task = false;
  try {
    Fetcher fetcher(fetch_options_);
    Task task;
    while (next_task(task)) {
      in_task = true;
      const bool fetched = process(task, fetcher);
      in_task = false;
      finish_task(fetched);
    }
  } catch (const std::exception& e) {
    // A callback or an allocation failed: stop the crawl rather than the process.
    std::lock_guard lock(mutex_);
    if (!internal_error_) {
      internal_error_ =
          make_error(ErrorCode::internal, std::string("the crawl failed: ") + e.what());
    }
    if (in_task) --in_flight_;
    changed_.notify_all();
  }
}

bool CrawlRun::next_task(Task& task) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (cancel_.load() || internal_error_) {
      changed_.notify_all();
      return false;
    }
    // Reached already another way (a redirect, a canonical URL): done without a request.
    while (!queue_.empty() && visited_.count(queue_.front().url)) {
      queue_.pop_front();
      ++done_;
    }
    // Pages in flight may still turn out not to need a request (robots.txt), so the budget
    // counts them until they finish.
    if (!queue_.empty() && fetched_ + in_flight_ < options_.max_pages) {
      task = std::move(queue_.front());
      queue_.pop_front();
      visited_.insert(task.url);
      ++in_flight_;
      return true;
    }
    if (in_flight_ == 0) {
      if (!queue_.empty()) {
        page_limit_reached_ = true;
        queue_.clear();
      }
      if (!previous_enqueued_) {
        previous_enqueued_ = true;
        if (fetched_ < options_.max_pages) enqueue_unvisited_previous_locked();
        if (!queue_.empty()) continue;
      }
      changed_.notify_all();
      return false;
    }
    // Timed so that a cancel, which nobody notifies, is noticed.
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

void CrawlRun::finish_task(bool fetched) {
  int done = 0;
  int discovered = 0;
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (fetched) ++fetched_;
    done = ++done_;
    discovered = static_cast<int>(enqueued_.size());
    changed_.notify_all();
  }
  if (on_progress_) {
    std::lock_guard lock(report_mutex_);
    on_progress_(done, discovered);
  }
}

void CrawlRun::enqueue_locked(const std::string& url, int depth) {
  if (depth > options_.max_depth) return;
  if (enqueued_.insert(url).second) queue_.push_back(Task{url, depth});
}

// Pages of the last crawl that no link led to this time: fetched once more so that those
// gone are removed, at the deepest depth so that their links are not followed.
void CrawlRun::enqueue_unvisited_previous_locked() {
  for (const auto& [url, state] : previous_) {
    if (visited_.count(url) || accounted_.count(url)) continue;
    enqueued_.insert(url);
    queue_.push_back(Task{url, options_.max_depth});
  }
}

void CrawlRun::report(CrawledPage page) {
  {
    std::lock_guard lock(mutex_);
    if (previous_.count(page.url)) accounted_.insert(page.url);
    const bool about_start =
        !options_.sitemap && (page.url == start_url_ || page.fetched_url == start_url_);
    if (about_start && !is_kept(page.status) && !start_error_) {
      start_error_ = make_error(ErrorCode::invalid_argument,
                                "the start page " + start_url_ + " was not crawled: " + page.error);
    }
  }
  std::lock_guard lock(report_mutex_);
  using S = CrawledPage::Status;
  switch (page.status) {
    case S::added:
      ++summary_.added;
      break;
    case S::changed:
      ++summary_.changed;
      break;
    case S::unchanged:
      ++summary_.unchanged;
      break;
    case S::removed:
      ++summary_.removed;
      break;
    case S::not_seen:
      ++summary_.not_seen;
      break;
    case S::failed:
      ++summary_.failed;
      break;
    default:
      ++summary_.skipped;
      break;
  }
  if (on_page_) on_page_(page);
}

Result<CrawlSummary> crawl(const CrawlOptions& options, const std::vector<PageState>& previous,
                           const PageParser& parse_page, const PageCallback& on_page,
                           const ProgressCallback& on_progress, const std::atomic<bool>& cancel) {
  if (options.max_pages < 1 || options.max_depth < 0 || options.concurrency < 1 ||
      options.max_page_bytes < 1 || options.per_host_delay_ms < 0 || options.max_sitemap_urls < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "crawl limits must be positive: pages, concurrency and page size at least "
                      "1, depth and delay at least 0");
  }
  if (!parse_page) return make_error(ErrorCode::invalid_argument, "the crawl needs a page parser");
  auto start = split_url(options.start_url);
  if (!start) return start.error();
  auto allow_list = parse_allow_list(options.allow_private);
  if (!allow_list) return allow_list.error();
  // A refused site fails the crawl in the guard's own words rather than as a failed page.
  auto addresses = resolve_public(start->host, start->port, *allow_list);
  if (!addresses) return addresses.error();

  FetchOptions fetch_options;
  fetch_options.user_agent = options.user_agent;
  fetch_options.connect_timeout_ms = options.connect_timeout_ms;
  fetch_options.timeout_ms = options.timeout_ms;
  fetch_options.max_body_bytes = options.max_page_bytes;
  fetch_options.allow_list = *allow_list;
  const std::string start_url = start->origin + start->target;
  fetch_options.follow_redirect = [start_url](std::string_view url) {
    return same_site(url, start_url);
  };
  try {
    CrawlRun run(options, fetch_options, *start, previous, parse_page, on_page, on_progress,
                 cancel);
    Fetcher fetcher(fetch_options);
    if (auto seeded = run.seed(fetcher); !seeded) return seeded.error();
    return run.run();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("the crawl failed: ") + e.what());
  }
}

}  // namespace parley
