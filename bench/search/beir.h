// A BEIR-layout dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv) loaded into memory,
// for bench_search: the same documents and judged queries are fed to every engine.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace parley::bench {

struct BeirDoc {
  std::string id;
  std::string title;
  std::string text;
};

struct BeirQuery {
  std::string id;
  std::string text;
};

// query id -> (document id -> graded relevance); grades <= 0 count as not relevant.
using Qrels = std::map<std::string, std::map<std::string, int>>;

struct BeirDataset {
  std::vector<BeirDoc> corpus;
  std::vector<BeirQuery> queries;  // only the queries that qrels/test.tsv judges
  Qrels qrels;
};

// Throws std::runtime_error naming the file and line when the layout or a line is wrong.
BeirDataset load_beir(const std::string& dir);

// Bytes of text an engine indexes for the document (title and text), for MB/s and
// memory ratios.
size_t raw_text_bytes(const std::vector<BeirDoc>& docs);

}  // namespace parley::bench
