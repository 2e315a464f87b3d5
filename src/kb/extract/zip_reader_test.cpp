#include "kb/extract/zip_reader.h"

#include <gtest/gtest.h>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

constexpr int64_t kMegabyte = 1024 * 1024;

bool mentions(const Error& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

TEST(ZipReader, ReadsMembersByName) {
  std::string zip = test::make_zip({{"a.txt", "first"}, {"dir/b.xml", "<b/>"}});
  auto reader = ZipReader::open(zip, ZipLimits{});
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_TRUE(reader->contains("dir/b.xml"));
  EXPECT_FALSE(reader->contains("c.txt"));
  auto b = reader->read("dir/b.xml");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b, "<b/>");
  auto missing = reader->read("c.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST(ZipReader, NotAZipIsDamaged) {
  auto reader = ZipReader::open("PK\x03\x04 but nothing after", ZipLimits{});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(mentions(reader.error(), "damaged"));
}

TEST(ZipReader, DeclaredSizeOverTheLimitIsRefusedBeforeInflating) {
  std::string bomb = test::make_zip_bomb_docx(8 * kMegabyte);
  auto reader = ZipReader::open(bomb, ZipLimits{1 * kMegabyte, 100});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(mentions(reader.error(), "more than 1 MB")) << reader.error().message;
  EXPECT_TRUE(mentions(reader.error(), "zip bomb")) << reader.error().message;
}

TEST(ZipReader, ALyingDirectoryIsStoppedWhileInflating) {
  std::string bomb = test::make_zip_bomb_docx(8 * kMegabyte, /*understate_size=*/true);
  auto reader = ZipReader::open(bomb, ZipLimits{1 * kMegabyte, 100});
  ASSERT_TRUE(reader.ok()) << "the directory claims a small file: " << reader.error().message;
  auto document = reader->read("word/document.xml");
  ASSERT_FALSE(document.ok());
  EXPECT_TRUE(mentions(document.error(), "more than 1 MB")) << document.error().message;
}

TEST(ZipReader, TheLimitCountsAllMembersRead) {
  std::string zip =
      test::make_zip({{"a", std::string(600 * 1024, 'a')}, {"b", std::string(600 * 1024, 'b')}});
  // The directory check sees 1.2 MB; allow it there to see read() keep its own count.
  auto reader = ZipReader::open(zip, ZipLimits{2 * kMegabyte, 100});
  ASSERT_TRUE(reader.ok());
  ZipReader& zip_reader = *reader;
  ASSERT_TRUE(zip_reader.read("a").ok());
  ASSERT_TRUE(zip_reader.read("b").ok());
  ASSERT_TRUE(zip_reader.read("a").ok());
  auto fourth = zip_reader.read("b");  // 2.4 MB inflated in all
  ASSERT_FALSE(fourth.ok());
  EXPECT_TRUE(mentions(fourth.error(), "more than 2 MB")) << fourth.error().message;
}

TEST(ZipReader, TooManyEntriesIsRefused) {
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 30; ++i) files.emplace_back("file" + std::to_string(i), "x");
  auto reader = ZipReader::open(test::make_zip(files), ZipLimits{kMegabyte, 20});
  ASSERT_FALSE(reader.ok());
  EXPECT_TRUE(mentions(reader.error(), "30 files")) << reader.error().message;
  EXPECT_TRUE(mentions(reader.error(), "more than 20")) << reader.error().message;
}

TEST(ZipReader, ByteCountsReadLikeAPersonWritesThem) {
  EXPECT_EQ(describe_byte_count(256 * kMegabyte), "256 MB");
  EXPECT_EQ(describe_byte_count(3 * kMegabyte / 2), "1.5 MB");
  EXPECT_EQ(describe_byte_count(900 * 1024), "900 KB");
  EXPECT_EQ(describe_byte_count(10), "10 bytes");
}

}  // namespace
}  // namespace parley
