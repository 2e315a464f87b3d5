// What every HTTP chat route shares: the request body {message, conversation_id?,
// visitor_id?, stream?} and the answer as Server-Sent Events (delta events, then done with
// the reply as stored). Used by the API's and the widget's chat routes.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "chat/chat_types.h"
#include "http/request.h"
#include "http/response.h"
#include "model/chat_types.h"

namespace parley {

struct ChatTurnRequest {
  ChatInput input;
  bool stream = false;
};

// The body of a chat route; invalid_argument naming the field otherwise.
Result<ChatTurnRequest> chat_turn_request(const Request& request);

// Runs a chat turn, handing each piece of a streamed answer to `on_delta`.
using ChatTurn = std::function<Result<ChatReply>(const DeltaFn& on_delta)>;

// The turn's answer as Server-Sent Events: `delta` events with the text as it comes (a
// generative bot's pieces as its model writes them; an extractive answer whole, in one),
// then `done` with the reply as stored, or `error` when the turn failed after the first
// delta (before it, the error is the response itself, with its status). The error response
// replaces the head the caller built, so it carries `failure_headers` of its own.
Response chat_event_stream(ChatTurn turn,
                           std::vector<std::pair<std::string, std::string>> failure_headers = {});

}  // namespace parley
