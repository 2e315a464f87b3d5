// One crawl in progress: the frontier and what has been kept, shared by the workers.
// Internal to crawler.cpp (the frontier and workers) and crawl_page.cpp (one page).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kb/crawl/crawler.h"
#include "kb/crawl/host_policy.h"
#include "kb/crawl/near_duplicate.h"
#include "kb/crawl/url_norm.h"

namespace parley {

class CrawlRun {
 public:
  CrawlRun(const CrawlOptions& options, FetchOptions fetch_options, UrlParts start,
           const std::vector<PageState>& previous, const PageParser& parse_page,
           const PageCallback& on_page, const ProgressCallback& on_progress,
           const std::atomic<bool>& cancel);

  // Seeds with the start page, or the sitemap's pages; an error when the sitemap cannot be
  // read or lists no page of the site.
  Status seed(Fetcher& fetcher);
  // Runs the workers to the end and accounts for every previous page.
  Result<CrawlSummary> run();

 private:
  struct Task {
    std::string url;  // canonical
    int depth = 0;
  };

  // crawler.cpp
  void worker();
  bool next_task(Task& task);
  void finish_task(bool fetched);
  void enqueue_locked(const std::string& url, int depth);
  void enqueue_unvisited_previous_locked();
  void report(CrawledPage page);

  // crawl_page.cpp: one task, start to end; false when no request was made.
  bool process(const Task& task, Fetcher& fetcher);
  void handle_not_modified(const Task& task, const FetchResult& result);
  void handle_page(const Task& task, FetchResult result);
  void keep_or_skip(CrawledPage page, const Document* document, bool follow);  // null: 304
  void follow_links(const std::vector<std::string>& links, int depth);
  void skip(CrawledPage page, CrawledPage::Status status, std::string why);
  void fail(CrawledPage page, const Error& error);
  const PageState* previous_state(const std::string& url) const;

  const CrawlOptions& options_;
  const FetchOptions fetch_options_;
  const UrlParts start_;
  const std::string start_url_;  // canonical
  const std::string site_;
  const PageParser& parse_page_;
  const PageCallback& on_page_;
  const ProgressCallback& on_progress_;
  const std::atomic<bool>& cancel_;
  std::map<std::string, PageState> previous_;  // by canonical URL
  HostPolicy policy_;

  std::mutex mutex_;  // everything below
  std::condition_variable changed_;
  std::deque<Task> queue_;
  std::set<std::string> enqueued_;           // every URL ever queued
  std::set<std::string> visited_;            // URLs fetched or claimed by a fetched page
  std::map<std::string, std::string> kept_;  // identity -> the URL that was fetched for it
  NearDuplicates near_duplicates_;
  std::set<std::string> accounted_;  // previous URLs reported one way or another
  int in_flight_ = 0;
  int fetched_ = 0;
  int done_ = 0;
  bool previous_enqueued_ = false;
  bool page_limit_reached_ = false;
  std::optional<Error> start_error_;  // why the start page was not kept
  std::optional<Error> internal_error_;

  std::mutex report_mutex_;  // one callback at a time; guards summary_
  CrawlSummary summary_;
};

}  // namespace parley
