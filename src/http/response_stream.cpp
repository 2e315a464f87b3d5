#include "http/response_stream.h"

namespace parley {

bool ResponseStream::write(std::string_view chunk) {
  {
    std::lock_guard lock(mutex_);
    if (gone_ || finished_ || replacement_) return false;
    if (pending_.size() + chunk.size() > kMaxPendingBytes) {
      gone_ = true;
      return false;
    }
    started_ = true;
    pending_.append(chunk);
  }
  wake();
  return true;
}

void ResponseStream::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
  }
  wake();
}

void ResponseStream::fail(Response response) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (!started_) replacement_ = std::move(response);
    finished_ = true;
  }
  wake();
}

bool ResponseStream::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

bool ResponseStream::gone() const {
  std::lock_guard lock(mutex_);
  return gone_;
}

void ResponseStream::on_ready(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

ResponseStream::Taken ResponseStream::take() {
  std::lock_guard lock(mutex_);
  Taken taken;
  taken.bytes.swap(pending_);
  taken.finished = finished_;
  taken.replacement = std::move(replacement_);
  replacement_.reset();
  return taken;
}

void ResponseStream::mark_gone() {
  std::lock_guard lock(mutex_);
  gone_ = true;
  wake_ = nullptr;
}

void ResponseStream::wake() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    wake = wake_;
  }
  if (wake) wake();
}

Response streamed_response(const char* content_type, ResponseStream::Producer producer,
                           int keepalive_ms, std::string keepalive_chunk) {
  Response response;
  response.content_type = content_type;
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.stream = std::make_shared<ResponseStream>(std::move(producer), keepalive_ms,
                                                     std::move(keepalive_chunk));
  return response;
}

}  // namespace parley
