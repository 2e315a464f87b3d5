// The data map: every table and every column that holds personal data, with its category,
// purpose, legal basis and retention class. Export, erasure, restriction and retention
// will be driven from it, so a test (data_map_test.cpp) fails when the schema has a table
// the map does not describe. Read by the privacy services; edited with every migration.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

// The legal bases the privacy policy names ("The legal bases for processing your data").
enum class LegalBasis { contract, legitimate_interests, legal_obligation, consent };

// Retention classes, named after the policy's "Data Retention" section.
enum class Retention {
  account_data,    // while the account is active; up to 24 months after its last activity
  chatbot_data,    // chatbot interaction data: up to 12 months
  technical_logs,  // up to 12 months ("up to a year")
  not_personal,    // no personal data: kept as long as the installation needs it
};

struct ColumnInfo {
  std::string column;
  std::string category;  // e.g. "user.contact.email", "visitor.message", "technical.ip"
  std::string purpose;   // why it is kept, in words a data subject would understand
  LegalBasis basis;
  Retention retention;
  bool sealed;  // stored encrypted under the subject's key (crypto-shredding on erasure)
};

struct TableInfo {
  std::string table;
  std::string description;
  // The column naming whose data a row is (e.g. "account_id"); empty when the table
  // holds no personal data.
  std::string subject_column;
  std::vector<ColumnInfo> personal_columns;  // empty: declared free of personal data
};

const std::vector<TableInfo>& data_map();
const TableInfo* find_table(std::string_view table);

// Stable names, for exports and the generated privacy pages.
const char* legal_basis_name(LegalBasis basis);
const char* retention_name(Retention retention);
// How long data of this class is kept once its clock starts; 0 for not_personal.
int retention_months(Retention retention);

}  // namespace parley
