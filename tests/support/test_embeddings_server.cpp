#include "tests/support/test_embeddings_server.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace parley::test {
namespace {

namespace json = boost::json;

// Words that mean the same thing to this "model", by concept.
const std::map<std::string, std::string>& synonyms() {
  static const std::map<std::string, std::string> table = {
      {"refund", "refund"},
      {"refunds", "refund"},
      {"refunded", "refund"},
      {"reimbursement", "refund"},
      {"reimbursed", "refund"},
      {"reimburse", "refund"},
      {"repayment", "refund"},
      {"car", "car"},
      {"cars", "car"},
      {"automobile", "car"},
      {"vehicle", "car"},
      {"vehicles", "car"},
      {"cancel", "cancel"},
      {"cancellation", "cancel"},
      {"terminate", "cancel"},
      {"termination", "cancel"},
      {"password", "password"},
      {"passcode", "password"},
      {"credentials", "password"},
      {"shipping", "ship"},
      {"delivery", "ship"},
      {"parcel", "ship"},
      {"parcels", "ship"},
      {"package", "ship"},
  };
  return table;
}

const std::set<std::string>& stopwords() {
  static const std::set<std::string> words = {
      "a",   "an",   "and", "are", "be", "can", "do",  "does", "for",  "get",  "how",  "i",
      "in",  "is",   "it",  "my",  "of", "on",  "the", "to",   "what", "when", "will", "with",
      "you", "your", "we",  "our", "at", "by",  "or",  "from", "this", "that"};
  return words;
}

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char ch : text) hash = (hash ^ ch) * 1099511628211ull;
  return hash;
}


}  // namespace

std::vector<float> TestEmbeddingsServer::embed(std::string_view text) {
  std::vector<float> vector(kDimensions, 0.0f);
  std::string word;
  auto add = [&] {
    if (word.empty() || stopwords().count(word)) {
      word.clear();
      return;
    }
    auto concept_of = synonyms().find(word);
    std::string concept_word = concept_of != synonyms().end() ? concept_of->second : word;
    if (concept_of == synonyms().end() && concept_word.size() > 3 && concept_word.back() == 's') {
      concept_word.pop_back();
    }
    vector[fnv1a(concept_word) % kDimensions] += 1.0f;
    word.clear();
  };
  for (char ch : text) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      add();
    }
  }
  add();
  double norm = 0;
  for (float x : vector) norm += x * x;
  if (norm == 0) {
    vector[0] = 1.0f;  // an empty text still gets a vector, as real models give one
    return vector;
  }
  for (float& x : vector) x = static_cast<float>(x / std::sqrt(norm));
  return vector;
}

TestEmbeddingsServer::TestEmbeddingsServer()
    : server_([this](const LoopbackRequest& request, LoopbackExchange& exchange) {
        return handle(request, exchange);
      }) {}

TestEmbeddingsServer::~TestEmbeddingsServer() = default;

std::string TestEmbeddingsServer::base_url() const { return server_.url("/v1"); }

void TestEmbeddingsServer::fail_next(int requests, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  failures_.fail_next(requests, status, retry_after_seconds);
}

void TestEmbeddingsServer::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

int TestEmbeddingsServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int TestEmbeddingsServer::inputs() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(received_.size());
}

int TestEmbeddingsServer::batches_of(size_t size) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count(batch_sizes_.begin(), batch_sizes_.end(), size));
}

int TestEmbeddingsServer::unauthorized() const {
  std::lock_guard lock(mutex_);
  return unauthorized_;
}

std::vector<std::string> TestEmbeddingsServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void TestEmbeddingsServer::reset_counts() {
  std::lock_guard lock(mutex_);
  requests_ = 0;
  unauthorized_ = 0;
  batch_sizes_.clear();
  received_.clear();
}

// Counts the request, waits the delay (without the lock, so that the counts stay readable),
// then answers.
std::optional<LoopbackResponse> TestEmbeddingsServer::handle(const LoopbackRequest& request,
                                                             LoopbackExchange& exchange) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex_);
    ++requests_;
    delay = delay_;
  }
  if (delay.count() > 0) exchange.pause(delay);
  return answer(request);
}

// The answer to one request, counted under the lock.
LoopbackResponse TestEmbeddingsServer::answer(const LoopbackRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST" || request.path != "/v1/embeddings") {
    return json_answer(404, error_body("unknown endpoint"));
  }
  if (request.header("authorization") != std::string("Bearer ") + kApiKey) {
    ++unauthorized_;
    return json_answer(401, error_body("invalid api key"));
  }
  if (LoopbackResponse failure; failures_.take(failure)) return failure;
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body, ec);
  const json::object* object = ec ? nullptr : parsed.if_object();
  const json::value* input = object ? object->if_contains("input") : nullptr;
  const json::value* model = object ? object->if_contains("model") : nullptr;
  if (!input || !model || !model->is_string()) {
    return json_answer(400, error_body("give model and input"));
  }
  std::vector<std::string> texts;
  if (input->is_string()) {
    texts.emplace_back(input->as_string());
  } else if (input->is_array()) {
    for (const json::value& item : input->as_array()) {
      if (!item.is_string()) return json_answer(400, error_body("input must hold strings"));
      texts.emplace_back(item.as_string());
    }
  } else {
    return json_answer(400, error_body("input must be a string or a list"));
  }
  batch_sizes_.push_back(texts.size());
  json::array data;
  // Listed last input first: clients must place vectors by their index.
  for (size_t i = texts.size(); i-- > 0;) {
    json::array numbers;
    for (float x : embed(texts[i])) numbers.emplace_back(x);
    data.emplace_back(json::object{{"object", "embedding"}, {"index", i}, {"embedding", numbers}});
  }
  for (std::string& text : texts) received_.push_back(std::move(text));
  json::object out{{"object", "list"},
                   {"data", std::move(data)},
                   {"model", model->as_string()},
                   {"usage", json::object{{"prompt_tokens", 0}, {"total_tokens", 0}}}};
  return json_answer(200, json::serialize(out));
}

}  // namespace parley::test
