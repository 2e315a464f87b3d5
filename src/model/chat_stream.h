// Reads a streamed chat completion as its bytes arrive: SSE events whose data is a JSON
// chunk (choices[0].delta.content, finish_reason, usage) until "data: [DONE]". Hands each
// non-empty text delta to the caller at once. Used by the chat client, one per attempt.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "model/chat_types.h"
#include "model/sse_parser.h"

namespace parley {

class ChatStream {
 public:
  explicit ChatStream(const DeltaFn& on_delta);
  ChatStream(const ChatStream&) = delete;
  ChatStream& operator=(const ChatStream&) = delete;

  // The next bytes of the body. An error ends the transfer: a chunk that is not JSON, an
  // error event from the server, or the caller's stop (then cancelled() is true).
  Status feed(std::string_view bytes);
  // The body ended: unavailable when it ended before its end ([DONE], or at least a
  // finish_reason from servers that close without [DONE]).
  Status finish();

  bool cancelled() const { return cancelled_; }
  size_t deltas() const { return deltas_; }
  const ChatAnswer& answer() const { return answer_; }
  ChatAnswer take_answer() { return std::move(answer_); }

 private:
  bool on_event(std::string_view data);

  const DeltaFn& on_delta_;
  SseParser parser_;
  ChatAnswer answer_;
  size_t deltas_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  std::optional<Error> error_;
};

// usage {prompt_tokens, completion_tokens, total_tokens} of an answer or a chunk, if any.
std::optional<ChatUsage> read_usage(const boost::json::object& holder);

}  // namespace parley
