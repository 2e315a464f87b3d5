// SQL for visitors' ratings of the bot's answers (one per answer) and for the questions the
// bot could not answer (a fallback or a thumbs down). The comment arrives sealed (the
// feedback service seals it with the visitor's key). Called by the feedback and transcript
// services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/conversations_repo.h"
#include "store/database.h"

namespace parley {

struct FeedbackRow {
  std::string id;
  std::string workspace_id;
  std::string bot_id;
  std::string conversation_id;
  std::string message_id;  // the rated bot answer
  std::string rating;      // up | down
  std::optional<Bytes> comment_sealed;
  int64_t created_at = 0;  // when it was last given
};

struct SavedFeedback {
  FeedbackRow row;  // as stored: a replaced rating keeps its first id
  bool created = false;
};

// Stores the answer's rating, or replaces the one it had (its id stays).
Result<SavedFeedback> save_feedback(Tx& tx, const FeedbackRow& feedback);
// The ratings of a conversation's messages.
Result<std::vector<FeedbackRow>> list_conversation_feedback(Tx& tx,
                                                            std::string_view conversation_id);

// A visitor question the bot did not answer well: its answer was the fallback, or was rated
// down.
struct UnansweredRow {
  MessageRow question;     // the visitor's message just before the answer
  std::string visitor_id;  // whose key opens it
  bool fallback = false;
  bool thumbs_down = false;
};
// A bot's unanswered questions asked since `since_ms`, newest first, at most `limit`.
Result<std::vector<UnansweredRow>> list_unanswered(Tx& tx, std::string_view workspace_id,
                                                   std::string_view bot_id, int64_t since_ms,
                                                   int limit);

}  // namespace parley
