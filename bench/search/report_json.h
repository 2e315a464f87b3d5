// Turns bench_search's per-engine reports into the one JSON object it prints.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "runner.h"

namespace parley::bench {

// with_quality: include nDCG@10, Recall@100 and MRR@10 (not in scale mode).
boost::json::object to_json(const EngineReport& report, bool with_quality);

// Indented JSON, numbers rounded to what a reader needs (4 significant decimals).
std::string pretty_json(const boost::json::value& value);

}  // namespace parley::bench
