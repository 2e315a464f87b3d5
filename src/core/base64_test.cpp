#include "core/base64.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(base64_encode(bytes("")), "");
  EXPECT_EQ(base64_encode(bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(bytes("foob")), "Zm9vYg==");
  EXPECT_EQ(base64_encode(bytes("foobar")), "Zm9vYmFy");
}

TEST(Base64, DecodesWhatItEncodesAtEveryLength) {
  std::vector<uint8_t> data;
  for (int len = 0; len < 70; ++len) {
    auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded.ok()) << len;
    EXPECT_EQ(*decoded, data);
    data.push_back(static_cast<uint8_t>(len * 37 + 11));
  }
}

TEST(Base64, AcceptsUrlSafeAndUnpaddedText) {
  std::vector<uint8_t> data = {0xfb, 0xff, 0xbf};  // uses both characters that differ
  EXPECT_EQ(base64_encode(data), "+/+/");
  EXPECT_EQ(*base64_decode("-_-_"), data);
  std::vector<uint8_t> two = {0xfb, 0xff};
  EXPECT_EQ(base64_encode(two), "+/8=");
  EXPECT_EQ(*base64_decode("+/8="), two);
  EXPECT_EQ(*base64_decode("+/8"), two);
  EXPECT_EQ(*base64_decode("-_8"), two);
  EXPECT_EQ(*base64_decode("-_8="), two);
}

TEST(Base64, RejectsTextThatIsNotBase64) {
  const std::string_view bad_texts[] = {"not base64!", "Zm9v YmFy", "Zm9v\n",
                                        "Zg=",         "Zg===",     "Z",
                                        "+_8=",        "Zh==",      std::string_view("Zm9v\0", 5)};
  for (std::string_view bad : bad_texts) {
    auto decoded = base64_decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
  }
}

TEST(Hex, EncodesLowercase) {
  EXPECT_EQ(hex_encode({}), "");
  EXPECT_EQ(hex_encode({0x00, 0x0f, 0xa5, 0xff}), "000fa5ff");
}

}  // namespace
}  // namespace parley
