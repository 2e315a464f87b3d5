#include "http/router.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

Handler answer(std::string text) {
  return [text](Request&) { return body_response(200, "text/plain", text); };
}

class RouterTest : public testing::Test {
 protected:
  void SetUp() override {
    RouteOptions open{Access::public_route(), BodyKind::none, false};
    RouteOptions keyed{Access::signed_in(), BodyKind::none, true};
    router_.add("GET", "/healthz", open, answer("health"));
    router_.add("GET", "/api/v1/bots/{bot_id}", keyed, answer("bot"));
    router_.add("DELETE", "/api/v1/bots/{bot_id}", keyed, answer("delete"));
    router_.add("GET", "/api/v1/bots/{bot_id}/sources/{source_id}", keyed, answer("source"));
    router_.add("GET", "/api/v1/bots/search", keyed, answer("literal-after-param"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralPaths) {
  auto match = router_.match("GET", "/healthz");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/healthz");
  EXPECT_TRUE(match.params.empty());
}

TEST_F(RouterTest, ExtractsPathParameters) {
  auto match = router_.match("GET", "/api/v1/bots/bot_123/sources/src_9");
  ASSERT_NE(match.route, nullptr);
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"bot_id", "bot_123"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"source_id", "src_9"}));
}

TEST_F(RouterTest, ChoosesTheRouteForTheMethod) {
  auto match = router_.match("DELETE", "/api/v1/bots/bot_1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, "DELETE");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  auto match = router_.match("GET", "/api/v1/nothing");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allow.empty());
  EXPECT_EQ(router_.match("GET", "/api/v1/bots/").route, nullptr);  // empty parameter
  EXPECT_EQ(router_.match("GET", "/api/v1/bots/a/b").route, nullptr);
}

TEST_F(RouterTest, WrongMethodListsTheAllowedOnes) {
  auto match = router_.match("PUT", "/api/v1/bots/bot_1");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "GET, DELETE");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  auto match = router_.match("HEAD", "/healthz");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, "GET");
}

TEST_F(RouterTest, LiteralSegmentsBeatParameters) {
  // "/api/v1/bots/{bot_id}" was declared first, yet the literal route is more specific.
  auto match = router_.match("GET", "/api/v1/bots/search");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/bots/search");
  EXPECT_EQ(router_.match("GET", "/api/v1/bots/bot_7").route->pattern, "/api/v1/bots/{bot_id}");
}

}  // namespace
}  // namespace parley
