#include "report_json.h"

#include <cmath>
#include <cstdio>

namespace parley::bench {
namespace {

double rounded(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

void write(const boost::json::value& value, std::string& out, int indent) {
  if (value.is_object() && value.get_object().empty()) {
    out += "{}";
  } else if (value.is_object()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.get_object()) {
      if (!first) out += ",\n";
      first = false;
      out.append(indent + 2, ' ');
      out += boost::json::serialize(boost::json::value(key));
      out += ": ";
      write(member, out, indent + 2);
    }
    out += '\n';
    out.append(indent, ' ');
    out += '}';
  } else if (value.is_double()) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", value.get_double());
    out += buffer;
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace

boost::json::object to_json(const EngineReport& r, bool with_quality) {
  boost::json::object o;
  o["setup"] = r.setup;
  o["queries"] = r.queries;
  if (with_quality) {
    o["ndcg@10"] = rounded(r.ndcg_at_10, 4);
    o["recall@100"] = rounded(r.recall_at_100, 4);
    o["mrr@10"] = rounded(r.mrr_at_10, 4);
  }
  o["p50_us"] = rounded(r.p50_us, 1);
  o["p99_us"] = rounded(r.p99_us, 1);
  o["mean_us"] = rounded(r.mean_us, 1);
  o["queries_per_second"] = rounded(r.queries_per_second, 0);
  o["documents"] = r.documents;
  o["raw_text_mb"] = rounded(r.raw_text_bytes / 1e6, 3);
  o["build_seconds"] = rounded(r.build_seconds, 3);
  o["build_mb_per_second"] = rounded(r.build_mb_per_second, 2);
  o["index_mb"] = rounded(r.index_bytes / 1e6, 3);
  o["resident_growth_mb"] = rounded(r.resident_growth_bytes / 1e6, 3);
  o["index_bytes_per_raw_byte"] =
      r.raw_text_bytes > 0 ? rounded(static_cast<double>(r.index_bytes) / r.raw_text_bytes, 3)
                           : 0.0;
  return o;
}

std::string pretty_json(const boost::json::value& value) {
  std::string out;
  write(value, out, 0);
  return out + "\n";
}

}  // namespace parley::bench
