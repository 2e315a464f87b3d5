// Counters of generative chat turns for /metrics: answers the bot's model gave, and turns
// that fell back to the extractive answer because the model failed (timeout, errors after
// retries, circuit open, key refused). Owned by the chat service; rendered by `parley serve`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace parley {

struct ChatModelCounters {
  std::atomic<uint64_t> answers{0};
  std::atomic<uint64_t> fallbacks{0};

  // Prometheus text format.
  void render(std::string& out) const {
    auto counter = [&out](const char* name, const char* help, uint64_t value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
             " " + std::to_string(value) + "\n";
    };
    counter("parley_chat_model_answers_total", "Chat turns answered by the bot's model.",
            answers.load());
    counter("parley_chat_model_fallbacks_total",
            "Generative chat turns answered extractively because the model failed.",
            fallbacks.load());
  }
};

}  // namespace parley
