// The messages, request and answer of an OpenAI-compatible chat completion: shared by the
// chat client, its stream reader and the grounded prompt.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

struct ModelMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

struct ChatRequest {
  std::vector<ModelMessage> messages;
  double temperature = 0.2;
  int max_tokens = 512;
  // Streaming only: asks for the usage chunk at the end (stream_options.include_usage).
  bool include_usage = true;
};

struct ChatUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
};

struct ChatAnswer {
  std::string text;
  std::optional<ChatUsage> usage;  // when the server reports it
  std::string finish_reason;       // "stop", "length"..., when the server reports it
  bool cancelled = false;          // the caller stopped the stream; text is what came before
};

// Receives each text delta; false stops the stream (the visitor left).
using DeltaFn = std::function<bool(std::string_view delta)>;

}  // namespace parley
