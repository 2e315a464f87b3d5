// What an owner sends, checked before anything is stored: JSON bodies, JSON Lines imports,
// uploads and crawl options, each error naming the field (and the line).
#include "kb/source_input.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

test::DocxItem paragraph(std::string text) {
  test::DocxItem item;
  item.text = std::move(text);
  return item;
}

template <typename T>
void expect_error(const Result<T>& result, ErrorCode code, std::string_view part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(part), std::string::npos) << result.error().message;
}

TEST(SourceJson, TextQaAndUrlBodies) {
  auto text = parse_source_json(parse(
      R"({"type":"text","title":"Returns","text":"Within 30 days.","external_id":"kb-1",
          "url":"https://shop.example.com/returns"})"));
  ASSERT_TRUE(text.ok()) << text.error().message;
  const auto& t = std::get<TextInput>(*text);
  EXPECT_EQ(t.title, "Returns");
  EXPECT_EQ(t.external_id, std::optional<std::string>("kb-1"));
  EXPECT_EQ(t.url, std::optional<std::string>("https://shop.example.com/returns"));

  auto qa = parse_source_json(parse(
      R"({"type":"qa","question":"Do you ship abroad?","answer":"Yes.","alternatives":["Abroad?"]})"));
  ASSERT_TRUE(qa.ok()) << qa.error().message;
  EXPECT_EQ(std::get<QaInput>(*qa).alternatives, std::vector<std::string>{"Abroad?"});

  auto site = parse_source_json(parse(
      R"({"type":"url","url":"https://docs.example.com","crawl":{"max_pages":20,"max_depth":2,
          "sitemap":true}})"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto& w = std::get<WebsiteInput>(*site);
  EXPECT_EQ(w.max_pages, std::optional<int>(20));
  EXPECT_EQ(w.max_depth, std::optional<int>(2));
  EXPECT_EQ(w.sitemap, std::optional<std::string>(""));
}

TEST(SourceJson, ErrorsNameTheField) {
  expect_error(parse_source_json(parse(R"({"title":"x","text":"y"})")), ErrorCode::invalid_argument,
               "type");
  expect_error(parse_source_json(parse(R"({"type":"file"})")), ErrorCode::invalid_argument,
               "multipart");
  expect_error(parse_source_json(parse(R"({"type":"text","text":"y"})")),
               ErrorCode::invalid_argument, "title: this field is required");
  expect_error(parse_source_json(parse(R"({"type":"text","title":"x","text":"   "})")),
               ErrorCode::invalid_argument, "text:");
  expect_error(
      parse_source_json(parse(R"({"type":"text","title":"x","text":"y","url":"ftp://a"})")),
      ErrorCode::invalid_argument, "url:");
  expect_error(
      parse_source_json(parse(R"({"type":"text","title":"x","text":"y","external_id":""})")),
      ErrorCode::invalid_argument, "external_id:");
  expect_error(parse_source_json(parse(R"({"type":"qa","question":"Q?","answer":7})")),
               ErrorCode::invalid_argument, "answer:");
  expect_error(
      parse_source_json(parse(R"({"type":"qa","question":"Q?","answer":"A","alternatives":[1]})")),
      ErrorCode::invalid_argument, "alternatives:");
  expect_error(
      parse_source_json(parse(R"({"type":"url","url":"https://a.example","crawl":{"pages":3}})")),
      ErrorCode::invalid_argument, "crawl.pages");
  expect_error(parse_source_json(
                   parse(R"({"type":"url","url":"https://a.example","crawl":{"max_pages":-1}})")),
               ErrorCode::invalid_argument, "crawl.max_pages");
}

TEST(SourceJson, SizeLimits) {
  TextInput huge{"Big", std::string(4 * 1024 * 1024 + 1, 'a'), {}, {}};
  auto status = check_text_input(huge);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::payload_too_large);
  EXPECT_FALSE(check_text_input({std::string(501, 't'), "x", {}, {}}).ok());
  EXPECT_FALSE(check_qa_input({std::string(1001, 'q'), "a", {}, {}}).ok());
  EXPECT_FALSE(check_qa_input({"q", std::string(20001, 'a'), {}, {}}).ok());
  EXPECT_FALSE(check_qa_input({"q", "a", std::vector<std::string>(21, "alt"), {}}).ok());
  EXPECT_TRUE(check_qa_input({"q", "a", std::vector<std::string>(20, "alt"), {}}).ok());
}

TEST(BulkLines, TextAndQaLinesInOrder) {
  auto lines = parse_bulk_lines(
      "{\"type\":\"text\",\"title\":\"Hours\",\"text\":\"9 to 5.\",\"external_id\":\"h\"}\r\n"
      "\n"
      "   \n"
      "{\"question\":\"Parking?\",\"answer\":\"Behind the shop.\"}\n"
      "{\"type\":\"qa\",\"question\":\"Pets?\",\"answer\":\"Dogs "
      "welcome.\",\"external_id\":\"p\"}");
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  ASSERT_TRUE((*lines)[0].text);
  EXPECT_EQ((*lines)[0].text->title, "Hours");
  ASSERT_TRUE((*lines)[1].qa);
  EXPECT_EQ((*lines)[1].qa->question, "Parking?");
  ASSERT_TRUE((*lines)[2].qa);
  EXPECT_EQ((*lines)[2].qa->external_id, std::optional<std::string>("p"));
}

TEST(BulkLines, BadLinesAreNamedAndNothingIsTaken) {
  auto lines = parse_bulk_lines(
      "{\"title\":\"Ok\",\"text\":\"Fine.\"}\n"
      "not json\n"
      "{\"title\":\"Ok\",\"text\":\"Fine too.\"}\n"
      "{\"type\":\"qa\",\"question\":\"No answer?\"}\n"
      "{\"type\":\"url\",\"url\":\"https://a.example\"}\n");
  ASSERT_FALSE(lines.ok());
  const std::string& message = lines.error().message;
  EXPECT_EQ(lines.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(message.find("line 2: not a JSON object"), std::string::npos) << message;
  EXPECT_NE(message.find("line 4: answer"), std::string::npos) << message;
  EXPECT_NE(message.find("line 5: type"), std::string::npos) << message;
  EXPECT_EQ(message.find("line 1"), std::string::npos) << message;
  EXPECT_EQ(message.find("line 3"), std::string::npos) << message;
}

TEST(BulkLines, AtMostTenErrorsAreListed) {
  std::string jsonl;
  for (int i = 0; i < 15; ++i) jsonl += "[]\n";
  auto lines = parse_bulk_lines(jsonl);
  ASSERT_FALSE(lines.ok());
  EXPECT_NE(lines.error().message.find("line 10:"), std::string::npos);
  EXPECT_EQ(lines.error().message.find("line 11:"), std::string::npos);
  EXPECT_NE(lines.error().message.find("and 5 more bad lines"), std::string::npos)
      << lines.error().message;
}

TEST(BulkLines, EmptyImportAndRepeatedExternalIdsAreRefused) {
  expect_error(parse_bulk_lines("\n \n"), ErrorCode::invalid_argument, "nothing to import");
  expect_error(parse_bulk_lines("{\"title\":\"A\",\"text\":\"a\",\"external_id\":\"x\"}\n"
                                "{\"question\":\"B?\",\"answer\":\"b\",\"external_id\":\"x\"}\n"),
               ErrorCode::invalid_argument, "external_id \"x\" appears on more than one line");
}

TEST(FileInput, TypeComesFromTheContent) {
  KbConfig config;
  auto pdf = check_file_input({"reports/2024/prices.txt", test::make_pdf({"Prices"})}, config);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_EQ(pdf->file_type, "pdf");
  EXPECT_EQ(pdf->title, "prices.txt");  // no directories
  EXPECT_EQ(json::parse(pdf->options).at("filename"), json::value("prices.txt"));

  auto docx =
      check_file_input({"C:\\Users\\me\\guide.docx", test::make_docx({paragraph("Hi")})}, config);
  ASSERT_TRUE(docx.ok()) << docx.error().message;
  EXPECT_EQ(docx->file_type, "docx");
  EXPECT_EQ(docx->title, "guide.docx");

  auto markdown = check_file_input({"faq.md", "# FAQ\n\nAsk us."}, config);
  ASSERT_TRUE(markdown.ok());
  EXPECT_EQ(markdown->file_type, "markdown");
}

TEST(FileInput, EmptyTooLargeAndUnreadableFilesAreRefused) {
  KbConfig config;
  config.max_upload_bytes = 100;
  expect_error(check_file_input({"a.txt", ""}, config), ErrorCode::invalid_argument, "empty");
  expect_error(check_file_input({"a.txt", std::string(101, 'a')}, config),
               ErrorCode::payload_too_large, "kb.max_upload_bytes");
  EXPECT_TRUE(check_file_input({"a.txt", std::string(100, 'a')}, config).ok());
  config.max_upload_bytes = 1 << 20;
  expect_error(check_file_input({"notes.txt", test::make_png(8, 8)}, config),
               ErrorCode::unsupported_media, "notes.txt");
  expect_error(check_file_input({"bad\nname.txt", "hello"}, config), ErrorCode::invalid_argument,
               "file name");
}

TEST(WebsiteInput, OptionsAreCheckedAgainstTheConfiguration) {
  CrawlConfig config;
  config.max_pages = 50;
  config.max_depth = 4;
  auto defaults = check_website_input({"https://docs.example.com/start", {}, {}, {}}, config);
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  auto options = website_options_from(*defaults);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->url, "https://docs.example.com/start");
  EXPECT_EQ(options->max_pages, 50);  // the smaller of 100 and the configuration's
  EXPECT_EQ(options->max_depth, 3);
  EXPECT_EQ(options->sitemap, "");

  auto sitemap = check_website_input({"https://docs.example.com/start?x=1", 10, 0, ""}, config);
  ASSERT_TRUE(sitemap.ok()) << sitemap.error().message;
  EXPECT_EQ(website_options_from(*sitemap)->sitemap, "https://docs.example.com/sitemap.xml");

  expect_error(check_website_input({"https://docs.example.com", 51, {}, {}}, config),
               ErrorCode::invalid_argument, "crawl.max_pages: give 1 to 50");
  expect_error(check_website_input({"https://docs.example.com", 0, {}, {}}, config),
               ErrorCode::invalid_argument, "crawl.max_pages");
  expect_error(check_website_input({"https://docs.example.com", {}, 5, {}}, config),
               ErrorCode::invalid_argument, "crawl.max_depth");
  expect_error(check_website_input({"https://docs.example.com", {}, {}, "sitemap.xml"}, config),
               ErrorCode::invalid_argument, "crawl.sitemap");
  for (std::string bad : {"docs.example.com", "ftp://docs.example.com", "https://",
                          "https://user@docs.example.com/", "https://docs.example.com/a b\n"}) {
    expect_error(check_website_input({bad, {}, {}, {}}, config), ErrorCode::invalid_argument,
                 "url:");
  }
}

TEST(QaContent, RoundTrips) {
  QaInput pair{"Do you deliver on Sundays?", "No, Monday to Saturday.", {"Sunday delivery?"}, {}};
  auto back = qa_from_content(qa_content(pair));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->question, pair.question);
  EXPECT_EQ(back->answer, pair.answer);
  EXPECT_EQ(back->alternatives, pair.alternatives);
  EXPECT_FALSE(qa_from_content("{").ok());
}

}  // namespace
}  // namespace parley
