// Hybrid search through the real binary: a bot's embeddings endpoint set over the API to
// a real embeddings server on loopback; a query sharing no word with the right passage
// finds it with hybrid on and not with it off; with the endpoint down, sources still
// become ready, search still answers, and /metrics counts the failures. The API key never
// comes back and never reaches the log.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/served_workspace.h"
#include "tests/support/test_embeddings_server.h"
#include "tests/support/workspace_bootstrap.h"

namespace parley {
namespace {

namespace json = boost::json;
using test::TestEmbeddingsServer;
using testing::contains;
using testing::HttpResponse;
using testing::ParleyServer;
using testing::parse_json;
using testing::text_of;

class HybridSearch : public testing::ServedWorkspace {
 protected:
  std::map<std::string, std::string> extra_env() const override {
    return {{"PARLEY_KB_EMBEDDINGS_RETRY_BASE_MS", "1"}, {"PARLEY_KB_EMBEDDINGS_RETRY_CAP_MS", "5"}};
  }

  std::string embeddings_settings() const {
    return R"({"embeddings":{"base_url":")" + embeddings_.base_url() +
           R"(","model":"test-embed-1","api_key":")" + TestEmbeddingsServer::kApiKey + "\"}}";
  }

  // Adds a text and waits until it is processed; returns its status.
  std::string add_text(const std::string& bot, const std::string& title, const std::string& text) {
    json::object body{{"type", "text"}, {"title", title}, {"text", text}};
    auto added = call("POST", "/api/v1/bots/" + bot + "/sources", json::serialize(body));
    EXPECT_EQ(added.status, 201) << added.body;
    const std::string id = text_of(parse_json(added.body), "id");
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      auto got = call("GET", "/api/v1/bots/" + bot + "/sources/" + id);
      std::string status = text_of(parse_json(got.body), "status");
      if (status == "ready" || status == "failed") return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    return "timeout";
  }

  void add_corpus(const std::string& bot) {
    ASSERT_EQ(add_text(bot, "Money matters", "Refunds are paid back to your card within 14 days."),
              "ready");
    ASSERT_EQ(add_text(bot, "Warehouse", "Parcels leave our warehouse every morning."), "ready");
    ASSERT_EQ(add_text(bot, "Opening hours", "The shop opens at nine and closes at six."), "ready");
  }

  json::array search(const std::string& bot, const std::string& query) {
    json::object body{{"query", query}, {"limit", 5}};
    auto found = call("POST", "/api/v1/bots/" + bot + "/search", json::serialize(body));
    EXPECT_EQ(found.status, 200) << found.body;
    json::value value = parse_json(found.body);
    return value.is_object() ? value.as_object().at("results").as_array() : json::array{};
  }

  int64_t metric(const std::string& name) {
    auto response = testing::http_request(server_->port(), "GET", "/metrics");
    if (!response) return -1;
    std::istringstream lines(response->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
    }
    return -1;
  }

  TestEmbeddingsServer embeddings_;
};

TEST_F(HybridSearch, AQuerySharingNoWordFindsThePassageOnlyWithHybridOn) {
  const std::string hybrid = make_bot(embeddings_settings());
  const std::string lexical = make_bot();
  add_corpus(hybrid);
  add_corpus(lexical);
  EXPECT_EQ(embeddings_.inputs(), 3);
  EXPECT_EQ(metric("parley_embeddings_inputs_total"), 3);

  EXPECT_TRUE(search(lexical, "reimbursement").empty());
  json::array results = search(hybrid, "reimbursement");
  ASSERT_FALSE(results.empty());
  const json::object& best = results[0].as_object();
  EXPECT_EQ(text_of(best, "text"), "Refunds are paid back to your card within 14 days.");
  EXPECT_EQ(text_of(best.at("source"), "title"), "Money matters");
  EXPECT_TRUE(best.contains("chunk_id") && best.contains("score") && best.contains("highlights"));

  // The settings show that a key is set, never the key; the log never has it either.
  auto shown = call("GET", "/api/v1/bots/" + hybrid);
  ASSERT_EQ(shown.status, 200);
  EXPECT_FALSE(contains(shown.body, TestEmbeddingsServer::kApiKey));
  json::value settings = parse_json(shown.body).as_object().at("settings");
  EXPECT_EQ(settings.at("embeddings").at("api_key_set"), json::value(true));
  EXPECT_EQ(text_of(settings.at("embeddings"), "model"), "test-embed-1");
  server_->signal(SIGTERM);
  EXPECT_FALSE(contains(server_->wait().output, TestEmbeddingsServer::kApiKey));
}

TEST_F(HybridSearch, WithTheEndpointDownSourcesAreReadyAndSearchAnswers) {
  const std::string bot = make_bot(embeddings_settings());
  embeddings_.fail_next(100000, 503);
  add_corpus(bot);
  // A source is ready once its chunks commit; its embedding is tried (and fails) after, so
  // the last failure may be counted a moment after the source shows ready.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (metric("parley_embeddings_ingest_failures_total") < 3 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(metric("parley_embeddings_ingest_failures_total"), 3);
  json::array results = search(bot, "refunds");  // BM25 alone
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(text_of(results[0], "text"), "Refunds are paid back to your card within 14 days.");
  EXPECT_GE(metric("parley_embeddings_query_failures_total"), 1);

  // Back up: re-saving the settings rebuilds the index, which embeds what was missing.
  embeddings_.fail_next(0);
  auto patched = call("PATCH", "/api/v1/bots/" + bot, R"({"settings":{"welcome_message":"Hi"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  json::array hybrid = search(bot, "reimbursement");
  ASSERT_FALSE(hybrid.empty());
  EXPECT_EQ(text_of(hybrid[0], "text"), "Refunds are paid back to your card within 14 days.");

  // The failures were logged with ids, without the text or the key.
  server_->signal(SIGTERM);
  const std::string log = server_->wait().output;
  EXPECT_TRUE(contains(log, "ingest.embeddings_failed")) << log;
  EXPECT_FALSE(contains(log, "Refunds are paid"));
  EXPECT_FALSE(contains(log, TestEmbeddingsServer::kApiKey));
}

}  // namespace
}  // namespace parley
