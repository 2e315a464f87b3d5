#include "core/log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace parley {
namespace {

std::string json_quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(Log, JsonStringsEscapeWhatJsonRequiresAndKeepTheRest) {
  EXPECT_EQ(json_quoted("plain ids_01 and €"), "\"plain ids_01 and €\"");
  EXPECT_EQ(json_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_quoted("line\nnext\ttab\r"), "\"line\\nnext\\ttab\\r\"");
  EXPECT_EQ(json_quoted(std::string("nul\0bell\x07", 9)), "\"nul\\u0000bell\\u0007\"");
  EXPECT_EQ(json_quoted(""), "\"\"");
}

TEST(Log, LinesAreJsonObjectsWithTheFieldsGiven) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    Log log(LogLevel::info, file);
    log.debug("hidden");
    log.info("http.request", {{"request_id", "req_1"}, {"status", 200}, {"ms", 1.5}, {"ok", true}});
  }  // the destructor flushes
  std::rewind(file);
  char buf[512] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, file);
  std::fclose(file);
  std::string text(buf, n);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("\"event\":\"http.request\",\"request_id\":\"req_1\",\"status\":200,"
                      "\"ms\":1.500,\"ok\":true}\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.rfind("{\"ts\":\"", 0), 0u) << text;
}

}  // namespace
}  // namespace parley
