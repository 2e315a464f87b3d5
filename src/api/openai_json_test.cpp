// The OpenAI-compatible shapes as OpenAI's clients read them: requests they send (with the
// many fields Parley ignores), refusals naming the param, the completion, the stream's
// chunks and the error body.
#include "api/openai_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace parley {
namespace {

namespace json = boost::json;

ParsedCompletion parse(const std::string& body) {
  return parse_completion_request("application/json", body);
}

CompletionRequest parsed_ok(const std::string& body) {
  auto parsed = parse(body);
  if (auto* error = std::get_if<OpenAiError>(&parsed)) {
    ADD_FAILURE() << body << ": " << error->message;
    return {};
  }
  return std::get<CompletionRequest>(parsed);
}

OpenAiError refused(const std::string& body) {
  auto parsed = parse(body);
  if (!std::holds_alternative<OpenAiError>(parsed)) {
    ADD_FAILURE() << body << " was accepted";
    return {};
  }
  return std::get<OpenAiError>(parsed);
}

json::value event_json(const std::string& event) {
  EXPECT_EQ(event.rfind("data: ", 0), 0u) << event;
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n") << event;
  return json::parse(event.substr(6, event.size() - 8));
}

TEST(OpenAiJson, TakesTheLastUserMessageAndIgnoresWhatItDoesNotUse) {
  auto asked = parsed_ok(R"({
    "model": "bot_01", "temperature": 0.7, "max_tokens": 200, "user": "u-1", "n": 1,
    "top_p": 1, "seed": 42, "tools": [], "logit_bias": {}, "metadata": {"a": "b"},
    "stream": null, "stream_options": null,
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "What does Pro cost?"},
      {"role": "assistant", "content": "29 dollars.", "name": "bot"},
      {"role": "user", "content": "And Basic?"}]})");
  EXPECT_EQ(asked.model, "bot_01");
  EXPECT_EQ(asked.question, "And Basic?");
  // The system message is the client's, not a turn: the bot has its own instructions.
  ASSERT_EQ(asked.history.size(), 2u);
  EXPECT_EQ(asked.history[0].speaker, Speaker::visitor);
  EXPECT_EQ(asked.history[0].text, "What does Pro cost?");
  EXPECT_EQ(asked.history[1].speaker, Speaker::bot);
  EXPECT_EQ(asked.history[1].text, "29 dollars.");
  EXPECT_FALSE(asked.stream);
  EXPECT_FALSE(asked.include_usage);
}

TEST(OpenAiJson, JoinsTextPartsAndReadsStreamOptions) {
  auto asked = parsed_ok(R"({"model": "bot_01", "stream": true,
    "stream_options": {"include_usage": true},
    "messages": [{"role": "user", "content": [
      {"type": "text", "text": "Which countries"}, {"type": "text", "text": "do you ship to?"}]}]})");
  EXPECT_EQ(asked.question, "Which countries\ndo you ship to?");
  EXPECT_TRUE(asked.stream);
  EXPECT_TRUE(asked.include_usage);
  EXPECT_TRUE(asked.history.empty());
}

TEST(OpenAiJson, RefusalsNameTheParam) {
  const std::string user = R"("messages": [{"role": "user", "content": "hi"}])";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{" + user + "}", "model"},
      {R"({"model": 7, )" + user + "}", "model"},
      {R"({"model": ""
      , )" +
           user + "}",
       "model"},
      {R"({"model": "bot_01"})", "messages"},
      {R"({"model": "bot_01", "messages": []})", "messages"},
      {R"({"model": "bot_01", "messages": "hi"})", "messages"},
      {R"({"model": "bot_01", "messages": [7]})", "messages[0]"},
      {R"({"model": "bot_01", "messages": [{"role": "robot", "content": "hi"}]})",
       "messages[0].role"},
      {R"({"model": "bot_01", "messages": [{"role": "user", "content": 5}]})",
       "messages[0].content"},
      {R"({"model": "bot_01", "messages": [{"role": "user", "content": [{"type": "image_url",
        "image_url": {"url": "x"}}]}]})",
       "messages[0].content[0].type"},
      {R"({"model": "bot_01", "messages": [{"role": "user", "content": [{"type": "text"}]}]})",
       "messages[0].content[0].text"},
      {R"({"model": "bot_01", "messages": [{"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello"}]})",
       "messages"},
      {R"({"model": "bot_01", "stream": "yes", )" + user + "}", "stream"},
      {R"({"model": "bot_01", "stream_options": true, )" + user + "}", "stream_options"},
      {R"({"model": "bot_01", "stream_options": {"include_usage": 1}, )" + user + "}",
       "stream_options.include_usage"},
      {R"({"model": "bot_01", "temperature": "hot", )" + user + "}", "temperature"},
      {R"({"model": "bot_01", "max_tokens": 1.5, )" + user + "}", "max_tokens"},
      {R"({"model": "bot_01", "max_tokens": 0, )" + user + "}", "max_tokens"},
      {R"({"model": "bot_01", "n": 2, )" + user + "}", "n"},
      {R"({"model": "bot_01", "user": 12, )" + user + "}", "user"},
  };
  for (const auto& [body, param] : cases) {
    OpenAiError error = refused(body);
    EXPECT_EQ(error.status, 400) << body;
    EXPECT_EQ(error.type, "invalid_request_error") << body;
    EXPECT_EQ(error.param.value_or("(none)"), param) << body << ": " << error.message;
    EXPECT_FALSE(error.message.empty());
  }
}

TEST(OpenAiJson, RefusesBodiesThatAreNotJsonObjects) {
  for (const std::string body : {"", "not json", "[1,2]", "\"text\""}) {
    OpenAiError error = refused(body);
    EXPECT_EQ(error.status, 400) << body;
    EXPECT_FALSE(error.param) << body;
  }
  auto parsed = parse_completion_request("text/plain", R"({"model":"bot_01"})");
  ASSERT_TRUE(std::holds_alternative<OpenAiError>(parsed));
  EXPECT_EQ(std::get<OpenAiError>(parsed).status, 415);
  EXPECT_TRUE(std::holds_alternative<CompletionRequest>(parse_completion_request(
      "application/json; charset=utf-8",
      R"({"model":"bot_01","messages":[{"role":"user","content":"hi"}]})")));
}

ChatReply sample_reply() {
  ChatMessage answer;
  answer.id = "msg_01";
  answer.role = "bot";
  answer.text = "We ship to Europe [1].";
  answer.citations.push_back(
      Citation{1, {"src_01", std::nullopt, "Shipping", std::nullopt, std::nullopt}, "chk_01"});
  answer.confidence = 0.8;
  return {"cnv_01", "vis_01", "open", answer};
}

TEST(OpenAiJson, ACompletionHasOpenAisFieldsAndParleysBeside) {
  const Usage usage = usage_of("Where do you ship?", "We ship to Europe [1].");
  EXPECT_EQ(usage.completion_tokens, 6u);  // 22 ASCII characters, a token per 4
  EXPECT_GT(usage.prompt_tokens, 5u);      // the question and the message's framing
  json::object completion =
      completion_json("chatcmpl-msg_01", 1700000000, "bot_01", sample_reply(), usage);
  EXPECT_EQ(completion.at("id").as_string(), "chatcmpl-msg_01");
  EXPECT_EQ(completion.at("object").as_string(), "chat.completion");
  EXPECT_EQ(completion.at("created").as_int64(), 1700000000);
  EXPECT_EQ(completion.at("model").as_string(), "bot_01");
  const json::object& choice = completion.at("choices").as_array().at(0).as_object();
  EXPECT_EQ(choice.at("index").as_int64(), 0);
  EXPECT_EQ(choice.at("finish_reason").as_string(), "stop");
  EXPECT_EQ(choice.at("message").at("role").as_string(), "assistant");
  EXPECT_EQ(choice.at("message").at("content").as_string(), "We ship to Europe [1].");
  const json::object& counted = completion.at("usage").as_object();
  EXPECT_EQ(counted.at("total_tokens").to_number<size_t>(),
            usage.prompt_tokens + usage.completion_tokens);
  const json::object& parley = completion.at("parley").as_object();
  EXPECT_EQ(parley.at("conversation_id").as_string(), "cnv_01");
  EXPECT_EQ(parley.at("message").at("citations").as_array().at(0).at("source").at("id").as_string(),
            "src_01");
}

TEST(OpenAiJson, StreamChunksAreOpenAisServerSentEvents) {
  ChunkHead head{"chatcmpl-cmpl_01", 1700000000, "bot_01", false};
  json::value role = event_json(
      chunk_event(head, json::object{{"role", "assistant"}, {"content", ""}}, std::nullopt));
  EXPECT_EQ(role.at("object").as_string(), "chat.completion.chunk");
  EXPECT_EQ(role.at("id").as_string(), "chatcmpl-cmpl_01");
  EXPECT_EQ(role.at("choices").at(0).at("delta").at("role").as_string(), "assistant");
  EXPECT_TRUE(role.at("choices").at(0).at("finish_reason").is_null());
  EXPECT_FALSE(role.as_object().contains("usage"));  // only asked for with include_usage

  json::value stop = event_json(chunk_event(head, json::object{}, "stop", json::object{{"x", 1}}));
  EXPECT_EQ(stop.at("choices").at(0).at("finish_reason").as_string(), "stop");
  EXPECT_TRUE(stop.at("choices").at(0).at("delta").as_object().empty());
  EXPECT_EQ(stop.at("parley").at("x").as_int64(), 1);

  head.include_usage = true;
  json::value content =
      event_json(chunk_event(head, json::object{{"content", "We"}}, std::nullopt));
  EXPECT_TRUE(content.at("usage").is_null());
  json::value usage = event_json(usage_chunk_event(head, {10, 4}));
  EXPECT_TRUE(usage.at("choices").as_array().empty());
  EXPECT_EQ(usage.at("usage").at("total_tokens").as_int64(), 14);
  EXPECT_EQ(kDoneEvent, "data: [DONE]\n\n");
}

TEST(OpenAiJson, ErrorsInOpenAisShape) {
  Response missing = openai_error_response(model_not_found("bot_x"));
  EXPECT_EQ(missing.status, 404);
  json::value body = json::parse(missing.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "model_not_found");
  EXPECT_EQ(body.at("error").at("param").as_string(), "model");
  EXPECT_EQ(body.at("error").at("type").as_string(), "invalid_request_error");
  EXPECT_NE(body.at("error").at("message").as_string().find("bot_x"), std::string::npos);

  // The authenticator's refusals, reshaped; headers kept.
  Response denied = error_response(make_error(ErrorCode::unauthenticated, "unknown API key"));
  denied.headers.emplace_back("Retry-After", "3");
  Response shaped = openai_shaped(denied);
  EXPECT_EQ(shaped.status, 401);
  json::value error = json::parse(shaped.body).at("error");
  EXPECT_EQ(error.at("code").as_string(), "invalid_api_key");
  EXPECT_EQ(error.at("message").as_string(), "unknown API key");
  EXPECT_TRUE(error.at("param").is_null());
  ASSERT_EQ(shaped.headers.size(), 1u);
  EXPECT_EQ(json::parse(openai_shaped(error_response(403, "forbidden", "no scope")).body)
                .at("error")
                .at("code")
                .as_string(),
            "forbidden");
  EXPECT_EQ(openai_error_of(make_error(ErrorCode::unavailable, "later")).type, "server_error");

  json::value streamed = event_json(error_event(model_not_found("bot_x")));
  EXPECT_EQ(streamed.at("error").at("code").as_string(), "model_not_found");
}

TEST(OpenAiJson, ABotAsAModel) {
  json::object model = model_json("bot_01", 1700000000123, "ws_01");
  EXPECT_EQ(model.at("id").as_string(), "bot_01");
  EXPECT_EQ(model.at("object").as_string(), "model");
  EXPECT_EQ(model.at("created").as_int64(), 1700000000);
  EXPECT_EQ(model.at("owned_by").as_string(), "ws_01");
}

}  // namespace
}  // namespace parley
