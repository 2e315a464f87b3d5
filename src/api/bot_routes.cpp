// /api/v1/workspaces/{ws_id}/bots: create and list a workspace's bots;
// /api/v1/bots/{bot_id}: read, update (name, language, settings) and delete one;
// /api/v1/bots/{bot_id}/public-id/rotate: a new public id for its widget.
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace {

boost::json::object bot_json(const BotView& bot) {
  return {{"id", bot.id},
          {"workspace_id", bot.workspace_id},
          {"public_id", bot.public_id},
          {"name", bot.name},
          {"language", bot.language},
          {"settings", settings_to_json(bot.settings)},
          {"created_at", iso_time(bot.created_at)},
          {"updated_at", iso_time(bot.updated_at)}};
}

Result<BotInput> bot_input_from(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  BotInput input;
  auto name = fields->optional_string("name", 200);
  if (!name) return name.error();
  auto language = fields->optional_string("language", 16);
  if (!language) return language.error();
  input.name = *name;
  input.language = *language;
  const boost::json::object& body = request.json->as_object();
  for (const auto& [key, value] : body) {
    if (key != "name" && key != "language" && key != "settings") {
      return make_error(ErrorCode::invalid_argument,
                        std::string(key) + " is not a bot field (name, language, settings)");
    }
  }
  if (const auto* settings = body.if_contains("settings"); settings && !settings->is_null()) {
    if (!settings->is_object()) {
      return make_error(ErrorCode::invalid_argument, "settings: give an object");
    }
    input.settings = settings->as_object();
  }
  return input;
}

}  // namespace

void add_bot_routes(Router& router, const ApiDeps& deps) {
  BotService& bots = deps.bots;

  router.add("POST", "/api/v1/workspaces/{ws_id}/bots",
             {Access::member("admin", "write"), BodyKind::json}, [&bots](Request& request) {
               auto input = bot_input_from(request);
               if (!input) return error_response(input.error());
               auto made = bots.create(request.principal.workspace_id, *input, actor_of(request));
               if (!made) return error_response(made.error());
               return json_response(201, bot_json(*made));
             });

  router.add("GET", "/api/v1/workspaces/{ws_id}/bots", {Access::member("viewer", "read")},
             [&bots](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page =
                   bots.list(request.principal.workspace_id, request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               boost::json::array data;
               for (const BotView& bot : page->bots) data.push_back(bot_json(bot));
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });

  router.add("GET", "/api/v1/bots/{bot_id}", {Access::member("viewer", "read")},
             [&bots](Request& request) {
               auto bot = bots.get(request.principal.workspace_id, request.param("bot_id"));
               if (!bot) return error_response(bot.error());
               return json_response(200, bot_json(*bot));
             });

  router.add("PATCH", "/api/v1/bots/{bot_id}", {Access::member("admin", "write"), BodyKind::json},
             [&bots](Request& request) {
               auto input = bot_input_from(request);
               if (!input) return error_response(input.error());
               auto bot = bots.update(request.principal.workspace_id, request.param("bot_id"),
                                      *input, actor_of(request));
               if (!bot) return error_response(bot.error());
               return json_response(200, bot_json(*bot));
             });

  // A new public id, for when the embed code reached a site it should not be on: the widget
  // stops answering the old one at once.
  router.add("POST", "/api/v1/bots/{bot_id}/public-id/rotate", {Access::member("admin", "write")},
             [&bots](Request& request) {
               auto bot = bots.rotate_public_id(request.principal.workspace_id,
                                                request.param("bot_id"), actor_of(request));
               if (!bot) return error_response(bot.error());
               return json_response(200, bot_json(*bot));
             });

  router.add("DELETE", "/api/v1/bots/{bot_id}", {Access::member("admin", "write")},
             [&bots](Request& request) {
               auto removed = bots.remove(request.principal.workspace_id, request.param("bot_id"),
                                          actor_of(request));
               if (!removed) return error_response(removed.error());
               return no_content_response();
             });
}

}  // namespace parley
