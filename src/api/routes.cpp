#include "api/routes.h"

namespace parley {

void add_api_routes(Router& router, const ApiDeps& deps) {
  add_health_routes(router, deps.health);
  add_auth_routes(router, deps);
  add_workspace_routes(router, deps);
  add_member_routes(router, deps);
  add_key_routes(router, deps);
  add_audit_routes(router, deps);
  add_bot_routes(router, deps);
  add_source_routes(router, deps);
  add_search_routes(router, deps);
  add_chat_routes(router, deps);
  add_transcript_routes(router, deps);
  add_lead_routes(router, deps);
  add_feedback_routes(router, deps);
  add_handoff_routes(router, deps);
  add_widget_routes(router, deps);
  add_openai_routes(router, deps);
}

}  // namespace parley
