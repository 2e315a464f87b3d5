// One page of a crawl: robots.txt, politeness, the conditional fetch, and what the answer
// means for the page (kept, changed, removed, skipped...).
#include <algorithm>
#include <cctype>

#include "kb/crawl/crawl_run.h"

namespace parley {
namespace {

using PageStatus = CrawledPage::Status;

bool is_html(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  type.erase(
      std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }),
      type.end());
  // No Content-Type at all: the parser decides (most such pages are HTML).
  return type.empty() || type == "text/html" || type == "application/xhtml+xml";
}

// The text near-duplicates are judged on: the main content, not the title (pages of one
// site often share a title) nor the navigation (extraction leaves it out).
std::string page_text(const Document& document) {
  std::string text;
  for (const auto& block : document.blocks) {
    text += block.text;
    text += '\n';
  }
  return text;
}

// What counts as a change on re-sync: anything a reader of the page would see differently.
std::string content_hash(const Document& document) {
  std::string canonical = document.title + '\n';
  for (const auto& block : document.blocks) {
    canonical += std::to_string(static_cast<int>(block.kind)) + ':' + std::to_string(block.level) +
                 ':' + block.text + '\n';
  }
  return sha256_hex(canonical);
}

}  // namespace

const PageState* CrawlRun::previous_state(const std::string& url) const {
  auto it = previous_.find(url);
  return it == previous_.end() ? nullptr : &it->second;
}

bool CrawlRun::process(const Task& task, Fetcher& fetcher) {
  CrawledPage page;
  page.url = task.url;
  page.depth = task.depth;
  auto parts = split_url(task.url);
  if (!parts) {
    fail(std::move(page), parts.error());
    return false;
  }
  const RobotsEntry& robots = policy_.robots(parts->origin, site_, fetcher, cancel_);
  if (!robots.rules.allowed(parts->target)) {
    skip(std::move(page), PageStatus::skipped_robots,
         robots.problem.empty() ? "robots.txt disallows it" : robots.problem);
    return false;
  }
  policy_.wait_turn(site_, robots.rules.crawl_delay_ms(), cancel_);
  if (cancel_.load()) return false;

  Validators validators;
  if (const PageState* previous = previous_state(task.url)) {
    validators = Validators{previous->etag, previous->last_modified};
  }
  auto fetched = fetcher.fetch(task.url, validators, &cancel_);
  if (!fetched) {
    if (!cancel_.load()) fail(std::move(page), fetched.error());
    return true;
  }
  if (fetched->not_modified) {
    handle_not_modified(task, *fetched);
  } else {
    handle_page(task, std::move(*fetched));
  }
  return true;
}

void CrawlRun::handle_not_modified(const Task& task, const FetchResult& result) {
  CrawledPage page;
  page.url = task.url;
  page.depth = task.depth;
  const PageState* previous = previous_state(task.url);
  if (previous == nullptr) {
    fail(std::move(page), make_error(ErrorCode::unavailable,
                                     "the site answered 304 Not Modified to a plain request"));
    return;
  }
  page.etag = result.etag.empty() ? previous->etag : result.etag;
  page.last_modified =
      result.last_modified.empty() ? previous->last_modified : result.last_modified;
  page.content_hash = previous->content_hash;
  page.simhash = previous->simhash;
  page.links = previous->links;
  keep_or_skip(std::move(page), nullptr, true);
}

void CrawlRun::handle_page(const Task& task, FetchResult result) {
  CrawledPage page;
  page.url = task.url;
  page.depth = task.depth;
  if (result.status == 404 || result.status == 410) {
    if (previous_state(task.url) != nullptr) {
      page.status = PageStatus::removed;
      page.error = "the site answers " + std::to_string(result.status) + " for it now";
      report(std::move(page));
    } else {
      fail(std::move(page),
           make_error(ErrorCode::not_found,
                      "the page answers " + std::to_string(result.status) + " (a broken link)"));
    }
    return;
  }
  if (!result.redirect_url.empty()) {
    skip(std::move(page), PageStatus::skipped_offsite,
         "it redirects to another site: " + result.redirect_url);
    return;
  }
  if (result.status < 200 || result.status >= 300) {
    fail(std::move(page),
         make_error(ErrorCode::unavailable, "the site answered " + std::to_string(result.status)));
    return;
  }
  if (result.final_url != task.url) {
    bool seen_before = false;
    {
      std::lock_guard lock(mutex_);
      seen_before = !visited_.insert(result.final_url).second;
    }
    if (seen_before) {
      skip(std::move(page), PageStatus::skipped_duplicate,
           "it redirects to " + result.final_url + ", which is crawled already");
      return;
    }
  }
  if (!is_html(result.content_type)) {
    skip(std::move(page), PageStatus::skipped_not_html,
         "it is not an HTML page (" + result.content_type + ")");
    return;
  }
  auto document = parse_page_(result.body, result.final_url);
  if (!document) {
    const Error& error = document.error();
    fail(std::move(page), make_error(error.code, "the page could not be read: " + error.message));
    return;
  }

  std::string identity = result.final_url;
  if (!document->canonical_url.empty()) {
    auto canonical = canonicalize_url(document->canonical_url);
    if (canonical && same_site(*canonical, start_url_)) identity = *canonical;
  }
  if (identity != task.url && previous_state(task.url) != nullptr) {
    CrawledPage moved;
    moved.status = PageStatus::removed;
    moved.url = task.url;
    moved.depth = task.depth;
    moved.error = "the page is now at " + identity;
    report(std::move(moved));
  }
  page.url = identity;
  if (identity != task.url) page.fetched_url = task.url;
  page.etag = result.etag;
  page.last_modified = result.last_modified;
  page.content_hash = content_hash(*document);
  page.simhash = simhash(page_text(*document));
  for (const auto& link : document->links) {
    auto canonical = canonicalize_url(link);
    if (!canonical || !same_site(*canonical, start_url_)) continue;
    if (std::find(page.links.begin(), page.links.end(), *canonical) == page.links.end()) {
      page.links.push_back(*canonical);
    }
  }
  const bool follow = !document->nofollow;
  if (document->noindex) {
    std::vector<std::string> links = page.links;
    const int depth = page.depth;
    skip(std::move(page), PageStatus::skipped_noindex, "the page asks not to be indexed (noindex)");
    if (follow) follow_links(links, depth);
    return;
  }
  keep_or_skip(std::move(page), &*document, follow);
}

// Claims the page's identity and text for this crawl, unless a kept page has them already.
void CrawlRun::keep_or_skip(CrawledPage page, const Document* document, bool follow) {
  std::string duplicate_of;
  bool near = false;
  {
    std::lock_guard lock(mutex_);
    visited_.insert(page.url);
    if (auto it = kept_.find(page.url); it != kept_.end()) {
      duplicate_of = it->second;
    } else if (page.simhash != 0) {  // 0: no text, or unknown from an old state
      if (auto similar = near_duplicates_.find(page.simhash)) {
        duplicate_of = *similar;
        near = true;
      }
    }
    if (duplicate_of.empty()) {
      kept_[page.url] = page.fetched_url.empty() ? page.url : page.fetched_url;
      if (page.simhash != 0) near_duplicates_.add(page.simhash, page.url);
    }
  }
  const std::vector<std::string> links = page.links;
  const int depth = page.depth;
  if (!duplicate_of.empty()) {
    // Report it under the URL that was fetched: the identity belongs to the kept page.
    if (!page.fetched_url.empty()) page.url = std::exchange(page.fetched_url, std::string());
    skip(std::move(page), PageStatus::skipped_duplicate,
         near ? "nearly the same text as " + duplicate_of
              : "the same page as " + duplicate_of + " (one canonical URL)");
  } else {
    const PageState* previous = previous_state(page.url);
    if (document == nullptr) {
      page.status = PageStatus::unchanged;
    } else if (previous == nullptr) {
      page.status = PageStatus::added;
    } else {
      page.status =
          previous->content_hash == page.content_hash ? PageStatus::unchanged : PageStatus::changed;
    }
    if (document != nullptr && page.status != PageStatus::unchanged) page.document = *document;
    report(std::move(page));
  }
  // A duplicate's links are followed too: near-identical listing pages often link onwards.
  if (follow) follow_links(links, depth);
}

void CrawlRun::follow_links(const std::vector<std::string>& links, int depth) {
  if (depth >= options_.max_depth) return;
  std::lock_guard lock(mutex_);
  for (const auto& link : links) enqueue_locked(link, depth + 1);
  changed_.notify_all();
}

// A page stored by the last crawl that must not be stored now is removed, not skipped.
void CrawlRun::skip(CrawledPage page, CrawledPage::Status status, std::string why) {
  bool was_stored = false;
  {
    std::lock_guard lock(mutex_);
    was_stored = previous_.count(page.url) && !kept_.count(page.url) && !accounted_.count(page.url);
  }
  page.status = was_stored ? PageStatus::removed : status;
  page.error = std::move(why);
  page.document = Document{};
  report(std::move(page));
}

void CrawlRun::fail(CrawledPage page, const Error& error) {
  if (!options_.sitemap && (page.url == start_url_ || page.fetched_url == start_url_)) {
    std::lock_guard lock(mutex_);
    if (!start_error_) {
      start_error_ = make_error(
          error.code, "the start page " + start_url_ + " could not be crawled: " + error.message);
    }
  }
  page.status = PageStatus::failed;
  page.error = error.message;
  report(std::move(page));
}

}  // namespace parley
