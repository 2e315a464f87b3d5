// A bot as its services and routes see it: the stored row's name and settings opened.
#pragma once

#include <cstdint>
#include <string>

#include "kb/bot_settings.h"

namespace parley {

struct BotView {
  std::string id;
  std::string workspace_id;
  std::string public_id;
  std::string name;
  std::string language;
  BotSettings settings;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace parley
