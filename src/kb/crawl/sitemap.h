// sitemap.xml and sitemap index files (sitemaps.org protocol): the pages a site lists for
// crawlers. The crawler reads them when a crawl starts from a sitemap.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace parley {

struct SitemapEntry {
  std::string url;      // <loc>, trimmed; not yet canonicalized or checked for the site
  std::string lastmod;  // <lastmod> as written (W3C datetime), or empty
};

struct Sitemap {
  bool is_index = false;              // a <sitemapindex>: `entries` are sitemaps
  std::vector<SitemapEntry> entries;  // in document order, at most the limit asked for
  bool truncated = false;             // more entries than the limit were listed
};

// Parses a <urlset> or a <sitemapindex>, namespaced or not. Reads at most `max_entries`.
// Errors (invalid_argument): not XML, another root element, a gzip file (a compressed
// sitemap is read when the server sends it with Content-Encoding: gzip, not as a .gz file).
Result<Sitemap> parse_sitemap(std::string_view xml, size_t max_entries);

}  // namespace parley
