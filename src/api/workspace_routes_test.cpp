// The workspace, member, invitation, key and audit routes over a real socket, behind the
// real authenticator: status codes, response shapes, and tenant scoping of inner ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <thread>

#include "api/auth.h"
#include "api/full_router.h"
#include "core/log.h"
#include "http/server.h"
#include "store/workspaces_repo.h"
#include "tests/support/http_client.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

constexpr std::string_view kPassword = "correct horse battery staple";

struct Caller {
  std::string session_token;
  std::string csrf_token;
  std::string api_key;
};

class WorkspaceRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.port = 0;
    config_.io_threads = 1;
    config_.worker_threads = 2;
    server_ = std::make_unique<Server>(
        config_, api_.router, api_.metrics, log_, false,
        make_authenticator({*api_.accounts, *api_.keys, *api_.store, api_.auth.public_url,
                            tenant_params(api_.kb->bots, api_.kb->search, *api_.chat)}));
    auto port = server_->listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });

    auto a = api_.accounts->create_verified_owner("alice@example.com", kPassword, "Alpha", false);
    auto b = api_.accounts->create_verified_owner("bob@example.com", kPassword, "Beta", false);
    ASSERT_TRUE(a.ok() && b.ok());
    alice_id_ = a->user_id;
    ws_a_ = a->workspace_id;
    bob_id_ = b->user_id;
    ws_b_ = b->workspace_id;
    alice_ = sign_in("alice@example.com");
    bob_ = sign_in("bob@example.com");
  }

  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  Caller sign_in(const std::string& email) {
    auto signed_in = api_.accounts->login(email, kPassword, "127.0.0.1");
    EXPECT_TRUE(signed_in.ok()) << signed_in.error().message;
    return {signed_in->token, signed_in->csrf_token, ""};
  }

  testing::HttpResponse call(const Caller& who, const std::string& method, const std::string& path,
                             const std::string& body = {}) {
    std::map<std::string, std::string> headers;
    if (!who.api_key.empty()) {
      headers["Authorization"] = "Bearer " + who.api_key;
    } else {
      headers["Cookie"] = "parley_session=" + who.session_token;
      if (method != "GET") {
        headers["Origin"] = "http://127.0.0.1";
        headers["X-CSRF-Token"] = who.csrf_token;
      }
    }
    if (!body.empty()) headers["Content-Type"] = "application/json";
    auto response = testing::http_request(port_, method, path, body, headers);
    EXPECT_TRUE(response.has_value()) << method << " " << path;
    return response.value_or(testing::HttpResponse{});
  }

  static boost::json::object json_of(const testing::HttpResponse& response) {
    return boost::json::parse(response.body).as_object();
  }

  // An API key of `workspace` with `scopes`, made by the service.
  Caller key_for(const std::string& workspace, const std::string& owner,
                 std::vector<std::string> scopes) {
    auto created =
        api_.keys->create(workspace, {"test", std::move(scopes), std::nullopt}, owner, "");
    EXPECT_TRUE(created.ok());
    return {"", "", created->secret};
  }

  void add_member(const std::string& workspace, const std::string& user, const std::string& role) {
    ASSERT_TRUE(api_.store->db()
                    .write([&](Tx& tx) {
                      return insert_membership(tx, {workspace, user, role, api_.clock.now_ms()});
                    })
                    .ok());
  }

  FullRouter api_;
  Log log_{LogLevel::error};
  ServerConfig config_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::string alice_id_, bob_id_, ws_a_, ws_b_;
  Caller alice_, bob_;
};

TEST_F(WorkspaceRoutesTest, CreateThenListAndReadAWorkspace) {
  auto created = call(alice_, "POST", "/api/v1/workspaces", R"({"name":"Gamma"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto workspace = json_of(created);
  EXPECT_EQ(workspace.at("name").as_string(), "Gamma");
  EXPECT_EQ(workspace.at("role").as_string(), "owner");
  EXPECT_EQ(workspace.at("created_at").as_string().size(), 20u);  // 2026-01-01T00:00:00Z
  std::string id(workspace.at("id").as_string());

  auto listed = call(alice_, "GET", "/api/v1/workspaces");
  ASSERT_EQ(listed.status, 200);
  auto page = json_of(listed);
  EXPECT_TRUE(page.at("next_cursor").is_null());
  ASSERT_EQ(page.at("data").as_array().size(), 2u);
  EXPECT_EQ(page.at("data").as_array()[1].at("id").as_string(), id);

  auto read = call(alice_, "GET", "/api/v1/workspaces/" + id);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json_of(read).at("name").as_string(), "Gamma");
  EXPECT_EQ(call(bob_, "GET", "/api/v1/workspaces/" + id).status, 404);
  EXPECT_EQ(call(alice_, "POST", "/api/v1/workspaces", R"({"name":""})").status, 400);
  EXPECT_EQ(call(alice_, "POST", "/api/v1/workspaces", R"({"nom":"x"})").status, 400);
}

TEST_F(WorkspaceRoutesTest, KeySecretIsShownOnceAndKeysStayInTheirWorkspace) {
  auto created = call(alice_, "POST", "/api/v1/workspaces/" + ws_a_ + "/keys",
                      R"({"name":"ci","scopes":["read","chat"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto key = json_of(created);
  std::string secret(key.at("key").as_string());
  std::string key_id(key.at("id").as_string());
  EXPECT_EQ(secret.rfind("pk_", 0), 0u);
  EXPECT_EQ(key.at("prefix").as_string(), secret.substr(0, 10));
  EXPECT_TRUE(key.at("last_used_at").is_null());
  EXPECT_TRUE(key.at("expires_at").is_null());
  EXPECT_EQ(key.at("scopes").as_array().size(), 2u);

  // The key works, and its use shows.
  Caller with_key{"", "", secret};
  EXPECT_EQ(call(with_key, "GET", "/api/v1/workspaces/" + ws_a_).status, 200);
  auto listed = call(alice_, "GET", "/api/v1/workspaces/" + ws_a_ + "/keys");
  ASSERT_EQ(listed.status, 200);
  auto data = json_of(listed).at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_FALSE(data[0].as_object().contains("key"));
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_TRUE(data[0].at("last_used_at").is_string());

  // Bob reaches A's key neither through A's path nor through his own workspace's.
  EXPECT_EQ(call(bob_, "DELETE", "/api/v1/workspaces/" + ws_a_ + "/keys/" + key_id).status, 404);
  EXPECT_EQ(call(bob_, "DELETE", "/api/v1/workspaces/" + ws_b_ + "/keys/" + key_id).status, 404);
  EXPECT_EQ(call(alice_, "DELETE", "/api/v1/workspaces/" + ws_a_ + "/keys/key_nonsense").status,
            404);

  EXPECT_EQ(call(alice_, "DELETE", "/api/v1/workspaces/" + ws_a_ + "/keys/" + key_id).status, 204);
  EXPECT_TRUE(json_of(call(alice_, "GET", "/api/v1/workspaces/" + ws_a_ + "/keys"))
                  .at("data")
                  .as_array()
                  .empty());
  EXPECT_EQ(call(with_key, "GET", "/api/v1/workspaces/" + ws_a_).status, 401);
}

TEST_F(WorkspaceRoutesTest, KeysAnswerByScopeAndOnlyInTheirWorkspace) {
  Caller read_a = key_for(ws_a_, alice_id_, {"read"});
  Caller admin_b = key_for(ws_b_, bob_id_, {"admin"});
  EXPECT_EQ(call(read_a, "GET", "/api/v1/workspaces/" + ws_a_ + "/members").status, 200);
  EXPECT_EQ(call(read_a, "PATCH", "/api/v1/workspaces/" + ws_a_, R"({"name":"x"})").status, 403);
  EXPECT_EQ(call(read_a, "GET", "/api/v1/workspaces/" + ws_a_ + "/keys").status, 403);
  EXPECT_EQ(call(read_a, "DELETE", "/api/v1/workspaces/" + ws_a_).status, 403);
  for (const std::string path : {"", "/members", "/keys", "/audit", "/invitations"}) {
    EXPECT_EQ(call(admin_b, "GET", "/api/v1/workspaces/" + ws_a_ + path).status, 404) << path;
  }
  auto renamed = call(admin_b, "PATCH", "/api/v1/workspaces/" + ws_b_, R"({"name":"Beta 2"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(json_of(renamed).at("name").as_string(), "Beta 2");
}

TEST_F(WorkspaceRoutesTest, AViewerReadsButChangesNothing) {
  add_member(ws_a_, bob_id_, "viewer");
  const std::string base = "/api/v1/workspaces/" + ws_a_;
  EXPECT_EQ(call(bob_, "GET", base).status, 200);
  EXPECT_EQ(call(bob_, "GET", base + "/members").status, 200);
  EXPECT_EQ(call(bob_, "PATCH", base, R"({"name":"Renamed"})").status, 403);
  EXPECT_EQ(
      call(bob_, "POST", base + "/invitations", R"({"email":"c@example.com","role":"viewer"})")
          .status,
      403);
  EXPECT_EQ(call(bob_, "GET", base + "/keys").status, 403);
  auto unchanged = call(alice_, "GET", base);
  EXPECT_EQ(json_of(unchanged).at("name").as_string(), "Alpha");
}

TEST_F(WorkspaceRoutesTest, RolesAreCheckedAtTheRouteAndInTheService) {
  add_member(ws_a_, bob_id_, "agent");
  const std::string base = "/api/v1/workspaces/" + ws_a_;
  // An agent neither creates keys nor changes roles.
  EXPECT_EQ(call(bob_, "POST", base + "/keys", R"({"name":"k","scopes":["read"]})").status, 403);
  EXPECT_EQ(call(bob_, "PATCH", base + "/members/" + bob_id_, R"({"role":"admin"})").status, 403);
  EXPECT_EQ(call(bob_, "DELETE", base).status, 403);

  auto promoted = call(alice_, "PATCH", base + "/members/" + bob_id_, R"({"role":"admin"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(json_of(promoted).at("role").as_string(), "admin");
  EXPECT_EQ(json_of(promoted).at("email").as_string(), "bob@example.com");

  // Now an admin: still not owner by a role change, and the owner stays.
  auto to_owner = call(bob_, "PATCH", base + "/members/" + bob_id_, R"({"role":"owner"})");
  EXPECT_EQ(to_owner.status, 403);
  EXPECT_NE(to_owner.body.find("transfer"), std::string::npos);
  EXPECT_EQ(call(bob_, "DELETE", base + "/members/" + alice_id_).status, 403);
  EXPECT_EQ(call(bob_, "POST", base + "/transfer", "{\"user_id\":\"" + bob_id_ + "\"}").status,
            403);
  EXPECT_EQ(call(alice_, "PATCH", base + "/members/usr_bad", R"({"role":"agent"})").status, 404);

  auto transferred = call(alice_, "POST", base + "/transfer", "{\"user_id\":\"" + bob_id_ + "\"}");
  ASSERT_EQ(transferred.status, 200) << transferred.body;
  auto members = call(alice_, "GET", base + "/members");
  ASSERT_EQ(members.status, 200);
  auto listed = json_of(members);
  for (const auto& member : listed.at("data").as_array()) {
    std::string id(member.at("user_id").as_string());
    EXPECT_EQ(member.at("role").as_string(), id == bob_id_ ? "owner" : "admin");
  }
  // The former owner leaves.
  EXPECT_EQ(call(alice_, "DELETE", base + "/members/" + alice_id_).status, 204);
  EXPECT_EQ(call(alice_, "GET", base).status, 404);
}

TEST_F(WorkspaceRoutesTest, InvitationsNeverShowTheirTokenAndStayInTheirWorkspace) {
  const std::string base = "/api/v1/workspaces/" + ws_a_;
  auto invited = call(alice_, "POST", base + "/invitations",
                      R"({"email":"carol@example.com","role":"agent"})");
  ASSERT_EQ(invited.status, 201) << invited.body;
  auto invitation = json_of(invited);
  EXPECT_FALSE(invitation.contains("token"));
  EXPECT_EQ(invitation.at("email").as_string(), "carol@example.com");
  std::string id(invitation.at("id").as_string());

  auto listed = call(alice_, "GET", base + "/invitations");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json_of(listed).at("data").as_array().size(), 1u);
  EXPECT_EQ(call(bob_, "DELETE", "/api/v1/workspaces/" + ws_b_ + "/invitations/" + id).status, 404);
  EXPECT_EQ(
      call(alice_, "POST", base + "/invitations", R"({"email":"bob@example.com","role":"owner"})")
          .status,
      403);
  EXPECT_EQ(call(alice_, "DELETE", base + "/invitations/" + id).status, 204);
  EXPECT_EQ(call(alice_, "DELETE", base + "/invitations/" + id).status, 404);
  EXPECT_EQ(call(bob_, "POST", "/api/v1/invitations/accept", R"({"token":"nope"})").status, 400);
}

TEST_F(WorkspaceRoutesTest, AuditPagesNewestFirst) {
  for (int i = 0; i < 4; ++i) key_for(ws_a_, alice_id_, {"read"});
  const std::string base = "/api/v1/workspaces/" + ws_a_ + "/audit";
  std::vector<int64_t> seqs;
  std::string cursor;
  int pages = 0;
  do {
    auto response =
        call(alice_, "GET", base + "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(response.status, 200) << response.body;
    auto page = json_of(response);
    for (const auto& entry : page.at("data").as_array()) {
      seqs.push_back(entry.at("seq").as_int64());
      EXPECT_FALSE(entry.at("action").as_string().empty());
      EXPECT_FALSE(entry.as_object().contains("ip_hash"));
    }
    cursor =
        page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seqs.size(), 5u);  // workspace.created and four api_key.created
  EXPECT_EQ(pages, 3);
  EXPECT_TRUE(std::is_sorted(seqs.rbegin(), seqs.rend()));
  EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end());

  for (const std::string query :
       {"?limit=0", "?limit=101", "?limit=two", "?cursor=abc", "?cursor=-1"}) {
    EXPECT_EQ(call(alice_, "GET", base + query).status, 400) << query;
  }
  add_member(ws_a_, bob_id_, "agent");
  EXPECT_EQ(call(bob_, "GET", base).status, 403);
}

TEST_F(WorkspaceRoutesTest, OnlyTheOwnerDeletesAndOnlyTheOperatorListsAll) {
  add_member(ws_a_, bob_id_, "admin");
  EXPECT_EQ(call(bob_, "DELETE", "/api/v1/workspaces/" + ws_a_).status, 403);
  EXPECT_EQ(call(alice_, "GET", "/api/v1/admin/workspaces").status, 403);

  auto op = api_.accounts->create_verified_owner("op@example.com", kPassword, "Ops", true);
  ASSERT_TRUE(op.ok());
  Caller operator_ = sign_in("op@example.com");
  auto page = call(operator_, "GET", "/api/v1/admin/workspaces?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  auto body = json_of(page);
  EXPECT_EQ(body.at("data").as_array().size(), 2u);
  EXPECT_FALSE(body.at("data").as_array()[0].as_object().contains("name"));
  ASSERT_TRUE(body.at("next_cursor").is_string());
  auto rest = call(
      operator_, "GET",
      "/api/v1/admin/workspaces?limit=2&cursor=" + std::string(body.at("next_cursor").as_string()));
  ASSERT_EQ(rest.status, 200);
  EXPECT_EQ(json_of(rest).at("data").as_array().size(), 1u);
  EXPECT_TRUE(json_of(rest).at("next_cursor").is_null());

  EXPECT_EQ(call(alice_, "DELETE", "/api/v1/workspaces/" + ws_a_).status, 204);
  EXPECT_EQ(call(alice_, "GET", "/api/v1/workspaces/" + ws_a_).status, 404);
  EXPECT_FALSE(api_.keyring->has_key(ws_a_));
}

// A bot's loaded index holds its chunks' texts in memory: deleting the workspace lets them
// go at once, not at the next eviction, and leaves other workspaces' bots loaded.
TEST_F(WorkspaceRoutesTest, DeletingAWorkspaceDropsItsBotsFromMemory) {
  auto bot_in = [&](const Caller& who, const std::string& ws) {
    auto made = call(who, "POST", "/api/v1/workspaces/" + ws + "/bots",
                     R"({"name":"Support","language":"en"})");
    EXPECT_EQ(made.status, 201) << made.body;
    const std::string id(json_of(made).at("id").as_string());
    EXPECT_EQ(call(who, "POST", "/api/v1/bots/" + id + "/search", R"({"query":"hello"})").status,
              200);
    return id;
  };
  const std::string bot_a = bot_in(alice_, ws_a_);
  const std::string bot_b = bot_in(bob_, ws_b_);
  ASSERT_EQ(api_.kb->search.loaded_bots(), 2u);

  EXPECT_EQ(call(alice_, "DELETE", "/api/v1/workspaces/" + ws_a_).status, 204);
  EXPECT_EQ(api_.kb->search.loaded_bots(), 1u);
  EXPECT_FALSE(api_.kb->search.loaded_workspace(bot_a));
  EXPECT_EQ(api_.kb->search.loaded_workspace(bot_b), ws_b_);
  EXPECT_EQ(
      call(alice_, "POST", "/api/v1/bots/" + bot_a + "/search", R"({"query":"hello"})").status,
      404);
}

// Every route of workspace A, called with workspace B's session and B's admin key: each
// answers 404, as if A did not exist. The list comes from the router itself, so a route
// added later is swept too.
TEST_F(WorkspaceRoutesTest, WorkspaceBSeesNoneOfWorkspaceAsRoutes) {
  Caller bob_key = key_for(ws_b_, bob_id_, {"admin"});
  auto a_key = api_.keys->create(ws_a_, {"a", {"read"}, std::nullopt}, alice_id_, "");
  ASSERT_TRUE(a_key.ok());
  BotInput bot_input;
  bot_input.name = "A's bot";
  auto a_bot = api_.kb->bots.create(ws_a_, bot_input, Actor::user(alice_id_));
  ASSERT_TRUE(a_bot.ok());
  auto a_source = api_.kb->sources.add_qa(ws_a_, a_bot->id, {"Q?", "A.", {}, std::nullopt},
                                          Actor::user(alice_id_));
  ASSERT_TRUE(a_source.ok());
  auto a_conversation = api_.chat->chat(ws_a_, a_bot->id, {"Q?", std::nullopt, std::nullopt});
  ASSERT_TRUE(a_conversation.ok()) << a_conversation.error().message;
  ASSERT_TRUE(a_conversation->message);
  auto a_lead = api_.leads->submit(
      ws_a_, a_bot->id, {a_conversation->conversation_id, {{"email", "ada@example.com"}}, true});
  ASSERT_TRUE(a_lead.ok()) << a_lead.error().message;
  const std::map<std::string, std::string> a_ids = {
      {"{ws_id}", ws_a_},
      {"{user_id}", alice_id_},
      {"{key_id}", a_key->key.id},
      {"{invitation_id}", "inv_01JD3Z8Q4K5M6N7P8R9S0T1V2W"},
      {"{bot_id}", a_bot->id},
      {"{source_id}", a_source->id},
      {"{conversation_id}", a_conversation->conversation_id},
      {"{message_id}", a_conversation->message->id}};
  int swept = 0;
  for (const Route& route : api_.router.routes()) {
    if (route.options.access.kind != AuthKind::member) continue;
    std::string path = route.pattern;
    for (const auto& [param, id] : a_ids) {
      for (auto at = path.find(param); at != std::string::npos; at = path.find(param)) {
        path.replace(at, param.size(), id);
      }
    }
    ASSERT_EQ(path.find('{'), std::string::npos) << "no id of A for a parameter of " << path;
    const std::string body = route.method == "GET" || route.method == "DELETE" ? "" : "{}";
    for (const Caller* intruder : {&bob_, &bob_key}) {
      auto response = call(*intruder, route.method, path, body);
      EXPECT_EQ(response.status, 404)
          << route.method << " " << route.pattern << " with B's "
          << (intruder->api_key.empty() ? "session" : "key") << ": " << response.body;
    }
    ++swept;
  }
  EXPECT_GE(swept, 24) << "the sweep should cover every workspace route";

  // The routes that act in the key's own workspace (the OpenAI-compatible API): B's key
  // naming A's bot as the model finds no such model, a list shows none of A's, and B's
  // session is refused outright (these routes take keys only).
  const std::map<std::string, std::string> bodies_naming_a = {
      {"POST /v1/chat/completions",
       R"({"model":")" + a_bot->id + R"(","messages":[{"role":"user","content":"Q?"}]})"}};
  int key_routes = 0;
  for (const Route& route : api_.router.routes()) {
    if (route.options.access.kind != AuthKind::api_key) continue;
    const std::string name = route.method + " " + route.pattern;
    std::string path = route.pattern;
    if (auto at = path.find("{model}"); at != std::string::npos) path.replace(at, 7, a_bot->id);
    ASSERT_EQ(path.find('{'), std::string::npos) << "no id of A for a parameter of " << name;
    std::string body;
    if (route.method != "GET" && route.method != "DELETE") {
      auto found = bodies_naming_a.find(name);
      ASSERT_NE(found, bodies_naming_a.end()) << name << ": give the sweep a body naming A's bot";
      body = found->second;
    }
    auto response = call(bob_key, route.method, path, body);
    if (path != route.pattern || !body.empty()) {
      EXPECT_EQ(response.status, 404) << name << " with B's key: " << response.body;
      EXPECT_EQ(json_of(response).at("error").at("code").as_string(), "model_not_found") << name;
    } else {
      EXPECT_EQ(response.status, 200) << name << " with B's key: " << response.body;
      EXPECT_EQ(response.body.find(a_bot->id), std::string::npos) << name << ": " << response.body;
    }
    EXPECT_EQ(call(bob_, route.method, path, body).status, 401) << name << " with B's session";
    ++key_routes;
  }
  EXPECT_GE(key_routes, 3) << "the sweep should cover the /v1 routes";
  // And A is still whole.
  EXPECT_EQ(call(alice_, "GET", "/api/v1/workspaces/" + ws_a_).status, 200);
  EXPECT_TRUE(api_.kb->sources.get(ws_a_, a_bot->id, a_source->id).ok());
  auto a_transcript = api_.transcripts->get(ws_a_, a_conversation->conversation_id);
  ASSERT_TRUE(a_transcript.ok());
  EXPECT_EQ(a_transcript->messages.size(), 2u);      // B's calls added nothing
  EXPECT_FALSE(a_transcript->messages[1].feedback);  // nor rated A's answer
  auto a_leads = api_.leads->list(ws_a_, a_bot->id, "", "", 10);
  ASSERT_TRUE(a_leads.ok());
  ASSERT_EQ(a_leads->leads.size(), 1u);  // B's POST of a lead added none either
  EXPECT_EQ(a_leads->leads[0].id, a_lead->id);
}

// B cannot end A's session either: session ids are checked against their owner.
TEST_F(WorkspaceRoutesTest, ASessionOfAnotherUserCannotBeRevoked) {
  auto alice_sessions = api_.accounts->list_sessions(alice_id_);
  ASSERT_TRUE(alice_sessions.ok());
  ASSERT_FALSE(alice_sessions->empty());
  auto response = call(bob_, "DELETE", "/api/v1/auth/sessions/" + alice_sessions->front().id);
  EXPECT_EQ(response.status, 404) << response.body;
  EXPECT_EQ(api_.accounts->list_sessions(alice_id_)->size(), alice_sessions->size());
}

}  // namespace
}  // namespace parley
