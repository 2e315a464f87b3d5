// The knowledge services assembled as `parley serve` does, on a fresh database (SQLite or
// PostgreSQL), a real keyring, a manual clock and the in-process extractor, with one
// workspace and its owner. Included by src/kb/*_test.cpp only.
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "accounts/account_service.h"
#include "core/log.h"
#include "core/sodium.h"
#include "kb/extract/extract.h"
#include "kb/knowledge_base.h"
#include "store/audit_repo.h"
#include "store/test_databases.h"

namespace parley::kb_testing {

using namespace std::chrono_literals;

inline void expect_error(const Status& status, ErrorCode code, std::string_view part = {}) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, code) << status.error().message;
  EXPECT_NE(status.error().message.find(part), std::string::npos) << status.error().message;
}

template <typename T>
void expect_error(const Result<T>& result, ErrorCode code, std::string_view part = {}) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(part), std::string::npos) << result.error().message;
}

class KbTest : public store_testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ensure_sodium();
    std::vector<uint8_t> master(32);
    randombytes_buf(master.data(), master.size());
    auto keyring = Keyring::open(keys_.path() / "keyring", master);
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(keyring).value();
    store_ = open_store();
    ASSERT_TRUE(store_);
    auth_.argon2_ops = 1;
    auth_.argon2_mem_kib = 8;
    accounts_ =
        std::make_unique<AccountService>(AccountsContext{*store_, *keyring_, clock_, auth_});
    auto owner = accounts_->create_verified_owner("owner@example.com", "correct horse battery",
                                                  "Acme", false);
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    owner_ = owner->user_id;
    ws_ = owner->workspace_id;
    kb_ = std::make_unique<KnowledgeBase>(KbContext{*store_, *keyring_, clock_, config_, crawl_},
                                          ExtractFn(extract_document), log_);
  }

  void TearDown() override {
    kb_.reset();
    accounts_.reset();
    store_.reset();
    keyring_.reset();
    BackendTest::TearDown();
  }

  Actor actor() const { return Actor::user(owner_, "192.0.2.1"); }

  // Another tenant, with its own owner.
  std::string other_workspace() {
    clock_.advance(1ms);
    auto owner = accounts_->create_verified_owner("other@example.com", "correct horse battery",
                                                  "Rival", false);
    EXPECT_TRUE(owner.ok()) << owner.error().message;
    return owner.ok() ? owner->workspace_id : "";
  }

  // A bot of the workspace, a millisecond after the last one so ids sort by age.
  std::string make_bot(const std::string& name = "Support bot", const std::string& ws = "") {
    clock_.advance(1ms);
    BotInput input;
    input.name = name;
    auto bot = kb_->bots.create(ws.empty() ? ws_ : ws, input, actor());
    EXPECT_TRUE(bot.ok()) << bot.error().message;
    return bot.ok() ? bot->id : "";
  }

  // Processes queued sources until none is left; returns how many were processed.
  int drain() {
    int processed = 0;
    while (processed < 1000 && kb_->worker.run_one()) ++processed;
    return processed;
  }

  // Adds a text source to `bot` and processes it; returns its id ("" when refused).
  std::string add_text(const std::string& bot, const std::string& title, const std::string& text) {
    clock_.advance(1ms);
    auto added = kb_->sources.add_text(ws_, bot, {title, text, {}, {}}, actor());
    EXPECT_TRUE(added.ok()) << added.error().message;
    drain();
    return added.ok() ? added->id : "";
  }

  // Every chunk of the source, paged through `page_size` at a time, in document order.
  std::vector<ChunkView> chunks_of(const std::string& bot, const std::string& source,
                                   int page_size = 100) {
    std::vector<ChunkView> out;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = kb_->sources.chunks(ws_, bot, source, cursor, page_size);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      EXPECT_LE(page->chunks.size(), static_cast<size_t>(page_size));
      for (ChunkView& chunk : page->chunks) out.push_back(std::move(chunk));
      if (!page->next_cursor) break;
      cursor = *page->next_cursor;
    }
    std::sort(out.begin(), out.end(),
              [](const ChunkView& a, const ChunkView& b) { return a.ordinal < b.ordinal; });
    return out;
  }

  SourceView source(const std::string& bot, const std::string& id) {
    auto got = kb_->sources.get(ws_, bot, id);
    EXPECT_TRUE(got.ok()) << got.error().message;
    return got.ok() ? *got : SourceView{};
  }

  // One number from SQL, e.g. "SELECT count(*) FROM chunks WHERE source_id = $1".
  int64_t scalar(const std::string& sql, const SqlParams& params = {}) {
    int64_t n = -1;
    Status read = store_->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query(sql, params);
      if (!rows) return rows.error();
      n = (*rows)[0].integer(0);
      return ok_status();
    });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return n;
  }

  // Every value of the selected rows, text and bytes alike, run together: for checking
  // that something readable never reaches the database.
  std::string raw(const std::string& sql, const SqlParams& params = {}) {
    std::string out;
    Status read = store_->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query(sql, params);
      if (!rows) return rows.error();
      out.clear();
      for (const Row& row : *rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (auto* text = std::get_if<std::string>(&row.value(i))) out += *text;
          if (auto* bytes = std::get_if<Bytes>(&row.value(i)))
            out.append(bytes->begin(), bytes->end());
          out += '\x1f';
        }
      }
      return ok_status();
    });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  // The workspace's audit log, oldest first.
  std::vector<std::string> audit_actions() {
    auto entries = list_audit_entries(store_->db(), ws_, 0, kAuditMaxPage);
    EXPECT_TRUE(entries.ok());
    std::vector<std::string> actions;
    if (entries.ok()) {
      for (const AuditEntry& entry : *entries) actions.push_back(entry.action);
    }
    std::reverse(actions.begin(), actions.end());  // the log lists newest first
    return actions;
  }

  store_testing::TempDir keys_;
  AuthConfig auth_;
  KbConfig config_;  // the services read it through a reference: tests may lower limits
  CrawlConfig crawl_;
  Log log_{LogLevel::error};
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<KnowledgeBase> kb_;
  std::string owner_;
  std::string ws_;
};

}  // namespace parley::kb_testing
