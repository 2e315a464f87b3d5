#include "store/data_map.h"

namespace parley {

const std::vector<TableInfo>& data_map() {
  static const std::vector<TableInfo> map = {
      {"schema_migrations", "which schema migrations have been applied, and when", "", {}},
      {"meta", "facts about this installation: instance id, creation time", "", {}},
  };
  return map;
}

const TableInfo* find_table(std::string_view table) {
  for (const TableInfo& info : data_map()) {
    if (info.table == table) return &info;
  }
  return nullptr;
}

const char* legal_basis_name(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::contract:
      return "contract";
    case LegalBasis::legitimate_interests:
      return "legitimate_interests";
    case LegalBasis::legal_obligation:
      return "legal_obligation";
    case LegalBasis::consent:
      return "consent";
  }
  return "contract";
}

const char* retention_name(Retention retention) {
  switch (retention) {
    case Retention::account_data:
      return "account_data";
    case Retention::chatbot_data:
      return "chatbot_data";
    case Retention::technical_logs:
      return "technical_logs";
    case Retention::not_personal:
      return "not_personal";
  }
  return "not_personal";
}

int retention_months(Retention retention) {
  switch (retention) {
    case Retention::account_data:
      return 24;
    case Retention::chatbot_data:
      return 12;
    case Retention::technical_logs:
      return 12;
    case Retention::not_personal:
      return 0;
  }
  return 0;
}

}  // namespace parley
