#include "beir.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parley::bench {
namespace {

std::ifstream open_or_throw(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return in;
}

std::string string_field(const boost::json::object& obj, const char* key) {
  const auto* value = obj.if_contains(key);
  if (value == nullptr || value->is_null()) return "";
  if (value->is_string()) return std::string(value->get_string());
  return boost::json::serialize(*value);  // some datasets store numeric ids
}

// Calls on_line(object) for each non-empty JSON line of the file.
template <typename F>
void for_each_json_line(const std::string& path, F on_line) {
  auto in = open_or_throw(path);
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not a JSON object");
    }
    on_line(value.get_object());
  }
}

Qrels load_qrels(const std::string& path) {
  auto in = open_or_throw(path);
  Qrels qrels;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line.rfind("query-id", 0) == 0)) continue;
    std::istringstream fields(line);
    std::string query_id, doc_id, score;
    if (!std::getline(fields, query_id, '\t') || !std::getline(fields, doc_id, '\t') ||
        !std::getline(fields, score, '\t')) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected 3 columns");
    }
    qrels[query_id][doc_id] = std::stoi(score);
  }
  return qrels;
}

}  // namespace

BeirDataset load_beir(const std::string& dir) {
  BeirDataset data;
  data.qrels = load_qrels(dir + "/qrels/test.tsv");
  for_each_json_line(dir + "/corpus.jsonl", [&](const boost::json::object& obj) {
    data.corpus.push_back(
        {string_field(obj, "_id"), string_field(obj, "title"), string_field(obj, "text")});
  });
  for_each_json_line(dir + "/queries.jsonl", [&](const boost::json::object& obj) {
    BeirQuery query{string_field(obj, "_id"), string_field(obj, "text")};
    if (data.qrels.count(query.id) != 0) data.queries.push_back(std::move(query));
  });
  if (data.corpus.empty()) throw std::runtime_error(dir + "/corpus.jsonl: no documents");
  if (data.queries.empty()) throw std::runtime_error(dir + ": no judged queries");
  return data;
}

size_t raw_text_bytes(const std::vector<BeirDoc>& docs) {
  size_t bytes = 0;
  for (const auto& doc : docs) bytes += doc.title.size() + doc.text.size();
  return bytes;
}

}  // namespace parley::bench
