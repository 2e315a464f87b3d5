// The generative answer of a chat turn: the grounded prompt (the retrieved passages
// numbered from 1, the recent turns, the question), one call to the bot's model, and
// citations for the passages its text cites as [n]. Called by the chat service, which
// answers extractively when this fails. Kept apart from chat_types.h: the model's message
// type lives here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "answer/answer_types.h"
#include "core/result.h"
#include "kb/bot_settings.h"
#include "model/chat_types.h"
#include "model/circuit_breaker.h"

namespace parley {

// How long and how often a turn may wait for the model before answering extractively.
struct ModelCallLimits {
  int timeout_ms = 20000;  // the whole call, every attempt and backoff included
  int max_attempts = 2;    // on 429, 5xx and network errors
  int retry_base_ms = 250;
};

struct GenerativeRequest {
  const BotSettings& settings;
  const std::vector<Passage>& passages;  // best first; passage i is [i + 1]
  const std::vector<Turn>& history;      // oldest first
  const std::string& question;
};

// The model's text with its citations; confidence and fallback are left to the caller.
// Fails as the chat client does (unavailable, invalid_argument), or unavailable when the
// model answered nothing.
// With `on_delta`, the answer is streamed: each piece of text goes to it as the model
// writes it (false stops the model: the visitor left, and the text so far is the answer).
Result<Answer> generate_answer(const GenerativeRequest& request, const ModelCallLimits& limits,
                               CircuitBreaker& breaker, const DeltaFn& on_delta = nullptr);

// The passages whose markers [n] appear in `text`, in the order of n, numbered as in the
// text. Markers outside 1..passages.size() are ignored.
std::vector<Citation> cited_passages(std::string_view text, const std::vector<Passage>& passages);

}  // namespace parley
