// Every route says who may call it, and says it consistently: a workspace's routes are
// member routes, routes in the key's own workspace name none, and a route is public only
// if it is on the short list below. A new route that forgets either fails here (and one
// with no Access at all does not compile).
#include <gtest/gtest.h>

#include <set>

#include "api/auth.h"
#include "api/full_router.h"

namespace parley {
namespace {

TEST(RouteAccess, EveryRouteDeclaresAConsistentAccess) {
  FullRouter router;

  // Public on purpose: health and metrics, and the steps before one has a session.
  const std::set<std::string> public_routes = {
      "GET /healthz",
      "GET /readyz",
      "GET /metrics",
      "POST /api/v1/auth/signup",
      "POST /api/v1/auth/verify-email",
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/password-reset",
      "POST /api/v1/auth/password-reset/confirm",
      "POST /api/v1/auth/email/confirm",
  };
  // The chat widget's routes are public too: pages of any visitor call them, with neither
  // key nor cookie. Their own gate (api/widget_routes.cpp) lets a request through only when
  // {public_id} names a bot and the page's Origin is one of its allowed origins, and the
  // widget service takes a conversation only from its own visitor.
  const std::string widget_prefix = "/widget/v1/{public_id}/";
  int key_routes = 0;
  for (const Route& route : router.routes()) {
    const std::string name = route.method + " " + route.pattern;
    const Access& access = route.options.access;
    if (route.pattern.rfind("/widget/", 0) == 0) {
      EXPECT_EQ(route.pattern.rfind(widget_prefix, 0), 0u) << name << " names no public id";
      EXPECT_EQ(access.kind, AuthKind::none) << name << ": the widget gate is its check";
      continue;
    }
    if (access.kind == AuthKind::none) {
      EXPECT_TRUE(public_routes.count(name)) << name << " is public but not on the list";
    }
    // A route that names a workspace, or an object a workspace owns, is a member route;
    // and a member route names one, or the authenticator could not find its workspace.
    bool names_tenant = route.pattern.find("{ws_id}") != std::string::npos;
    for (const TenantParam& tenant :
         tenant_params(router.kb->bots, router.kb->search, *router.chat)) {
      names_tenant |= route.pattern.find("{" + tenant.param + "}") != std::string::npos;
    }
    if (names_tenant) {
      EXPECT_EQ(access.kind, AuthKind::member) << name << " is a workspace's route";
      EXPECT_FALSE(access.min_role.empty()) << name;
    }
    if (access.kind == AuthKind::member) {
      EXPECT_TRUE(names_tenant) << name << " names no workspace";
    }
    // A key route acts in the key's own workspace: its path names none (or the key's
    // workspace and the path's could differ), and it says which scope it needs.
    if (access.kind == AuthKind::api_key) {
      EXPECT_FALSE(names_tenant) << name << " acts in the key's workspace but names one";
      EXPECT_FALSE(access.key_scope.empty()) << name;
      ++key_routes;
    }
    if ((access.kind == AuthKind::member || access.kind == AuthKind::api_key) &&
        !access.key_scope.empty()) {
      EXPECT_TRUE(access.key_scope == "read" || access.key_scope == "write" ||
                  access.key_scope == "chat" || access.key_scope == "admin")
          << name;
    }
    // The OpenAI-compatible API answers errors as OpenAI's clients read them.
    const bool openai = route.pattern.rfind("/v1/", 0) == 0;
    EXPECT_EQ(route.options.shape_errors != nullptr, openai) << name;
    if (openai) {
      EXPECT_EQ(access.kind, AuthKind::api_key) << name;
      EXPECT_EQ(access.key_scope, "chat") << name;
    }
  }
  EXPECT_EQ(key_routes, 3) << "GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions";
}

}  // namespace
}  // namespace parley
