#include "chat/feedback_codec.h"

namespace parley {
namespace {

std::string row_binding(const FeedbackRow& row) {
  return row.conversation_id + "/" + row.message_id;
}

}  // namespace

Status seal_feedback_comment(Keyring& keyring, const std::string& key_owner, FeedbackRow& row,
                             const std::optional<std::string>& comment) {
  row.comment_sealed.reset();
  if (!comment || comment->empty()) return ok_status();
  const std::string binding = row_binding(row);
  auto sealed = keyring.seal(key_owner, {"feedback", "comment_sealed", binding}, *comment);
  if (!sealed) return sealed.error();
  row.comment_sealed = std::move(*sealed);
  return ok_status();
}

Result<std::optional<std::string>> open_feedback_comment(const Keyring& keyring,
                                                         const std::string& key_owner,
                                                         const FeedbackRow& row) {
  if (!row.comment_sealed) return std::optional<std::string>{};
  const std::string binding = row_binding(row);
  auto opened =
      keyring.open(key_owner, {"feedback", "comment_sealed", binding}, *row.comment_sealed);
  if (!opened) return opened.error();
  return std::optional<std::string>(std::move(*opened));
}

}  // namespace parley
