#include "tests/support/test_site.h"

#include <algorithm>
#include <functional>

namespace parley::test {
namespace {

// If-None-Match may list several tags, or be weak ("W/").
bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (etag.empty() || if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  size_t start = 0;
  while (start < if_none_match.size()) {
    size_t end = if_none_match.find(',', start);
    if (end == std::string::npos) end = if_none_match.size();
    std::string tag = if_none_match.substr(start, end - start);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (tag == etag) return true;
    start = end + 1;
  }
  return false;
}

LoopbackResponse render(const SiteResponse& site) {
  LoopbackResponse out;
  out.status = site.status;
  if (!site.content_type.empty() && site.status != 304) {
    out.headers.emplace_back("Content-Type", site.content_type);
  }
  if (!site.etag.empty()) out.headers.emplace_back("ETag", site.etag);
  if (!site.last_modified.empty()) out.headers.emplace_back("Last-Modified", site.last_modified);
  out.headers.insert(out.headers.end(), site.headers.begin(), site.headers.end());
  out.body = site.body;
  out.send_length = site.send_length;
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

SiteResponse response(int status, std::string content_type, std::string body) {
  SiteResponse out;
  out.status = status;
  out.content_type = std::move(content_type);
  out.body = std::move(body);
  return out;
}

TestSite::TestSite()
    : server_([this](const LoopbackRequest& request, LoopbackExchange& exchange) {
        return handle(request, exchange);
      }) {}

TestSite::~TestSite() = default;

void TestSite::set(const std::string& path, SiteResponse response) {
  std::lock_guard lock(mutex_);
  pages_[path] = std::move(response);
}

void TestSite::set_page(const std::string& path, std::string html) {
  SiteResponse response;
  response.etag = "\"" + std::to_string(std::hash<std::string>{}(html)) + "\"";
  response.body = std::move(html);
  set(path, std::move(response));
}

void TestSite::set_redirect(const std::string& path, const std::string& location, int status) {
  SiteResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.headers.emplace_back("Location", location);
  set(path, std::move(response));
}

void TestSite::remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  pages_.erase(path);
}

std::vector<SiteRequest> TestSite::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int TestSite::count(const std::string& path) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(),
                                        [&](const SiteRequest& r) { return r.path == path; }));
}

int TestSite::count(const std::string& path, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(
      std::count_if(requests_.begin(), requests_.end(),
                    [&](const SiteRequest& r) { return r.path == path && r.status == status; }));
}

void TestSite::clear_requests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

std::optional<LoopbackResponse> TestSite::handle(const LoopbackRequest& in,
                                                 LoopbackExchange& exchange) {
  SiteRequest request{in.method, in.path, in.headers, 0};
  SiteResponse response;
  {
    std::lock_guard lock(mutex_);
    auto it = pages_.find(request.path);
    if (it == pages_.end()) it = pages_.find(request.path.substr(0, request.path.find('?')));
    if (it != pages_.end()) {
      response = it->second;
    } else {
      response.status = 404;
      response.content_type = "text/plain";
      response.body = "not found";
    }
    const bool not_modified =
        response.status == 200 && (etag_matches(in.header("if-none-match"), response.etag) ||
                                   (!response.last_modified.empty() &&
                                    in.header("if-modified-since") == response.last_modified));
    if (not_modified) response.status = 304;
    request.status = response.hang ? 0 : response.status;
    requests_.push_back(std::move(request));
  }
  if (response.hang) {
    exchange.hang();
    return std::nullopt;
  }
  return render(response);
}

std::string html_page(std::string_view title, std::string_view text,
                      const std::vector<std::string>& links, std::string_view head_extra) {
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     escape_html(title) + "</title>" + std::string(head_extra) +
                     "</head>\n<body><main><h1>" + escape_html(title) + "</h1>\n<p>" +
                     escape_html(text) + "</p>\n";
  if (!links.empty()) {
    html += "<ul>\n";
    for (const auto& link : links) {
      html += "<li><a href=\"" + escape_html(link) + "\">" + escape_html(link) + "</a></li>\n";
    }
    html += "</ul>\n";
  }
  html += "</main></body></html>\n";
  return html;
}

}  // namespace parley::test
