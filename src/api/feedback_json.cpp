#include "api/feedback_json.h"

#include <boost/json.hpp>

namespace parley {
namespace {

// Larger than the service's limit in characters, so that the service names the real one.
constexpr size_t kMaxCommentField = 8 * 1024;

}  // namespace

Result<FeedbackInput> feedback_input_from(const JsonFields& body) {
  auto rating = body.required_string("rating", 16);
  if (!rating) return rating.error();
  auto comment = body.optional_string("comment", kMaxCommentField);
  if (!comment) return comment.error();
  return FeedbackInput{std::move(*rating), std::move(*comment)};
}

boost::json::object feedback_json(const Feedback& f) {
  return {{"id", f.id},
          {"conversation_id", f.conversation_id},
          {"message_id", f.message_id},
          {"rating", f.rating},
          {"comment", optional_text(f.comment)},
          {"created_at", iso_time(f.created_at)}};
}

}  // namespace parley
