// `parley ingest --bot BOT_ID PATH_OR_URL...`: adds files (a directory's files too) and
// websites to a bot and processes them here, with a progress bar on a terminal. Runs beside
// a running server on the same data.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace parley {

struct IngestRequest {
  std::string bot_id;
  std::vector<std::string> inputs;  // file or directory paths, or http(s) URLs
};

int run_ingest(const Config& config, const IngestRequest& request);

}  // namespace parley
