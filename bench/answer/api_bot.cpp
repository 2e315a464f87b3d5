#include "api_bot.h"

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/workspace_bootstrap.h"

namespace parley::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// The binary's settings: the test master key, a cheap password hash for the bootstrap, and
// no access log (nobody reads the server's output pipe after its first line).
std::map<std::string, std::string> server_env() {
  return {{"PARLEY_MASTER_KEY", testing::test_master_key()},
          {"PARLEY_AUTH_ARGON2_MEM_KIB", "8192"},
          {"PARLEY_AUTH_ARGON2_OPS", "1"},
          {"PARLEY_LOG_ACCESS", "false"},
          {"PARLEY_LOG_LEVEL", "warn"}};
}

std::string document_body(const WikiQaDocument& doc) {
  std::string body;
  for (const std::string& sentence : doc.sentences) {
    if (!body.empty()) body += ' ';
    body += sentence;
  }
  return body;
}

}  // namespace

ApiBot::ApiBot(const std::string& binary, const WikiQa& data, double threshold,
               const std::map<std::string, std::string>& more_env)
    : dir_(testing::make_temp_dir("bench_answer")) {
  auto env = server_env();
  for (const auto& [name, value] : more_env) env[name] = value;
  auto made = testing::bootstrap_workspace(dir_ / "data", env, binary);
  if (made.api_key.empty()) throw std::runtime_error("bootstrap failed: " + made.process.output);
  key_ = made.api_key;
  server_ = std::make_unique<testing::ParleyServer>(dir_ / "data", std::vector<std::string>{}, env,
                                                    binary);
  if (!server_->started())
    throw std::runtime_error("parley did not start: " + server_->output_so_far());

  json::object settings{{"confidence_threshold", threshold}, {"messages_per_minute", 600}};
  json::object bot{{"name", "WikiQA"}, {"language", "en"}, {"settings", settings}};
  bot_ = testing::text_of(
      testing::parse_json(call("POST", "/api/v1/workspaces/" + made.workspace_id + "/bots",
                               json::serialize(bot), 201)),
      "id");
  std::string lines;
  for (const WikiQaDocument& doc : data.documents) {
    lines += json::serialize(json::object{{"type", "text"},
                                          {"title", doc.title},
                                          {"text", document_body(doc)},
                                          {"external_id", doc.id}});
    lines += '\n';
  }
  call("POST", "/api/v1/bots/" + bot_ + "/sources/bulk", lines, 201);
  wait_until_ready(data.documents.size());
}

ApiBot::~ApiBot() {
  server_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ApiBot::call(const std::string& method, const std::string& path,
                         const std::string& body, int expected_status) {
  std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + key_}};
  if (!body.empty()) headers["Content-Type"] = "application/json";
  auto response = testing::http_request(server_->port(), method, path, body, headers);
  if (!response || response->status != expected_status) {
    throw std::runtime_error(method + " " + path + ": " +
                             (response ? std::to_string(response->status) + " " + response->body
                                       : std::string("no answer")));
  }
  return response->body;
}

void ApiBot::wait_until_ready(size_t sources) {
  const auto give_up = Clock::now() + std::chrono::minutes(10);
  while (Clock::now() < give_up) {
    size_t listed = 0, ready = 0;
    int64_t chunks = 0;
    std::string cursor;
    do {
      std::string path = "/api/v1/bots/" + bot_ + "/sources?limit=100";
      if (!cursor.empty()) path += "&cursor=" + cursor;
      json::value page = testing::parse_json(call("GET", path, "", 200));
      for (const json::value& source : page.at("data").as_array()) {
        ++listed;
        const std::string status = testing::text_of(source, "status");
        if (status == "failed")
          throw std::runtime_error("a source failed: " + json::serialize(source));
        if (status == "ready") ++ready;
        chunks += source.at("chunk_count").to_number<int64_t>();
      }
      cursor = testing::text_of(page, "next_cursor");
    } while (!cursor.empty());
    if (listed >= sources && ready == listed) {
      chunks_ = chunks;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("the sources were not ready within 10 minutes");
}

BotTurn ApiBot::ask(const std::string& question, size_t passages) {
  BotTurn turn;
  const auto start = Clock::now();
  json::value reply =
      testing::parse_json(call("POST", "/api/v1/bots/" + bot_ + "/chat",
                               json::serialize(json::object{{"message", question}}), 200));
  turn.latency_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  const json::object& message = reply.at("message").as_object();
  turn.text = testing::text_of(message, "text");
  turn.fallback = message.at("fallback").as_bool();
  turn.confidence = message.at("confidence").to_number<double>();

  json::object search{{"query", question}, {"limit", static_cast<int64_t>(passages)}};
  json::value found = testing::parse_json(
      call("POST", "/api/v1/bots/" + bot_ + "/search", json::serialize(search), 200));
  for (const json::value& hit : found.at("results").as_array()) {
    turn.passage_ids.push_back(testing::text_of(hit.at("source"), "external_id"));
  }
  return turn;
}

}  // namespace parley::bench
