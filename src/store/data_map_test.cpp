// The data map must describe the schema exactly: every table the production migrations
// create, and every personal column it lists. A new table without an entry fails here.
#include "store/data_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store/catalog.h"
#include "store/test_databases.h"

namespace parley {
namespace {

class DataMapMatchesSchema : public store_testing::BackendTest {};

TEST_P(DataMapMatchesSchema, EveryTableIsDescribedAndEveryListedColumnExists) {
  auto store = open_store();  // applies parley_migrations()
  ASSERT_TRUE(store);
  auto tables = list_tables(store->db());
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  ASSERT_FALSE(tables->empty());
  for (const std::string& table : *tables) {
    EXPECT_NE(find_table(table), nullptr)
        << "table `" << table << "` is not in the data map: describe it in "
        << "src/store/data_map.cpp (its personal columns, or that it holds none)";
  }
  for (const TableInfo& info : data_map()) {
    if (std::find(tables->begin(), tables->end(), info.table) == tables->end()) {
      ADD_FAILURE() << "the data map describes `" << info.table
                    << "`, which the schema does not have";
      continue;
    }
    auto columns = list_columns(store->db(), info.table);
    ASSERT_TRUE(columns.ok()) << columns.error().message;
    const std::set<std::string> present(columns->begin(), columns->end());
    if (!info.subject_column.empty()) {
      EXPECT_TRUE(present.count(info.subject_column))
          << "`" << info.table << "` has no subject column `" << info.subject_column << "`";
    }
    for (const ColumnInfo& column : info.personal_columns) {
      EXPECT_TRUE(present.count(column.column))
          << "the data map lists `" << info.table << "." << column.column
          << "`, which the schema does not have";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DataMapMatchesSchema, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

TEST(DataMap, EntriesAreCompleteAndConsistent) {
  std::set<std::string> seen;
  for (const TableInfo& info : data_map()) {
    EXPECT_TRUE(seen.insert(info.table).second) << "`" << info.table << "` is listed twice";
    EXPECT_FALSE(info.description.empty()) << info.table;
    // Personal data always belongs to someone: export and erasure need to know whom.
    EXPECT_EQ(info.personal_columns.empty(), info.subject_column.empty())
        << "`" << info.table << "`: a subject column goes with personal columns";
    std::set<std::string> columns;
    for (const ColumnInfo& column : info.personal_columns) {
      EXPECT_TRUE(columns.insert(column.column).second) << info.table << "." << column.column;
      EXPECT_NE(column.category.find('.'), std::string::npos)
          << info.table << "." << column.column << ": category like \"user.contact.email\"";
      EXPECT_FALSE(column.purpose.empty()) << info.table << "." << column.column;
      EXPECT_NE(column.retention, Retention::not_personal)
          << info.table << "." << column.column << " is personal: give it a retention class";
    }
  }
  EXPECT_NE(find_table("schema_migrations"), nullptr);
  EXPECT_NE(find_table("meta"), nullptr);
  EXPECT_EQ(find_table("no_such_table"), nullptr);
}

TEST(DataMap, RetentionClassesFollowThePrivacyPolicy) {
  // "Account data: up to 24 months after the last activity; chatbot interaction data: up
  // to 12 months; technical logs: up to a year."
  EXPECT_EQ(retention_months(Retention::account_data), 24);
  EXPECT_EQ(retention_months(Retention::chatbot_data), 12);
  EXPECT_EQ(retention_months(Retention::technical_logs), 12);
  EXPECT_EQ(retention_months(Retention::not_personal), 0);
  EXPECT_STREQ(legal_basis_name(LegalBasis::legitimate_interests), "legitimate_interests");
  EXPECT_STREQ(retention_name(Retention::chatbot_data), "chatbot_data");
}

}  // namespace
}  // namespace parley
