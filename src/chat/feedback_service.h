// Feedback on the bot's answers: a visitor rates an answer up or down, with an optional
// comment (sealed with the visitor's key); rating again replaces it. And the list of what
// the bot could not answer: the visitors' questions whose answer was the fallback or was
// rated down, grouped by similar question (question_groups.h). Called by the feedback
// routes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chat/analyzers.h"
#include "chat/question_groups.h"
#include "kb/kb_context.h"

namespace parley {

struct FeedbackInput {
  std::string rating;                  // up | down
  std::optional<std::string> comment;  // at most kMaxFeedbackComment characters
};

struct Feedback {
  std::string id;
  std::string conversation_id;
  std::string message_id;
  std::string rating;
  std::optional<std::string> comment;
  int64_t created_at = 0;  // when it was last given
};

struct RatedAnswer {
  Feedback feedback;
  bool created = false;  // false: it replaced an earlier rating of the answer
};

inline constexpr size_t kMaxFeedbackComment = 1000;  // characters (code points)

// How far back the unanswered-questions list looks. Questions are sealed per visitor, so
// each one scanned costs opening it: the scan is bounded in time and in count.
struct UnansweredOptions {
  int64_t window_ms = int64_t{90} * 24 * 3600 * 1000;  // the last 90 days
  int max_questions = 2000;                            // the newest this many of them
};

class FeedbackService {
 public:
  explicit FeedbackService(KbContext context, UnansweredOptions options = {})
      : ctx_(context), options_(options) {}

  // not_found for an unknown conversation or message (or one of another workspace);
  // invalid_argument for a bad rating, a long comment, or a message that is not the bot's.
  Result<RatedAnswer> rate(std::string_view workspace_id, std::string_view conversation_id,
                           std::string_view message_id, const FeedbackInput& input);

  // The bot's unanswered questions, grouped, largest groups first; at most `limit` groups.
  Result<std::vector<QuestionGroup>> unanswered(std::string_view workspace_id,
                                                std::string_view bot_id, int limit);

 private:
  KbContext ctx_;
  UnansweredOptions options_;
  AnalyzerCache analyzers_;
};

}  // namespace parley
