#include "kb/extract/extract.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

constexpr int64_t kMegabyte = 1024 * 1024;

std::string random_bytes(size_t count) {
  std::mt19937 random(42);
  std::string bytes(count, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

TEST(DetectFileType, OfficeAndPdfFilesByContentWhateverTheirName) {
  EXPECT_EQ(detect_file_type(test::make_pdf({"x"}), "report.txt"), FileType::pdf);
  EXPECT_EQ(detect_file_type(test::make_docx({{"x"}}), "upload.bin"), FileType::docx);
  EXPECT_EQ(detect_file_type(test::make_xlsx({{"S", {{"x"}}}}), "data.csv"), FileType::xlsx);
  EXPECT_EQ(detect_file_type(test::make_zip({{"notes.txt", "x"}}), "a.docx"),
            FileType::unsupported);
}

TEST(DetectFileType, BinaryNamedAsTextIsUnsupported) {
  EXPECT_EQ(detect_file_type(test::make_png(16, 16) + random_bytes(4096), "notes.txt"),
            FileType::unsupported);
  std::string elf =
      "\x7F"
      "ELF\x02\x01\x01" +
      std::string(9, '\0') + random_bytes(2048);
  EXPECT_EQ(detect_file_type(elf, "notes.txt"), FileType::unsupported);
  EXPECT_EQ(detect_file_type(random_bytes(4096), "faq.md"), FileType::unsupported);
}

TEST(DetectFileType, NameSeparatesTextKinds) {
  EXPECT_EQ(detect_file_type("# Title\n\nSome *text*.\n", "faq.md"), FileType::markdown);
  EXPECT_EQ(detect_file_type("# Title\n\nSome *text*.\n", "dir/FAQ.Markdown"), FileType::markdown);
  EXPECT_EQ(detect_file_type("# Title\n\nSome *text*.\n", "faq.txt"), FileType::text);
  EXPECT_EQ(detect_file_type("question;answer\nHi;Hello\n", "faq.csv"), FileType::csv);
  EXPECT_EQ(detect_file_type("plain words\n", ""), FileType::text);
  EXPECT_EQ(detect_file_type("", "empty.txt"), FileType::text);
}

TEST(DetectFileType, CsvByContentWhenLibmagicKnowsIt) {
  EXPECT_EQ(detect_file_type("name,age,city\nBob,3,Paris\nAnn,4,Rome\nJo,5,Oslo\n", "upload"),
            FileType::csv);
}

TEST(DetectFileType, Html) {
  EXPECT_EQ(detect_file_type("  \n<!DOCTYPE html><html><body><p>Hi</p></body></html>", "a.txt"),
            FileType::html);
  EXPECT_EQ(detect_file_type("<HTML><p>Hi</p></HTML>", "page.md"), FileType::html);
  EXPECT_EQ(detect_file_type("<head><title>T</title></head><body>x</body>", "page"),
            FileType::html);
  // Markdown may carry tags that libmagic takes for HTML; the name decides.
  EXPECT_EQ(detect_file_type("# Doc\n\n<script>x</script>\n<div>y</div>\n", "doc.md"),
            FileType::markdown);
}

TEST(DetectFileType, LegacyEncodedTextIsText) {
  EXPECT_EQ(detect_file_type("Caf\xE9 cr\xE8me br\xFBl\xE9\x65 \x93quoted\x94\n", "menu.txt"),
            FileType::text);
}

TEST(DetectFileType, NamesAreStable) {
  EXPECT_STREQ(file_type_name(FileType::pdf), "pdf");
  EXPECT_STREQ(file_type_name(FileType::markdown), "markdown");
  EXPECT_STREQ(file_type_name(FileType::unsupported), "unsupported");
}

TEST(DetectFileType, WorksFromManyThreads) {
  std::string pdf = test::make_pdf({"x"});
  std::vector<std::thread> threads;
  std::vector<int> right(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        right[t] += detect_file_type(pdf, "") == FileType::pdf &&
                    detect_file_type("a;b\n1;2\n", "x.csv") == FileType::csv;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(right, std::vector<int>(4, 20));
}

TEST(ExtractDocument, DispatchesEveryFormat) {
  ExtractOptions options;
  auto pdf = extract_document(test::make_pdf({"Page one", "Page two"}), "a.pdf", options);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_EQ(pdf->blocks.back().page, 2);

  auto docx = extract_document(test::make_docx({{"Heading", 1}}), "a.docx", options);
  ASSERT_TRUE(docx.ok()) << docx.error().message;
  EXPECT_EQ(docx->blocks.at(0).kind, BlockKind::heading);

  auto xlsx = extract_document(test::make_xlsx({{"S", {{"a", "b"}}}}), "a.xlsx", options);
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  EXPECT_EQ(xlsx->blocks.at(0).text, "a | b");

  auto csv = extract_document("Question,Answer\nWhy?,Because.\n", "faq.csv", options);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  ASSERT_EQ(csv->qa_pairs.size(), 1u);

  auto markdown = extract_document("# Shipping\n\nWe ship.\n", "faq.md", options);
  ASSERT_TRUE(markdown.ok()) << markdown.error().message;
  ASSERT_FALSE(markdown->blocks.empty());
  EXPECT_EQ(markdown->blocks[0].kind, BlockKind::heading);

  options.base_url = "https://example.com/docs/";
  auto html = extract_document(
      "<!doctype html><html><head><title>Help</title></head><body><main><p>Hello there.</p>"
      "<a href=\"next\">next</a></main></body></html>",
      "", options);
  ASSERT_TRUE(html.ok()) << html.error().message;
  EXPECT_EQ(html->title, "Help");

  auto text = extract_document("One.\n\nTwo.\n", "notes.txt", options);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->blocks.size(), 2u);
}

TEST(ExtractDocument, LegacyEncodingBecomesUtf8) {
  auto csv = extract_document("Frage;Antwort\nGr\xF6\xDF\x65?;\x80 5\n", "faq.csv", {});
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  ASSERT_EQ(csv->qa_pairs.size(), 1u);
  EXPECT_EQ(csv->qa_pairs[0].question, "Größe?");
  EXPECT_EQ(csv->qa_pairs[0].answer, "€ 5");
}

TEST(ExtractDocument, BinaryIsUnsupportedMedia) {
  auto document = extract_document(test::make_png(8, 8) + random_bytes(512), "notes.txt", {});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::unsupported_media);
  EXPECT_NE(document.error().message.find("not a file type Parley reads"), std::string::npos);
}

TEST(ExtractDocument, LegacyOfficeFilesAreToldToSaveAsNewFormats) {
  // An OLE compound file header, as Word 97-2003 and encrypted Office files start.
  std::string ole(2048, '\0');
  ole.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  const unsigned char header[] = {0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0};
  ole.replace(24, sizeof(header), reinterpret_cast<const char*>(header), sizeof(header));
  auto document = extract_document(ole, "letter.doc", {});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::unsupported_media);
  EXPECT_NE(document.error().message.find("save the file as .docx"), std::string::npos)
      << document.error().message;
}

TEST(ExtractDocument, ZipBombHitsTheConfiguredLimit) {
  ExtractOptions options;
  options.max_uncompressed_bytes = 2 * kMegabyte;
  auto document =
      extract_document(test::make_zip_bomb_docx(16 * kMegabyte, true), "cv.docx", options);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(document.error().message.find("more than 2 MB"), std::string::npos)
      << document.error().message;
}

TEST(ExtractDocument, TruncatedPdfIsAnErrorNotACrash) {
  std::string pdf = test::make_pdf({"one", "two", "three"});
  auto document = extract_document(pdf.substr(0, pdf.size() / 2), "a.pdf", {});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace parley
