// The world of an integration test that speaks HTTP to the real binary: a data directory
// with a bootstrapped workspace, `parley serve` on it, and `call` with the workspace's
// admin API key (or `call_as` with another). A fixture derives from it and adds its own
// settings with extra_env().
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/api_client.h"
#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/workspace_bootstrap.h"

namespace parley::testing {

class ServedWorkspace : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("served");
    auto bootstrapped = bootstrap_workspace(data(), env());
    ASSERT_EQ(bootstrapped.process.exit_code, 0) << bootstrapped.process.output;
    key_ = bootstrapped.api_key;
    workspace_ = bootstrapped.workspace_id;
    ASSERT_FALSE(key_.empty()) << bootstrapped.process.output;
    server_ = std::make_unique<ParleyServer>(data(), std::vector<std::string>{}, env());
    ASSERT_TRUE(server_->started()) << server_->output_so_far();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Settings of the fixture, on top of the test master key and a fast password hash.
  virtual std::map<std::string, std::string> extra_env() const { return {}; }

  std::filesystem::path data() const { return dir_ / "data"; }
  std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> all = {{"PARLEY_MASTER_KEY", test_master_key()},
                                              {"PARLEY_AUTH_ARGON2_MEM_KIB", "8192"},
                                              {"PARLEY_AUTH_ARGON2_OPS", "1"}};
    for (auto& [name, value] : extra_env()) all[name] = value;
    return all;
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = {},
                    const std::string& content_type = "application/json") {
    return call_as(key_, method, path, body, content_type);
  }
  HttpResponse call_as(const std::string& key, const std::string& method, const std::string& path,
                       const std::string& body = {},
                       const std::string& content_type = "application/json") {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + key}};
    if (!body.empty()) headers["Content-Type"] = content_type;
    auto response = http_request(server_->port(), method, path, body, headers);
    return response ? *response : HttpResponse{};
  }

  // A new bot of the workspace with these settings (a JSON object); its id.
  std::string make_bot(const std::string& settings = "{}") {
    auto bot = call("POST", "/api/v1/workspaces/" + workspace_ + "/bots",
                    R"({"name":"Support","language":"en","settings":)" + settings + "}");
    EXPECT_EQ(bot.status, 201) << bot.body;
    return text_of(parse_json(bot.body), "id");
  }

  // Adds a text source to the bot and waits until it is ready; returns its id.
  std::string add_text(const std::string& bot, const std::string& title, const std::string& text) {
    namespace json = boost::json;
    auto added =
        call("POST", "/api/v1/bots/" + bot + "/sources",
             json::serialize(json::object{{"type", "text"}, {"title", title}, {"text", text}}));
    EXPECT_EQ(added.status, 201) << added.body;
    const std::string id = text_of(parse_json(added.body), "id");
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      auto got = call("GET", "/api/v1/bots/" + bot + "/sources/" + id);
      if (text_of(parse_json(got.body), "status") == "ready") return id;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "source " << id << " never became ready";
    return id;
  }

  // A key of a second workspace of the same owner, made as the dashboard makes it.
  std::string other_workspace_key() {
    ApiClient client(server_->port());
    auto login =
        client.send("POST", "/api/v1/auth/login",
                    R"({"email":"owner@example.com","password":"correct horse battery staple"})");
    EXPECT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
    if (!login) return "";
    const WebSession session{cookie_pair(*login), text_of(parse_json(login->body), "csrf_token")};
    auto made = client.as(session, "POST", "/api/v1/workspaces", R"({"name":"Beta"})");
    EXPECT_TRUE(made && made->status == 201) << (made ? made->body : "no answer");
    if (!made) return "";
    const std::string ws_b = text_of(parse_json(made->body), "id");
    auto key = client.as(session, "POST", "/api/v1/workspaces/" + ws_b + "/keys",
                         R"({"name":"b","scopes":["admin"]})");
    EXPECT_TRUE(key && key->status == 201) << (key ? key->body : "no answer");
    return key ? text_of(parse_json(key->body), "key") : "";
  }

  std::filesystem::path dir_;
  std::unique_ptr<ParleyServer> server_;
  std::string key_;
  std::string workspace_;
};

}  // namespace parley::testing
