// CSV cells: RFC 4180 quoting and the guard against spreadsheet formulas.
#include "leads/lead_csv.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(LeadCsv, CellsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("Ada Lovelace"), "Ada Lovelace");
  EXPECT_EQ(csv_cell("Lovelace, Ada"), "\"Lovelace, Ada\"");
  EXPECT_EQ(csv_cell("the \"Countess\""), "\"the \"\"Countess\"\"\"");
  EXPECT_EQ(csv_cell("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_cell("a\r\nb"), "\"a\r\nb\"");
}

TEST(LeadCsv, FormulaStartsAreDefused) {
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+49 30 1234567"), "'+49 30 1234567");
  EXPECT_EQ(csv_cell("-5"), "'-5");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tcmd"), "'\tcmd");
  EXPECT_EQ(csv_cell("\rcmd"), "\"'\rcmd\"");
  EXPECT_EQ(csv_cell("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_cell("a=b"), "a=b");  // only the first character counts
}

TEST(LeadCsv, ColumnsAreTheFixedOnesThenTheFormsThenOthersSorted) {
  LeadView lead;
  lead.id = "lead_1";
  lead.created_at = 1'700'000'000'000;
  lead.visitor_id = "vis_1";
  lead.consent = true;
  lead.policy_version = "2026-11-01";
  lead.fields = {{"email", "ada@example.com"}, {"zeta", "z"}, {"alpha", "a"}};
  const std::string csv = leads_csv({"name", "email"}, {lead});
  EXPECT_EQ(csv,
            "id,created_at,conversation_id,visitor_id,consent,policy_version,name,email,alpha,"
            "zeta\r\n"
            "lead_1,2023-11-14T22:13:20Z,,vis_1,true,2026-11-01,,ada@example.com,a,z\r\n");
}

}  // namespace
}  // namespace parley
