// How a feedback comment is sealed: with the data key of the visitor the conversation
// belongs to (visitor_key_owner), bound to the table, column, conversation and rated
// message, so it goes with the visitor's messages on erasure. A rating replaced keeps its
// row, so the binding names the message, not the feedback id. Used by the feedback and
// transcript services.
#pragma once

#include <optional>
#include <string>

#include "core/keyring.h"
#include "store/feedback_repo.h"

namespace parley {

// Fills row.comment_sealed (nothing when `comment` is empty).
Status seal_feedback_comment(Keyring& keyring, const std::string& key_owner, FeedbackRow& row,
                             const std::optional<std::string>& comment);

Result<std::optional<std::string>> open_feedback_comment(const Keyring& keyring,
                                                         const std::string& key_owner,
                                                         const FeedbackRow& row);

}  // namespace parley
