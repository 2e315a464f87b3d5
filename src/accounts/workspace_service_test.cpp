// The workspace service against a real SQLite store and a real keyring: who may do what to
// whom, invitations by email, ownership transfer, crypto-shredding on delete, audit entries.
#include "accounts/workspace_service.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <set>

#include "accounts/api_key_service.h"
#include "core/sodium.h"
#include "store/audit_repo.h"
#include "store/outbox_repo.h"
#include "store/workspaces_repo.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kPassword = "correct horse battery staple";

class WorkspaceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ensure_sodium();
    dir_ = testing::make_temp_dir("workspaces");
    std::vector<uint8_t> master(32);
    randombytes_buf(master.data(), master.size());
    auto keyring = Keyring::open(dir_ / "keyring", master);
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(keyring).value();
    auto store = Store::open({dir_, "", 1}, clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    config_.argon2_ops = 1;
    config_.argon2_mem_kib = 8;
    AccountsContext context{*store_, *keyring_, clock_, config_};
    accounts_ = std::make_unique<AccountService>(context);
    workspaces_ = std::make_unique<WorkspaceService>(context);

    auto owner = accounts_->create_verified_owner("owner@example.com", kPassword, "Acme", false);
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    owner_ = owner->user_id;
    ws_ = owner->workspace_id;
  }

  void TearDown() override {
    workspaces_.reset();
    accounts_.reset();
    store_.reset();
    keyring_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Ids and times made in one millisecond do not sort: each user comes a moment later.
  std::string new_user(const std::string& email) {
    clock_.advance(1ms);
    auto made = accounts_->create_verified_owner(email, kPassword, "Own space", false);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? made->user_id : "";
  }

  // The token of the newest invitation mailed to `email`, read from the outbox.
  std::string mailed_token(const std::string& email) {
    std::string token;
    Status claimed = store_->db().write([&](Tx& tx) -> Status {
      auto mails = claim_due_mails(tx, *keyring_, clock_, 1000, 60000);
      if (!mails) return mails.error();
      for (const auto& mail : *mails) {
        if (mail.to != email || mail.kind != "invitation") continue;
        auto at = mail.body.find("token=");
        token = mail.body.substr(at + 6, 43);
      }
      return ok_status();
    });
    EXPECT_TRUE(claimed.ok());
    return token;
  }

  // A user of `email` who joined the workspace with `role`, by invitation.
  std::string add_member(const std::string& email, const std::string& role) {
    std::string user_id = new_user(email);
    clock_.advance(1ms);
    auto invited = workspaces_->invite(ws_, email, role, Actor::user(owner_));
    EXPECT_TRUE(invited.ok()) << invited.error().message;
    auto joined = workspaces_->accept_invitation(mailed_token(email), user_id);
    EXPECT_TRUE(joined.ok()) << joined.error().message;
    return user_id;
  }

  std::string role_of(const std::string& user_id) {
    auto members = workspaces_->members(ws_);
    EXPECT_TRUE(members.ok());
    for (const auto& member : *members) {
      if (member.user_id == user_id) return member.role;
    }
    return "";
  }

  std::vector<std::string> audit_actions(const std::string& workspace_id) {
    auto entries = list_audit_entries(store_->db(), workspace_id, 0, 1000);
    EXPECT_TRUE(entries.ok());
    std::vector<std::string> actions;
    for (const auto& entry : *entries) actions.push_back(entry.action);
    return actions;
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  AuthConfig config_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<WorkspaceService> workspaces_;
  std::string owner_;
  std::string ws_;
};

void expect_error(const Status& status, ErrorCode code, std::string_view message_part = {}) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, code) << status.error().message;
  EXPECT_NE(status.error().message.find(message_part), std::string::npos) << status.error().message;
}

template <typename T>
void expect_error(const Result<T>& result, ErrorCode code, std::string_view message_part = {}) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

TEST_F(WorkspaceServiceTest, CreatorBecomesOwnerAndSeesTheWorkspace) {
  clock_.advance(1ms);
  auto made = workspaces_->create(owner_, "Second shop");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->name, "Second shop");
  auto mine = workspaces_->list_for_user(owner_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[1].workspace.id, made->id);
  EXPECT_EQ((*mine)[1].workspace.name, "Second shop");
  EXPECT_EQ((*mine)[1].role, "owner");
  auto got = workspaces_->get(made->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Second shop");
}

TEST_F(WorkspaceServiceTest, NamesAreOneTo200Bytes) {
  expect_error(workspaces_->create(owner_, ""), ErrorCode::invalid_argument, "name");
  expect_error(workspaces_->create(owner_, std::string(201, 'x')), ErrorCode::invalid_argument);
  EXPECT_TRUE(workspaces_->create(owner_, std::string(200, 'x')).ok());
  expect_error(workspaces_->rename(ws_, "", Actor::user(owner_)), ErrorCode::invalid_argument);
}

TEST_F(WorkspaceServiceTest, AdminRenamesButAgentCannot) {
  std::string admin = add_member("admin@example.com", "admin");
  std::string agent = add_member("agent@example.com", "agent");
  auto renamed = workspaces_->rename(ws_, "Acme Ltd", Actor::user(admin));
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(workspaces_->get(ws_)->name, "Acme Ltd");
  expect_error(workspaces_->rename(ws_, "Mine now", Actor::user(agent)), ErrorCode::forbidden);
  EXPECT_EQ(workspaces_->get(ws_)->name, "Acme Ltd");
}

TEST_F(WorkspaceServiceTest, AdminCannotMakeItselfOwner) {
  std::string admin = add_member("admin@example.com", "admin");
  expect_error(workspaces_->change_role(ws_, Actor::user(admin), admin, "owner"),
               ErrorCode::forbidden, "transfer");
  EXPECT_EQ(role_of(admin), "admin");
  EXPECT_EQ(role_of(owner_), "owner");
}

TEST_F(WorkspaceServiceTest, NobodyBecomesOwnerByRoleChangeNotEvenFromTheOwner) {
  std::string agent = add_member("agent@example.com", "agent");
  expect_error(workspaces_->change_role(ws_, Actor::user(owner_), agent, "owner"),
               ErrorCode::forbidden);
  EXPECT_EQ(role_of(agent), "agent");
}

TEST_F(WorkspaceServiceTest, OnlyTheOwnerGrantsOrTakesAwayAdmin) {
  std::string admin = add_member("admin@example.com", "admin");
  std::string agent = add_member("agent@example.com", "agent");
  expect_error(workspaces_->change_role(ws_, Actor::user(admin), agent, "admin"),
               ErrorCode::forbidden, "only the owner");
  EXPECT_EQ(role_of(agent), "agent");

  std::string other_admin = add_member("admin2@example.com", "admin");
  expect_error(workspaces_->change_role(ws_, Actor::user(admin), other_admin, "viewer"),
               ErrorCode::forbidden);
  expect_error(workspaces_->remove_member(ws_, Actor::user(admin), other_admin),
               ErrorCode::forbidden);
  EXPECT_EQ(role_of(other_admin), "admin");

  auto promoted = workspaces_->change_role(ws_, Actor::user(owner_), agent, "admin");
  ASSERT_TRUE(promoted.ok()) << promoted.error().message;
  EXPECT_EQ(promoted->role, "admin");
  EXPECT_EQ(promoted->email, "agent@example.com");
  ASSERT_TRUE(workspaces_->change_role(ws_, Actor::user(owner_), other_admin, "viewer").ok());
  EXPECT_EQ(role_of(other_admin), "viewer");
}

TEST_F(WorkspaceServiceTest, AdminsManageAgentsAndViewers) {
  std::string admin = add_member("admin@example.com", "admin");
  std::string agent = add_member("agent@example.com", "agent");
  std::string viewer = add_member("viewer@example.com", "viewer");
  ASSERT_TRUE(workspaces_->change_role(ws_, Actor::user(admin), agent, "viewer").ok());
  EXPECT_EQ(role_of(agent), "viewer");
  ASSERT_TRUE(workspaces_->remove_member(ws_, Actor::user(admin), viewer).ok());
  EXPECT_EQ(role_of(viewer), "");
}

TEST_F(WorkspaceServiceTest, AgentsAndViewersCannotChangeRolesOrRemoveMembers) {
  std::string agent = add_member("agent@example.com", "agent");
  std::string viewer = add_member("viewer@example.com", "viewer");
  expect_error(workspaces_->change_role(ws_, Actor::user(agent), viewer, "agent"),
               ErrorCode::forbidden);
  expect_error(workspaces_->change_role(ws_, Actor::user(agent), agent, "admin"),
               ErrorCode::forbidden);
  expect_error(workspaces_->remove_member(ws_, Actor::user(viewer), agent), ErrorCode::forbidden);
  EXPECT_EQ(role_of(viewer), "viewer");
  EXPECT_EQ(role_of(agent), "agent");
}

TEST_F(WorkspaceServiceTest, UnknownRolesAreRefused) {
  std::string agent = add_member("agent@example.com", "agent");
  expect_error(workspaces_->change_role(ws_, Actor::user(owner_), agent, "superuser"),
               ErrorCode::invalid_argument, "role");
  expect_error(workspaces_->invite(ws_, "x@example.com", "root", Actor::user(owner_)),
               ErrorCode::invalid_argument, "role");
}

TEST_F(WorkspaceServiceTest, AnAdminScopedKeyActsAsAnAdmin) {
  std::string agent = add_member("agent@example.com", "agent");
  std::string admin = add_member("admin@example.com", "admin");
  Actor key = Actor::api_key("key_01JD3Z8Q4K5M6N7P8R9S0T1V2W", "admin");
  ASSERT_TRUE(workspaces_->change_role(ws_, key, agent, "viewer").ok());
  expect_error(workspaces_->change_role(ws_, key, admin, "agent"), ErrorCode::forbidden);
  expect_error(workspaces_->remove(ws_, key), ErrorCode::forbidden);
  expect_error(workspaces_->transfer_ownership(ws_, key, admin), ErrorCode::forbidden);
}

TEST_F(WorkspaceServiceTest, TheOwnerCannotBeRemovedNorLeave) {
  std::string admin = add_member("admin@example.com", "admin");
  expect_error(workspaces_->remove_member(ws_, Actor::user(admin), owner_), ErrorCode::forbidden);
  expect_error(workspaces_->leave(ws_, owner_), ErrorCode::forbidden, "transfer ownership");
  expect_error(workspaces_->remove_member(ws_, Actor::user(owner_), owner_), ErrorCode::forbidden);
  expect_error(workspaces_->change_role(ws_, Actor::user(owner_), owner_, "admin"),
               ErrorCode::forbidden);
  EXPECT_EQ(role_of(owner_), "owner");
}

TEST_F(WorkspaceServiceTest, AnyMemberMayLeave) {
  std::string viewer = add_member("viewer@example.com", "viewer");
  ASSERT_TRUE(workspaces_->remove_member(ws_, Actor::user(viewer), viewer).ok());
  EXPECT_EQ(role_of(viewer), "");
  expect_error(workspaces_->leave(ws_, viewer), ErrorCode::not_found);
  auto actions = audit_actions(ws_);
  EXPECT_EQ(actions.front(), "member.left");
}

TEST_F(WorkspaceServiceTest, TransferMakesTheTargetOwnerAndTheOldOwnerAdmin) {
  std::string agent = add_member("agent@example.com", "agent");
  std::string admin = add_member("admin@example.com", "admin");
  expect_error(workspaces_->transfer_ownership(ws_, Actor::user(admin), admin),
               ErrorCode::forbidden);
  std::string outsider = new_user("outsider@example.com");
  expect_error(workspaces_->transfer_ownership(ws_, Actor::user(owner_), outsider),
               ErrorCode::not_found);

  ASSERT_TRUE(workspaces_->transfer_ownership(ws_, Actor::user(owner_), agent).ok());
  EXPECT_EQ(role_of(agent), "owner");
  EXPECT_EQ(role_of(owner_), "admin");
  // The former owner is an admin now, bound by the admin rules.
  expect_error(workspaces_->remove(ws_, Actor::user(owner_)), ErrorCode::forbidden);
  ASSERT_TRUE(workspaces_->leave(ws_, owner_).ok());
  EXPECT_EQ(audit_actions(ws_)[1], "workspace.ownership_transferred");
}

TEST_F(WorkspaceServiceTest, InvitationAcceptedWithTheMatchingEmail) {
  std::string invitee = new_user("Invitee@Example.com");
  auto invited = workspaces_->invite(ws_, "invitee@example.com", "agent", Actor::user(owner_));
  ASSERT_TRUE(invited.ok()) << invited.error().message;
  EXPECT_EQ(invited->email, "invitee@example.com");
  auto open = workspaces_->list_invitations(ws_);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, invited->id);
  EXPECT_EQ((*open)[0].email, "invitee@example.com");

  std::string token = mailed_token("invitee@example.com");
  ASSERT_EQ(token.size(), 43u);
  auto joined = workspaces_->accept_invitation(token, invitee);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(joined->workspace.id, ws_);
  EXPECT_EQ(joined->workspace.name, "Acme");
  EXPECT_EQ(joined->role, "agent");
  EXPECT_EQ(role_of(invitee), "agent");
  EXPECT_TRUE(workspaces_->list_invitations(ws_)->empty());
  // The invitation's sealed address is shredded once it has served.
  EXPECT_FALSE(keyring_->has_key(invited->id));

  expect_error(workspaces_->accept_invitation(token, invitee), ErrorCode::invalid_argument,
               "already used");
}

TEST_F(WorkspaceServiceTest, InvitationRefusedForAnotherEmail) {
  std::string invitee = new_user("invitee@example.com");
  std::string someone_else = new_user("mallory@example.com");
  ASSERT_TRUE(workspaces_->invite(ws_, "invitee@example.com", "viewer", Actor::user(owner_)).ok());
  std::string token = mailed_token("invitee@example.com");
  expect_error(workspaces_->accept_invitation(token, someone_else), ErrorCode::forbidden,
               "another email address");
  EXPECT_EQ(role_of(someone_else), "");
  // The right person can still use it.
  EXPECT_TRUE(workspaces_->accept_invitation(token, invitee).ok());
}

TEST_F(WorkspaceServiceTest, ExpiredInvitationIsRefused) {
  std::string invitee = new_user("invitee@example.com");
  ASSERT_TRUE(workspaces_->invite(ws_, "invitee@example.com", "viewer", Actor::user(owner_)).ok());
  std::string token = mailed_token("invitee@example.com");
  clock_.advance(std::chrono::hours(24 * config_.invitation_days) + 1ms);
  expect_error(workspaces_->accept_invitation(token, invitee), ErrorCode::invalid_argument,
               "expired");
  EXPECT_TRUE(workspaces_->list_invitations(ws_)->empty());
  EXPECT_EQ(role_of(invitee), "");
  expect_error(workspaces_->accept_invitation("not-a-token", invitee), ErrorCode::invalid_argument);
}

TEST_F(WorkspaceServiceTest, InvitationsRespectTheRoleRules) {
  std::string admin = add_member("admin@example.com", "admin");
  std::string agent = add_member("agent@example.com", "agent");
  expect_error(workspaces_->invite(ws_, "x@example.com", "owner", Actor::user(owner_)),
               ErrorCode::forbidden);
  expect_error(workspaces_->invite(ws_, "x@example.com", "admin", Actor::user(admin)),
               ErrorCode::forbidden);
  expect_error(workspaces_->invite(ws_, "x@example.com", "viewer", Actor::user(agent)),
               ErrorCode::forbidden);
  EXPECT_TRUE(workspaces_->invite(ws_, "x@example.com", "agent", Actor::user(admin)).ok());
  EXPECT_TRUE(workspaces_->invite(ws_, "y@example.com", "admin", Actor::user(owner_)).ok());
  expect_error(workspaces_->invite(ws_, "agent@example.com", "viewer", Actor::user(owner_)),
               ErrorCode::conflict, "already a member");
  expect_error(workspaces_->invite(ws_, "not an email", "viewer", Actor::user(owner_)),
               ErrorCode::invalid_argument);
}

TEST_F(WorkspaceServiceTest, AcceptingWhenAlreadyAMemberIsAConflict) {
  std::string invitee = new_user("invitee@example.com");
  ASSERT_TRUE(workspaces_->invite(ws_, "invitee@example.com", "viewer", Actor::user(owner_)).ok());
  std::string token = mailed_token("invitee@example.com");
  // Meanwhile the invitee joined some other way.
  ASSERT_TRUE(store_->db()
                  .write([&](Tx& tx) {
                    return insert_membership(tx, {ws_, invitee, "agent", clock_.now_ms()});
                  })
                  .ok());
  expect_error(workspaces_->accept_invitation(token, invitee), ErrorCode::conflict);
  EXPECT_EQ(role_of(invitee), "agent");
}

TEST_F(WorkspaceServiceTest, ANewInvitationReplacesTheOpenOne) {
  std::string invitee = new_user("invitee@example.com");
  auto first = workspaces_->invite(ws_, "invitee@example.com", "viewer", Actor::user(owner_));
  ASSERT_TRUE(first.ok());
  std::string old_token = mailed_token("invitee@example.com");
  ASSERT_TRUE(workspaces_->invite(ws_, "invitee@example.com", "agent", Actor::user(owner_)).ok());
  std::string new_token = mailed_token("invitee@example.com");
  EXPECT_EQ(workspaces_->list_invitations(ws_)->size(), 1u);
  EXPECT_FALSE(keyring_->has_key(first->id));
  expect_error(workspaces_->accept_invitation(old_token, invitee), ErrorCode::invalid_argument);
  ASSERT_TRUE(workspaces_->accept_invitation(new_token, invitee).ok());
  EXPECT_EQ(role_of(invitee), "agent");
}

TEST_F(WorkspaceServiceTest, RevokedInvitationNoLongerWorks) {
  std::string invitee = new_user("invitee@example.com");
  auto invited = workspaces_->invite(ws_, "invitee@example.com", "viewer", Actor::user(owner_));
  ASSERT_TRUE(invited.ok());
  std::string token = mailed_token("invitee@example.com");
  // Another workspace's id does not reach it.
  auto other = workspaces_->create(owner_, "Other");
  ASSERT_TRUE(other.ok());
  expect_error(workspaces_->revoke_invitation(other->id, invited->id, Actor::user(owner_)),
               ErrorCode::not_found);
  ASSERT_TRUE(workspaces_->revoke_invitation(ws_, invited->id, Actor::user(owner_)).ok());
  EXPECT_TRUE(workspaces_->list_invitations(ws_)->empty());
  EXPECT_FALSE(keyring_->has_key(invited->id));
  expect_error(workspaces_->accept_invitation(token, invitee), ErrorCode::invalid_argument);
  EXPECT_EQ(audit_actions(ws_).front(), "invitation.revoked");
}

TEST_F(WorkspaceServiceTest, DeleteRemovesTheRowsAndDestroysTheKey) {
  std::string admin = add_member("admin@example.com", "admin");
  auto pending = workspaces_->invite(ws_, "later@example.com", "viewer", Actor::user(owner_));
  ASSERT_TRUE(pending.ok());
  ApiKeyService keys({*store_, *keyring_, clock_, config_});
  ASSERT_TRUE(keys.create(ws_, {"ci", {"read"}, std::nullopt}, owner_, "").ok());
  ASSERT_TRUE(keyring_->has_key(ws_));

  expect_error(workspaces_->remove(ws_, Actor::user(admin)), ErrorCode::forbidden, "owner");
  EXPECT_TRUE(workspaces_->get(ws_).ok());

  ASSERT_TRUE(workspaces_->remove(ws_, Actor::user(owner_, "192.0.2.1")).ok());
  EXPECT_FALSE(keyring_->has_key(ws_));
  EXPECT_FALSE(keyring_->has_key(pending->id));
  expect_error(workspaces_->get(ws_), ErrorCode::not_found);
  EXPECT_TRUE(workspaces_->members(ws_)->empty());
  EXPECT_TRUE(keys.list(ws_)->empty());
  for (const auto& user : {owner_, admin}) {
    auto theirs = workspaces_->list_for_user(user);  // kept: the loop must not outlive it
    ASSERT_TRUE(theirs.ok());
    for (const auto& mine : *theirs) EXPECT_NE(mine.workspace.id, ws_);
  }
  auto entries = list_audit_entries(store_->db(), ws_, 0, 10);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->front().action, "workspace.deleted");
  EXPECT_EQ(entries->front().actor_id, owner_);
  EXPECT_EQ(entries->front().ip_hash.size(), 64u);
}

// Two services on one store stand for two nodes. A key that authenticated is remembered
// for a second: revoked on its own node it is refused at once; revoked on the other, within
// the second; expired, at once either way.
TEST_F(WorkspaceServiceTest, ARevokedOrExpiredKeyIsRefusedAtOnceHereAndWithinASecondElsewhere) {
  ApiKeyService here({*store_, *keyring_, clock_, config_});
  ApiKeyService there({*store_, *keyring_, clock_, config_});
  auto created = here.create(ws_, {"ci", {"chat"}, std::nullopt}, owner_, "");
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(here.authenticate(created->secret).ok());
  ASSERT_TRUE(there.authenticate(created->secret).ok());

  ASSERT_TRUE(there.revoke(ws_, created->key.id, owner_, "").ok());
  expect_error(there.authenticate(created->secret), ErrorCode::unauthenticated);
  clock_.advance(999ms);
  EXPECT_TRUE(here.authenticate(created->secret).ok());  // remembered: the documented bound
  clock_.advance(1ms);
  expect_error(here.authenticate(created->secret), ErrorCode::unauthenticated);

  auto expiring = here.create(ws_, {"short", {"chat"}, clock_.now_ms() + 500}, owner_, "");
  ASSERT_TRUE(expiring.ok());
  ASSERT_TRUE(here.authenticate(expiring->secret).ok());
  clock_.advance(500ms);
  expect_error(here.authenticate(expiring->secret), ErrorCode::unauthenticated);
}

TEST_F(WorkspaceServiceTest, EveryChangeIsAuditedWithIdsOnly) {
  std::string admin = add_member("admin@example.com", "admin");
  std::string agent = add_member("agent@example.com", "agent");
  ASSERT_TRUE(workspaces_->rename(ws_, "Acme 2", Actor::user(owner_)).ok());
  ASSERT_TRUE(workspaces_->change_role(ws_, Actor::user(admin), agent, "viewer").ok());
  ASSERT_TRUE(workspaces_->remove_member(ws_, Actor::user(admin), agent).ok());
  auto invited = workspaces_->invite(ws_, "z@example.com", "viewer", Actor::user(admin));
  ASSERT_TRUE(invited.ok());
  ASSERT_TRUE(workspaces_->revoke_invitation(ws_, invited->id, Actor::user(admin)).ok());
  ASSERT_TRUE(workspaces_->transfer_ownership(ws_, Actor::user(owner_), admin).ok());

  auto entries = list_audit_entries(store_->db(), ws_, 0, 1000);
  ASSERT_TRUE(entries.ok());
  std::set<std::string> actions;
  for (const auto& entry : *entries) {
    actions.insert(entry.action);
    EXPECT_EQ(entry.workspace_id, ws_);
    EXPECT_EQ(entry.target_id.find('@'), std::string::npos);
  }
  for (const char* expected : {"workspace.created", "member.invited", "member.joined",
                               "workspace.renamed", "member.role_changed", "member.removed",
                               "invitation.revoked", "workspace.ownership_transferred"}) {
    EXPECT_TRUE(actions.count(expected)) << expected;
  }
  auto role_change = std::find_if(entries->begin(), entries->end(), [](const AuditEntry& e) {
    return e.action == "member.role_changed";
  });
  EXPECT_EQ(role_change->actor_id, admin);
  EXPECT_EQ(role_change->target_id, agent);
}

TEST_F(WorkspaceServiceTest, MembersShowTheirEmailAndRole) {
  std::string agent = add_member("agent@example.com", "agent");
  auto members = workspaces_->members(ws_);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].user_id, owner_);
  EXPECT_EQ((*members)[0].email, "owner@example.com");
  EXPECT_EQ((*members)[0].role, "owner");
  EXPECT_EQ((*members)[1].email, "agent@example.com");
}

TEST_F(WorkspaceServiceTest, OperatorPagesThroughEveryWorkspace) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(workspaces_->create(owner_, "w").ok());
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    auto page = workspaces_->list_all(cursor, 3);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& w : page->workspaces) seen.insert(w.id);
    ++pages;
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(pages, 2);
  expect_error(workspaces_->list_all("", 0), ErrorCode::invalid_argument);
  expect_error(workspaces_->list_all("", 101), ErrorCode::invalid_argument);
  expect_error(workspaces_->list_all("garbage", 10), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace parley
