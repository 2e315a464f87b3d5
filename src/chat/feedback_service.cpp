#include "chat/feedback_service.h"

#include "chat/feedback_codec.h"
#include "chat/message_codec.h"
#include "core/ids.h"
#include "store/bots_repo.h"
#include "store/feedback_repo.h"

namespace parley {
namespace {

Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }
Error no_message() { return make_error(ErrorCode::not_found, "no such message"); }

size_t code_points(std::string_view text) {
  size_t count = 0;
  for (unsigned char ch : text) count += (ch & 0xC0) != 0x80;
  return count;
}

Status check_input(const FeedbackInput& input) {
  if (input.rating != "up" && input.rating != "down") {
    return make_error(ErrorCode::invalid_argument, "rating: \"up\" or \"down\"");
  }
  if (input.comment && code_points(*input.comment) > kMaxFeedbackComment) {
    return make_error(ErrorCode::invalid_argument,
                      "comment: at most " + std::to_string(kMaxFeedbackComment) + " characters");
  }
  return ok_status();
}

}  // namespace

Result<RatedAnswer> FeedbackService::rate(std::string_view workspace_id,
                                          std::string_view conversation_id,
                                          std::string_view message_id, const FeedbackInput& input) {
  if (!is_valid_id(conversation_id, "cnv")) return no_conversation();
  if (!is_valid_id(message_id, "msg")) return no_message();
  if (Status s = check_input(input); !s) return s.error();

  std::optional<ConversationRow> conversation;
  std::optional<MessageRow> message;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_conversation(tx, workspace_id, conversation_id);
    if (!found) return found.error();
    conversation = std::move(*found);
    if (!conversation) return ok_status();
    auto rated = find_message(tx, conversation_id, message_id);
    if (!rated) return rated.error();
    message = std::move(*rated);
    return ok_status();
  });
  if (!read) return read.error();
  if (!conversation) return no_conversation();
  if (!message) return no_message();
  if (message->role != "bot") {
    return make_error(
        ErrorCode::invalid_argument,
        "only the bot's answers can be rated: this message is the " + message->role + "'s");
  }

  FeedbackRow row{new_id("fb", ctx_.clock),
                  std::string(workspace_id),
                  conversation->bot_id,
                  conversation->id,
                  message->id,
                  input.rating,
                  std::nullopt,
                  ctx_.clock.now_ms()};
  // Sealed before the write: a key may be created, which costs a keyring fsync.
  const std::string owner = visitor_key_owner(workspace_id, conversation->visitor_id);
  if (Status s = seal_feedback_comment(ctx_.keyring, owner, row, input.comment); !s) {
    return s.error();
  }
  std::optional<SavedFeedback> saved;
  Status wrote = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto stored = save_feedback(tx, row);
    if (!stored) return stored.error();
    saved = std::move(*stored);
    return ok_status();
  });
  if (!wrote) return wrote.error();
  std::optional<std::string> comment;
  if (row.comment_sealed) comment = input.comment;
  return RatedAnswer{{saved->row.id, row.conversation_id, row.message_id, row.rating,
                      std::move(comment), row.created_at},
                     saved->created};
}

Result<std::vector<QuestionGroup>> FeedbackService::unanswered(std::string_view workspace_id,
                                                               std::string_view bot_id, int limit) {
  if (!is_valid_id(bot_id, "bot")) return make_error(ErrorCode::not_found, "no such bot");
  std::string language;
  std::vector<UnansweredRow> rows;
  const int64_t since = ctx_.clock.now_ms() - options_.window_ms;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto bot = find_bot(tx, workspace_id, bot_id);
    if (!bot) return bot.error();
    if (!*bot) return make_error(ErrorCode::not_found, "no such bot");
    language = (*bot)->language;
    auto found = list_unanswered(tx, workspace_id, bot_id, since, options_.max_questions);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();

  std::vector<AskedQuestion> questions;
  for (const UnansweredRow& row : rows) {
    auto opened =
        open_message(ctx_.keyring, visitor_key_owner(workspace_id, row.visitor_id), row.question);
    if (!opened) {
      // An erased visitor's key is gone, and their questions with it: not an error.
      if (opened.error().code == ErrorCode::not_found) continue;
      return opened.error();
    }
    questions.push_back({row.question.conversation_id, row.question.id, std::move(opened->text),
                         row.question.created_at, row.fallback, row.thumbs_down});
  }
  auto groups = group_questions(*analyzers_.get(language), questions);
  if (static_cast<int>(groups.size()) > limit) groups.resize(limit);
  return groups;
}

}  // namespace parley
