#include "kb/crawl/address_guard.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

AllowList allow(std::vector<std::string> ranges) {
  auto list = parse_allow_list(ranges);
  EXPECT_TRUE(list.ok());
  return list.ok() ? *list : AllowList{};
}

struct Spelling {
  const char* host;
  const char* refusal;  // what the error names
};

// Every way of writing an address that must not be fetched, as a URL host would carry it.
const Spelling kRefused[] = {
    {"127.0.0.1", "127.0.0.1 is a loopback address"},
    {"2130706433", "127.0.0.1 is a loopback address"},
    {"0177.0.0.1", "127.0.0.1 is a loopback address"},
    {"0x7f.0.0.1", "127.0.0.1 is a loopback address"},
    {"0x7f000001", "127.0.0.1 is a loopback address"},
    {"0X7F.0X0.0X0.0X1", "127.0.0.1 is a loopback address"},
    {"017700000001", "127.0.0.1 is a loopback address"},
    {"127.1", "127.0.0.1 is a loopback address"},
    {"127.0.1", "127.0.0.1 is a loopback address"},
    {"127.0.0.1.", "127.0.0.1 is a loopback address"},
    {"10.1.2", "10.1.0.2 is a private address"},
    {"10.0.0.1", "10.0.0.1 is a private address"},
    {"172.16.5.4", "172.16.5.4 is a private address"},
    {"172.31.255.255", "a private address"},
    {"192.168.1.1", "192.168.1.1 is a private address"},
    {"0xc0a80101", "192.168.1.1 is a private address"},
    {"3232235777", "192.168.1.1 is a private address"},
    {"100.64.0.1", "a carrier-grade NAT address"},
    {"100.127.255.254", "a carrier-grade NAT address"},
    {"169.254.169.254", "169.254.169.254 is a cloud metadata address"},
    {"2852039166", "169.254.169.254 is a cloud metadata address"},
    {"0251.0376.0251.0376", "169.254.169.254 is a cloud metadata address"},
    {"0xa9fea9fe", "169.254.169.254 is a cloud metadata address"},
    {"169.254.1.1", "a link-local address"},
    {"100.100.100.200", "a cloud metadata address"},
    {"0.0.0.0", "an unspecified"},
    {"0", "an unspecified"},
    {"0.1.2.3", "an unspecified"},
    {"192.0.0.8", "a reserved address"},
    {"192.0.2.1", "a documentation address"},
    {"198.51.100.7", "a documentation address"},
    {"203.0.113.9", "a documentation address"},
    {"198.18.0.1", "a benchmarking address"},
    {"198.19.255.1", "a benchmarking address"},
    {"224.0.0.1", "a multicast address"},
    {"239.255.255.250", "a multicast address"},
    {"240.0.0.1", "a reserved address"},
    {"255.255.255.255", "the broadcast address"},
    {"[::1]", "::1 is a loopback address"},
    {"::1", "::1 is a loopback address"},
    {"[0:0:0:0:0:0:0:1]", "::1 is a loopback address"},
    {"[::]", "an unspecified"},
    {"[::ffff:127.0.0.1]", "127.0.0.1"},
    {"[::ffff:7f00:1]", "a loopback address"},
    {"[::ffff:a9fe:a9fe]", "a cloud metadata address"},
    {"[::ffff:10.0.0.1]", "a private address"},
    {"[::ffff:0:127.0.0.1]", "a loopback address"},
    {"[::127.0.0.1]", "a loopback address"},
    {"[::7f00:1]", "a loopback address"},
    {"[64:ff9b::127.0.0.1]", "a loopback address"},
    {"[64:ff9b::a9fe:a9fe]", "a cloud metadata address"},
    {"[2002:7f00:1::]", "a loopback address"},
    {"[2002:c0a8:101::1]", "a private address"},
    {"[2001:0:4136:e378:8000:63bf:80ff:fffe]", "a loopback address"},  // Teredo, client 127.0.0.1
    {"[fc00::1]", "a private address"},
    {"[fd12:3456::1]", "a private address"},
    {"[fd00:ec2::254]", "a cloud metadata address"},
    {"[fe80::1]", "a link-local address"},
    {"[febf::1]", "a link-local address"},
    {"[ff02::1]", "a multicast address"},
    {"[2001:db8::1]", "a documentation address"},
    {"metadata.google.internal", "cloud metadata service"},
    {"METADATA.google.internal.", "cloud metadata service"},
    {"metadata", "cloud metadata service"},
    {"instance-data", "cloud metadata service"},
};

TEST(AddressGuard, RefusesEverySpellingOfANonPublicAddress) {
  for (const auto& spelling : kRefused) {
    auto resolved = resolve_public(spelling.host, 80, {});
    ASSERT_FALSE(resolved.ok()) << spelling.host << " was allowed";
    EXPECT_EQ(resolved.error().code, ErrorCode::forbidden) << spelling.host;
    EXPECT_NE(resolved.error().message.find("refused: "), std::string::npos) << spelling.host;
    EXPECT_NE(resolved.error().message.find(spelling.refusal), std::string::npos)
        << spelling.host << ": " << resolved.error().message;
  }
}

TEST(AddressGuard, AnAllowListOpensExactlyItsRanges) {
  // Everything above but the metadata names, which no allow-list opens.
  const AllowList everything = allow({"0.0.0.0/0", "::/0"});
  for (const auto& spelling : kRefused) {
    const std::string refusal = spelling.refusal;
    if (refusal.find("service") != std::string::npos) continue;
    auto resolved = resolve_public(spelling.host, 80, everything);
    EXPECT_TRUE(resolved.ok()) << spelling.host << ": " << resolved.error().message;
  }

  const AllowList loopback = allow({"127.0.0.0/8"});
  for (const char* host :
       {"127.0.0.1", "2130706433", "0x7f.1", "127.5.6.7", "[::ffff:127.0.0.1]"}) {
    auto resolved = resolve_public(host, 8080, loopback);
    ASSERT_TRUE(resolved.ok()) << host << ": " << resolved.error().message;
  }
  EXPECT_EQ(resolve_public("0x7f.1", 80, loopback)->front().to_string(), "127.0.0.1");
  for (const char* host : {"10.0.0.1", "[::1]", "169.254.169.254", "192.168.0.1"}) {
    EXPECT_FALSE(resolve_public(host, 80, loopback).ok()) << host;
  }
  EXPECT_FALSE(resolve_public("metadata.google.internal", 80, allow({"0.0.0.0/0"})).ok());
}

TEST(AddressGuard, PublicAddressesPass) {
  for (const char* host : {"93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1",
                           "172.15.255.255", "172.32.0.1", "192.169.0.1", "[2606:4700::1111]",
                           "[::ffff:8.8.8.8]", "[2002:808:808::1]", "[64:ff9b::808:808]"}) {
    auto resolved = resolve_public(host, 443, {});
    EXPECT_TRUE(resolved.ok()) << host << ": " << resolved.error().message;
  }
}

TEST(AddressGuard, HostsThatLookNumericButAreNotAddressesAreRejected) {
  for (const char* host :
       {"1.2.3.4.5", "256.1.1.1", "1.2.3.256", "0x100000000", "4294967296", "08.1.1.1", "0x7g.1",
        "1..2", "[127.0.0.1]", "[::1", "[fe80::1%25eth0]", "fe80::1%eth0", "[:::1]"}) {
    EXPECT_FALSE(resolve_public(host, 80, {}).ok()) << host;
  }
  // Names whose last label is not a number are names, however they start.
  auto name = parse_ip_literal("127.0.0.1.example");
  ASSERT_TRUE(name.ok());
  EXPECT_FALSE(name->has_value());
  auto hex_looking = parse_ip_literal("0x7f.example");
  ASSERT_TRUE(hex_looking.ok());
  EXPECT_FALSE(hex_looking->has_value());
}

TEST(AddressGuard, ParsesTheSpellingsBrowsersAccept) {
  auto text = [](const char* host) {
    auto parsed = parse_ip_literal(host);
    return parsed.ok() && parsed->has_value() ? (*parsed)->to_string() : std::string("-");
  };
  EXPECT_EQ(text("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(text("16909060"), "1.2.3.4");
  EXPECT_EQ(text("1.2.772"), "1.2.3.4");
  EXPECT_EQ(text("1.131844"), "1.2.3.4");
  EXPECT_EQ(text("0x1.0x2.0x3.0x4"), "1.2.3.4");
  EXPECT_EQ(text("01.02.03.04"), "1.2.3.4");
  EXPECT_EQ(text("0x.0.0.0"), "0.0.0.0");
  EXPECT_EQ(text("[2001:DB8::0:1]"), "2001:db8::1");
  EXPECT_EQ(text("example.com"), "-");
}

TEST(AddressGuard, AllowListRangesAreCheckedWhenRead) {
  EXPECT_TRUE(parse_allow_list({"127.0.0.0/8", "10.0.0.5", "::1/128", "fd00::/8"}).ok());
  for (const char* bad :
       {"127.0.0.0/33", "::1/129", "localhost", "127.1/8", "10.0.0.0/", "/8", "10.0.0.0/x"}) {
    auto list = parse_allow_list({bad});
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_EQ(list.error().code, ErrorCode::invalid_argument);
  }
  auto range = parse_ip_range("10.20.0.0/16");
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->contains(IpAddress::v4(0x0A14FFFF)));
  EXPECT_FALSE(range->contains(IpAddress::v4(0x0A150000)));
}

}  // namespace
}  // namespace parley
