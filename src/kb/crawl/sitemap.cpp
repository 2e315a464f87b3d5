#include "kb/crawl/sitemap.h"

#include <cctype>
#include <cstring>
#include <pugixml.hpp>

namespace parley {
namespace {

// "sm:urlset" and "urlset" are the same element: sitemaps may declare a prefix.
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string child_text(const pugi::xml_node& node, std::string_view name) {
  for (const auto& child : node.children()) {
    if (local_name(child) != name) continue;
    std::string_view text = child.child_value();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    }
    return std::string(text);
  }
  return {};
}

}  // namespace

Result<Sitemap> parse_sitemap(std::string_view xml, size_t max_entries) {
  if (xml.size() >= 2 && static_cast<unsigned char>(xml[0]) == 0x1f &&
      static_cast<unsigned char>(xml[1]) == 0x8b) {
    return make_error(ErrorCode::invalid_argument,
                      "the sitemap is a gzip file; give the address of the uncompressed "
                      "sitemap.xml");
  }
  pugi::xml_document doc;
  // Default options: no DTD processing, so no external entities can be pulled in.
  const auto parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return make_error(ErrorCode::invalid_argument,
                      std::string("the sitemap is not valid XML: ") + parsed.description());
  }
  const pugi::xml_node root = doc.document_element();
  Sitemap sitemap;
  std::string_view item_name;
  if (local_name(root) == "urlset") {
    item_name = "url";
  } else if (local_name(root) == "sitemapindex") {
    item_name = "sitemap";
    sitemap.is_index = true;
  } else {
    return make_error(ErrorCode::invalid_argument, "not a sitemap: the document is <" +
                                                       std::string(root.name()) +
                                                       ">, not <urlset> or <sitemapindex>");
  }
  for (const auto& item : root.children()) {
    if (local_name(item) != item_name) continue;
    SitemapEntry entry{child_text(item, "loc"), child_text(item, "lastmod")};
    if (entry.url.empty()) continue;
    if (sitemap.entries.size() >= max_entries) {
      sitemap.truncated = true;
      break;
    }
    sitemap.entries.push_back(std::move(entry));
  }
  return sitemap;
}

}  // namespace parley
