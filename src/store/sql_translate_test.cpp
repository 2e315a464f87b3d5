#include "store/sql_translate.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(TranslateSql, NumbersPlaceholdersForSqliteAndLeavesThemForPostgres) {
  const std::string sql = "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = $12";
  EXPECT_EQ(translate_sql(sql, Dialect::sqlite),
            "SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d = ?12");
  EXPECT_EQ(translate_sql(sql, Dialect::postgres), sql);
}

TEST(TranslateSql, MapsTheBytesTypeAsAWholeUpperCaseWordOnly) {
  const std::string ddl = "CREATE TABLE f (data BYTES NOT NULL, size_BYTES BIGINT, bytes TEXT)";
  EXPECT_EQ(translate_sql(ddl, Dialect::sqlite),
            "CREATE TABLE f (data BLOB NOT NULL, size_BYTES BIGINT, bytes TEXT)");
  EXPECT_EQ(translate_sql(ddl, Dialect::postgres),
            "CREATE TABLE f (data BYTEA NOT NULL, size_BYTES BIGINT, bytes TEXT)");
}

TEST(TranslateSql, LeavesLiteralsIdentifiersAndCommentsAlone) {
  const std::string sql =
      "SELECT 'costs $1 BYTES', \"BYTES\" -- $2 BYTES\n FROM t /* $3 BYTES */ WHERE x = $1";
  EXPECT_EQ(translate_sql(sql, Dialect::sqlite),
            "SELECT 'costs $1 BYTES', \"BYTES\" -- $2 BYTES\n FROM t /* $3 BYTES */ WHERE x = ?1");
  const std::string body =
      "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1 BYTES $fn$ LANGUAGE sql";
  EXPECT_EQ(translate_sql(body, Dialect::postgres), body);
  EXPECT_EQ(translate_sql("SELECT 'it''s $1', $1", Dialect::sqlite), "SELECT 'it''s $1', ?1");
}

TEST(SqlExcerpt, CollapsesSpaceAndCutsLongStatements) {
  EXPECT_EQ(sql_excerpt("SELECT\n  a,\n  b\nFROM t"), "SELECT a, b FROM t");
  EXPECT_EQ(sql_excerpt(std::string(200, 'x')).size(), 123u);
}

TEST(MaskValues, MasksBoundTextOfFourCharactersOrMore) {
  const SqlParams params = {std::string("ada@example.com"), std::string("abc"), int64_t{1234}};
  EXPECT_EQ(mask_values("near \"ada@example.com\": abc 1234 ada@example.com", params),
            "near \"***\": abc 1234 ***");
}

}  // namespace
}  // namespace parley
