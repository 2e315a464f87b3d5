// A file or web page reduced to its text and structure: what extraction produces and
// chunking consumes. Plain values, so it crosses the extraction child's pipe as JSON.
#pragma once

#include <string>
#include <vector>

namespace parley {

enum class BlockKind { heading, paragraph, list_item, table, code };

// One structural unit of a document, in reading order.
struct Block {
  BlockKind kind = BlockKind::paragraph;
  int level = 0;     // heading: 1..6; list_item: nesting depth from 1; otherwise 0
  std::string text;  // UTF-8, whitespace collapsed; a table is one line per row, "a | b | c"
  int page = 0;      // 1-based page of a paged format (PDF); 0 when the format has no pages
};

// A question/answer pair, from a two-column CSV (or a Q&A source typed in by hand).
struct QaPair {
  std::string question;
  std::string answer;
  std::vector<std::string> alternatives;  // other phrasings of the question
};

struct Document {
  std::string title;          // <title>, first heading, PDF/DOCX metadata title, or empty
  std::string language;       // declared language (HTML lang, DOCX), e.g. "en"; may be empty
  std::string canonical_url;  // HTML <link rel="canonical">, resolved; empty otherwise
  std::vector<Block> blocks;
  std::vector<QaPair> qa_pairs;    // a Q&A CSV yields pairs and no blocks
  std::vector<std::string> links;  // HTML: absolute http(s) hrefs in document order, no
                                   // fragments, deduplicated; empty for other formats
  bool noindex = false;            // HTML <meta name="robots" content="noindex">
  bool nofollow = false;           // HTML <meta name="robots" content="nofollow">
  int page_count = 0;              // PDF pages, XLSX sheets; 0 when not paged
};

}  // namespace parley
