#include "tests/support/workspace_bootstrap.h"

#include <sstream>

#include "tests/support/json_fields.h"

namespace parley::testing {

BootstrappedWorkspace bootstrap_workspace(const std::filesystem::path& data_dir,
                                          const std::map<std::string, std::string>& env,
                                          const std::string& binary) {
  BootstrappedWorkspace out;
  out.process =
      run_command({binary.empty() ? std::string(PARLEY_BINARY) : binary, "admin", "bootstrap",
                   "--data", data_dir.string(), "--email", "owner@example.com", "--password",
                   "correct horse battery staple", "--workspace", "Acme"},
                  env);
  std::istringstream lines(out.process.output);
  for (std::string line; std::getline(lines, line);) {
    if (contains(line, "\"api_key\"")) {
      out.api_key = text_of(parse_json(line), "api_key");
      out.workspace_id = text_of(parse_json(line), "workspace_id");
    }
  }
  return out;
}

}  // namespace parley::testing
