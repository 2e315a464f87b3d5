#include "kb/crawl/fetcher.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/support/test_site.h"

namespace parley {
namespace {

FetchOptions loopback_options(std::vector<std::string> ranges = {"127.0.0.0/8"}) {
  FetchOptions options;
  options.allow_list = *parse_allow_list(ranges);
  return options;
}

TEST(Fetcher, FetchesAPageAndItsValidators) {
  test::TestSite site;
  test::SiteResponse page;
  page.body = "<p>hello</p>";
  page.etag = "\"v1\"";
  page.last_modified = "Wed, 01 May 2024 10:00:00 GMT";
  site.set("/hello", page);
  Fetcher fetcher(loopback_options());

  auto result = fetcher.fetch(site.url("/hello#top"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "<p>hello</p>");
  EXPECT_EQ(result->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(result->etag, "\"v1\"");
  EXPECT_EQ(result->last_modified, "Wed, 01 May 2024 10:00:00 GMT");
  EXPECT_EQ(result->final_url, site.url("/hello"));
  EXPECT_FALSE(result->not_modified);
  const auto requests = site.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.at("user-agent"), default_user_agent());
  EXPECT_EQ(default_user_agent().rfind("ParleyBot/", 0), 0u);

  auto by_etag = fetcher.fetch(site.url("/hello"), Validators{"\"v1\"", ""});
  ASSERT_TRUE(by_etag.ok());
  EXPECT_EQ(by_etag->status, 304);
  EXPECT_TRUE(by_etag->not_modified);
  EXPECT_TRUE(by_etag->body.empty());
  auto by_date = fetcher.fetch(site.url("/hello"), Validators{"", page.last_modified});
  ASSERT_TRUE(by_date.ok());
  EXPECT_TRUE(by_date->not_modified);
  auto stale = fetcher.fetch(site.url("/hello"), Validators{"\"v0\"", ""});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->status, 200);

  auto missing = fetcher.fetch(site.url("/nothing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST(Fetcher, LoopbackIsRefusedWithoutTheAllowListAndNothingIsSent) {
  test::TestSite site;
  site.set_page("/", "<p>home</p>");
  Fetcher fetcher(FetchOptions{});
  for (const std::string& url :
       {site.url("/"), "http://2130706433:" + std::to_string(site.port()) + "/",
        "http://0x7f.1:" + std::to_string(site.port()) + "/",
        "http://[::ffff:127.0.0.1]:" + std::to_string(site.port()) + "/"}) {
    auto result = fetcher.fetch(url);
    ASSERT_FALSE(result.ok()) << url;
    EXPECT_EQ(result.error().code, ErrorCode::forbidden) << url;
    EXPECT_NE(result.error().message.find("127.0.0.1 is a loopback address"), std::string::npos)
        << result.error().message;
  }
  EXPECT_TRUE(site.requests().empty());
}

TEST(Fetcher, FollowsRedirectsByHand) {
  test::TestSite site;
  site.set_page("/page", "<p>arrived</p>");
  site.set_redirect("/r1", site.url("/r2"), 301);
  site.set_redirect("/r2", "/page", 302);  // relative Location
  Fetcher fetcher(loopback_options());
  auto result = fetcher.fetch(site.url("/r1"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "<p>arrived</p>");
  EXPECT_EQ(result->final_url, site.url("/page"));
}

TEST(Fetcher, EveryRedirectIsCheckedAgain) {
  test::TestSite site;
  const std::string port = std::to_string(site.port());
  site.set_redirect("/metadata", "http://169.254.169.254/latest/meta-data/");
  site.set_redirect("/other-loopback", "http://127.0.0.2:" + port + "/");
  site.set_redirect("/octal", "http://0177.0.0.2:" + port + "/");
  site.set_redirect("/ipv6", "http://[::1]:" + port + "/");
  site.set_redirect("/mapped", "http://[::ffff:10.0.0.1]/");
  site.set_redirect("/private", "https://192.168.1.1/admin");
  site.set_redirect("/file", "file:///etc/passwd");
  site.set_redirect("/gopher", "gopher://127.0.0.1:" + port + "/");
  // Only the site's own address is allowed, so any other target must be refused.
  Fetcher fetcher(loopback_options({"127.0.0.1/32"}));
  for (const char* path : {"/metadata", "/other-loopback", "/octal", "/ipv6", "/mapped", "/private",
                           "/file", "/gopher"}) {
    auto result = fetcher.fetch(site.url(path));
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_NE(result.error().message.find("redirects to"), std::string::npos)
        << path << ": " << result.error().message;
  }
  auto metadata = fetcher.fetch(site.url("/metadata"));
  EXPECT_EQ(metadata.error().code, ErrorCode::forbidden);
  EXPECT_NE(metadata.error().message.find("169.254.169.254 is a cloud metadata address"),
            std::string::npos);
  // The site saw only the redirecting requests, never one that came from following them.
  for (const auto& request : site.requests()) EXPECT_NE(request.path, "/");
}

TEST(Fetcher, AtMostFiveRedirects) {
  test::TestSite site;
  for (int i = 0; i < 6; ++i) {
    site.set_redirect("/r" + std::to_string(i), "/r" + std::to_string(i + 1));
  }
  site.set_page("/r5", "<p>five hops</p>");
  Fetcher fetcher(loopback_options());
  auto five = fetcher.fetch(site.url("/r0"));
  ASSERT_TRUE(five.ok()) << five.error().message;
  EXPECT_EQ(five->body, "<p>five hops</p>");

  site.set_redirect("/r5", "/r6");
  site.set_page("/r6", "<p>six hops</p>");
  auto six = fetcher.fetch(site.url("/r0"));
  ASSERT_FALSE(six.ok());
  EXPECT_EQ(six.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(six.error().message.find("too many redirects"), std::string::npos);
  EXPECT_EQ(site.count("/r6"), 0);
}

TEST(Fetcher, PagesOverTheSizeLimitAreRefused) {
  test::TestSite site;
  site.set_page("/big", std::string(3 * 1024 * 1024, 'x'));
  test::SiteResponse unannounced;
  unannounced.body = std::string(3 * 1024 * 1024, 'y');
  unannounced.send_length = false;  // only the byte count while reading can catch this one
  site.set("/big-no-length", unannounced);
  site.set_page("/small", std::string(1000, 'z'));
  FetchOptions options = loopback_options();
  options.max_body_bytes = 1024 * 1024;
  Fetcher fetcher(options);
  for (const char* path : {"/big", "/big-no-length"}) {
    auto result = fetcher.fetch(site.url(path));
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error().code, ErrorCode::payload_too_large);
    EXPECT_NE(result.error().message.find("the page is larger than 1 MB"), std::string::npos)
        << result.error().message;
  }
  auto small = fetcher.fetch(site.url("/small"));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->body.size(), 1000u);
}

TEST(Fetcher, ASiteThatNeverAnswersTimesOut) {
  test::TestSite site;
  test::SiteResponse hang;
  hang.hang = true;
  site.set("/slow", hang);
  FetchOptions options = loopback_options();
  options.timeout_ms = 300;
  Fetcher fetcher(options);
  auto result = fetcher.fetch(site.url("/slow"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_NE(result.error().message.find("did not answer in time"), std::string::npos)
      << result.error().message;
}

TEST(Fetcher, AClosedPortSaysSo) {
  // Bind a port, then close it: nothing listens there.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  Fetcher fetcher(loopback_options());
  auto result = fetcher.fetch("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_NE(result.error().message.find("could not connect"), std::string::npos)
      << result.error().message;
}

TEST(Fetcher, EnvironmentProxiesAreIgnored) {
  test::TestSite site;
  site.set_page("/", "<p>direct</p>");
  // A proxy that does not exist: a fetch that used it would fail.
  ::setenv("http_proxy", "http://192.0.2.1:3128", 1);
  ::setenv("ALL_PROXY", "http://192.0.2.1:3128", 1);
  Fetcher fetcher(loopback_options());
  auto result = fetcher.fetch(site.url("/"));
  ::unsetenv("http_proxy");
  ::unsetenv("ALL_PROXY");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "<p>direct</p>");
}

TEST(Fetcher, ANameIsResolvedCheckedAndPinned) {
  test::TestSite site;
  site.set_page("/", "<p>by name</p>");
  Fetcher fetcher(loopback_options({"127.0.0.0/8", "::1/128"}));
  auto result = fetcher.fetch("http://localhost:" + std::to_string(site.port()) + "/");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "<p>by name</p>");

  Fetcher strict(FetchOptions{});
  auto refused = strict.fetch("http://localhost:" + std::to_string(site.port()) + "/");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("(the address of localhost)"), std::string::npos)
      << refused.error().message;
}

TEST(Fetcher, CancelStopsBeforeConnecting) {
  test::TestSite site;
  site.set_page("/", "<p>x</p>");
  std::atomic<bool> cancel{true};
  Fetcher fetcher(loopback_options());
  auto result = fetcher.fetch(site.url("/"), {}, &cancel);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("cancelled"), std::string::npos);
  EXPECT_TRUE(site.requests().empty());
}

}  // namespace
}  // namespace parley
