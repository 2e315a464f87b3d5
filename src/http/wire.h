// HTTP/1.1 as the server writes it: a response's bytes formatted by hand into the
// connection's buffer (Beast's generic serializer cost more per request than the
// formatting it does), the chunk framing of a streamed body, and the check of a client's
// own X-Request-Id. Called by the server only.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace parley {

// Status line, Content-Type, the response's headers, X-Request-Id, Connection, then
// Content-Length and the body (none for HEAD); for a streamed response the head only, with
// Transfer-Encoding: chunked. Replaces what `out` held.
void write_response(const Response& response, const Request& request, bool keep_alive,
                    std::string& out);

// One chunk of a chunked body, appended to `out`.
void append_chunk(std::string& out, std::string_view bytes);
// The chunk that ends a chunked body.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// A request id a client may choose: 1-64 letters, digits, '-', '_' or '.'.
bool valid_request_id(std::string_view id);

}  // namespace parley
