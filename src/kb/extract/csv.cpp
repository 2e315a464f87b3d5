#include "kb/extract/csv.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "kb/extract/text.h"

namespace parley {
namespace {

constexpr size_t kSniffBytes = 64 * 1024;
constexpr size_t kSniffRecords = 20;
constexpr int64_t kMaxCells = 1'000'000;  // bounds the output of a huge export
constexpr size_t kMaxReportedRows = 5;

// The parser proper; `allow_open_quote` accepts a sample cut inside a quoted field.
Result<std::vector<CsvRecord>> parse(std::string_view text, char delimiter, bool allow_open_quote) {
  std::vector<CsvRecord> records;
  CsvRecord record{1, {}};
  std::string field;
  bool in_quotes = false, quoted = false;
  int line = 1, quote_line = 1;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    quoted = false;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(record));
    record = CsvRecord{line, {}};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && field.empty() && !quoted) {
      in_quotes = quoted = true;
      quote_line = line;
    } else if (c == delimiter) {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += c;  // a stray quote inside an unquoted field is kept as written
    }
  }
  if (in_quotes && !allow_open_quote) {
    return make_error(ErrorCode::invalid_argument,
                      "the CSV file cannot be read: the quoted field that starts on line " +
                          std::to_string(quote_line) + " is never closed");
  }
  if (!field.empty() || !record.fields.empty() || quoted) end_record();
  return records;
}

bool is_blank(const CsvRecord& record) {
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [](const std::string& f) { return normalize_whitespace(f).empty(); });
}

// "Question:" -> "question"; only ASCII letters change case, which covers the headers below.
std::string header_word(const std::string& cell) {
  std::string word = normalize_whitespace(cell);
  while (!word.empty() && (word.back() == ':' || word.back() == '?')) word.pop_back();
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

template <size_t N>
bool one_of(const std::string& word, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

constexpr std::array<std::string_view, 20> kQuestionWords = {
    "question", "questions", "q",         "frage",     "fragen",  "pregunta", "preguntas",
    "domanda",  "domande",   "pergunta",  "perguntas", "vraag",   "vragen",   "pytanie",
    "fråga",    "frågor",    "spørgsmål", "spørsmål",  "kysymys", "otázka"};
constexpr std::array<std::string_view, 22> kAnswerWords = {
    "answer",     "answers",   "a",        "antwort",    "antworten", "respuesta",
    "respuestas", "réponse",   "reponse",  "réponses",   "risposta",  "risposte",
    "resposta",   "respostas", "antwoord", "antwoorden", "odpowiedź", "odpowiedz",
    "svar",       "vastaus",   "odpověď",  "reply"};
constexpr std::array<std::string_view, 6> kAlternativeWords = {
    "alternatives", "alternative",  "alternative questions",
    "alternativen", "alternativas", "variants"};

struct QaColumns {
  size_t question = 0, answer = 0;
  std::optional<size_t> alternatives;
  size_t width = 0;
};

// Q&A only when the header says so: two named columns, and optionally alternatives.
std::optional<QaColumns> qa_columns(const CsvRecord& header) {
  QaColumns columns;
  std::optional<size_t> question, answer;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string word = header_word(header.fields[i]);
    if (word.empty()) continue;
    columns.width = i + 1;
    if (!question && one_of(word, kQuestionWords)) {
      question = i;
    } else if (!answer && one_of(word, kAnswerWords)) {
      answer = i;
    } else if (!columns.alternatives && one_of(word, kAlternativeWords)) {
      columns.alternatives = i;
    } else {
      return std::nullopt;
    }
  }
  if (!question || !answer) return std::nullopt;
  columns.question = *question;
  columns.answer = *answer;
  return columns;
}

std::string field_at(const CsvRecord& record, std::optional<size_t> index) {
  if (!index || *index >= record.fields.size()) return "";
  return normalize_whitespace(record.fields[*index]);
}

std::vector<std::string> split_alternatives(const std::string& cell) {
  std::vector<std::string> alternatives;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = std::min(cell.find('|', start), cell.size());
    std::string alternative = normalize_whitespace(cell.substr(start, end - start));
    if (!alternative.empty()) alternatives.push_back(std::move(alternative));
    start = end + 1;
  }
  return alternatives;
}

Result<Document> qa_document(const std::vector<CsvRecord>& rows, const QaColumns& columns) {
  Document document;
  std::vector<std::string> problems;
  size_t problem_count = 0;
  for (const auto& row : rows) {
    std::string question = field_at(row, columns.question);
    std::string answer = field_at(row, columns.answer);
    std::string problem;
    bool extra = std::any_of(row.fields.begin() + std::min(columns.width, row.fields.size()),
                             row.fields.end(),
                             [](const std::string& f) { return !normalize_whitespace(f).empty(); });
    if (extra) {
      problem = "has more columns than the header (a comma or semicolon outside quotes?)";
    } else if (answer.empty()) {
      problem = "has a question but no answer";
    } else if (question.empty()) {
      problem = "has an answer but no question";
    }
    if (!problem.empty()) {
      if (++problem_count <= kMaxReportedRows) {
        problems.push_back("line " + std::to_string(row.line) + " " + problem);
      }
      continue;
    }
    document.qa_pairs.push_back(QaPair{std::move(question), std::move(answer),
                                       split_alternatives(field_at(row, columns.alternatives))});
  }
  if (problem_count == 0) return document;
  std::string message = "the Q&A file has rows that cannot be read: ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i > 0 ? "; " : "") + problems[i];
  if (problem_count > problems.size()) {
    message += " (and " + std::to_string(problem_count - problems.size()) + " more)";
  }
  return make_error(ErrorCode::invalid_argument, message);
}

// Table blocks of kCsvRowsPerBlock rows, each under the header, so a chunk of the table
// still says what its columns mean.
Document table_document(const CsvRecord& header, const std::vector<CsvRecord>& rows) {
  Document document;
  std::string header_line = table_row_text(header.fields);
  int64_t cells_left = kMaxCells - static_cast<int64_t>(header.fields.size());
  std::string block;
  size_t rows_in_block = 0;
  auto flush = [&] {
    if (rows_in_block > 0 || document.blocks.empty()) {
      document.blocks.push_back(Block{BlockKind::table, 0, header_line + block, 0});
    }
    block.clear();
    rows_in_block = 0;
  };
  for (const auto& row : rows) {
    cells_left -= static_cast<int64_t>(row.fields.size());
    if (cells_left < 0) break;
    block += '\n' + table_row_text(row.fields);
    if (++rows_in_block == kCsvRowsPerBlock) flush();
  }
  flush();
  return document;
}

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text, char delimiter) {
  return parse(text, delimiter, false);
}

char sniff_csv_delimiter(std::string_view text) {
  std::string_view sample = text.substr(0, kSniffBytes);
  char best = ',';
  size_t best_consistent = 0, best_width = 1;
  for (char delimiter : {',', ';', '\t'}) {
    auto records = parse(sample, delimiter, true);
    if (!records.ok()) continue;
    std::vector<size_t> widths;
    for (const auto& record : *records) {
      if (widths.size() == kSniffRecords) break;
      if (!is_blank(record)) widths.push_back(record.fields.size());
    }
    // A sample cut mid-record says nothing about its width.
    if (sample.size() < text.size() && widths.size() > 1) widths.pop_back();
    if (widths.empty() || widths.front() < 2) continue;
    size_t consistent = std::count(widths.begin(), widths.end(), widths.front());
    if (consistent > best_consistent ||
        (consistent == best_consistent && widths.front() > best_width)) {
      best = delimiter;
      best_consistent = consistent;
      best_width = widths.front();
    }
  }
  return best;
}

Result<Document> extract_csv(std::string_view text) {
  auto records = parse_csv(text, sniff_csv_delimiter(text));
  if (!records.ok()) return records.error();
  std::erase_if(*records, [](const CsvRecord& record) { return is_blank(record); });
  if (records->empty()) return Document{};
  const CsvRecord& header = records->front();
  std::vector<CsvRecord> rows(records->begin() + 1, records->end());
  if (auto columns = qa_columns(header)) return qa_document(rows, *columns);
  return table_document(header, rows);
}

}  // namespace parley
