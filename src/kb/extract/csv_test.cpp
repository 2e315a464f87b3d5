#include "kb/extract/csv.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

std::vector<std::string> fields(const Result<std::vector<CsvRecord>>& records, size_t index) {
  return records.value().at(index).fields;
}

TEST(Csv, ParsesQuotesEscapedQuotesNewlinesAndCrlf) {
  auto records = parse_csv("a,\"b, with comma\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x,\r\n", ',');
  ASSERT_TRUE(records.ok()) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(fields(records, 0), (std::vector<std::string>{"a", "b, with comma", "say \"hi\""}));
  EXPECT_EQ(fields(records, 1), (std::vector<std::string>{"two\nlines", "x", ""}));
  EXPECT_EQ((*records)[0].line, 1);
  EXPECT_EQ((*records)[1].line, 2);
}

TEST(Csv, UnclosedQuoteNamesItsLine) {
  auto records = parse_csv("q,a\nok,fine\n\"never closed,oops\nmore\n", ',');
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(records.error().message.find("line 3"), std::string::npos) << records.error().message;
}

TEST(Csv, SniffsTheDelimiter) {
  EXPECT_EQ(sniff_csv_delimiter("name,city\nBob,Paris\n"), ',');
  EXPECT_EQ(sniff_csv_delimiter("Name;Notes\nBob;likes tea, coffee\nAnn;x, y, z\n"), ';');
  EXPECT_EQ(sniff_csv_delimiter("a\tb\tc\n1\t2\t3\n"), '\t');
  EXPECT_EQ(sniff_csv_delimiter("just one column\nof text\n"), ',');
}

TEST(Csv, QuestionAnswerHeaderGivesPairs) {
  std::string csv =
      "\"Frage\";\"Antwort\";\"Alternatives\"\r\n"
      "\"Wann öffnet ihr?\";\"Um 9 Uhr; samstags um 10.\";\"Öffnungszeiten? | Wann habt ihr "
      "offen?\"\r\n"
      "\r\n"
      "\"Gibt es \"\"Rabatt\"\"?\";\"Ja,\nfür Studierende.\";\r\n";
  auto document = extract_csv(csv);
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_TRUE(document->blocks.empty());
  ASSERT_EQ(document->qa_pairs.size(), 2u);
  EXPECT_EQ(document->qa_pairs[0].question, "Wann öffnet ihr?");
  EXPECT_EQ(document->qa_pairs[0].answer, "Um 9 Uhr; samstags um 10.");
  EXPECT_EQ(document->qa_pairs[0].alternatives,
            (std::vector<std::string>{"Öffnungszeiten?", "Wann habt ihr offen?"}));
  EXPECT_EQ(document->qa_pairs[1].question, "Gibt es \"Rabatt\"?");
  EXPECT_EQ(document->qa_pairs[1].answer, "Ja, für Studierende.");
  EXPECT_TRUE(document->qa_pairs[1].alternatives.empty());
}

TEST(Csv, QuestionAnswerHeadersInOtherLanguagesAndCase) {
  for (std::string header : {"Question,Answer", "Q,A", "pregunta,respuesta", "Réponse,Question"}) {
    auto document = extract_csv(header + "\nx,y\n");
    ASSERT_TRUE(document.ok()) << header;
    EXPECT_EQ(document->qa_pairs.size(), 1u) << header;
  }
  auto swapped = extract_csv("Answer,Question\nthe answer,the question\n");
  ASSERT_TRUE(swapped.ok());
  ASSERT_EQ(swapped->qa_pairs.size(), 1u);
  EXPECT_EQ(swapped->qa_pairs[0].question, "the question");
}

TEST(Csv, RowsThatAreNotPairsAreReportedByLine) {
  auto document = extract_csv("question,answer\nok,fine\nno answer,\n,no question\na,b,c\n");
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
  const std::string& message = document.error().message;
  EXPECT_NE(message.find("line 3 has a question but no answer"), std::string::npos) << message;
  EXPECT_NE(message.find("line 4 has an answer but no question"), std::string::npos) << message;
  EXPECT_NE(message.find("line 5 has more columns than the header"), std::string::npos) << message;
}

TEST(Csv, TwoColumnsWithoutAQaHeaderStayATable) {
  auto document = extract_csv("How do I pay?,By card.\nCan I return?,Yes.\n");
  ASSERT_TRUE(document.ok());
  EXPECT_TRUE(document->qa_pairs.empty());
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::table);
}

TEST(Csv, OtherFilesBecomeTablesWithTheHeaderOnEveryBlock) {
  std::string csv = "name,city,age\n";
  for (int i = 0; i < 120; ++i) csv += "person" + std::to_string(i) + ",Paris," + "30\n";
  csv += "\n,,\n";
  auto document = extract_csv(csv);
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 3u);  // 50 + 50 + 20 rows
  for (const auto& block : document->blocks) {
    EXPECT_EQ(block.kind, BlockKind::table);
    EXPECT_TRUE(block.text.starts_with("name | city | age\n")) << block.text;
  }
  EXPECT_EQ(std::count(document->blocks[0].text.begin(), document->blocks[0].text.end(), '\n'), 50);
  EXPECT_NE(document->blocks[0].text.find("\nperson0 | Paris | 30\n"), std::string::npos);
  EXPECT_TRUE(document->blocks[2].text.ends_with("\nperson119 | Paris | 30"));
}

TEST(Csv, EmptyFileIsAnEmptyDocument) {
  auto document = extract_csv("\n\n");
  ASSERT_TRUE(document.ok());
  EXPECT_TRUE(document->blocks.empty());
  EXPECT_TRUE(document->qa_pairs.empty());
}

}  // namespace
}  // namespace parley
