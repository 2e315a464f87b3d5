// The first workspace of a fresh data directory, made as an operator makes it, with
// `parley admin bootstrap`: for integration tests that then call the API with its key.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tests/support/parley_process.h"

namespace parley::testing {

struct BootstrappedWorkspace {
  ProcessResult process;  // the command's exit code and output, for failure messages
  std::string api_key;    // "" when the command printed none
  std::string workspace_id;
};

// Owner owner@example.com, password "correct horse battery staple", workspace "Acme".
// `binary`: the parley executable; empty: the one built with the tests.
BootstrappedWorkspace bootstrap_workspace(const std::filesystem::path& data_dir,
                                          const std::map<std::string, std::string>& env,
                                          const std::string& binary = {});

}  // namespace parley::testing
