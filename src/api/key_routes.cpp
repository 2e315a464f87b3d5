// /api/v1/workspaces/{ws_id}/keys: a workspace's API keys. The secret is in the creation
// response only; lists show the prefix, scopes and last use.
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace {

boost::json::value optional_time(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return boost::json::value(iso_time(*ms));
}

boost::json::object key_json(const ApiKeyRow& key) {
  boost::json::array scopes;
  std::string_view rest = key.scopes;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    scopes.emplace_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  }
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"scopes", std::move(scopes)},
          {"created_by", key.created_by},
          {"created_at", iso_time(key.created_at)},
          {"expires_at", optional_time(key.expires_at)},
          {"last_used_at", optional_time(key.last_used_at)}};
}

}  // namespace

void add_key_routes(Router& router, const ApiDeps& deps) {
  ApiKeyService& keys = deps.keys;

  router.add("POST", "/api/v1/workspaces/{ws_id}/keys",
             {Access::member("admin", "admin"), BodyKind::json}, [&keys](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               NewApiKey wanted;
               auto name = fields->required_string("name", 100);
               if (!name) return error_response(name.error());
               auto scopes = fields->string_list("scopes", 4);
               if (!scopes) return error_response(scopes.error());
               auto expires_at = fields->optional_integer("expires_at");
               if (!expires_at) return error_response(expires_at.error());
               wanted.name = *name;
               wanted.scopes = *scopes;
               wanted.expires_at = *expires_at;
               auto created = keys.create(request.principal.workspace_id, wanted,
                                          request.principal.actor_id(), request.remote_ip);
               if (!created) return error_response(created.error());
               boost::json::object body = key_json(created->key);
               body["key"] = created->secret;  // shown this once; only its hash is kept
               return json_response(201, body);
             });

  router.add("GET", "/api/v1/workspaces/{ws_id}/keys", {Access::member("admin", "admin")},
             [&keys](Request& request) {
               auto all = keys.list(request.principal.workspace_id);
               if (!all) return error_response(all.error());
               boost::json::array data;
               for (const auto& key : *all) {
                 if (!key.revoked_at) data.push_back(key_json(key));
               }
               return json_response(200, list_page(std::move(data), std::nullopt));
             });

  router.add("DELETE", "/api/v1/workspaces/{ws_id}/keys/{key_id}",
             {Access::member("admin", "admin")}, [&keys](Request& request) {
               auto key_id = path_id(request, "key_id", "key");
               if (!key_id) return not_found_response();
               // Scoped by workspace: another workspace's key is "no such API key" (404).
               auto revoked = keys.revoke(request.principal.workspace_id, *key_id,
                                          request.principal.actor_id(), request.remote_ip);
               if (!revoked) return error_response(revoked.error());
               return no_content_response();
             });
}

}  // namespace parley
