#include "tests/support/test_llm_server.h"

#include <boost/json.hpp>
#include <sstream>

namespace parley::test {
namespace {

namespace json = boost::json;

constexpr size_t kEchoWords = 12;

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

json::object usage_of(int64_t prompt, int64_t completion) {
  return {{"prompt_tokens", prompt},
          {"completion_tokens", completion},
          {"total_tokens", prompt + completion}};
}

json::object chunk(const std::string& model, json::array choices) {
  return {{"id", "chatcmpl-test"},
          {"object", "chat.completion.chunk"},
          {"model", model},
          {"choices", std::move(choices)}};
}

json::array delta_choice(json::object delta, json::value finish_reason = nullptr) {
  return json::array{
      json::object{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish_reason}}};
}

}  // namespace

// Everything one chat request is to get, decided under the lock when it arrives.
struct TestLlmServer::Plan {
  std::string model;
  std::string reply;
  int64_t prompt_tokens = 0;
  bool include_usage = false;
  int drop_after = -1;
  int hold_after = -1;
  std::chrono::milliseconds first_token_delay{0};
  std::chrono::milliseconds token_delay{0};
  SseStyle style;
};

std::string TestLlmServer::echo_reply(const std::string& last_user_message) {
  const std::vector<std::string> words = words_of(last_user_message);
  std::string out = "From [1]:";
  for (size_t i = words.size() > kEchoWords ? words.size() - kEchoWords : 0; i < words.size();
       ++i) {
    out += " " + words[i];
  }
  return out;
}

TestLlmServer::TestLlmServer()
    : server_([this](const LoopbackRequest& request, LoopbackExchange& exchange) {
        return handle(request, exchange);
      }) {}

TestLlmServer::~TestLlmServer() = default;

std::string TestLlmServer::base_url() const { return server_.url("/v1"); }

void TestLlmServer::fail_next(int requests, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  failures_.fail_next(requests, status, retry_after_seconds);
}

void TestLlmServer::hang_next(int requests) {
  std::lock_guard lock(mutex_);
  hang_remaining_ = requests;
}

void TestLlmServer::set_first_token_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  first_token_delay_ = delay;
}

void TestLlmServer::set_token_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  token_delay_ = delay;
}

void TestLlmServer::drop_next_stream_after(int tokens) {
  std::lock_guard lock(mutex_);
  drop_after_ = tokens;
}

void TestLlmServer::hold_next_stream_after(int tokens) {
  std::lock_guard lock(mutex_);
  hold_after_ = tokens;
  released_ = false;
}

void TestLlmServer::release_stream() {
  std::lock_guard lock(mutex_);
  released_ = true;
}

void TestLlmServer::set_reply(std::string text) {
  std::lock_guard lock(mutex_);
  reply_ = std::move(text);
}

void TestLlmServer::set_sse_style(SseStyle style) {
  std::lock_guard lock(mutex_);
  style_ = style;
}

int TestLlmServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int TestLlmServer::chat_requests() const {
  std::lock_guard lock(mutex_);
  return chat_requests_;
}

int TestLlmServer::unauthorized() const {
  std::lock_guard lock(mutex_);
  return unauthorized_;
}

int TestLlmServer::streams_completed() const {
  std::lock_guard lock(mutex_);
  return streams_completed_;
}

int TestLlmServer::streams_cut_by_client() const {
  std::lock_guard lock(mutex_);
  return streams_cut_;
}

int TestLlmServer::tokens_sent() const {
  std::lock_guard lock(mutex_);
  return tokens_sent_;
}

std::string TestLlmServer::last_request_body() const {
  std::lock_guard lock(mutex_);
  return last_body_;
}

std::vector<std::pair<std::string, std::string>> TestLlmServer::last_messages() const {
  std::vector<std::pair<std::string, std::string>> out;
  boost::system::error_code ec;
  json::value parsed = json::parse(last_request_body(), ec);
  const json::object* object = ec ? nullptr : parsed.if_object();
  const json::value* messages = object ? object->if_contains("messages") : nullptr;
  if (!messages || !messages->is_array()) return out;
  for (const json::value& message : messages->as_array()) {
    const json::object* m = message.if_object();
    const json::value* role = m ? m->if_contains("role") : nullptr;
    const json::value* content = m ? m->if_contains("content") : nullptr;
    if (role && role->is_string() && content && content->is_string()) {
      out.emplace_back(std::string(role->as_string()), std::string(content->as_string()));
    }
  }
  return out;
}

void TestLlmServer::reset_counts() {
  std::lock_guard lock(mutex_);
  requests_ = chat_requests_ = unauthorized_ = 0;
  streams_completed_ = streams_cut_ = tokens_sent_ = 0;
  last_body_.clear();
}

std::optional<LoopbackResponse> TestLlmServer::handle(const LoopbackRequest& request,
                                                      LoopbackExchange& exchange) {
  {
    std::lock_guard lock(mutex_);
    ++requests_;
    if (request.header("authorization") != std::string("Bearer ") + kApiKey) {
      ++unauthorized_;
      return json_answer(401, error_body("invalid api key"));
    }
  }
  if (request.method == "GET" && request.path == "/v1/models") {
    json::object model{{"id", kModel}, {"object", "model"}, {"owned_by", "parley-test"}};
    return json_answer(
        200, json::serialize(json::object{{"object", "list"}, {"data", json::array{model}}}));
  }
  if (request.method == "POST" && request.path == "/v1/chat/completions") {
    return chat(request, exchange);
  }
  return json_answer(404, error_body("unknown endpoint"));
}

std::optional<LoopbackResponse> TestLlmServer::chat(const LoopbackRequest& request,
                                                    LoopbackExchange& exchange) {
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body, ec);
  const json::object* object = ec ? nullptr : parsed.if_object();
  const json::value* model = object ? object->if_contains("model") : nullptr;
  const json::value* messages = object ? object->if_contains("messages") : nullptr;
  Plan plan;
  bool streamed = false;
  bool hang = false;
  {
    std::lock_guard lock(mutex_);
    ++chat_requests_;
    last_body_ = request.body;
    if (LoopbackResponse failure; failures_.take(failure)) return failure;
    if (!model || !model->is_string() || !messages || !messages->is_array()) {
      return json_answer(400, error_body("give model and messages"));
    }
    std::string last_user;
    for (const json::value& message : messages->as_array()) {
      const json::object* m = message.if_object();
      const json::value* content = m ? m->if_contains("content") : nullptr;
      if (!content || !content->is_string()) continue;
      const std::string text(content->as_string());
      plan.prompt_tokens += static_cast<int64_t>(words_of(text).size());
      const json::value* role = m->if_contains("role");
      if (role && role->is_string() && role->as_string() == "user") last_user = text;
    }
    plan.model = model->as_string();
    plan.reply = reply_.empty() ? echo_reply(last_user) : reply_;
    plan.first_token_delay = first_token_delay_;
    plan.token_delay = token_delay_;
    plan.style = style_;
    if (const json::value* stream = object->if_contains("stream")) {
      streamed = stream->is_bool() && stream->as_bool();
    }
    if (const json::value* options = object->if_contains("stream_options");
        options && options->is_object()) {
      const json::value* include = options->as_object().if_contains("include_usage");
      plan.include_usage = include && include->is_bool() && include->as_bool();
    }
    if (streamed && drop_after_ >= 0) plan.drop_after = std::exchange(drop_after_, -1);
    if (streamed && hold_after_ >= 0) plan.hold_after = std::exchange(hold_after_, -1);
    if (hang_remaining_ > 0) {
      --hang_remaining_;
      hang = true;
    }
  }
  if (hang) {
    exchange.hang();
    return std::nullopt;
  }
  if (streamed) {
    stream(exchange, plan);
    return std::nullopt;
  }
  if (plan.first_token_delay.count() > 0 && !exchange.pause(plan.first_token_delay)) {
    return std::nullopt;
  }
  const int64_t completion = static_cast<int64_t>(words_of(plan.reply).size());
  json::object answer{
      {"id", "chatcmpl-test"},
      {"object", "chat.completion"},
      {"model", plan.model},
      {"choices", json::array{json::object{
                      {"index", 0},
                      {"message", json::object{{"role", "assistant"}, {"content", plan.reply}}},
                      {"finish_reason", "stop"}}}},
      {"usage", usage_of(plan.prompt_tokens, completion)}};
  return json_answer(200, json::serialize(answer));
}

// The answer as Server-Sent Events: a role chunk, a chunk per word, the finish chunk, the
// usage chunk when asked for, then [DONE].
void TestLlmServer::stream(LoopbackExchange& exchange, const Plan& plan) {
  const std::string eol = plan.style.crlf ? "\r\n" : "\n";
  auto send_event = [&](const std::string& data) {
    const std::string event = "data: " + data + eol + eol;
    if (!plan.style.split_events) return exchange.send(event);
    const size_t half = event.size() / 2;
    return exchange.send(event.substr(0, half)) && exchange.pause(std::chrono::milliseconds(2)) &&
           exchange.send(event.substr(half));
  };
  auto cut = [&] {
    std::lock_guard lock(mutex_);
    ++streams_cut_;
  };
  if (!exchange.send_head(200,
                          {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}})) {
    return cut();
  }
  if (plan.style.comments && !exchange.send(": keepalive" + eol + eol)) return cut();
  if (plan.first_token_delay.count() > 0 && !exchange.pause(plan.first_token_delay)) return;
  if (!send_event(json::serialize(
          chunk(plan.model, delta_choice(json::object{{"role", "assistant"}, {"content", ""}}))))) {
    return cut();
  }
  const std::vector<std::string> words = words_of(plan.reply);
  for (size_t i = 0; i < words.size(); ++i) {
    if (plan.drop_after >= 0 && static_cast<int>(i) >= plan.drop_after) return;  // closes
    const std::string piece = i == 0 ? words[i] : " " + words[i];
    if (!send_event(
            json::serialize(chunk(plan.model, delta_choice(json::object{{"content", piece}}))))) {
      return cut();
    }
    {
      std::lock_guard lock(mutex_);
      ++tokens_sent_;
    }
    if (static_cast<int>(i) + 1 == plan.hold_after) {
      while (true) {
        {
          std::lock_guard lock(mutex_);
          if (released_) break;
        }
        if (!exchange.pause(std::chrono::milliseconds(1))) return;
      }
    }
    if (plan.style.comments && i % 3 == 2 && !exchange.send(eol)) return cut();  // keepalive
    if (plan.token_delay.count() > 0 && !exchange.pause(plan.token_delay)) return;
  }
  if (!send_event(json::serialize(chunk(plan.model, delta_choice(json::object{}, "stop"))))) {
    return cut();
  }
  if (plan.include_usage) {
    json::object last = chunk(plan.model, json::array{});
    last["usage"] = usage_of(plan.prompt_tokens, static_cast<int64_t>(words.size()));
    if (!send_event(json::serialize(last))) return cut();
  }
  if (!send_event("[DONE]")) return cut();
  std::lock_guard lock(mutex_);
  ++streams_completed_;
}

}  // namespace parley::test
