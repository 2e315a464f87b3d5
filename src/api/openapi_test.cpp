// docs/openapi.yaml and the router must describe the same routes: a route without
// documentation, or documentation of a route that does not exist, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "api/full_router.h"

namespace parley {
namespace {

std::set<std::string> documented_routes() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/docs/openapi.yaml");
  std::set<std::string> routes;
  const std::regex path_line(R"(^  (/[^:]*):\s*$)");
  const std::regex method_line(R"(^    (get|post|put|patch|delete|options):\s*$)");
  std::string line, path;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_line)) {
      path = m[1];
    } else if (!path.empty() && std::regex_match(line, m, method_line)) {
      std::string method = m[1];
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      routes.insert(method + " " + path);
    } else if (!line.empty() && line[0] != ' ') {
      path.clear();  // left the paths: section
    }
  }
  return routes;
}

TEST(OpenApi, DocumentsExactlyTheRoutesTheServerHas) {
  FullRouter router;

  std::set<std::string> served;
  for (const auto& route : router.routes()) served.insert(route.method + " " + route.pattern);
  std::set<std::string> documented = documented_routes();
  ASSERT_FALSE(documented.empty()) << "docs/openapi.yaml has no paths";
  for (const auto& route : served) {
    EXPECT_TRUE(documented.count(route)) << route << " is served but not in docs/openapi.yaml";
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.count(route)) << route << " is in docs/openapi.yaml but not served";
  }
}

}  // namespace
}  // namespace parley
