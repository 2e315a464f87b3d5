// The OpenAI-compatible API's shapes (api/openai_routes.cpp): a chat completion request
// read with errors that name their param, the completion, its stream chunks, models, and
// errors as OpenAI's clients read them. Pure functions, so tests check every shape alone.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "answer/answer_types.h"
#include "chat/chat_types.h"
#include "core/result.h"
#include "http/response.h"

namespace parley {

// {"error":{"message","type","param","code"}} with its HTTP status.
struct OpenAiError {
  int status = 400;
  std::string type = "invalid_request_error";
  std::string message;
  std::optional<std::string> param;
  std::optional<std::string> code;
};

Response openai_error_response(const OpenAiError& error);
// A Parley error (a service's, the authenticator's) as OpenAI's: same status and message,
// type from the status, Parley's code (unauthenticated becomes invalid_api_key).
OpenAiError openai_error_of(const Error& error, std::optional<std::string> param = std::nullopt);
// The same for a response already made in Parley's error shape (the authenticator's).
Response openai_shaped(Response parley_error);
// 404 model_not_found, naming the model as the client sent it.
OpenAiError model_not_found(std::string_view model);

// POST /v1/chat/completions, as far as Parley uses it. Unknown fields are ignored (OpenAI
// clients send many); a known field of the wrong type is a 400 naming it.
struct CompletionRequest {
  std::string model;     // a bot id
  std::string question;  // the last message, which must be the user's; text parts joined
  // The conversation before the question, as the client holds it: user and assistant
  // messages (system, developer and tool messages are left out: the bot has its own).
  std::vector<Turn> history;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};
using ParsedCompletion = std::variant<CompletionRequest, OpenAiError>;
ParsedCompletion parse_completion_request(std::string_view content_type, std::string_view body);

// Token counts estimated as the model module estimates them (model/prompt.h): the question
// asked and the answer given.
struct Usage {
  size_t prompt_tokens = 0;
  size_t completion_tokens = 0;
};
Usage usage_of(std::string_view question, std::string_view answer);
boost::json::object usage_json(const Usage& usage);

// The whole answer: {"id","object":"chat.completion","created","model","choices","usage",
// "parley"}. `created` in Unix seconds. "parley" is Parley's own chat reply (api/chat_json.h:
// conversation, the answer's citations, confidence, fallback); clients ignore unknown fields.
boost::json::object completion_json(std::string_view id, int64_t created, std::string_view model,
                                    const ChatReply& reply, const Usage& usage);

// One streamed chunk, framed as a Server-Sent Event ("data: {...}\n\n"). `delta` is
// {"role":"assistant","content":""} first, then {"content":"..."}, then {} with
// finish_reason "stop". With include_usage every chunk carries "usage": null.
struct ChunkHead {
  std::string id;
  int64_t created = 0;
  std::string model;
  bool include_usage = false;
};
std::string chunk_event(const ChunkHead& head, boost::json::object delta,
                        std::optional<std::string_view> finish_reason,
                        std::optional<boost::json::object> parley = std::nullopt);
// The last chunk when include_usage: "choices": [] and the usage.
std::string usage_chunk_event(const ChunkHead& head, const Usage& usage);
// An error inside a stream that has started (its status is sent): OpenAI's clients raise it.
std::string error_event(const OpenAiError& error);
inline constexpr std::string_view kDoneEvent = "data: [DONE]\n\n";

// A bot as an OpenAI model: {"id","object":"model","created","owned_by"}.
boost::json::object model_json(std::string_view bot_id, int64_t created_ms,
                               std::string_view workspace_id);

}  // namespace parley
