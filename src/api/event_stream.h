// A live event stream (Server-Sent Events) subscribed to one topic of the live events: the
// agents' inbox, or one conversation for its visitor. Used by the handoff and widget routes.
#pragma once

#include <string>

#include "chat/live_events.h"
#include "http/response.h"

namespace parley {

// Opens with a ": connected" comment (the client knows it is subscribed), sends a comment
// every 15 s while idle (a client that left is noticed, proxies keep the connection), and
// each event as `event: <name>` / `data: <json>`.
Response event_stream(LiveEvents& events, const std::string& topic);

}  // namespace parley
