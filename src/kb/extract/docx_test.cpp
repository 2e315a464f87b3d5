#include "kb/extract/docx.h"

#include <gtest/gtest.h>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

using test::DocxItem;

constexpr int64_t kMegabyte = 1024 * 1024;

Result<Document> extract(const std::string& docx) {
  return extract_docx(docx, ZipLimits{64 * kMegabyte, 1000});
}

DocxItem heading(std::string text, int level) { return DocxItem{std::move(text), level}; }
DocxItem paragraph(std::string text) { return DocxItem{std::move(text)}; }
DocxItem list_item(std::string text, int level) { return DocxItem{std::move(text), 0, level}; }

TEST(Docx, HeadingsListsAndTablesKeepTheirStructure) {
  DocxItem table;
  table.table = {{"Plan", "Price"}, {"Basic", "5 €"}, {"", ""}, {"Pro", "12 €"}};
  std::string docx =
      test::make_docx({heading("Shipping", 1), paragraph("We ship worldwide."),
                       list_item("Europe: 3 days", 1), list_item("Express on request", 2),
                       heading("Prices", 2), table, paragraph("Line one\nline two\tend")});
  auto document = extract(docx);
  ASSERT_TRUE(document.ok()) << document.error().message;
  const auto& blocks = document->blocks;
  ASSERT_EQ(blocks.size(), 7u);
  EXPECT_EQ(blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(blocks[0].level, 1);
  EXPECT_EQ(blocks[0].text, "Shipping");
  EXPECT_EQ(blocks[1].kind, BlockKind::paragraph);
  EXPECT_EQ(blocks[1].text, "We ship worldwide.");
  EXPECT_EQ(blocks[2].kind, BlockKind::list_item);
  EXPECT_EQ(blocks[2].level, 1);
  EXPECT_EQ(blocks[2].text, "Europe: 3 days");
  EXPECT_EQ(blocks[3].kind, BlockKind::list_item);
  EXPECT_EQ(blocks[3].level, 2);
  EXPECT_EQ(blocks[4].kind, BlockKind::heading);
  EXPECT_EQ(blocks[4].level, 2);
  EXPECT_EQ(blocks[5].kind, BlockKind::table);
  EXPECT_EQ(blocks[5].text, "Plan | Price\nBasic | 5 €\nPro | 12 €");  // empty row skipped
  EXPECT_EQ(blocks[6].text, "Line one line two end");
  for (const auto& block : blocks) EXPECT_EQ(block.page, 0);
  EXPECT_EQ(document->title, "Shipping");  // no metadata title: the first heading
}

TEST(Docx, TitleAndLanguageComeFromTheDocumentProperties) {
  test::DocxOptions options;
  options.title = "Customer handbook";
  options.language = "de-DE";
  auto document = extract(test::make_docx({heading("Kapitel 1", 1)}, options));
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->title, "Customer handbook");
  EXPECT_EQ(document->language, "de-DE");
}

TEST(Docx, TitleStyleIsAHeadingAndTheTitle) {
  DocxItem title{"Annual report"};
  title.style = "Title";
  auto document = extract(test::make_docx({title, heading("Summary", 1)}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->title, "Annual report");
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(document->blocks[0].level, 1);
}

TEST(Docx, LocalizedHeadingStylesAreFoundByTheirName) {
  // A German Word names the style id "berschrift2"; its name stays "heading 2".
  test::DocxOptions options;
  options.styles_xml =
      "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
      "<w:style w:type=\"paragraph\" w:styleId=\"berschrift2\"><w:name w:val=\"heading 2\"/>"
      "</w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Zwischentitel\"><w:name w:val=\"Zwischentitel\"/>"
      "<w:basedOn w:val=\"berschrift2\"/></w:style></w:styles>";
  DocxItem german{"Versand"};
  german.style = "berschrift2";
  DocxItem derived{"Rückgabe"};
  derived.style = "Zwischentitel";
  auto document = extract(test::make_docx({german, derived, paragraph("Text")}, options));
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 3u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(document->blocks[0].level, 2);
  EXPECT_EQ(document->blocks[1].kind, BlockKind::heading);  // inherits through basedOn
  EXPECT_EQ(document->blocks[1].level, 2);
  EXPECT_EQ(document->blocks[2].kind, BlockKind::paragraph);
}

TEST(Docx, ZipBombIsRefusedWithTheLimit) {
  std::string bomb = test::make_zip_bomb_docx(16 * kMegabyte);
  ASSERT_LT(bomb.size(), 1 * kMegabyte);  // small on the wire
  auto document = extract_docx(bomb, ZipLimits{1 * kMegabyte, 1000});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(document.error().message.find("more than 1 MB"), std::string::npos)
      << document.error().message;
}

TEST(Docx, ZipBombWithALyingDirectoryIsRefusedWithTheLimit) {
  std::string bomb = test::make_zip_bomb_docx(16 * kMegabyte, /*understate_size=*/true);
  auto document = extract_docx(bomb, ZipLimits{1 * kMegabyte, 1000});
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.error().message.find("more than 1 MB"), std::string::npos)
      << document.error().message;
}

TEST(Docx, SmallBombUnderTheLimitIsJustText) {
  // The same maker under the limit is an ordinary document: the limit is what refuses.
  auto document = extract_docx(test::make_zip_bomb_docx(100 * 1024), ZipLimits{kMegabyte, 100});
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_GT(document->blocks[0].text.size(), 90u * 1024);
}

TEST(Docx, BrokenXmlIsDamaged) {
  std::string docx = test::make_zip(
      {{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document><w:body><w:p>"}});
  auto document = extract(docx);
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.error().message.find("damaged"), std::string::npos)
      << document.error().message;
}

}  // namespace
}  // namespace parley
