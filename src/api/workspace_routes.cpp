// /api/v1/workspaces: create and list one's own workspaces, read, rename and delete one;
// /api/v1/admin/workspaces: every workspace, for the platform operator.
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace {

boost::json::object workspace_json(const WorkspaceView& workspace, std::string_view role) {
  boost::json::object out{{"id", workspace.id},
                          {"name", workspace.name},
                          {"created_at", iso_time(workspace.created_at)}};
  if (!role.empty()) out["role"] = role;  // the caller's; API keys have none
  return out;
}

Result<std::string> name_from(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  return fields->required_string("name", 200);
}

}  // namespace

void add_workspace_routes(Router& router, const ApiDeps& deps) {
  WorkspaceService& workspaces = deps.workspaces;

  router.add("POST", "/api/v1/workspaces", {Access::signed_in(), BodyKind::json},
             [&workspaces](Request& request) {
               auto name = name_from(request);
               if (!name) return error_response(name.error());
               auto made = workspaces.create(request.principal.user_id, *name, request.remote_ip);
               if (!made) return error_response(made.error());
               return json_response(201, workspace_json(*made, "owner"));
             });

  router.add("GET", "/api/v1/workspaces", {Access::signed_in()}, [&workspaces](Request& request) {
    auto mine = workspaces.list_for_user(request.principal.user_id);
    if (!mine) return error_response(mine.error());
    boost::json::array data;
    for (const auto& entry : *mine) data.push_back(workspace_json(entry.workspace, entry.role));
    return json_response(200, list_page(std::move(data), std::nullopt));
  });

  router.add("GET", "/api/v1/workspaces/{ws_id}", {Access::member("viewer", "read")},
             [&workspaces](Request& request) {
               auto workspace = workspaces.get(request.principal.workspace_id);
               if (!workspace) return error_response(workspace.error());
               return json_response(200, workspace_json(*workspace, request.principal.role));
             });

  router.add("PATCH", "/api/v1/workspaces/{ws_id}",
             {Access::member("admin", "admin"), BodyKind::json}, [&workspaces](Request& request) {
               auto name = name_from(request);
               if (!name) return error_response(name.error());
               auto renamed =
                   workspaces.rename(request.principal.workspace_id, *name, actor_of(request));
               if (!renamed) return error_response(renamed.error());
               return json_response(200, workspace_json(*renamed, request.principal.role));
             });

  router.add("DELETE", "/api/v1/workspaces/{ws_id}", {Access::member("owner", "")},
             [&workspaces](Request& request) {
               auto removed = workspaces.remove(request.principal.workspace_id, actor_of(request));
               if (!removed) return error_response(removed.error());
               return no_content_response();
             });

  router.add("GET", "/api/v1/admin/workspaces", {Access::platform_operator()},
             [&workspaces](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page = workspaces.list_all(request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               boost::json::array data;
               for (const auto& workspace : page->workspaces) {
                 data.push_back(boost::json::object{
                     {"id", workspace.id}, {"created_at", iso_time(workspace.created_at)}});
               }
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });
}

}  // namespace parley
