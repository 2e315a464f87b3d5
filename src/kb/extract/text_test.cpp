#include "kb/extract/text.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Text, ParagraphsSplitOnBlankLinesAndLinesCollapse) {
  auto document = extract_text("First line\n  continues   here.\n\n \t \nSecond\r\nparagraph.\n");
  ASSERT_TRUE(document.ok());
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::paragraph);
  EXPECT_EQ(document->blocks[0].text, "First line continues here.");
  EXPECT_EQ(document->blocks[1].text, "Second paragraph.");
  EXPECT_EQ(document->blocks[1].page, 0);
}

TEST(Text, CollapseHandlesUnicodeSpacesAndInvisibleCharacters) {
  EXPECT_EQ(normalize_whitespace("  a\u00A0\u00A0b\u2003c\u200Bd\u00ADe\x01 \n"), "a b cde");
  EXPECT_EQ(normalize_whitespace(""), "");
}

TEST(Text, InvalidUtf8IsReplaced) {
  std::string broken = "ok \xC3 end \xED\xA0\x80 overlong \xC0\xAF";
  EXPECT_FALSE(is_valid_utf8(broken));
  std::string repaired = to_valid_utf8(broken);
  EXPECT_TRUE(is_valid_utf8(repaired));
  EXPECT_EQ(repaired, "ok \uFFFD end \uFFFD\uFFFD\uFFFD overlong \uFFFD\uFFFD");
  EXPECT_TRUE(is_valid_utf8(normalize_whitespace(broken)));
}

TEST(Text, DecodesUtf8WithBomUtf16AndWindows1252) {
  EXPECT_EQ(decode_text("\xEF\xBB\xBFgr\xC3\xBC\xC3\x9F"), "grüß");
  EXPECT_EQ(decode_text(std::string("\xFF\xFEh\0i\0\xAC\x20", 8)), "hi€");
  EXPECT_EQ(decode_text(std::string("\xFE\xFF\0h\xD8\x3D\xDE\x00", 8)), "h😀");
  EXPECT_EQ(decode_text("Caf\xE9 cr\xE8me \x93quoted\x94 \x80 5"), "Café crème “quoted” € 5");
}

TEST(Text, AFewBrokenBytesInUtf8TextAreRepairedNotReencoded) {
  EXPECT_EQ(decode_text("Grüße aus Köln \xFF und Wien"), "Grüße aus Köln \uFFFD und Wien");
}

TEST(Text, BinaryIsNotText) {
  EXPECT_FALSE(decode_text(std::string("\x7F"
                                       "ELF\x02\x01\x01\0\0\0",
                                       10))
                   .has_value());
  std::string controls = "text";
  for (int i = 0; i < 20; ++i) controls += "\x01\x02\x03";
  EXPECT_FALSE(decode_text(controls).has_value());
  // Bytes Windows-1252 leaves undefined, in a file that is not UTF-8 either.
  EXPECT_FALSE(decode_text("\x81\x8D\x8F\x90\x9D\x81\x8D\x8F\x90\x9D abc").has_value());
}

TEST(Text, TableRowsJoinCellsAndDropTrailingEmptyOnes) {
  EXPECT_EQ(table_row_text({" a ", "", "c\nd", "", ""}), "a | | c d");
  EXPECT_EQ(table_row_text({"", ""}), "");
}

TEST(Text, TruncationNeverCutsACharacter) {
  EXPECT_EQ(truncate_utf8("aé", 2), "a");
  EXPECT_EQ(truncate_utf8("aé", 3), "aé");
}

}  // namespace
}  // namespace parley
