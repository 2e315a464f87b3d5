#include "kb/crawl/sitemap.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Sitemap, ReadsAUrlSet) {
  auto sitemap = parse_sitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://example.com/a </loc><lastmod>2024-05-01</lastmod></url>
  <url><loc>https://example.com/b?x=1&amp;y=2</loc></url>
  <url><lastmod>2024-05-01</lastmod></url>
</urlset>)",
                               100);
  ASSERT_TRUE(sitemap.ok()) << sitemap.error().message;
  EXPECT_FALSE(sitemap->is_index);
  ASSERT_EQ(sitemap->entries.size(), 2u);
  EXPECT_EQ(sitemap->entries[0].url, "https://example.com/a");
  EXPECT_EQ(sitemap->entries[0].lastmod, "2024-05-01");
  EXPECT_EQ(sitemap->entries[1].url, "https://example.com/b?x=1&y=2");
  EXPECT_EQ(sitemap->entries[1].lastmod, "");
}

TEST(Sitemap, ReadsAnIndexWithAPrefix) {
  auto sitemap = parse_sitemap(
      R"(<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:sitemap><sm:loc>https://example.com/pages.xml</sm:loc></sm:sitemap>
  <sm:sitemap><sm:loc>https://example.com/posts.xml</sm:loc></sm:sitemap>
</sm:sitemapindex>)",
      100);
  ASSERT_TRUE(sitemap.ok());
  EXPECT_TRUE(sitemap->is_index);
  ASSERT_EQ(sitemap->entries.size(), 2u);
  EXPECT_EQ(sitemap->entries[1].url, "https://example.com/posts.xml");
}

TEST(Sitemap, StopsAtTheLimit) {
  std::string xml = "<urlset>";
  for (int i = 0; i < 10; ++i)
    xml += "<url><loc>https://example.com/" + std::to_string(i) + "</loc></url>";
  xml += "</urlset>";
  auto sitemap = parse_sitemap(xml, 3);
  ASSERT_TRUE(sitemap.ok());
  EXPECT_EQ(sitemap->entries.size(), 3u);
  EXPECT_TRUE(sitemap->truncated);
}

TEST(Sitemap, SaysWhatIsWrong) {
  auto not_xml = parse_sitemap("<urlset><url>", 10);
  ASSERT_FALSE(not_xml.ok());
  EXPECT_NE(not_xml.error().message.find("not valid XML"), std::string::npos);
  auto html = parse_sitemap("<html><body>hi</body></html>", 10);
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.error().message.find("<html>"), std::string::npos);
  auto gzip = parse_sitemap(std::string("\x1f\x8b\x08\x00", 4), 10);
  ASSERT_FALSE(gzip.ok());
  EXPECT_NE(gzip.error().message.find("gzip"), std::string::npos);
}

TEST(Sitemap, ExternalEntitiesAreNotExpanded) {
  auto sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://example.com/&secret;</loc></url></urlset>)",
                               10);
  if (sitemap.ok()) {
    for (const auto& entry : sitemap->entries) {
      EXPECT_EQ(entry.url.find("root:"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace parley
