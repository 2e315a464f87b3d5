#include "store/feedback_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kFeedbackColumns =
    "id, workspace_id, bot_id, conversation_id, message_id, rating, comment_sealed, created_at";

FeedbackRow feedback_from(const Row& row) {
  FeedbackRow feedback{row.text(0), row.text(1), row.text(2),  row.text(3),
                       row.text(4), row.text(5), std::nullopt, row.integer(7)};
  if (!row.is_null(6)) feedback.comment_sealed = row.bytes(6);
  return feedback;
}

}  // namespace

Result<SavedFeedback> save_feedback(Tx& tx, const FeedbackRow& f) {
  auto existing = tx.query("SELECT id FROM feedback WHERE message_id = $1", {f.message_id});
  if (!existing) return existing.error();
  SavedFeedback saved{f, existing->empty()};
  if (!saved.created) {
    saved.row.id = existing->front().text(0);
    if (Status s = done(tx.exec("UPDATE feedback SET rating = $2, comment_sealed = $3, "
                                "created_at = $4 WHERE id = $1",
                                {saved.row.id, f.rating, or_null(f.comment_sealed), f.created_at}));
        !s) {
      return s.error();
    }
    return saved;
  }
  if (Status s = done(tx.exec("INSERT INTO feedback (" + std::string(kFeedbackColumns) +
                                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                              {f.id, f.workspace_id, f.bot_id, f.conversation_id, f.message_id,
                               f.rating, or_null(f.comment_sealed), f.created_at}));
      !s) {
    return s.error();
  }
  return saved;
}

Result<std::vector<FeedbackRow>> list_conversation_feedback(Tx& tx,
                                                            std::string_view conversation_id) {
  auto rows = tx.query(
      "SELECT " + std::string(kFeedbackColumns) + " FROM feedback WHERE conversation_id = $1",
      {std::string(conversation_id)});
  if (!rows) return rows.error();
  std::vector<FeedbackRow> feedback;
  for (const Row& row : *rows) feedback.push_back(feedback_from(row));
  return feedback;
}

Result<std::vector<UnansweredRow>> list_unanswered(Tx& tx, std::string_view workspace_id,
                                                   std::string_view bot_id, int64_t since_ms,
                                                   int limit) {
  // The chat service stores a turn as the visitor's message at seq n and the answer at n + 1.
  auto rows = tx.query(
      "SELECT q.id, q.conversation_id, q.seq, q.workspace_id, q.role, q.text_sealed, "
      "q.created_at, c.visitor_id, a.fallback, f.rating "
      "FROM conversations c "
      "JOIN messages a ON a.conversation_id = c.id "
      "JOIN messages q ON q.conversation_id = a.conversation_id AND q.seq = a.seq - 1 "
      "LEFT JOIN feedback f ON f.message_id = a.id "
      "WHERE c.workspace_id = $1 AND c.bot_id = $2 AND c.updated_at >= $3 "
      "AND a.role = 'bot' AND q.role = 'visitor' AND a.created_at >= $3 "
      "AND (a.fallback <> 0 OR f.rating = 'down') "
      "ORDER BY a.created_at DESC, a.id DESC LIMIT $4",
      {std::string(workspace_id), std::string(bot_id), since_ms, int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<UnansweredRow> out;
  for (const Row& row : *rows) {
    UnansweredRow item;
    item.question.id = row.text(0);
    item.question.conversation_id = row.text(1);
    item.question.seq = row.integer(2);
    item.question.workspace_id = row.text(3);
    item.question.role = row.text(4);
    item.question.text_sealed = row.bytes(5);
    item.question.created_at = row.integer(6);
    item.visitor_id = row.text(7);
    item.fallback = row.integer(8) != 0;
    item.thumbs_down = !row.is_null(9) && row.text(9) == "down";
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace parley
