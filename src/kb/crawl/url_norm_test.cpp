#include "kb/crawl/url_norm.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

std::string canonical(std::string_view url) {
  auto result = canonicalize_url(url);
  return result.ok() ? *result : "error: " + result.error().message;
}

TEST(UrlNorm, OnePageOneSpelling) {
  EXPECT_EQ(canonical("HTTP://Example.COM"), "http://example.com/");
  EXPECT_EQ(canonical("https://example.com:443/a"), "https://example.com/a");
  EXPECT_EQ(canonical("http://example.com:80/a"), "http://example.com/a");
  EXPECT_EQ(canonical("http://example.com:8080/a"), "http://example.com:8080/a");
  EXPECT_EQ(canonical("http://example.com:/a"), "http://example.com/a");
  EXPECT_EQ(canonical("http://example.com./a"), "http://example.com/a");
  EXPECT_EQ(canonical("http://example.com/a/./b/../c"), "http://example.com/a/c");
  EXPECT_EQ(canonical("http://example.com/../../c"), "http://example.com/c");
  EXPECT_EQ(canonical("http://example.com/a#section-2"), "http://example.com/a");
  EXPECT_EQ(canonical("http://example.com/%7euser/%2f"), "http://example.com/~user/%2F");
  EXPECT_EQ(canonical("  http://example.com/a b\n"), "http://example.com/a%20b");
  EXPECT_EQ(canonical("http://example.com/caf\xc3\xa9"), "http://example.com/caf%C3%A9");
  EXPECT_EQ(canonical("http://example.com/100%"), "http://example.com/100%25");
  EXPECT_EQ(canonical("http://example.com/?"), "http://example.com/");
}

TEST(UrlNorm, IpHostsInEverySpellingBecomeOne) {
  EXPECT_EQ(canonical("http://0x7f.1:8080/"), "http://127.0.0.1:8080/");
  EXPECT_EQ(canonical("http://2130706433/x"), "http://127.0.0.1/x");
  EXPECT_EQ(canonical("http://[0:0:0:0:0:0:0:1]:81/"), "http://[::1]:81/");
  EXPECT_EQ(canonical("http://[2001:DB8::1]/"), "http://[2001:db8::1]/");
  // Names that start like addresses stay names (Boost.URL 1.81 gets these wrong).
  EXPECT_EQ(canonical("http://127.0.0.1.example.com/a"), "http://127.0.0.1.example.com/a");
  EXPECT_EQ(canonical("http://1.2.3.4.nip.io:81"), "http://1.2.3.4.nip.io:81/");
}

TEST(UrlNorm, TrackingParametersGoOthersStayInOrder) {
  EXPECT_EQ(canonical("https://example.com/p?utm_source=x&id=7&UTM_Medium=y&gclid=1&fbclid=2"),
            "https://example.com/p?id=7");
  EXPECT_EQ(canonical("https://example.com/p?utm_campaign=spring"), "https://example.com/p");
  EXPECT_EQ(canonical("https://example.com/p?b=2&a=1&&c"), "https://example.com/p?b=2&a=1&c");
}

TEST(UrlNorm, RefusesWhatIsNotAPlainWebAddress) {
  for (const char* url : {"ftp://example.com/",
                          "file:///etc/passwd",
                          "gopher://example.com/",
                          "javascript:alert(1)",
                          "mailto:a@example.com",
                          "/relative/path",
                          "http://user:secret@example.com/",
                          "http://user@example.com/",
                          "http:///nohost",
                          "http://example.com:99999/",
                          "http://1.2.3.4.5/",
                          "not a url",
                          "http://[::1]x/",
                          "http://exa mple.com/",
                          "http://caf\xc3\xa9.example/",
                          "http:\\\\evil.com/",
                          "http:/example.com/",
                          "http://[fe80::1%25eth0]/",
                          "http://a..b/",
                          "http://example.com:8o/"}) {
    auto result = canonicalize_url(url);
    ASSERT_FALSE(result.ok()) << url << " -> " << *result;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument) << url;
  }
  EXPECT_NE(canonical("http://user:secret@example.com/").find("user name or password"),
            std::string::npos);
}

TEST(UrlNorm, SplitsForTheFetcher) {
  auto parts = split_url("HTTPS://WWW.Example.com/a/b?x=1#f");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->host, "www.example.com");
  EXPECT_EQ(parts->port, 443);
  EXPECT_EQ(parts->origin, "https://www.example.com");
  EXPECT_EQ(parts->target, "/a/b?x=1");
  auto ip6 = split_url("http://[::1]:8080/");
  ASSERT_TRUE(ip6.ok());
  EXPECT_EQ(ip6->host, "::1");
  EXPECT_EQ(ip6->port, 8080);
  EXPECT_EQ(ip6->origin, "http://[::1]:8080");
}

TEST(UrlNorm, SameSiteIgnoresWwwAndScheme) {
  EXPECT_TRUE(same_site("https://example.com/a", "http://www.example.com/b"));
  EXPECT_TRUE(same_site("https://www.example.com/", "https://example.com:443/x"));
  EXPECT_FALSE(same_site("https://example.com/", "https://docs.example.com/"));
  EXPECT_FALSE(same_site("https://example.com/", "https://example.org/"));
  EXPECT_FALSE(same_site("http://127.0.0.1:8080/", "http://127.0.0.1:8081/"));
  EXPECT_FALSE(same_site("https://example.com/", "ftp://example.com/"));
  EXPECT_FALSE(same_site("https://example.com/", "https://evil.com/?example.com"));
}

}  // namespace
}  // namespace parley
