#include "kb/extract/xlsx.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

constexpr int64_t kMegabyte = 1024 * 1024;

Result<Document> extract(const std::string& xlsx) {
  return extract_xlsx(xlsx, ZipLimits{64 * kMegabyte, 1000});
}

TEST(Xlsx, EachSheetIsATableOnItsOwnPage) {
  std::string xlsx = test::make_xlsx(
      {{"Prices", {{"Product", "Price", "Note"}, {"Tea", "3.5", ""}, {}, {"Coffee", "4", "hot"}}},
       {"Stores", {{"City", "Opens"}, {"Berlin", "9:00"}, {"", "", ""}, {"Wien", "10:00"}}}},
      "Catalogue");
  auto document = extract(xlsx);
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->page_count, 2);
  EXPECT_EQ(document->title, "Catalogue");
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::table);
  EXPECT_EQ(document->blocks[0].page, 1);
  EXPECT_EQ(document->blocks[0].text, "Product | Price | Note\nTea | 3.5\nCoffee | 4 | hot");
  EXPECT_EQ(document->blocks[1].page, 2);
  EXPECT_EQ(document->blocks[1].text, "City | Opens\nBerlin | 9:00\nWien | 10:00");
}

TEST(Xlsx, GapsBetweenCellsKeepTheColumns) {
  auto document = extract(test::make_xlsx({{"S", {{"a", "", "c"}, {"", "b"}}}}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "a | | c\n | b");
}

TEST(Xlsx, EmptySheetCountsAsAPageWithoutABlock) {
  auto document = extract(test::make_xlsx({{"Empty", {}}, {"Data", {{"x"}}}}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->page_count, 2);
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].page, 2);
}

TEST(Xlsx, InlineStringsBooleansAndHiddenSheets) {
  // Written by hand: what other producers (not Excel) put in a workbook.
  const std::string ns =
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
      "relationships\"";
  std::string xlsx = test::make_zip(
      {{"xl/workbook.xml", "<workbook " + ns +
                               "><sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"r1\"/>"
                               "<sheet name=\"Hidden\" sheetId=\"2\" state=\"hidden\" "
                               "r:id=\"r2\"/></sheets></workbook>"},
       {"xl/_rels/workbook.xml.rels",
        "<Relationships><Relationship Id=\"r1\" Target=\"/xl/worksheets/a.xml\"/>"
        "<Relationship Id=\"r2\" Target=\"worksheets/b.xml\"/></Relationships>"},
       {"xl/worksheets/a.xml",
        "<worksheet " + ns +
            "><sheetData><row><c t=\"inlineStr\"><is><t>Open</t></is></c><c t=\"b\"><v>1</v>"
            "</c><c><v>0.10000000000000001</v></c></row></sheetData></worksheet>"},
       {"xl/worksheets/b.xml", "<worksheet " + ns +
                                   "><sheetData><row><c t=\"inlineStr\"><is><t>secret</t></is>"
                                   "</c></row></sheetData></worksheet>"}});
  auto document = extract(xlsx);
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->page_count, 2);
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "Open | TRUE | 0.1");
}

TEST(Xlsx, OutputIsBoundedToTheCellCap) {
  std::vector<std::vector<std::string>> rows(30, std::vector<std::string>(10, "7"));
  auto document = extract_xlsx(test::make_xlsx({{"Big", rows}, {"More", {{"y"}}}}),
                               ZipLimits{kMegabyte, 100}, /*max_cells=*/200);
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);  // the cap ran out in the first sheet
  EXPECT_EQ(std::count(document->blocks[0].text.begin(), document->blocks[0].text.end(), '\n'),
            19);  // 20 rows of 10 cells
}

TEST(Xlsx, ColumnsFarToTheRightAreLeftOut) {
  std::vector<std::string> wide(kMaxSheetColumns + 5, "");
  wide.front() = "first";
  wide.back() = "beyond";
  auto document = extract(test::make_xlsx({{"Wide", {wide}}}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "first");
}

}  // namespace
}  // namespace parley
