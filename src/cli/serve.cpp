#include "cli/serve.h"

#include <cstdio>
#include <string>

#include "api/auth.h"
#include "api/routes.h"
#include "cli/runtime.h"
#include "http/server.h"
#include "kb/knowledge_base.h"
#include "mail/mailer.h"

namespace parley {
namespace {

// Store statistics for /metrics: commit latency and group sizes.
void render_store_stats(const Store& store, std::string& out) {
  StoreStats stats = store.stats();
  static constexpr const char* kBatchLabels[] = {"1", "4", "16", "64", "+Inf"};
  static constexpr const char* kLatencyLabels[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                                   "0.005",  "0.01",    "0.025",  "0.1",   "+Inf"};
  out += "# HELP parley_store_commit_seconds Time spent committing a write transaction.\n";
  out += "# TYPE parley_store_commit_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < 10; ++i) {
    cumulative += stats.commit_latency_buckets[i];
    out += "parley_store_commit_seconds_bucket{le=\"" + std::string(kLatencyLabels[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "parley_store_commit_seconds_sum " +
         std::to_string(static_cast<double>(stats.commit_micros_sum) / 1e6) + "\n";
  out += "parley_store_commit_seconds_count " + std::to_string(stats.commits) + "\n";
  out += "# HELP parley_store_commit_batch_size Writes acknowledged per commit.\n";
  out += "# TYPE parley_store_commit_batch_size histogram\n";
  cumulative = 0;
  for (size_t i = 0; i < 5; ++i) {
    cumulative += stats.batch_buckets[i];
    out += "parley_store_commit_batch_size_bucket{le=\"" + std::string(kBatchLabels[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "parley_store_commit_batch_size_sum " + std::to_string(stats.writes) + "\n";
  out += "parley_store_commit_batch_size_count " + std::to_string(stats.commits) + "\n";
}

}  // namespace

int run_serve(const Config& config) {
  auto runtime = open_runtime(config, DataDirUse::exclusive);
  if (!runtime) {
    std::fprintf(stderr, "parley: %s\n", runtime.error().message.c_str());
    return 1;
  }
  Runtime& rt = **runtime;
  Mailer mailer(*rt.store, *rt.keyring, rt.clock, config.mail, config.storage.data_dir, *rt.log);

  Metrics metrics;
  metrics.add_source([&rt](std::string& out) { render_store_stats(*rt.store, out); });
  Router router;
  Server* server_ptr = nullptr;
  AccountsContext accounts_context{*rt.store, *rt.keyring, rt.clock, config.auth,
                                   [&mailer] { mailer.notify(); }};
  AccountService accounts(accounts_context);
  ApiKeyService keys(accounts_context);
  WorkspaceService workspaces(accounts_context);
  KnowledgeBase kb({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl},
                   sandboxed_extractor("/proc/self/exe", config.kb), *rt.log);
  workspaces.on_removed([&kb](const std::string& id) { kb.search.workspace_removed(id); });
  LiveEvents live_events;
  // A visitor waits and no agent has the inbox open: the agents hear of it by mail (ids
  // only, no message text).
  NotifyAgents notify_agents = [&workspaces, &rt, &config](std::string_view workspace_id,
                                                           std::string_view conversation_id) {
    Status mailed = workspaces.mail_members(
        workspace_id, "agent", "A visitor is waiting for a person",
        "A visitor asked to talk to a person in one of your chatbots, and no agent is online.\n\n"
        "Open the inbox to answer: " +
            config.auth.public_url + "/inbox?conversation=" + std::string(conversation_id) + "\n",
        "handoff_waiting");
    if (!mailed) {
      rt.log->warn("handoff.mail_failed", {{"conversation_id", conversation_id}});
    }
  };
  HandoffService handoff({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl}, live_events,
                         notify_agents);
  ChatService chat({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl}, kb.search,
                   chat_options(config.chat), &handoff);
  TranscriptService transcripts({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl});
  FeedbackService feedback({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl});
  metrics.add_source([&chat](std::string& out) { chat.render_metrics(out); });
  LeadService leads(*rt.store, *rt.keyring, rt.clock,
                    LeadOptions{.policy_version = config.privacy.policy_version});
  WidgetService widget({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl}, kb.search, chat,
                       leads, feedback);
  metrics.add_source([&kb](std::string& out) {
    kb.embedding_counters.render(out);
    kb.search.render_metrics(out);
  });
  add_api_routes(
      router, {{*rt.store, metrics, [&server_ptr] { return server_ptr && server_ptr->draining(); }},
               accounts_context,
               accounts,
               keys,
               workspaces,
               kb.bots,
               kb.sources,
               kb.search,
               chat,
               leads,
               transcripts,
               feedback,
               handoff,
               live_events,
               config.kb,
               widget});

  Server server(config.server, router, metrics, *rt.log, config.log.access,
                make_authenticator({accounts, keys, *rt.store, config.auth.public_url,
                                    tenant_params(kb.bots, kb.search, chat)}));
  server_ptr = &server;
  auto port = server.listen();
  if (!port) {
    std::fprintf(stderr, "parley: %s\n", port.error().message.c_str());
    return 1;
  }
  rt.log->info("server.started", {{"port", int64_t{*port}},
                                  {"store", std::string_view(rt.store->backend_name())},
                                  {"schema_version", int64_t{rt.store->schema_version()}}});
  std::printf("Parley is listening on http://%s:%d (data in %s). Stop with Ctrl-C.\n",
              config.server.bind.c_str(), *port, config.storage.data_dir.c_str());
  std::fflush(stdout);
  mailer.start();
  kb.worker.start(config.kb.ingest_workers);
  server.run();
  kb.worker.stop();
  mailer.stop();
  rt.log->info("server.stopped");
  std::printf("Parley stopped.\n");
  return 0;
}

}  // namespace parley
