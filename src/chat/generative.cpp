#include "chat/generative.h"

#include <algorithm>
#include <set>

#include "kb/extract/text.h"
#include "model/chat_client.h"
#include "model/prompt.h"

namespace parley {
namespace {

std::string reference_of(const PassageSource& source) {
  if (source.url) return *source.url;
  if (source.page) return "page " + std::to_string(*source.page);
  return "";
}

PromptInput prompt_input(const GenerativeRequest& request) {
  PromptInput input;
  input.instructions = request.settings.instructions;
  for (const Passage& p : request.passages) {
    // A Q&A pair reads best to the model as the question it answers and its answer.
    std::string text = p.question.empty() ? p.text : "Q: " + p.question + "\nA: " + p.text;
    input.passages.push_back({p.source.title, reference_of(p.source), std::move(text)});
  }
  for (const Turn& turn : request.history) {
    input.history.push_back({turn.speaker == Speaker::visitor ? "user" : "assistant", turn.text});
  }
  input.question = request.question;
  return input;
}

ChatPolicy policy_of(const ModelCallLimits& limits) {
  ChatPolicy policy;
  policy.http.connect_timeout_ms = std::min(3000, limits.timeout_ms);
  policy.http.timeout_ms = limits.timeout_ms;
  policy.http.max_attempts = limits.max_attempts;
  policy.http.retry_base_ms = limits.retry_base_ms;
  policy.http.retry_cap_ms = std::max(limits.retry_base_ms, 2000);
  policy.first_token_timeout_ms = limits.timeout_ms;
  policy.total_timeout_ms = limits.timeout_ms;
  return policy;
}

}  // namespace

std::vector<Citation> cited_passages(std::string_view text, const std::vector<Passage>& passages) {
  std::set<size_t> cited;
  for (size_t open = text.find('['); open != std::string_view::npos;
       open = text.find('[', open + 1)) {
    size_t n = 0;
    size_t i = open + 1;
    while (i < text.size() && i - open <= 3 && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + static_cast<size_t>(text[i] - '0');
      ++i;
    }
    if (i == open + 1 || i >= text.size() || text[i] != ']') continue;
    if (n >= 1 && n <= passages.size()) cited.insert(n);
  }
  std::vector<Citation> citations;
  for (size_t n : cited) {
    const Passage& p = passages[n - 1];
    citations.push_back({static_cast<int>(n), p.source, p.chunk_id});
  }
  return citations;
}

Result<Answer> generate_answer(const GenerativeRequest& request, const ModelCallLimits& limits,
                               CircuitBreaker& breaker, const DeltaFn& on_delta) {
  const BotSettings& settings = request.settings;
  if (!settings.model.configured()) {
    return make_error(ErrorCode::unavailable, "the bot has no model endpoint");
  }
  PromptBudget budget;
  const Prompt prompt = build_grounded_prompt(prompt_input(request), budget);
  ChatRequest chat_request;
  chat_request.messages = prompt.messages;
  chat_request.temperature = settings.temperature;
  chat_request.max_tokens = settings.max_tokens;
  ChatClient client(settings.model, policy_of(limits), &breaker);
  auto answered = on_delta ? client.stream(chat_request, on_delta) : client.complete(chat_request);
  if (!answered) return answered.error();
  if (is_blank(answered->text)) return make_error(ErrorCode::unavailable, "the model said nothing");
  Answer answer;
  answer.text = std::move(answered->text);
  answer.citations = cited_passages(answer.text, request.passages);
  return answer;
}

}  // namespace parley
