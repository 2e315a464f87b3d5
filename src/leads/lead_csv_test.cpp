// Leads as CSV: the fixed columns, then the form's, then others (cells: core/csv_writer_test).
#include "leads/lead_csv.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

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
