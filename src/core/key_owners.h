// The keyring owner ids of data subjects who have no account: who a sealed value belongs
// to, so that erasing the subject (destroying that key) reaches every table sealed with it.
// Used by chat (messages) and leads (submitted contact details), which share a visitor.
#pragma once

#include <string>
#include <string_view>

namespace parley {

// The key owner of a visitor: scoped by workspace, because a visitor id arrives from the
// client and the same id given to two workspaces must not share (or erase) one key.
inline std::string visitor_key_owner(std::string_view workspace_id, std::string_view visitor_id) {
  std::string owner;
  owner.reserve(workspace_id.size() + 1 + visitor_id.size());
  owner.append(workspace_id).append("/").append(visitor_id);
  return owner;
}

}  // namespace parley
