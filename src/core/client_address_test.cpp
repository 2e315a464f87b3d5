// The client's address behind trusted reverse proxies, and the list that names them.
#include "core/client_address.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TrustedProxies proxies(std::string_view list) {
  auto parsed = TrustedProxies::parse(list);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed ? std::move(*parsed) : TrustedProxies{};
}

TEST(TrustedProxies, WithoutTrustedProxiesThePeerIsTheClient) {
  TrustedProxies none = proxies("");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.client_address("203.0.113.9", "198.51.100.1"), "203.0.113.9");
}

TEST(TrustedProxies, AnUntrustedPeersHeaderIsIgnored) {
  TrustedProxies trusted = proxies("10.0.0.0/8");
  EXPECT_EQ(trusted.client_address("203.0.113.9", "198.51.100.1"), "203.0.113.9");
}

TEST(TrustedProxies, TheFirstUntrustedHopFromTheRightIsTheClient) {
  TrustedProxies trusted = proxies("10.0.0.0/8, 192.168.1.7 ::1");
  EXPECT_EQ(trusted.client_address("10.1.2.3", "198.51.100.1"), "198.51.100.1");
  // A client may put anything on the left; the proxies' own hops are skipped.
  EXPECT_EQ(trusted.client_address("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.168.1.7"),
            "198.51.100.1");
  EXPECT_EQ(trusted.client_address("::1", " 2001:db8::5 "), "2001:db8::5");
  // Every hop trusted: the leftmost is the client.
  EXPECT_EQ(trusted.client_address("10.1.2.3", "10.9.9.9, 192.168.1.7"), "10.9.9.9");
  // A hop that is not an address ends the chain at the last trusted one.
  EXPECT_EQ(trusted.client_address("10.1.2.3", "198.51.100.1, garbage"), "10.1.2.3");
  EXPECT_EQ(trusted.client_address("10.1.2.3", ""), "10.1.2.3");
}

TEST(TrustedProxies, RangesMatchByPrefixInBothFamilies) {
  TrustedProxies trusted = proxies("172.16.0.0/12,fd00::/8");
  EXPECT_EQ(trusted.client_address("172.31.255.1", "198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(trusted.client_address("172.32.0.1", "198.51.100.1"), "172.32.0.1");
  EXPECT_EQ(trusted.client_address("fd12::1", "198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(trusted.client_address("fe80::1", "198.51.100.1"), "fe80::1");
  EXPECT_EQ(proxies("0.0.0.0/0").client_address("8.8.8.8", "198.51.100.1"), "198.51.100.1");
}

TEST(TrustedProxies, ABadListIsRefusedNamingTheEntry) {
  for (std::string_view bad :
       {"10.0.0.300", "10.0.0.0/33", "::/129", "proxy.local", "10.0.0.0/x"}) {
    auto parsed = TrustedProxies::parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find(std::string(bad.substr(0, bad.find('/')))),
              std::string::npos)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace parley
