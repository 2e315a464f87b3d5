#include "kb/crawl/robots.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Robots, OurGroupWinsOverTheStarGroup) {
  const auto rules = RobotsRules::parse(R"(
# everyone else stays out of /private
User-agent: *
Disallow: /private
Crawl-delay: 5

User-agent: Googlebot
User-agent: parleybot/2.0
Disallow: /drafts/
Crawl-delay: 1.5
)",
                                        kRobotsAgentToken);
  EXPECT_TRUE(rules.allowed("/private/page"));  // our group does not mention it
  EXPECT_FALSE(rules.allowed("/drafts/one"));
  EXPECT_TRUE(rules.allowed("/drafts"));
  EXPECT_EQ(rules.crawl_delay_ms(), 1500);
}

TEST(Robots, StarGroupWhenWeAreNotNamed) {
  const auto rules = RobotsRules::parse(
      "User-agent: OtherBot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp\nCrawl-delay: 2\n",
      kRobotsAgentToken);
  EXPECT_FALSE(rules.allowed("/tmp/x"));
  EXPECT_FALSE(rules.allowed("/tmp"));
  EXPECT_TRUE(rules.allowed("/"));
  EXPECT_TRUE(rules.allowed("/about"));
  EXPECT_EQ(rules.crawl_delay_ms(), 2000);
}

TEST(Robots, GroupsNamingUsAreMerged) {
  const auto rules = RobotsRules::parse(
      "User-agent: ParleyBot\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n\n"
      "User-agent: PARLEYBOT\nDisallow: /b\n",
      kRobotsAgentToken);
  EXPECT_FALSE(rules.allowed("/a"));
  EXPECT_FALSE(rules.allowed("/b"));
  EXPECT_TRUE(rules.allowed("/c"));
}

TEST(Robots, LongestMatchWinsAndAllowWinsATie) {
  const auto rules = RobotsRules::parse(
      "User-agent: *\nDisallow: /shop\nAllow: /shop/help\nDisallow: /shop/help/internal\n"
      "Allow: /same\nDisallow: /same\n",
      kRobotsAgentToken);
  EXPECT_FALSE(rules.allowed("/shop/cart"));
  EXPECT_TRUE(rules.allowed("/shop/help/returns"));
  EXPECT_FALSE(rules.allowed("/shop/help/internal/x"));
  EXPECT_TRUE(rules.allowed("/same/page"));
}

TEST(Robots, WildcardsAndEndAnchor) {
  const auto rules = RobotsRules::parse(
      "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?session=\nDisallow: /exact$\n"
      "Disallow: /a*b*c\n",
      kRobotsAgentToken);
  EXPECT_FALSE(rules.allowed("/docs/manual.pdf"));
  EXPECT_TRUE(rules.allowed("/docs/manual.pdf?download=1"));
  EXPECT_FALSE(rules.allowed("/page?session=42"));
  EXPECT_TRUE(rules.allowed("/page?lang=en"));
  EXPECT_FALSE(rules.allowed("/exact"));
  EXPECT_TRUE(rules.allowed("/exact/more"));
  EXPECT_FALSE(rules.allowed("/a-x-b-y-c-z"));
  EXPECT_TRUE(rules.allowed("/a-x-c-y-b"));
}

TEST(Robots, EscapesAreComparedInOneForm) {
  const auto rules = RobotsRules::parse(
      "User-agent: *\nDisallow: /%7euser/\nDisallow: /caf\xc3\xa9\n", kRobotsAgentToken);
  EXPECT_FALSE(rules.allowed("/~user/page"));
  EXPECT_FALSE(rules.allowed("/caf%C3%A9/menu"));
}

TEST(Robots, EmptyDisallowAllowsEverythingAndRobotsTxtIsAlwaysReadable) {
  EXPECT_TRUE(RobotsRules::parse("User-agent: *\nDisallow:\n", kRobotsAgentToken).allowed("/x"));
  const auto closed = RobotsRules::parse("User-agent: *\nDisallow: /\n", kRobotsAgentToken);
  EXPECT_FALSE(closed.allowed("/"));
  EXPECT_TRUE(closed.allowed("/robots.txt"));
}

TEST(Robots, SitemapLinesAreCollectedFromAnywhere) {
  const auto rules = RobotsRules::parse(
      "Sitemap: https://example.com/sitemap.xml\nUser-agent: *\nDisallow:\n"
      "sitemap: https://example.com/news.xml # news\n",
      kRobotsAgentToken);
  EXPECT_EQ(rules.sitemaps(), (std::vector<std::string>{"https://example.com/sitemap.xml",
                                                        "https://example.com/news.xml"}));
}

TEST(Robots, CrawlDelayIsCapped) {
  const auto rules = RobotsRules::parse("User-agent: *\nCrawl-delay: 86400\n", kRobotsAgentToken);
  EXPECT_EQ(rules.crawl_delay_ms(), 60'000);
}

TEST(Robots, WhatAFailedFetchMeans) {
  EXPECT_TRUE(robots_from_response(true, 404, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_TRUE(robots_from_response(true, 403, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_FALSE(robots_from_response(true, 500, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_FALSE(robots_from_response(true, 503, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_FALSE(robots_from_response(true, 429, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_FALSE(robots_from_response(false, 0, "", kRobotsAgentToken).allowed("/a"));
  EXPECT_FALSE(robots_from_response(true, 200, "User-agent: *\nDisallow: /a", kRobotsAgentToken)
                   .allowed("/a"));
}

}  // namespace
}  // namespace parley
