#include "chat/chat_service.h"

#include <future>

#include "answer/follow_up.h"
#include "chat/handoff_phrases.h"
#include "chat/message_codec.h"
#include "chat/passages.h"
#include "core/ids.h"
#include "kb/extract/text.h"
#include "leads/lead_triggers.h"
#include "store/leads_repo.h"

namespace parley {
namespace {

Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }
Error no_bot() { return make_error(ErrorCode::not_found, "no such bot"); }
Error closed_conversation() {
  return make_error(ErrorCode::conflict,
                    "this conversation is closed: start a new one (no conversation_id)");
}

Status check_input(const ChatInput& input, const ChatOptions& options) {
  if (input.message.empty() || is_blank(input.message)) {
    return make_error(ErrorCode::invalid_argument, "message: write something to ask");
  }
  if (input.message.size() > options.max_message_bytes) {
    return make_error(ErrorCode::invalid_argument,
                      "message: at most " + std::to_string(options.max_message_bytes) + " bytes");
  }
  if (input.visitor_id && !is_valid_id(*input.visitor_id, "vis")) {
    return make_error(ErrorCode::invalid_argument,
                      "visitor_id: give the visitor_id an earlier reply returned (vis_...)");
  }
  return ok_status();
}

// The analyses the bot's search index keeps for its chunks.
class IndexedAnalyses : public KeptAnalyses {
 public:
  IndexedAnalyses(SearchService& search, std::string_view workspace_id, std::string_view bot_id)
      : search_(search), workspace_id_(workspace_id), bot_id_(bot_id) {}
  std::shared_ptr<const PassageAnalysis> find(const Passage& passage) const override {
    return search_.analysis(workspace_id_, bot_id_,
                            {passage.chunk_id, passage.text, passage.source.title});
  }

 private:
  SearchService& search_;
  std::string_view workspace_id_;
  std::string_view bot_id_;
};

MessageRow message_row(const ConversationRow& conversation, std::string id, std::string role,
                       int64_t now) {
  MessageRow row;
  row.id = std::move(id);
  row.conversation_id = conversation.id;
  row.workspace_id = conversation.workspace_id;
  row.role = std::move(role);
  row.created_at = now;
  return row;
}

}  // namespace

ChatOptions chat_options(const ChatConfig& config) {
  ChatOptions options;
  options.model.timeout_ms = config.model_timeout_ms;
  return options;
}

bool human_owns(std::string_view state) {
  return state == kStateWaitingForHuman || state == kStateWithAgent;
}

const ChatService::LanguageTools& ChatService::tools_for(const std::string& language) {
  std::lock_guard lock(mutex_);
  auto& tools = tools_[language];
  if (!tools) {
    tools = std::make_unique<LanguageTools>();
    tools->analyzer = std::make_shared<const Analyzer>(language);
    tools->answerer = std::make_unique<ExtractiveAnswerer>(tools->analyzer);
  }
  return *tools;
}

Result<std::vector<Turn>> ChatService::history_of(const ConversationRow& conversation,
                                                  const std::vector<MessageRow>& rows) const {
  const std::string owner = visitor_key_owner(conversation.workspace_id, conversation.visitor_id);
  std::vector<Turn> history;
  for (const MessageRow& row : rows) {
    auto opened = open_message(ctx_.keyring, owner, row);
    if (!opened) return opened.error();
    history.push_back(
        {row.role == "visitor" ? Speaker::visitor : Speaker::bot, std::move(opened->text)});
  }
  return history;
}

Result<Answer> ChatService::answer(std::string_view workspace_id, const BotView& bot,
                                   const BotSettings& settings, const std::string& question,
                                   const std::vector<Turn>& history, const DeltaFn& on_delta) {
  const LanguageTools& tools = tools_for(bot.language);
  const std::string query = retrieval_query(question, history, *tools.analyzer);
  const IndexedAnalyses kept(search_, workspace_id, bot.id);
  AnswerRequest request;
  request.question = question;
  request.history = history;
  request.settings = {settings.confidence_threshold, settings.fallback_message};
  request.kept_analyses = &kept;
  if (settings.answer_mode == "generative") {
    auto results = search_.search(workspace_id, bot.id, query, options_.search_limit);
    if (!results) return results.error();
    request.passages = passages_from(std::move(*results));
    // The extractive answer over the passages the model gets: its confidence is theirs, and
    // it is the answer when the model fails. Below the threshold the bot says it does not
    // know and offers a human: the passages do not hold the answer, a model would only guess.
    Answer extractive = tools.answerer->answer(request);
    if (extractive.fallback) return extractive;
    auto generated = generate_answer({settings, request.passages, history, question},
                                     options_.model, breaker_, on_delta);
    if (!generated) {
      // The visitor gets an answer either way; chat is high volume, so no log line per
      // turn: /metrics counts it.
      model_counters_.fallbacks.fetch_add(1, std::memory_order_relaxed);
      return extractive;
    }
    model_counters_.answers.fetch_add(1, std::memory_order_relaxed);
    generated->confidence = extractive.confidence;
    return std::move(*generated);
  }
  // Hits of one source whose contexts meet make one passage: more hits are asked for than
  // passages wanted, so that neighbouring chunks do not crowd other sources out. Each hit
  // is read with its neighbouring chunks: a document cut in chunks then answers as it
  // would whole (its opening sentences, a sentence's context across a cut).
  const size_t hits =
      options_.context_chunks > 0 ? 2 * options_.search_limit : options_.search_limit;
  auto results = search_.search(workspace_id, bot.id, query, hits);
  if (!results) return results.error();
  auto neighbours = search_.neighbours(workspace_id, bot.id, *results, options_.context_chunks);
  if (!neighbours) return neighbours.error();
  request.passages = passages_in_context(std::move(*results), *neighbours, options_.search_limit);
  return tools.answerer->answer(request);
}

Result<ChatService::OpenConversation> ChatService::open_conversation(std::string_view workspace_id,
                                                                     std::string_view bot_id,
                                                                     const ChatInput& input,
                                                                     int64_t now) {
  OpenConversation open;
  open.is_new = !input.conversation_id;
  if (open.is_new) {
    const size_t keep =
        std::min(input.history.size(), static_cast<size_t>(options_.history_messages));
    open.history.assign(input.history.end() - static_cast<std::ptrdiff_t>(keep),
                        input.history.end());
    open.row = {new_id("cnv", ctx_.clock),
                std::string(workspace_id),
                std::string(bot_id),
                input.visitor_id.value_or(new_id("vis", ctx_.clock)),
                std::string(kStateOpen),
                0,
                now,
                now,
                std::nullopt};
    return open;
  }
  // The conversation and its recent messages (the follow-up's context) in one read.
  std::optional<ConversationRow> found;
  std::vector<MessageRow> recent;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto row = find_conversation(tx, workspace_id, *input.conversation_id);
    if (!row) return row.error();
    found = std::move(*row);
    recent.clear();
    if (!found || human_owns(found->state)) return ok_status();
    auto messages = recent_messages(tx, found->id, options_.history_messages);
    if (!messages) return messages.error();
    recent = std::move(*messages);
    return ok_status();
  });
  if (!read) return read.error();
  // Another bot's conversation is as unknown here as another workspace's.
  if (!found || found->bot_id != bot_id) return no_conversation();
  if (input.visitor_id && *input.visitor_id != found->visitor_id) return no_conversation();
  if (found->state == kStateClosed) return closed_conversation();
  open.row = std::move(*found);
  if (!human_owns(open.row.state)) {
    auto turns = history_of(open.row, recent);
    if (!turns) return turns.error();
    open.history = std::move(*turns);
  }
  return open;
}

Result<ChatService::StoredTurn> ChatService::store_turn(const OpenConversation& open,
                                                        const MessageRow& asked,
                                                        const MessageRow* answered,
                                                        bool wants_human, int64_t now) {
  const ConversationRow& conversation = open.row;
  StoredTurn stored;
  Status wrote = ctx_.store.db().write([&](Tx& tx) -> Status {
    stored = {conversation.state, false, 0};
    if (!open.is_new) {
      // The state again, inside the write: an agent may have taken the conversation since.
      auto current = find_conversation(tx, conversation.workspace_id, conversation.id);
      if (!current) return current.error();
      if (!*current) return no_conversation();
      if ((*current)->state == kStateClosed) return closed_conversation();
      stored.messages_before = (*current)->message_count;
      stored.state = (*current)->state;
    }
    stored.bot_spoke = answered && !human_owns(stored.state);
    const bool hands_over = stored.bot_spoke && wants_human;
    if (hands_over) stored.state = kStateWaitingForHuman;
    const int added = stored.bot_spoke ? 2 : 1;
    if (open.is_new) {
      // Inserted as it ends the turn: no update after the messages.
      ConversationRow row = conversation;
      row.state = stored.state;
      row.message_count = added;
      if (Status s = insert_conversation(tx, row); !s) return s;
    } else if (hands_over) {
      if (Status s =
              set_conversation_state(tx, conversation.id, kStateWaitingForHuman, std::nullopt, now);
          !s) {
        return s;
      }
    }
    MessageRow visitor_row = asked;
    visitor_row.seq = stored.messages_before + 1;
    if (Status s = insert_message(tx, visitor_row); !s) return s;
    if (stored.bot_spoke) {
      MessageRow bot_row = *answered;
      bot_row.seq = stored.messages_before + 2;
      if (Status s = insert_message(tx, bot_row); !s) return s;
    }
    return open.is_new ? ok_status() : touch_conversation(tx, conversation.id, added, now);
  });
  if (!wrote) return wrote.error();
  return stored;
}

Result<ChatReply> ChatService::chat(std::string_view workspace_id, std::string_view bot_id,
                                    const ChatInput& input, const DeltaFn& on_delta) {
  if (Status s = check_input(input, options_); !s) return s.error();
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  if (input.conversation_id && !is_valid_id(*input.conversation_id, "cnv")) {
    return no_conversation();
  }
  // The bot as its search index holds it: no read and no opening per turn.
  auto loaded = search_.bot(workspace_id, bot_id);
  if (!loaded) return loaded.error();
  const BotView& bot = **loaded;
  const BotSettings& settings = bot.settings;
  const int64_t now = ctx_.clock.now_ms();
  auto open = open_conversation(workspace_id, bot_id, input, now);
  if (!open) return open.error();
  ConversationRow& conversation = open->row;

  std::vector<std::string> languages = settings.languages;
  languages.push_back(bot.language);
  // A visitor who asks for a person gets one: the bot says so and steps aside.
  const bool wants_human =
      !human_owns(conversation.state) && asks_for_human(input.message, languages);
  const std::string owner = visitor_key_owner(workspace_id, conversation.visitor_id);
  // A new visitor's key costs an fsync of the keyring: a generative bot's is made while the
  // model writes, not after it.
  std::future<Status> visitor_key;
  if (open->is_new && !wants_human && settings.answer_mode == "generative") {
    visitor_key = std::async(std::launch::async, [&] { return ctx_.keyring.ensure_key(owner); });
  }
  std::optional<Answer> answer;
  if (wants_human) {
    answer = Answer{};
    answer->text = settings.handoff_message;
  } else if (!human_owns(conversation.state)) {
    auto answered =
        this->answer(workspace_id, bot, settings, input.message, open->history, on_delta);
    if (!answered) return answered.error();
    answer = std::move(*answered);
  }

  // Sealed before the write: a new visitor's key costs an fsync of the keyring, which must
  // not hold up the writer.
  if (visitor_key.valid()) {
    if (Status made = visitor_key.get(); !made) return made.error();
  }
  MessageRow asked = message_row(conversation, new_id("msg", ctx_.clock), "visitor", now);
  if (Status s = seal_message(ctx_.keyring, owner, asked, input.message, nullptr); !s) {
    return s.error();
  }
  MessageRow answered = message_row(conversation, new_id("msg", ctx_.clock), "bot", now);
  if (answer) {
    answered.confidence = answer->confidence;
    answered.fallback = answer->fallback;
    if (Status s = seal_message(ctx_.keyring, owner, answered, answer->text, &answer->citations);
        !s) {
      return s.error();
    }
  }
  auto stored = store_turn(*open, asked, answer ? &answered : nullptr, wants_human, now);
  if (!stored) return stored.error();

  conversation.state = stored->state;
  conversation.message_count = stored->messages_before + (stored->bot_spoke ? 2 : 1);
  ChatReply reply{conversation.id, conversation.visitor_id, stored->state, std::nullopt};
  if (!stored->bot_spoke) {
    // A human owns the conversation: the agents see the message live.
    if (handoff_) {
      handoff_->announce_visitor_message(
          conversation, {asked.id, "visitor", input.message, {}, std::nullopt, false, now});
    }
    return reply;
  }
  reply.message =
      ChatMessage{answered.id,      "bot", answer->text, answer->citations, answer->confidence,
                  answer->fallback, now};
  if (wants_human && handoff_) handoff_->announce_request(conversation);
  reply.offer_human = answer->offer_human;
  auto lead_form = lead_form_offered(conversation, settings, answer->fallback, wants_human);
  if (!lead_form) return lead_form.error();
  reply.offer_lead_form = *lead_form;
  return reply;
}

Result<bool> ChatService::lead_form_offered(const ConversationRow& conversation,
                                            const BotSettings& settings, bool fallback,
                                            bool handoff) {
  // While only the bot answers, every visitor message has its answer: half the count.
  LeadMoment moment{fallback, handoff, static_cast<int>(conversation.message_count / 2), false};
  if (!lead_form_due(settings.lead_form, moment)) return false;
  auto given = read_one(ctx_.store.db(), [&](Tx& tx) {
    return count_conversation_leads(tx, conversation.workspace_id, conversation.id);
  });
  if (!given) return given.error();
  moment.lead_already_given = *given > 0;
  return lead_form_due(settings.lead_form, moment);
}

Result<std::optional<std::string>> ChatService::workspace_of(std::string_view conversation_id) {
  return read_one(ctx_.store.db(),
                  [&](Tx& tx) { return find_conversation_workspace(tx, conversation_id); });
}

}  // namespace parley
