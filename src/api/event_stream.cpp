#include "api/event_stream.h"

#include "http/response_stream.h"

namespace parley {
namespace {

constexpr int kKeepaliveMs = 15000;

std::string sse_event(const LiveEvent& event) {
  return "event: " + event.name + "\ndata: " + event.json + "\n\n";
}

}  // namespace

Response event_stream(LiveEvents& events, const std::string& topic) {
  Response response =
      streamed_response("text/event-stream", nullptr, kKeepaliveMs, ": keepalive\n\n");
  std::shared_ptr<ResponseStream> stream = response.stream;
  stream->write(": connected\n\n");
  events.subscribe(
      topic, [stream](const LiveEvent& event) { return stream->write(sse_event(event)); },
      [stream] { return !stream->gone(); });
  return response;
}

}  // namespace parley
