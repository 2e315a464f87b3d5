// kill -9 of the real binary under chat load, then a restart on the same data directory:
// every turn the server acknowledged (a 200 with the bot's message) is in its conversation's
// transcript, the visitor's message just before the bot's, both with their text; and the
// conversations go on after the restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/served_workspace.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::HttpConnection;
using testing::parse_json;
using testing::text_of;

// A turn the server acknowledged.
struct AckedTurn {
  std::string conversation_id;
  std::string question;
  std::string message_id;  // the bot's
  std::string answer;
};

class ChatCrash : public testing::ServedWorkspace {
 protected:
  // Nobody reads the server's output after its first line: no access log to fill the pipe.
  std::map<std::string, std::string> extra_env() const override {
    return {{"PARLEY_LOG_ACCESS", "false"}};
  }

  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
    add_text(bot_, "Shipping",
             "We ship to every country in Europe. Shipping takes 5 business days.");
    add_text(bot_, "Pro plan",
             "The Pro plan includes unlimited bots. The Pro plan costs 29 dollars.");
  }

  // One client: chats on one keep-alive connection until the server goes away, two turns
  // in three continuing its last conversation, the third starting a new one. Records every
  // acknowledged turn.
  void chat_until_the_server_dies(int client) {
    HttpConnection connection(server_->port());
    const std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + key_},
                                                        {"Content-Type", "application/json"}};
    std::string conversation;
    for (int turn = 0; connection.connected(); ++turn) {
      const std::string question =
          (turn % 2 ? "How much does the Pro plan cost?" : "How many days does shipping take?") +
          std::string(" (client ") + std::to_string(client) + ", turn " + std::to_string(turn) +
          ")";
      json::object body{{"message", question}};
      if (turn % 3 != 0 && !conversation.empty()) body["conversation_id"] = conversation;
      auto reply = connection.request("POST", "/api/v1/bots/" + bot_ + "/chat",
                                      json::serialize(body), headers);
      if (!reply) return;  // killed: this turn was not acknowledged
      if (reply->status != 200) {
        ADD_FAILURE() << "client " << client << ": " << reply->status << " " << reply->body;
        return;
      }
      json::value answer = parse_json(reply->body);
      conversation = text_of(answer, "conversation_id");
      const json::value& message = answer.at("message");
      std::lock_guard lock(mutex_);
      acked_.push_back({conversation, question, text_of(message, "id"), text_of(message, "text")});
      progress_.notify_all();
    }
  }

  std::string bot_;
  std::mutex mutex_;
  std::condition_variable progress_;
  std::vector<AckedTurn> acked_;
};

TEST_F(ChatCrash, EveryAcknowledgedMessageSurvivesAKill) {
  constexpr int kClients = 6;
  constexpr size_t kAckedBeforeKill = 200;
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([this, client] { chat_until_the_server_dies(client); });
  }
  {
    // Waits for acknowledgements, not for time: the deadline only stops a broken run.
    std::unique_lock lock(mutex_);
    const bool enough = progress_.wait_for(lock, std::chrono::minutes(3),
                                           [&] { return acked_.size() >= kAckedBeforeKill; });
    EXPECT_TRUE(enough) << acked_.size() << " turns acknowledged";
  }
  server_->signal(SIGKILL);  // the clients are still sending
  const testing::ProcessResult killed = server_->wait();
  EXPECT_EQ(killed.signal, SIGKILL);
  for (std::thread& client : clients) client.join();
  ASSERT_GE(acked_.size(), kAckedBeforeKill);

  server_ = std::make_unique<testing::ParleyServer>(data(), std::vector<std::string>{}, env());
  ASSERT_TRUE(server_->started()) << server_->output_so_far();

  std::map<std::string, std::vector<const AckedTurn*>> by_conversation;
  for (const AckedTurn& turn : acked_) by_conversation[turn.conversation_id].push_back(&turn);
  size_t missing = 0;
  for (const auto& [conversation, turns] : by_conversation) {
    auto read = call("GET", "/api/v1/conversations/" + conversation);
    ASSERT_EQ(read.status, 200) << conversation << ": " << read.body;
    const json::value transcript = parse_json(read.body);
    const json::array& messages = transcript.at("messages").as_array();
    for (const AckedTurn* turn : turns) {
      size_t at = 0;
      while (at < messages.size() && text_of(messages[at], "id") != turn->message_id) ++at;
      if (at == messages.size()) {
        ++missing;
        ADD_FAILURE() << "message " << turn->message_id << " of " << conversation << " is lost";
        continue;
      }
      EXPECT_EQ(text_of(messages[at], "role"), "bot");
      EXPECT_EQ(text_of(messages[at], "text"), turn->answer);
      ASSERT_GT(at, 0u);
      EXPECT_EQ(text_of(messages[at - 1], "role"), "visitor");
      EXPECT_EQ(text_of(messages[at - 1], "text"), turn->question);
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << acked_.size() << " acknowledged turns";

  // The conversations go on.
  const std::string& last = acked_.back().conversation_id;
  auto more = call("POST", "/api/v1/bots/" + bot_ + "/chat",
                   json::serialize(json::object{{"message", "Which countries do you ship to?"},
                                                {"conversation_id", last}}));
  ASSERT_EQ(more.status, 200) << more.body;
  EXPECT_NE(more.body.find("Europe"), std::string::npos) << more.body;
}

}  // namespace
}  // namespace parley
