#include "api/openai_json.h"

#include <boost/json.hpp>

#include "api/chat_json.h"
#include "model/prompt.h"

namespace parley {
namespace json = boost::json;
namespace {

OpenAiError invalid(std::optional<std::string> param, std::string message) {
  return {400, "invalid_request_error", std::move(message), std::move(param), std::nullopt};
}

std::string type_for(int status) {
  if (status >= 500) return "server_error";
  if (status == 429) return "rate_limit_error";
  return "invalid_request_error";
}

std::string code_for(std::string_view parley_code) {
  if (parley_code == "unauthenticated") return "invalid_api_key";
  return std::string(parley_code);
}

bool absent(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return !value || value->is_null();
}

// The optional fields Parley accepts and does not use (the bot's settings decide): their
// types are still checked, since a client that sends a wrong one has a bug to hear about.
std::optional<OpenAiError> check_ignored_fields(const json::object& body) {
  for (std::string_view name : {"temperature", "top_p", "presence_penalty", "frequency_penalty"}) {
    if (!absent(body, name) && !body.at(name).is_number()) {
      return invalid(std::string(name), std::string(name) + " must be a number");
    }
  }
  for (std::string_view name : {"max_tokens", "max_completion_tokens", "n"}) {
    if (absent(body, name)) continue;
    const json::value& value = body.at(name);
    if (!value.is_int64() && !value.is_uint64()) {
      return invalid(std::string(name), std::string(name) + " must be an integer");
    }
    if (value.to_number<int64_t>() < 1) {
      return invalid(std::string(name), std::string(name) + " must be at least 1");
    }
  }
  if (!absent(body, "n") && body.at("n").to_number<int64_t>() != 1) {
    return invalid("n", "n must be 1: a bot gives one answer");
  }
  if (!absent(body, "user") && !body.at("user").is_string()) {
    return invalid("user", "user must be a string");
  }
  return std::nullopt;
}

// A message's text: a string, or the text parts of an array joined by newlines.
std::variant<std::string, OpenAiError> content_text(const json::value& content,
                                                    const std::string& where) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return std::string(content.as_string());
  if (!content.is_array()) {
    return invalid(where, where + " must be a string or an array of text parts");
  }
  std::string text;
  size_t index = 0;
  for (const json::value& part : content.as_array()) {
    const std::string at = where + "[" + std::to_string(index++) + "]";
    const json::object* object = part.if_object();
    const json::value* type = object ? object->if_contains("type") : nullptr;
    if (!type || !type->is_string()) {
      return invalid(at, at + " must be an object with a type");
    }
    if (type->as_string() != "text") {
      return invalid(at + ".type", at + ".type: only text parts are supported");
    }
    const json::value* part_text = object->if_contains("text");
    if (!part_text || !part_text->is_string()) {
      return invalid(at + ".text", at + ".text must be a string");
    }
    if (!text.empty()) text += '\n';
    text += part_text->as_string();
  }
  return text;
}

bool known_role(std::string_view role) {
  return role == "system" || role == "developer" || role == "user" || role == "assistant" ||
         role == "tool" || role == "function";
}

}  // namespace

Response openai_error_response(const OpenAiError& error) {
  json::object body{{"message", error.message},
                    {"type", error.type},
                    {"param", error.param ? json::value(*error.param) : json::value(nullptr)},
                    {"code", error.code ? json::value(*error.code) : json::value(nullptr)}};
  return json_response(error.status, json::object{{"error", std::move(body)}});
}

OpenAiError openai_error_of(const Error& error, std::optional<std::string> param) {
  const int status = http_status_for(error.code);
  return {status, type_for(status), error.message, std::move(param),
          code_for(error_code_name(error.code))};
}

Response openai_shaped(Response parley_error) {
  boost::system::error_code ec;
  json::value parsed = json::parse(parley_error.body, ec);
  const json::object* error = nullptr;
  if (!ec && parsed.is_object()) {
    if (const json::value* inner = parsed.as_object().if_contains("error")) {
      error = inner->if_object();
    }
  }
  auto text = [error](std::string_view name) {
    const json::value* value = error ? error->if_contains(name) : nullptr;
    return value && value->is_string() ? std::string(value->as_string()) : std::string();
  };
  const int status = parley_error.status;
  Response shaped = openai_error_response(
      {status, type_for(status), text("message"), std::nullopt, code_for(text("code"))});
  shaped.headers = std::move(parley_error.headers);
  return shaped;
}

OpenAiError model_not_found(std::string_view model) {
  return {404, "invalid_request_error",
          "The model `" + std::string(model) +
              "` does not exist or you do not have access to it: a model is a bot id of this "
              "API key's workspace (GET /v1/models lists them)",
          "model", "model_not_found"};
}

ParsedCompletion parse_completion_request(std::string_view content_type, std::string_view body) {
  if (content_type.substr(0, content_type.find(';')) != "application/json") {
    OpenAiError error =
        invalid(std::nullopt, "send the body as JSON with Content-Type: application/json");
    error.status = 415;
    return error;
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return invalid(std::nullopt, "the body is not a JSON object");
  }
  const json::object& object = parsed.as_object();

  CompletionRequest out;
  const json::value* model = object.if_contains("model");
  if (!model || !model->is_string() || model->as_string().empty()) {
    return invalid("model", "you must provide a model: a bot id (GET /v1/models lists them)");
  }
  out.model = std::string(model->as_string());

  const json::value* messages = object.if_contains("messages");
  if (!messages || !messages->is_array() || messages->as_array().empty()) {
    return invalid("messages", "messages must be a non-empty array");
  }
  const json::array& list = messages->as_array();
  std::string last_role;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const json::object* message = list[i].if_object();
    if (!message) return invalid(where, where + " must be an object");
    const json::value* role = message->if_contains("role");
    if (!role || !role->is_string() || !known_role(role->as_string())) {
      return invalid(where + ".role",
                     where + ".role must be system, developer, user, assistant or tool");
    }
    const json::value* content = message->if_contains("content");
    auto text = content_text(content ? *content : json::value(nullptr), where + ".content");
    if (auto* error = std::get_if<OpenAiError>(&text)) return std::move(*error);
    // The one before this one was a turn of the conversation, if the user's or the bot's.
    if (last_role == "user") out.history.push_back({Speaker::visitor, std::move(out.question)});
    if (last_role == "assistant") out.history.push_back({Speaker::bot, std::move(out.question)});
    last_role = std::string(role->as_string());
    out.question = std::move(std::get<std::string>(text));
  }
  if (last_role != "user") {
    return invalid("messages", "the last message must be the user's question");
  }

  if (!absent(object, "stream")) {
    if (!object.at("stream").is_bool()) return invalid("stream", "stream must be a boolean");
    out.stream = object.at("stream").as_bool();
  }
  if (!absent(object, "stream_options")) {
    const json::object* options = object.at("stream_options").if_object();
    if (!options) return invalid("stream_options", "stream_options must be an object");
    if (!absent(*options, "include_usage")) {
      if (!options->at("include_usage").is_bool()) {
        return invalid("stream_options.include_usage",
                       "stream_options.include_usage must be a boolean");
      }
      out.include_usage = options->at("include_usage").as_bool();
    }
  }
  if (auto error = check_ignored_fields(object)) return std::move(*error);
  return out;
}

Usage usage_of(std::string_view question, std::string_view answer) {
  return {estimate_tokens(ModelMessage{"user", std::string(question)}), estimate_tokens(answer)};
}

json::object usage_json(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

json::object completion_json(std::string_view id, int64_t created, std::string_view model,
                             const ChatReply& reply, const Usage& usage) {
  const std::string text = reply.message ? reply.message->text : std::string();
  json::object message{{"role", "assistant"}, {"content", text}, {"refusal", nullptr}};
  json::object choice{{"index", 0},
                      {"message", std::move(message)},
                      {"logprobs", nullptr},
                      {"finish_reason", "stop"}};
  return {{"id", id},
          {"object", "chat.completion"},
          {"created", created},
          {"model", model},
          {"choices", json::array{std::move(choice)}},
          {"usage", usage_json(usage)},
          {"parley", reply_json(reply)}};
}

std::string chunk_event(const ChunkHead& head, json::object delta,
                        std::optional<std::string_view> finish_reason,
                        std::optional<json::object> parley) {
  json::object choice{
      {"index", 0},
      {"delta", std::move(delta)},
      {"logprobs", nullptr},
      {"finish_reason", finish_reason ? json::value(*finish_reason) : json::value(nullptr)}};
  json::object chunk{{"id", head.id},
                     {"object", "chat.completion.chunk"},
                     {"created", head.created},
                     {"model", head.model},
                     {"choices", json::array{std::move(choice)}}};
  if (head.include_usage) chunk["usage"] = nullptr;
  if (parley) chunk["parley"] = std::move(*parley);
  return "data: " + json::serialize(chunk) + "\n\n";
}

std::string usage_chunk_event(const ChunkHead& head, const Usage& usage) {
  json::object chunk{
      {"id", head.id},       {"object", "chat.completion.chunk"}, {"created", head.created},
      {"model", head.model}, {"choices", json::array{}},          {"usage", usage_json(usage)}};
  return "data: " + json::serialize(chunk) + "\n\n";
}

std::string error_event(const OpenAiError& error) {
  return "data: " + openai_error_response(error).body + "\n\n";
}

json::object model_json(std::string_view bot_id, int64_t created_ms,
                        std::string_view workspace_id) {
  return {{"id", bot_id},
          {"object", "model"},
          {"created", created_ms / 1000},
          {"owned_by", workspace_id}};
}

}  // namespace parley
