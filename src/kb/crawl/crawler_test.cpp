#include "kb/crawl/crawler.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "kb/extract/html.h"
#include "tests/support/test_site.h"

namespace parley {
namespace {

using PageStatus = CrawledPage::Status;

// Ordinary prose that differs from seed to seed, so pages are not near-duplicates by chance.
std::string prose(int seed, int sentences = 12) {
  static const char* kWords[] = {"delivery", "returns",  "order",   "parcel",   "refund",  "store",
                                 "customer", "within",   "days",    "shipping", "free",    "above",
                                 "account",  "payment",  "card",    "invoice",  "support", "team",
                                 "answer",   "question", "product", "warranty", "repair",  "size"};
  std::string text;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 7;
  for (int s = 0; s < sentences; ++s) {
    for (int w = 0; w < 12; ++w) {
      state = state * 1103515245u + 12345u;
      text += kWords[(state >> 16) % 24];
      text += ' ';
    }
    text += "point" + std::to_string(s) + ". ";
  }
  return text;
}

struct Crawled {
  Result<CrawlSummary> summary = make_error(ErrorCode::internal, "not run");
  std::vector<CrawledPage> pages;
  std::vector<std::pair<int, int>> progress;

  // The paths (after the site's origin) of pages reported with `status`.
  std::set<std::string> paths(PageStatus status, const test::TestSite& site) const {
    std::set<std::string> out;
    const std::string origin = site.url("");
    for (const auto& page : pages) {
      if (page.status != status) continue;
      out.insert(page.url.rfind(origin, 0) == 0 ? page.url.substr(origin.size()) : page.url);
    }
    return out;
  }
  const CrawledPage* page(const std::string& url) const {
    for (const auto& page : pages) {
      if (page.url == url) return &page;
    }
    return nullptr;
  }
  std::vector<PageState> states() const {
    std::vector<PageState> out;
    for (const auto& page : pages) {
      if (page.status == PageStatus::added || page.status == PageStatus::changed ||
          page.status == PageStatus::unchanged) {
        out.push_back(page.state());
      }
    }
    return out;
  }
};

CrawlOptions options_for(const test::TestSite& site, const std::string& path = "/") {
  CrawlOptions options;
  options.start_url = site.url(path);
  options.per_host_delay_ms = 0;  // tests assert what is crawled, never how fast
  options.allow_private = {"127.0.0.0/8"};
  return options;
}

Crawled run_crawl(const CrawlOptions& options, const std::vector<PageState>& previous = {},
                  std::atomic<bool>* cancel_after_first_page = nullptr) {
  Crawled crawled;
  std::atomic<bool> never{false};
  std::atomic<bool>& cancel = cancel_after_first_page ? *cancel_after_first_page : never;
  std::mutex mutex;  // the crawler calls one callback at a time; this proves nothing races
  crawled.summary = crawl(
      options, previous,
      [](std::string_view html, std::string_view url) { return extract_html(html, url); },
      [&](const CrawledPage& page) {
        std::lock_guard lock(mutex);
        crawled.pages.push_back(page);
        if (cancel_after_first_page) cancel = true;
      },
      [&](int done, int discovered) {
        std::lock_guard lock(mutex);
        crawled.progress.emplace_back(done, discovered);
      },
      cancel);
  return crawled;
}

using Paths = std::set<std::string>;

TEST(Crawler, CrawlsTheSiteAndHonoursRobotsTxt) {
  test::TestSite site;
  site.set("/robots.txt",
           test::response(200, "text/plain",
                          "User-agent: *\nDisallow: /private\n\nUser-agent: ParleyBot\n"
                          "Disallow: /private\nDisallow: /staff-only\n"));
  site.set_page("/", test::html_page("Home", prose(1),
                                     {"/a", "/b", "/private/secret", "/staff-only",
                                      "http://other.example/x", "mailto:shop@example.com"}));
  site.set_page("/a", test::html_page("A", prose(2), {"/c", "/"}));
  site.set_page("/b", test::html_page("B", prose(3), {"/a#part-two"}));
  site.set_page("/c", test::html_page("C", prose(4)));
  site.set_page("/private/secret", test::html_page("Secret", prose(5)));
  site.set_page("/staff-only", test::html_page("Staff", prose(6)));

  const Crawled crawled = run_crawl(options_for(site));
  ASSERT_TRUE(crawled.summary.ok()) << crawled.summary.error().message;
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/", "/a", "/b", "/c"}));
  EXPECT_EQ(crawled.paths(PageStatus::skipped_robots, site),
            (Paths{"/private/secret", "/staff-only"}));
  EXPECT_EQ(site.count("/private/secret"), 0);
  EXPECT_EQ(site.count("/staff-only"), 0);
  EXPECT_EQ(site.count("/robots.txt"), 1);  // once, though four workers asked for it
  EXPECT_EQ(site.count("/a"), 1);
  EXPECT_EQ(crawled.summary->added, 4);
  EXPECT_EQ(crawled.summary->skipped, 2);
  EXPECT_EQ(crawled.summary->fetched, 4);
  for (const auto& request : site.requests()) {
    EXPECT_EQ(request.headers.at("user-agent").rfind("ParleyBot/", 0), 0u);
  }

  const CrawledPage* home = crawled.page(site.url("/"));
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->document.title, "Home");
  EXPECT_FALSE(home->document.blocks.empty());
  EXPECT_EQ(home->content_hash.size(), 64u);
  EXPECT_NE(home->etag, "");
  EXPECT_EQ(home->depth, 0);
  // Same-site links only, canonical, in page order.
  EXPECT_EQ(home->links,
            (std::vector<std::string>{site.url("/a"), site.url("/b"), site.url("/private/secret"),
                                      site.url("/staff-only")}));
  EXPECT_EQ(crawled.page(site.url("/c"))->depth, 2);

  ASSERT_FALSE(crawled.progress.empty());
  EXPECT_EQ(crawled.progress.back().first, crawled.progress.back().second);
  EXPECT_EQ(crawled.progress.back().first, 6);
}

TEST(Crawler, SitemapPagesAreTheSeeds) {
  test::TestSite site;
  site.set("/sitemap_index.xml",
           test::response(200, "application/xml",
                          "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                          "<sitemap><loc>" +
                              site.url("/sitemap.xml") +
                              "</loc></sitemap>"
                              "<sitemap><loc>" +
                              site.url("/missing.xml") +
                              "</loc></sitemap>"
                              "</sitemapindex>"));
  site.set("/sitemap.xml",
           test::response(200, "application/xml",
                          "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                          "<url><loc>" +
                              site.url("/s1") +
                              "</loc></url>"
                              "<url><loc>" +
                              site.url("/s2?utm_source=sitemap") +
                              "</loc></url>"
                              "<url><loc>http://elsewhere.example/s3</loc></url>"
                              "</urlset>"));
  site.set_page("/s1", test::html_page("S1", prose(11), {"/linked"}));
  site.set_page("/s2", test::html_page("S2", prose(12)));
  site.set_page("/linked", test::html_page("Linked", prose(13)));

  CrawlOptions options = options_for(site, "/sitemap_index.xml");
  options.sitemap = true;
  options.max_depth = 0;  // the sitemap's pages only
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok()) << crawled.summary.error().message;
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/s1", "/s2"}));
  EXPECT_EQ(site.count("/linked"), 0);
  EXPECT_EQ(site.count("/missing.xml"), 1);  // a broken child sitemap is passed over

  options.max_depth = 1;
  EXPECT_EQ(run_crawl(options).paths(PageStatus::added, site), (Paths{"/s1", "/s2", "/linked"}));

  options.start_url = site.url("/nothing.xml");
  const Crawled missing = run_crawl(options);
  ASSERT_FALSE(missing.summary.ok());
  EXPECT_NE(missing.summary.error().message.find("sitemap"), std::string::npos);
  EXPECT_NE(missing.summary.error().message.find("404"), std::string::npos);
}

TEST(Crawler, StopsAtTheDepthLimit) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/d1"}));
  site.set_page("/d1", test::html_page("D1", prose(2), {"/d2"}));
  site.set_page("/d2", test::html_page("D2", prose(3), {"/d3"}));
  site.set_page("/d3", test::html_page("D3", prose(4)));
  CrawlOptions options = options_for(site);
  options.max_depth = 2;
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/", "/d1", "/d2"}));
  EXPECT_EQ(site.count("/d3"), 0);
}

TEST(Crawler, StopsAtThePageLimit) {
  test::TestSite site;
  std::vector<std::string> links;
  for (int i = 0; i < 10; ++i) {
    links.push_back("/p" + std::to_string(i));
    site.set_page(links.back(), test::html_page("P" + std::to_string(i), prose(20 + i)));
  }
  site.set_page("/", test::html_page("Home", prose(1), links));
  CrawlOptions options = options_for(site);
  options.max_pages = 4;
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.summary->added, 4);
  EXPECT_EQ(crawled.summary->fetched, 4);
  EXPECT_TRUE(crawled.summary->page_limit_reached);
  int page_requests = 0;
  for (const auto& request : site.requests()) page_requests += request.path != "/robots.txt";
  EXPECT_EQ(page_requests, 4);
}

TEST(Crawler, DuplicatesNearDuplicatesAndRedirectsGiveOnePage) {
  test::TestSite site;
  const std::string text = prose(30, 20);
  std::string nearly = text;
  nearly.replace(nearly.find("point7"), 6, "pointX");
  site.set_page("/", test::html_page("Home", prose(1),
                                     {"/a", "/copy", "/near", "/alias", "/moved", "/other"}));
  site.set_page("/a", test::html_page("A", text));
  site.set_page("/copy", test::html_page("A copy", text));
  site.set_page("/near", test::html_page("A nearly", nearly));
  site.set_page("/alias",
                test::html_page("Alias", prose(31), {}, "<link rel=\"canonical\" href=\"/a\">"));
  site.set_redirect("/moved", "/a");
  site.set_page("/other", test::html_page("Other", prose(32)));
  CrawlOptions options = options_for(site);
  options.concurrency = 1;  // so that the first of each family is the one kept
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/", "/a", "/other"}));
  EXPECT_EQ(crawled.paths(PageStatus::skipped_duplicate, site),
            (Paths{"/copy", "/near", "/alias", "/moved"}));
  for (const auto& page : crawled.pages) {
    if (page.url == site.url("/near")) {
      EXPECT_NE(page.error.find("nearly the same text"), std::string::npos);
    }
    if (page.url == site.url("/alias")) {
      EXPECT_NE(page.error.find("one canonical URL"), std::string::npos);
    }
  }
}

TEST(Crawler, TheCanonicalUrlIsThePagesIdentity) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/print/a", "/a?utm_source=news"}));
  site.set_page("/print/a",
                test::html_page("A (print)", prose(2), {}, "<link rel=\"canonical\" href=\"/a\">"));
  site.set_page("/a", test::html_page("A", prose(2)));
  CrawlOptions options = options_for(site);
  options.concurrency = 1;
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/", "/a"}));
  const CrawledPage* a = crawled.page(site.url("/a"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->fetched_url, site.url("/print/a"));
  EXPECT_EQ(site.count("/a"), 0);  // its canonical twin was read already
  EXPECT_EQ(site.count("/a?utm_source=news"), 0);
}

TEST(Crawler, ReSyncFetchesOnlyWhatChanged) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/a", "/b", "/c"}));
  site.set_page("/a", test::html_page("A", prose(2)));
  site.set_page("/b", test::html_page("B", prose(3)));
  site.set_page("/c", test::html_page("C", prose(4)));
  const Crawled first = run_crawl(options_for(site));
  ASSERT_TRUE(first.summary.ok());
  ASSERT_EQ(first.summary->added, 4);

  site.set_page("/b", test::html_page("B", prose(3) + " Prices changed.", {"/d"}));
  site.set_page("/d", test::html_page("D", prose(5)));
  site.remove("/c");
  site.clear_requests();
  const Crawled second = run_crawl(options_for(site), first.states());
  ASSERT_TRUE(second.summary.ok()) << second.summary.error().message;
  EXPECT_EQ(second.paths(PageStatus::unchanged, site), (Paths{"/", "/a"}));
  EXPECT_EQ(second.paths(PageStatus::changed, site), (Paths{"/b"}));
  EXPECT_EQ(second.paths(PageStatus::removed, site), (Paths{"/c"}));
  EXPECT_EQ(second.paths(PageStatus::added, site), (Paths{"/d"}));  // linked from the change
  EXPECT_EQ(site.count("/", 304), 1);
  EXPECT_EQ(site.count("/a", 304), 1);
  EXPECT_EQ(site.count("/b", 200), 1);
  EXPECT_EQ(site.count("/c", 404), 1);
  const CrawledPage* b = second.page(site.url("/b"));
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b->content_hash, first.page(site.url("/b"))->content_hash);
  EXPECT_FALSE(b->document.blocks.empty());
  EXPECT_TRUE(second.page(site.url("/a"))->document.blocks.empty());  // nothing to re-index
  EXPECT_EQ(second.page(site.url("/a"))->content_hash, first.page(site.url("/a"))->content_hash);
}

TEST(Crawler, ReSyncComparesContentWhenTheSiteSendsNoValidators) {
  test::TestSite site;
  auto plain = [](std::string html) {
    test::SiteResponse response;
    response.body = std::move(html);
    return response;  // no ETag, no Last-Modified: every answer is a 200
  };
  site.set("/", plain(test::html_page("Home", prose(1), {"/a"})));
  site.set("/a", plain(test::html_page("A", prose(2))));
  const Crawled first = run_crawl(options_for(site));
  ASSERT_TRUE(first.summary.ok());
  // Same text in a different template: not a change a reader would see.
  site.set("/a", plain("<html><head><title>A</title></head><body><div class=x><main><h1>A</h1><p>" +
                       prose(2) + "</p></main></div></body></html>"));
  const Crawled second = run_crawl(options_for(site), first.states());
  ASSERT_TRUE(second.summary.ok());
  EXPECT_EQ(second.paths(PageStatus::unchanged, site), (Paths{"/", "/a"}));
  EXPECT_EQ(second.summary->changed, 0);
}

TEST(Crawler, ReSyncAccountsForPagesNoLongerLinked) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/kept", "/orphan", "/gone"}));
  site.set_page("/kept", test::html_page("Kept", prose(2)));
  site.set_page("/orphan", test::html_page("Orphan", prose(3)));
  site.set_page("/gone", test::html_page("Gone", prose(4)));
  const Crawled first = run_crawl(options_for(site));
  ASSERT_EQ(first.summary->added, 4);

  site.set_page("/", test::html_page("Home", prose(1), {"/kept"}));
  site.set("/gone", test::response(410, "text/plain", "gone"));
  const Crawled second = run_crawl(options_for(site), first.states());
  ASSERT_TRUE(second.summary.ok());
  EXPECT_EQ(second.paths(PageStatus::changed, site), (Paths{"/"}));
  EXPECT_EQ(second.paths(PageStatus::unchanged, site), (Paths{"/kept", "/orphan"}));
  EXPECT_EQ(second.paths(PageStatus::removed, site), (Paths{"/gone"}));
  EXPECT_EQ(second.summary->not_seen, 0);
}

TEST(Crawler, PagesThatMayNoLongerBeStoredAreRemoved) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/secret", "/hidden", "/twin"}));
  site.set_page("/secret", test::html_page("Secret", prose(2)));
  site.set_page("/hidden", test::html_page("Hidden", prose(3)));
  site.set_page("/twin", test::html_page("Twin", prose(4)));
  CrawlOptions options = options_for(site);
  options.concurrency = 1;
  const Crawled first = run_crawl(options);
  ASSERT_EQ(first.summary->added, 4);

  site.set("/robots.txt", test::response(200, "text/plain", "User-agent: *\nDisallow: /secret\n"));
  site.set_page("/hidden", test::html_page("Hidden", prose(3), {},
                                           "<meta name=\"robots\" content=\"noindex\">"));
  site.set_page("/twin", test::html_page("Twin", prose(1), {"/secret", "/hidden", "/twin"}));
  const Crawled second = run_crawl(options, first.states());
  ASSERT_TRUE(second.summary.ok());
  EXPECT_EQ(second.paths(PageStatus::removed, site), (Paths{"/secret", "/hidden", "/twin"}));
  EXPECT_EQ(site.count("/secret"), 1);  // the first crawl only
}

TEST(Crawler, NoindexPagesAreNotStoredAndNofollowLinksNotFollowed) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1), {"/hub", "/closed"}));
  site.set_page("/hub", test::html_page("Hub", prose(2), {"/via-hub"},
                                        "<meta name=\"robots\" content=\"noindex\">"));
  site.set_page("/via-hub", test::html_page("Via hub", prose(3)));
  site.set_page("/closed", test::html_page("Closed", prose(4), {"/behind"},
                                           "<meta name=\"robots\" content=\"nofollow\">"));
  site.set_page("/behind", test::html_page("Behind", prose(5)));
  const Crawled crawled = run_crawl(options_for(site));
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/", "/via-hub", "/closed"}));
  EXPECT_EQ(crawled.paths(PageStatus::skipped_noindex, site), (Paths{"/hub"}));
  EXPECT_EQ(site.count("/behind"), 0);
}

TEST(Crawler, OtherKindsOfPagesAreReported) {
  test::TestSite site;
  site.set_page(
      "/", test::html_page("Home", prose(1), {"/big", "/file.pdf", "/out", "/broken", "/error"}));
  site.set_page("/big", test::html_page("Big", std::string(2 * 1024 * 1024, 'x')));
  site.set("/file.pdf", test::response(200, "application/pdf", "%PDF-1.4"));
  site.set_redirect("/out", "http://127.0.0.2:" + std::to_string(site.port()) + "/elsewhere");
  site.set("/error", test::response(500, "text/plain", "oops"));
  CrawlOptions options = options_for(site);
  options.max_page_bytes = 1024 * 1024;
  const Crawled crawled = run_crawl(options);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_EQ(crawled.paths(PageStatus::added, site), (Paths{"/"}));
  EXPECT_EQ(crawled.paths(PageStatus::failed, site), (Paths{"/big", "/broken", "/error"}));
  EXPECT_EQ(crawled.paths(PageStatus::skipped_not_html, site), (Paths{"/file.pdf"}));
  EXPECT_EQ(crawled.paths(PageStatus::skipped_offsite, site), (Paths{"/out"}));
  EXPECT_NE(crawled.page(site.url("/big"))->error.find("the page is larger than 1 MB"),
            std::string::npos);
  EXPECT_NE(crawled.page(site.url("/broken"))->error.find("404"), std::string::npos);
  EXPECT_NE(crawled.page(site.url("/error"))->error.find("500"), std::string::npos);
}

TEST(Crawler, ARefusedSiteIsNeverContacted) {
  test::TestSite site;
  site.set_page("/", test::html_page("Home", prose(1)));
  CrawlOptions options = options_for(site);
  options.allow_private.clear();
  const Crawled crawled = run_crawl(options);
  ASSERT_FALSE(crawled.summary.ok());
  EXPECT_EQ(crawled.summary.error().code, ErrorCode::forbidden);
  EXPECT_NE(crawled.summary.error().message.find("loopback"), std::string::npos);
  EXPECT_TRUE(site.requests().empty());

  options.start_url = "http://169.254.169.254/latest/meta-data/";
  options.allow_private = {"127.0.0.0/8"};
  EXPECT_EQ(run_crawl(options).summary.error().code, ErrorCode::forbidden);
  options.allow_private = {"not-a-range"};
  EXPECT_EQ(run_crawl(options).summary.error().code, ErrorCode::invalid_argument);
}

TEST(Crawler, AStartPageThatCannotBeReadFailsTheCrawl) {
  test::TestSite site;
  site.set("/", test::response(503, "text/plain", "maintenance"));
  const Crawled down = run_crawl(options_for(site));
  ASSERT_FALSE(down.summary.ok());
  EXPECT_NE(down.summary.error().message.find("503"), std::string::npos);

  site.set_page("/", test::html_page("Home", prose(1)));
  site.set("/robots.txt", test::response(503, "text/plain", "busy"));
  site.clear_requests();
  const Crawled busy = run_crawl(options_for(site));
  ASSERT_FALSE(busy.summary.ok());
  EXPECT_NE(busy.summary.error().message.find("robots.txt answered 503"), std::string::npos);
  EXPECT_EQ(site.count("/"), 0);  // a site in trouble is left alone
}

TEST(Crawler, CancelStopsTheCrawl) {
  test::TestSite site;
  std::vector<std::string> links;
  for (int i = 0; i < 5; ++i) {
    links.push_back("/p" + std::to_string(i));
    site.set_page(links.back(), test::html_page("P", prose(40 + i)));
  }
  site.set_page("/", test::html_page("Home", prose(1), links));
  CrawlOptions options = options_for(site);
  options.concurrency = 1;
  std::atomic<bool> cancel{false};
  const Crawled crawled = run_crawl(options, {}, &cancel);
  ASSERT_TRUE(crawled.summary.ok());
  EXPECT_TRUE(crawled.summary->cancelled);
  EXPECT_EQ(crawled.summary->added, 1);
  EXPECT_EQ(site.count("/p0"), 0);
}

}  // namespace
}  // namespace parley
