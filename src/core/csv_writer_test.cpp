// CSV cells as a spreadsheet must read them: RFC 4180 quoting, and formulas disarmed.
#include "core/csv_writer.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(CsvWriter, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_cell("plain text"), "plain text");
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_cell("naïve café"), "naïve café");
}

TEST(CsvWriter, CellsThatASpreadsheetWouldRunStartWithAQuote) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-2+3"), "'-2+3");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_cell("a=b"), "a=b");  // only the first character counts
}

TEST(CsvWriter, RowsEndWithCrLf) {
  std::string out;
  append_csv_row(out, {"a", "b,c", ""});
  append_csv_row(out, {"1"});
  EXPECT_EQ(out, "a,\"b,c\",\r\n1\r\n");
}

}  // namespace
}  // namespace parley
