// Where an OpenAI-compatible API lives and how to authenticate to it: a bot's chat model or
// embeddings endpoint. Stored sealed in the bot's settings; read by the model clients.
#pragma once

#include <string>

namespace parley {

struct ModelEndpoint {
  std::string base_url;  // an OpenAI-compatible API, e.g. https://api.openai.com/v1
  std::string model;
  std::string api_key;  // secret: stored sealed, never shown again, never logged

  bool configured() const { return !base_url.empty() && !model.empty(); }
};

}  // namespace parley
