// /widget/v1/{public_id}/...: the chat widget's routes, called from the pages of the sites
// that embed a bot. Outside /api/v1 because they work another way: no key and no cookie,
// the bot named by its public id, the page's Origin checked against the bot's
// allowed_origins, and CORS answered (the dashboard's cookie routes never answer CORS).
// Public as far as the router's Access goes; the gate below is their check, in one place.
//   GET  .../config                                             what the widget shows
//   POST .../chat                                               a chat turn (JSON or SSE)
//   POST .../leads                                              the lead form
//   POST .../conversations/{conversation_id}/messages/{message_id}/feedback
//   POST .../conversations/{conversation_id}/handoff            ask for a person
//   GET  .../conversations/{conversation_id}/events?visitor_id= the agent's replies, live
// Each also answers the browser's OPTIONS preflight. The shapes are a contract
// (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/chat_turn.h"
#include "api/event_stream.h"
#include "api/feedback_json.h"
#include "api/json_fields.h"
#include "api/lead_json.h"
#include "api/routes.h"

namespace parley {
namespace json = boost::json;
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A route's own work once the gate has let the request through; `cors` is for a
// response that does not come back through the gate (a failed stream).
using WidgetHandler =
    std::function<Response(Request& request, const BotView& bot, const Headers& cors)>;

// The Origin as the browser sent it (it passed the gate, so it is a plain origin): CORS
// compares it byte for byte. The widget reads Retry-After on a 429.
Headers cors_headers(std::string_view origin) {
  return {{"Access-Control-Allow-Origin", std::string(origin)},
          {"Vary", "Origin"},
          {"Access-Control-Expose-Headers", "Retry-After, X-Request-Id"}};
}

// The gate of every widget route: the public id names a bot and the Origin is one of its
// allowed origins (WidgetService::open), or the request goes no further. Refusals carry no
// Access-Control-Allow-Origin: the page may not read them (its developer sees them in the
// browser's network panel).
Handler gated(WidgetService& widget, WidgetHandler handler) {
  return [&widget, handler = std::move(handler)](Request& request) {
    auto bot = widget.open(request.param("public_id"), request.header("origin"));
    if (!bot) {
      Response refused = error_response(bot.error());
      refused.headers.emplace_back("Vary", "Origin");
      return refused;
    }
    const Headers cors = cors_headers(request.header("origin"));
    Response response = handler(request, *bot, cors);
    response.headers.insert(response.headers.end(), cors.begin(), cors.end());
    return response;
  };
}

// A widget route and its preflight: the browser asks before a cross-site POST with a JSON
// body; the answer is cached for 10 minutes.
void add_widget_route(Router& router, WidgetService& widget, const std::string& method,
                      const std::string& path, WidgetHandler handler) {
  const std::string pattern = "/widget/v1/{public_id}" + path;
  router.add(method, pattern,
             {Access::public_route(), method == "GET" ? BodyKind::none : BodyKind::json},
             gated(widget, std::move(handler)));
  router.add("OPTIONS", pattern, {Access::public_route()},
             gated(widget, [method](Request&, const BotView&, const Headers&) {
               Response response = body_response(200, "text/plain", "");
               response.headers = {{"Access-Control-Allow-Methods", method},
                                   {"Access-Control-Allow-Headers", "Content-Type"},
                                   {"Access-Control-Max-Age", "600"}};
               return response;
             }));
}

// What the widget shows, from the settings by name: nothing else of them (instructions,
// model, keys, allowed origins) leaves the server.
json::object config_json(const BotView& bot) {
  json::object settings = settings_to_json(bot.settings);
  json::object out = {{"public_id", bot.public_id}, {"name", bot.name}, {"language", bot.language}};
  for (std::string_view shown :
       {"languages", "welcome_message", "suggested_questions", "lead_form"}) {
    out[shown] = settings.at(shown);
  }
  return out;
}

Result<std::string> visitor_of(const JsonFields& body) {
  return body.required_string("visitor_id", 64);
}

Response chat(WidgetService& widget, Request& request, const BotView& bot, const Headers& cors) {
  auto asked = chat_turn_request(request);
  if (!asked) return error_response(asked.error());
  if (asked->stream) {
    return chat_event_stream(
        [&widget, bot, input = std::move(asked->input), ip = request.remote_ip](
            const DeltaFn& on_delta) { return widget.chat(bot, input, ip, on_delta); },
        cors);
  }
  auto reply = widget.chat(bot, asked->input, request.remote_ip);
  if (!reply) return error_response(reply.error());
  return json_response(200, reply_json(*reply));
}

Response submit_lead(WidgetService& widget, Request& request, const BotView& bot) {
  auto body = JsonFields::of(request);
  if (!body) return error_response(body.error());
  if (auto s = body->only({"conversation_id", "visitor_id", "fields", "consent"}, "lead"); !s) {
    return error_response(s.error());
  }
  auto visitor = visitor_of(*body);
  if (!visitor) return error_response(visitor.error());
  auto input = lead_input_from(*body);
  if (!input) return error_response(input.error());
  auto lead = widget.submit_lead(bot, *visitor, *input, request.remote_ip);
  if (!lead) return error_response(lead.error());
  return json_response(201, lead_json(*lead));
}

Response rate(WidgetService& widget, Request& request, const BotView& bot) {
  auto body = JsonFields::of(request);
  if (!body) return error_response(body.error());
  if (auto s = body->only({"visitor_id", "rating", "comment"}, "feedback"); !s) {
    return error_response(s.error());
  }
  auto visitor = visitor_of(*body);
  if (!visitor) return error_response(visitor.error());
  auto input = feedback_input_from(*body);
  if (!input) return error_response(input.error());
  auto rated = widget.rate(bot, *visitor, request.param("conversation_id"),
                           request.param("message_id"), *input, request.remote_ip);
  if (!rated) return error_response(rated.error());
  return json_response(rated->created ? 201 : 200, feedback_json(rated->feedback));
}

// The visitor presses "talk to a person": their own conversation only.
Response request_handoff(WidgetService& widget, HandoffService& handoff, Request& request,
                         const BotView& bot) {
  auto body = JsonFields::of(request);
  if (!body) return error_response(body.error());
  if (auto s = body->only({"visitor_id"}, "handoff"); !s) return error_response(s.error());
  auto visitor = visitor_of(*body);
  if (!visitor) return error_response(visitor.error());
  const std::string_view conversation = request.param("conversation_id");
  if (Status s = widget.check_owner(bot, *visitor, conversation); !s) {
    return error_response(s.error());
  }
  auto requested = handoff.request(bot.workspace_id, conversation, *visitor);
  if (!requested) return error_response(requested.error());
  return json_response(200, conversation_json(*requested, false));
}

// The visitor's live events (an agent's replies, the state): their own conversation only.
// EventSource sends no body, so the visitor id comes in the query.
Response visitor_events(WidgetService& widget, LiveEvents& events, Request& request,
                        const BotView& bot) {
  const std::string visitor = request.query_param("visitor_id");
  const std::string_view conversation = request.param("conversation_id");
  if (Status s = widget.check_owner(bot, visitor, conversation); !s) {
    return error_response(s.error());
  }
  return event_stream(events, LiveEvents::conversation_topic(conversation));
}

}  // namespace

void add_widget_routes(Router& router, const ApiDeps& deps) {
  WidgetService& widget = deps.widget;
  HandoffService& handoff = deps.handoff;
  LiveEvents& events = deps.live_events;

  add_widget_route(router, widget, "GET", "/config",
                   [](Request&, const BotView& bot, const Headers&) {
                     return json_response(200, config_json(bot));
                   });
  add_widget_route(router, widget, "POST", "/chat",
                   [&widget](Request& request, const BotView& bot, const Headers& cors) {
                     return chat(widget, request, bot, cors);
                   });
  add_widget_route(router, widget, "POST", "/leads",
                   [&widget](Request& request, const BotView& bot, const Headers&) {
                     return submit_lead(widget, request, bot);
                   });
  add_widget_route(router, widget, "POST",
                   "/conversations/{conversation_id}/messages/{message_id}/feedback",
                   [&widget](Request& request, const BotView& bot, const Headers&) {
                     return rate(widget, request, bot);
                   });
  add_widget_route(router, widget, "POST", "/conversations/{conversation_id}/handoff",
                   [&widget, &handoff](Request& request, const BotView& bot, const Headers&) {
                     return request_handoff(widget, handoff, request, bot);
                   });
  add_widget_route(router, widget, "GET", "/conversations/{conversation_id}/events",
                   [&widget, &events](Request& request, const BotView& bot, const Headers&) {
                     return visitor_events(widget, events, request, bot);
                   });
}

}  // namespace parley
