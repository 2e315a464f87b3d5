// Chat: a visitor's message in, the bot's cited answer out, both stored in one write
// (acknowledged means committed), sealed with the visitor's key. Retrieval with the
// follow-up resolved from the conversation's recent turns, then the extractive answerer
// with the bot's threshold and fallback message; a generative bot's model answers from the
// same passages, and when it fails the extractive answer stands (counted). While a human
// owns the conversation the bot stays silent. Chat is high volume: no audit entry per
// message, and nothing of a message reaches a log. Called by the chat and transcript routes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "answer/extractive_answerer.h"
#include "chat/chat_counters.h"
#include "chat/chat_types.h"
#include "chat/generative.h"
#include "chat/handoff_service.h"
#include "core/config.h"
#include "kb/kb_context.h"
#include "kb/search_service.h"
#include "store/bots_repo.h"
#include "store/conversations_repo.h"

namespace parley {

struct ChatOptions {
  size_t max_message_bytes = 4000;
  size_t search_limit = 5;
  size_t context_chunks = 1;      // the extractive answerer reads a hit with this many
                                  // chunks of its source on each side
  int history_messages = 10;      // the recent messages a follow-up is resolved with
  ModelCallLimits model;          // generative bots: the wait for the model
  CircuitBreakerOptions breaker;  // one breaker per process, per model endpoint
};

// The options the configuration sets ([chat]), the rest at their defaults.
ChatOptions chat_options(const ChatConfig& config);

class ChatService {
 public:
  // `handoff` (may be null: no live events) hears of handoffs asked for in a message and of
  // visitor messages to conversations a human owns.
  ChatService(KbContext context, SearchService& search, ChatOptions options = {},
              HandoffService* handoff = nullptr)
      : ctx_(context),
        search_(search),
        options_(options),
        breaker_(options.breaker, ctx_.clock),
        handoff_(handoff) {}

  // not_found for an unknown bot, or a conversation of another bot or workspace;
  // invalid_argument for a bad message or visitor id; conflict for a closed conversation.
  // With `on_delta`, a generative bot's answer is streamed to it as the model writes it;
  // the reply then holds the answer as stored (the extractive one if the model failed
  // midway, so a client shows the reply's text in place of the pieces).
  Result<ChatReply> chat(std::string_view workspace_id, std::string_view bot_id,
                         const ChatInput& input, const DeltaFn& on_delta = nullptr);

  // The workspace a conversation belongs to, or nothing for an unknown id: how routes that
  // name only a conversation find their tenant.
  Result<std::optional<std::string>> workspace_of(std::string_view conversation_id);

  const ChatModelCounters& model_counters() const { return model_counters_; }
  // parley_chat_model_* counters, Prometheus text format.
  void render_metrics(std::string& out) const { model_counters_.render(out); }

 private:
  struct LanguageTools {
    std::shared_ptr<const Analyzer> analyzer;
    std::unique_ptr<ExtractiveAnswerer> answerer;
  };
  const LanguageTools& tools_for(const std::string& language);
  // The conversation a turn goes to: a new one (with the caller's history, trimmed), or the
  // visitor's own, read with its recent messages opened as history. not_found for another
  // bot's or visitor's, conflict for a closed one.
  struct OpenConversation {
    ConversationRow row;
    bool is_new = false;
    std::vector<Turn> history;
  };
  Result<OpenConversation> open_conversation(std::string_view workspace_id, std::string_view bot_id,
                                             const ChatInput& input, int64_t now);
  // The visitor's message and the bot's (`answered`, null when it has none) in one write,
  // with the state read again inside it: when a human took the conversation meanwhile the
  // bot's message is not stored.
  struct StoredTurn {
    std::string state;
    bool bot_spoke = false;
    int64_t messages_before = 0;
  };
  Result<StoredTurn> store_turn(const OpenConversation& open, const MessageRow& asked,
                                const MessageRow* answered, bool wants_human, int64_t now);
  Result<Answer> answer(std::string_view workspace_id, const BotView& bot,
                        const BotSettings& settings, const std::string& question,
                        const std::vector<Turn>& history, const DeltaFn& on_delta);
  // Whether the lead form is due after this turn (reads whether a lead was given only when
  // a trigger could fire).
  Result<bool> lead_form_offered(const ConversationRow& conversation, const BotSettings& settings,
                                 bool fallback, bool handoff);
  // The messages as turns, opened with the visitor's key.
  Result<std::vector<Turn>> history_of(const ConversationRow& conversation,
                                       const std::vector<MessageRow>& rows) const;

  KbContext ctx_;
  SearchService& search_;
  ChatOptions options_;
  std::mutex mutex_;  // guards tools_
  // One per bot language, kept: an analyzer (stemmer, stopword list) is costly to build.
  std::map<std::string, std::unique_ptr<LanguageTools>> tools_;
  CircuitBreaker breaker_;
  ChatModelCounters model_counters_;
  HandoffService* handoff_;
};

// The conversation states.
inline constexpr std::string_view kStateOpen = "open";
inline constexpr std::string_view kStateWaitingForHuman = "waiting_for_human";
inline constexpr std::string_view kStateWithAgent = "with_agent";
inline constexpr std::string_view kStateClosed = "closed";
bool human_owns(std::string_view state);

}  // namespace parley
