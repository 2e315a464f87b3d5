#include "chat/transcript_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "chat/feedback_codec.h"
#include "chat/message_codec.h"
#include "core/ids.h"
#include "store/bots_repo.h"
#include "store/conversations_repo.h"
#include "store/feedback_repo.h"

namespace parley {

const std::vector<std::string> kConversationStates = {"open", "waiting_for_human", "with_agent",
                                                      "closed"};

namespace {

Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }
Error no_bot() { return make_error(ErrorCode::not_found, "no such bot"); }

// A conversation as stored: rows still sealed.
struct Stored {
  ConversationRow row;
  std::vector<MessageRow> messages;
  std::vector<FeedbackRow> feedback;
};

Status load_messages(Tx& tx, Stored& stored, int max_messages) {
  auto messages = list_messages(tx, stored.row.id, 0, max_messages);
  if (!messages) return messages.error();
  stored.messages = std::move(*messages);
  auto feedback = list_conversation_feedback(tx, stored.row.id);
  if (!feedback) return feedback.error();
  stored.feedback = std::move(*feedback);
  return ok_status();
}

// The conversation with its messages and feedback opened with the visitor's key.
Result<ConversationView> open_transcript(const Keyring& keyring, const Stored& stored) {
  const std::string owner = visitor_key_owner(stored.row.workspace_id, stored.row.visitor_id);
  std::map<std::string, MessageFeedback> feedback;
  for (const FeedbackRow& row : stored.feedback) {
    auto comment = open_feedback_comment(keyring, owner, row);
    if (!comment) return comment.error();
    feedback[row.message_id] = {row.rating, std::move(*comment)};
  }
  ConversationView view = summary_of(stored.row);
  for (const MessageRow& row : stored.messages) {
    auto opened = open_message(keyring, owner, row);
    if (!opened) return opened.error();
    ChatMessage message{
        row.id,         row.role,     std::move(opened->text), std::move(opened->citations),
        row.confidence, row.fallback, row.created_at};
    message.author_id = row.author_id;
    if (auto rated = feedback.find(row.id); rated != feedback.end()) {
      message.feedback = std::move(rated->second);
    }
    view.messages.push_back(std::move(message));
  }
  return view;
}

bool erased(const Error& error) { return error.code == ErrorCode::not_found; }

// The case-folded words of a text (analyzer surfaces, stopwords kept).
std::set<std::string> words_of(const Analyzer& analyzer, std::string_view text) {
  std::set<std::string> words;
  for (const Token& token : analyzer.analyze(text, true)) words.insert(token.surface);
  return words;
}

// Every searched word begins a word of the conversation ("ship" finds "shipping").
bool holds_words(const Analyzer& analyzer, const ConversationView& conversation,
                 const std::set<std::string>& searched) {
  std::set<std::string> words;
  for (const ChatMessage& message : conversation.messages) {
    words.merge(words_of(analyzer, message.text));
  }
  return std::all_of(searched.begin(), searched.end(), [&words](const std::string& word) {
    auto at = words.lower_bound(word);
    return at != words.end() && at->compare(0, word.size(), word) == 0;
  });
}

}  // namespace

ConversationView summary_of(const ConversationRow& row) {
  return {row.id,         row.bot_id, row.visitor_id, row.state, row.message_count, row.created_at,
          row.updated_at, {},         row.agent_id};
}

struct TranscriptService::Batch {
  std::string language;  // the bot's
  std::vector<Stored> conversations;
  bool more = false;  // conversations remain after these
};

Result<ConversationView> TranscriptService::get(std::string_view workspace_id,
                                                std::string_view conversation_id) {
  if (!is_valid_id(conversation_id, "cnv")) return no_conversation();
  std::optional<Stored> stored;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_conversation(tx, workspace_id, conversation_id);
    if (!found) return found.error();
    stored.reset();
    if (!*found) return ok_status();
    stored = Stored{std::move(**found), {}, {}};
    return load_messages(tx, *stored, options_.max_messages_shown);
  });
  if (!read) return read.error();
  if (!stored) return no_conversation();
  return open_transcript(ctx_.keyring, *stored);
}

Result<TranscriptService::Batch> TranscriptService::read_batch(std::string_view workspace_id,
                                                               std::string_view bot_id,
                                                               std::string_view state,
                                                               std::string_view before_id,
                                                               int count, bool with_messages) {
  Batch batch;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    batch = {};
    auto bot = find_bot(tx, workspace_id, bot_id);
    if (!bot) return bot.error();
    if (!*bot) return no_bot();
    batch.language = (*bot)->language;
    auto rows = list_conversations(tx, workspace_id, bot_id, state, before_id, count + 1);
    if (!rows) return rows.error();
    batch.more = static_cast<int>(rows->size()) > count;
    if (batch.more) rows->pop_back();
    for (ConversationRow& row : *rows) {
      batch.conversations.push_back({std::move(row), {}, {}});
      if (!with_messages) continue;
      if (Status s = load_messages(tx, batch.conversations.back(), options_.max_messages_shown);
          !s) {
        return s;
      }
    }
    return ok_status();
  });
  if (!read) return read.error();
  return batch;
}

Result<ConversationPage> TranscriptService::list(std::string_view workspace_id,
                                                 std::string_view bot_id,
                                                 const TranscriptQuery& query) {
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  if (!query.state.empty() && std::find(kConversationStates.begin(), kConversationStates.end(),
                                        query.state) == kConversationStates.end()) {
    return make_error(ErrorCode::invalid_argument,
                      "state: one of open, waiting_for_human, with_agent, closed");
  }
  if (!query.cursor.empty() && !is_valid_id(query.cursor, "cnv")) {
    return make_error(ErrorCode::invalid_argument, "cursor: give the next_cursor of a page");
  }
  if (query.q.find_first_not_of(" \t\r\n") != std::string::npos) {
    return search(workspace_id, bot_id, query);
  }
  auto batch = read_batch(workspace_id, bot_id, query.state, query.cursor, query.limit, false);
  if (!batch) return batch.error();
  ConversationPage page;
  for (const Stored& stored : batch->conversations) {
    page.conversations.push_back(summary_of(stored.row));
  }
  if (batch->more) page.next_cursor = page.conversations.back().id;
  return page;
}

Result<ConversationPage> TranscriptService::search(std::string_view workspace_id,
                                                   std::string_view bot_id,
                                                   const TranscriptQuery& query) {
  constexpr int kBatch = 50;
  ConversationPage page;
  std::string position = query.cursor;
  std::set<std::string> searched;
  int scanned = 0;
  while (true) {
    const int count = std::min(kBatch, options_.max_searched - scanned);
    auto batch = read_batch(workspace_id, bot_id, query.state, position, count, true);
    if (!batch) return batch.error();
    std::shared_ptr<const Analyzer> analyzer = analyzers_.get(batch->language);
    if (searched.empty()) searched = words_of(*analyzer, query.q);
    for (const Stored& stored : batch->conversations) {
      ++scanned;
      position = stored.row.id;
      auto opened = open_transcript(ctx_.keyring, stored);
      if (!opened) {
        if (erased(opened.error())) continue;
        return opened.error();
      }
      if (!searched.empty() && !holds_words(*analyzer, *opened, searched)) continue;
      page.conversations.push_back(summary_of(stored.row));
      if (static_cast<int>(page.conversations.size()) == query.limit) {
        const bool last = !batch->more && &stored == &batch->conversations.back();
        if (!last) page.next_cursor = position;
        return page;
      }
    }
    if (!batch->more) return page;
    if (scanned >= options_.max_searched) {
      page.next_cursor = position;  // the scan goes on from here on the next page
      return page;
    }
  }
}

Result<TranscriptExport> TranscriptService::export_all(std::string_view workspace_id,
                                                       std::string_view bot_id) {
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  constexpr int kBatch = 100;
  TranscriptExport out;
  std::string position;
  while (true) {
    const int left = options_.max_exported - static_cast<int>(out.conversations.size());
    auto batch = read_batch(workspace_id, bot_id, "", position, std::min(kBatch, left), true);
    if (!batch) return batch.error();
    for (const Stored& stored : batch->conversations) {
      position = stored.row.id;
      auto opened = open_transcript(ctx_.keyring, stored);
      if (!opened) {
        if (erased(opened.error())) continue;
        return opened.error();
      }
      out.conversations.push_back(std::move(*opened));
    }
    if (!batch->more) return out;
    if (static_cast<int>(out.conversations.size()) >= options_.max_exported) {
      out.truncated = true;
      return out;
    }
  }
}

}  // namespace parley
