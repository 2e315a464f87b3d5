// For tests of the whole API: every route registered as the server registers them, over
// real services on a throwaway store and keyring. The parts stay reachable for tests that
// set up data through the services.
#pragma once

#include <filesystem>
#include <memory>

#include "api/routes.h"
#include "core/keyring.h"
#include "kb/knowledge_base.h"
#include "store/store.h"
#include "tests/support/parley_process.h"

namespace parley {

struct FullRouter {
  FullRouter() : dir(testing::make_temp_dir("full_router")) {
    store = Store::open({dir, "", 1}, clock).value();
    keyring = Keyring::open(dir / "keyring", std::vector<uint8_t>(32, 1)).value();
    auth.argon2_ops = 1;
    auth.argon2_mem_kib = 8;
    AccountsContext context{*store, *keyring, clock, auth};
    accounts = std::make_unique<AccountService>(context);
    keys = std::make_unique<ApiKeyService>(context);
    workspaces = std::make_unique<WorkspaceService>(context);
    kb = std::make_unique<KnowledgeBase>(
        KbContext{*store, *keyring, clock, kb_config, crawl_config}, extract_document, log);
    workspaces->on_removed([this](const std::string& id) { kb->search.workspace_removed(id); });
    handoff = std::make_unique<HandoffService>(
        KbContext{*store, *keyring, clock, kb_config, crawl_config}, live_events, nullptr);
    chat =
        std::make_unique<ChatService>(KbContext{*store, *keyring, clock, kb_config, crawl_config},
                                      kb->search, ChatOptions{}, handoff.get());
    leads = std::make_unique<LeadService>(*store, *keyring, clock);
    transcripts = std::make_unique<TranscriptService>(
        KbContext{*store, *keyring, clock, kb_config, crawl_config});
    feedback = std::make_unique<FeedbackService>(
        KbContext{*store, *keyring, clock, kb_config, crawl_config});
    widget =
        std::make_unique<WidgetService>(KbContext{*store, *keyring, clock, kb_config, crawl_config},
                                        kb->search, *chat, *leads, *feedback);
    add_api_routes(router, {{*store, metrics, [] { return false; }},
                            context,
                            *accounts,
                            *keys,
                            *workspaces,
                            kb->bots,
                            kb->sources,
                            kb->search,
                            *chat,
                            *leads,
                            *transcripts,
                            *feedback,
                            *handoff,
                            live_events,
                            kb_config,
                            *widget});
  }
  ~FullRouter() {
    router = Router();
    widget.reset();
    leads.reset();
    feedback.reset();
    transcripts.reset();
    chat.reset();
    handoff.reset();
    kb.reset();
    workspaces.reset();
    keys.reset();
    accounts.reset();
    keyring.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  const std::vector<Route>& routes() const { return router.routes(); }

  std::filesystem::path dir;
  SystemClock clock;
  AuthConfig auth;
  KbConfig kb_config;
  CrawlConfig crawl_config;
  Log log{LogLevel::warn};
  Metrics metrics;
  std::unique_ptr<Store> store;
  std::unique_ptr<Keyring> keyring;
  std::unique_ptr<AccountService> accounts;
  std::unique_ptr<ApiKeyService> keys;
  std::unique_ptr<WorkspaceService> workspaces;
  std::unique_ptr<KnowledgeBase> kb;
  LiveEvents live_events;
  std::unique_ptr<HandoffService> handoff;
  std::unique_ptr<ChatService> chat;
  std::unique_ptr<LeadService> leads;
  std::unique_ptr<TranscriptService> transcripts;
  std::unique_ptr<FeedbackService> feedback;
  std::unique_ptr<WidgetService> widget;
  Router router;
};

}  // namespace parley
