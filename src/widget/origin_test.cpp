// Origins compared as browsers send them and owners type them: case, default ports, IPv6,
// and everything that must not pass (lookalike hosts, paths, "null", other schemes).
#include "widget/origin.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Origin, IsSpelledOneWay) {
  EXPECT_EQ(canonical_origin("https://shop.example.com"), "https://shop.example.com");
  EXPECT_EQ(canonical_origin("HTTPS://Shop.Example.COM"), "https://shop.example.com");
  EXPECT_EQ(canonical_origin("https://shop.example.com:443"), "https://shop.example.com");
  EXPECT_EQ(canonical_origin("http://shop.example.com:80"), "http://shop.example.com");
  EXPECT_EQ(canonical_origin("http://localhost:3000"), "http://localhost:3000");
  EXPECT_EQ(canonical_origin("https://shop.example.com:8443"), "https://shop.example.com:8443");
  EXPECT_EQ(canonical_origin("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(canonical_origin("http://[::1]"), "http://[::1]");
  EXPECT_EQ(canonical_origin("http://127.0.0.1:0080"), "http://127.0.0.1");
}

TEST(Origin, RefusesWhatIsNoHttpOrigin) {
  for (const char* bad :
       {"", "null", "file://", "ftp://shop.example.com", "https://", "https://shop.example.com/",
        "https://shop.example.com/path", "https://user@shop.example.com",
        "https://shop.example.com:", "https://shop.example.com:99999", "https://shop.example.com:0",
        "https://shop example.com", "https://shop.example.com?x", "shop.example.com",
        "https://[::1", "https://[zz]"}) {
    EXPECT_FALSE(canonical_origin(bad)) << bad;
  }
}

TEST(Origin, IsAllowedOnlyWhenListedExactly) {
  const std::vector<std::string> allowed = {"https://Shop.example.com", "http://localhost:3000"};
  EXPECT_TRUE(origin_allowed("https://shop.example.com", allowed));
  EXPECT_TRUE(origin_allowed("https://shop.example.com:443", allowed));
  EXPECT_TRUE(origin_allowed("http://localhost:3000", allowed));
  EXPECT_FALSE(origin_allowed("http://shop.example.com", allowed));  // another scheme
  EXPECT_FALSE(origin_allowed("http://localhost:3001", allowed));    // another port
  EXPECT_FALSE(origin_allowed("http://localhost", allowed));
  EXPECT_FALSE(origin_allowed("https://evil-shop.example.com", allowed));
  EXPECT_FALSE(origin_allowed("https://shop.example.com.evil.net", allowed));
  EXPECT_FALSE(origin_allowed("https://example.com", allowed));
  EXPECT_FALSE(origin_allowed("null", allowed));
  EXPECT_FALSE(origin_allowed("", allowed));
  EXPECT_FALSE(origin_allowed("https://shop.example.com", {}));
}

}  // namespace
}  // namespace parley
