// /api/v1/workspaces/{ws_id}/audit: a workspace's audit entries, newest first, for its
// admins. Ids and actions only: the log holds no email, IP or name.
#include <boost/json.hpp>
#include <charconv>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"
#include "store/audit_repo.h"

namespace parley {
namespace {

// ?cursor=: the seq of the previous page's last entry; 0 (the newest) when absent.
Result<int64_t> audit_cursor(const Request& request) {
  std::string text = request.query_param("cursor");
  if (text.empty()) return int64_t{0};
  int64_t seq = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (error != std::errc() || end != text.data() + text.size() || seq < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "cursor: pass the next_cursor of the previous page");
  }
  return seq;
}

}  // namespace

void add_audit_routes(Router& router, const ApiDeps& deps) {
  Store& store = deps.accounts_context.store;

  router.add("GET", "/api/v1/workspaces/{ws_id}/audit", {Access::member("admin", "admin")},
             [&store](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto cursor = audit_cursor(request);
               if (!cursor) return error_response(cursor.error());
               // One more than asked tells whether another page follows.
               auto entries = list_audit_entries(store.db(), request.principal.workspace_id,
                                                 *cursor, *limit + 1);
               if (!entries) return error_response(entries.error());
               boost::json::array data;
               std::optional<std::string> next;
               for (size_t i = 0; i < entries->size(); ++i) {
                 const AuditEntry& entry = (*entries)[i];
                 if (i == static_cast<size_t>(*limit)) {
                   next = std::to_string((*entries)[i - 1].seq);
                   break;
                 }
                 data.push_back(boost::json::object{{"id", entry.id},
                                                    {"seq", entry.seq},
                                                    {"at", iso_time(entry.at)},
                                                    {"actor_id", entry.actor_id},
                                                    {"action", entry.action},
                                                    {"target_id", entry.target_id}});
               }
               return json_response(200, list_page(std::move(data), next));
             });
}

}  // namespace parley
