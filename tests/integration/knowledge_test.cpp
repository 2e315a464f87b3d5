// Knowledge sources through the real binary on a real socket, as a script with an API key
// sees them: bots, uploads of every file type (extracted in the sandboxed child), texts,
// Q&A pairs, a 5,000-line import, hostile and oversized files, deleting a source, a website
// on loopback crawled and re-synced, `parley ingest`.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/served_workspace.h"
#include "tests/support/sample_files.h"
#include "tests/support/test_site.h"
#include "tests/support/workspace_bootstrap.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::contains;
using testing::HttpConnection;
using testing::HttpResponse;
using testing::make_temp_dir;
using testing::ParleyServer;
using testing::parse_json;
using testing::run_command;
using testing::text_of;

const std::string kBinary = PARLEY_BINARY;

std::string multipart_body(const std::string& boundary, const std::string& filename,
                           const std::string& bytes) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
         filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--" +
         boundary + "--\r\n";
}

class Knowledge : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
  }
  std::map<std::string, std::string> extra_env() const override {
    return {{"PARLEY_KB_MAX_UPLOAD_BYTES", std::to_string(8 * 1024 * 1024)},
            {"PARLEY_KB_EXTRACT_MAX_UNCOMPRESSED_MB", "16"},
            {"PARLEY_CRAWL_ALLOW_PRIVATE", "127.0.0.0/8"},  // the test site is on loopback
            {"PARLEY_CRAWL_PER_HOST_DELAY_MS", "0"}};
  }

  HttpResponse upload(const std::string& filename, const std::string& bytes) {
    const std::string boundary = "parleytestboundary7f3a";
    return call("POST", sources_path(), multipart_body(boundary, filename, bytes),
                "multipart/form-data; boundary=" + boundary);
  }

  std::string sources_path() const { return "/api/v1/bots/" + bot_ + "/sources"; }

  // Polls the source until its processing is over: ready or failed.
  json::object finished(const std::string& source_id) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < give_up) {
      auto got = call("GET", sources_path() + "/" + source_id);
      json::value source = parse_json(got.body);
      std::string status = text_of(source, "status");
      if (status == "ready" || status == "failed") return source.as_object();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "source " << source_id << " never finished";
    return {};
  }

  json::object added_and_finished(const HttpResponse& added) {
    EXPECT_EQ(added.status, 201) << added.body;
    return finished(text_of(parse_json(added.body), "id"));
  }

  // Every chunk text of a source, joined, and the chunks themselves.
  json::array chunks_of(const std::string& source_id) {
    auto got = call("GET", "/api/v1/bots/" + bot_ + "/chunks?limit=100&source_id=" + source_id);
    EXPECT_EQ(got.status, 200) << got.body;
    json::value page = parse_json(got.body);
    return page.is_object() ? page.as_object().at("data").as_array() : json::array{};
  }
  std::string all_text(const std::string& source_id) {
    std::string all;
    for (const json::value& chunk : chunks_of(source_id)) all += text_of(chunk, "text") + "\n";
    return all;
  }

  std::string bot_;
};

TEST_F(Knowledge, EveryFileTypeBecomesChunksWithItsText) {
  struct Case {
    std::string filename;
    std::string bytes;
    std::string file_type;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"manual.pdf",
       test::make_pdf({"Refunds are paid within 14 days.", "Shipping takes three days."}), "pdf",
       "Shipping takes three days"},
      {"guide.docx", test::make_docx({{"Returns", 1}, {"Bring the receipt to any store."}}), "docx",
       "Bring the receipt to any store"},
      {"prices.xlsx", test::make_xlsx({{"Prices", {{"Plan", "Price"}, {"Pro", "49"}}}}), "xlsx",
       "Pro"},
      {"faq.csv", "question,answer\nHow do I reset my password?,Use the reset link.\n", "csv",
       "Use the reset link"},
      {"page.html",
       "<html><head><title>Opening hours</title></head><body><nav>Home | Shop</nav><main>"
       "<h1>Opening hours</h1><p>We open at nine every weekday.</p></main></body></html>",
       "html", "We open at nine every weekday"},
      {"notes.md", "# Warranty\n\nEvery device has a two-year warranty.\n", "markdown",
       "two-year warranty"},
      {"readme.txt", "Plain words about the loyalty program.\n", "text", "loyalty program"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.filename);
    json::object source = added_and_finished(upload(c.filename, c.bytes));
    EXPECT_EQ(text_of(source, "status"), "ready") << json::serialize(source);
    EXPECT_EQ(text_of(source, "file_type"), c.file_type);
    EXPECT_EQ(text_of(source, "title"), c.filename);
    EXPECT_GT(source.at("chunk_count").as_int64(), 0);
    EXPECT_TRUE(contains(all_text(text_of(source, "id")), c.expected))
        << all_text(text_of(source, "id"));
  }
}

TEST_F(Knowledge, PdfChunksKeepTheirPageNumbers) {
  json::object source = added_and_finished(
      upload("two.pdf", test::make_pdf({"Alpha page words.", "Bravo page words."})));
  ASSERT_EQ(text_of(source, "status"), "ready") << json::serialize(source);
  EXPECT_EQ(source.at("page_count").as_int64(), 2);
  bool saw_second_page = false;
  for (const json::value& chunk : chunks_of(text_of(source, "id"))) {
    if (contains(text_of(chunk, "text"), "Bravo")) {
      EXPECT_EQ(chunk.as_object().at("page").as_int64(), 2);
      saw_second_page = true;
    }
  }
  EXPECT_TRUE(saw_second_page);
}

TEST_F(Knowledge, TextsAndQaPairsAreAnswerable) {
  json::object text = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"text","title":"Delivery","text":"## Abroad\nWe ship to 40 countries.","url":"https://shop.example.com/delivery","external_id":"kb-7"})"));
  EXPECT_EQ(text_of(text, "status"), "ready");
  EXPECT_EQ(text_of(text, "external_id"), "kb-7");
  json::array chunks = chunks_of(text_of(text, "id"));
  ASSERT_FALSE(chunks.empty());
  EXPECT_EQ(text_of(chunks[0], "title"), "Delivery");
  EXPECT_EQ(text_of(chunks[0], "url"), "https://shop.example.com/delivery");

  json::object qa = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"qa","question":"Do you ship abroad?","answer":"Yes, to 40 countries.","alternatives":["International shipping?"]})"));
  EXPECT_EQ(text_of(qa, "status"), "ready");
  json::array qa_chunks = chunks_of(text_of(qa, "id"));
  ASSERT_EQ(qa_chunks.size(), 1u);
  EXPECT_EQ(text_of(qa_chunks[0], "type"), "qa");
  EXPECT_EQ(text_of(qa_chunks[0], "question"), "Do you ship abroad?");
  EXPECT_EQ(text_of(qa_chunks[0], "text"), "Yes, to 40 countries.");
}

TEST_F(Knowledge, HostileAndBrokenFilesFailCleanlyWhileTheServerServes) {
  std::string pdf = test::make_pdf({"Some text that will be cut off."});
  json::object truncated = added_and_finished(upload("cut.pdf", pdf.substr(0, pdf.size() / 2)));
  EXPECT_EQ(text_of(truncated, "status"), "failed");
  EXPECT_FALSE(text_of(truncated, "error").empty());

  json::object bomb = added_and_finished(
      upload("bomb.docx", test::make_zip_bomb_docx(int64_t{200} << 20, /*understate_size=*/true)));
  EXPECT_EQ(text_of(bomb, "status"), "failed");
  EXPECT_FALSE(text_of(bomb, "error").empty()) << json::serialize(bomb);

  auto binary = upload("notes.txt", test::make_png(64, 64));
  EXPECT_EQ(binary.status, 415) << binary.body;
  EXPECT_TRUE(contains(binary.body, "not a type Parley reads")) << binary.body;

  // 200 MB announced: refused from the headers, before the body is read.
  HttpConnection connection(server_->port());
  ASSERT_TRUE(connection.send_raw(
      "POST " + sources_path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key_ +
      "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 209715200\r\n\r\n" +
      std::string(64 * 1024, 'x')));
  auto refused = connection.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413) << refused->body;

  // The server kept serving: a good file after all of that is processed.
  json::object good = added_and_finished(upload("ok.md", "# Fine\n\nStill working.\n"));
  EXPECT_EQ(text_of(good, "status"), "ready");
  auto list = call("GET", sources_path());
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(parse_json(list.body).as_object().at("data").as_array().size(), 3u) << list.body;
}

TEST_F(Knowledge, AFiveThousandLineImportCompletes) {
  std::string lines;
  for (int i = 0; i < 5000; ++i) {
    if (i % 2 == 0) {
      lines += R"({"type":"text","external_id":"art-)" + std::to_string(i) +
               R"(","title":"Article )" + std::to_string(i) + R"(","text":"Body of article )" +
               std::to_string(i) + R"( about topic )" + std::to_string(i % 97) + ".\"}\n";
    } else {
      lines += R"({"type":"qa","external_id":"qa-)" + std::to_string(i) +
               R"(","question":"What is item )" + std::to_string(i) + R"(?","answer":"Item )" +
               std::to_string(i) + " is a thing.\"}\n";
    }
  }
  auto imported = call("POST", sources_path() + "/bulk", lines, "application/x-ndjson");
  ASSERT_EQ(imported.status, 201) << imported.body.substr(0, 500);
  EXPECT_EQ(parse_json(imported.body).as_object().at("created").as_int64(), 5000);

  // Every one is processed; the last queued is a fair witness for the rest.
  json::array items = parse_json(imported.body).as_object().at("data").as_array();
  EXPECT_EQ(text_of(finished(text_of(items.back(), "id")), "status"), "ready");
  int ready = 0;
  std::string cursor;
  do {
    auto page =
        call("GET", sources_path() + "?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor));
    json::value body = parse_json(page.body);
    for (const json::value& source : body.as_object().at("data").as_array()) {
      std::string status = text_of(source, "status");
      if (status != "ready") status = text_of(finished(text_of(source, "id")), "status");
      ready += status == "ready";
    }
    cursor = text_of(body, "next_cursor");
  } while (!cursor.empty());
  EXPECT_EQ(ready, 5000);
}

TEST_F(Knowledge, DeletingASourceRemovesItsChunksAtOnce) {
  json::object source =
      added_and_finished(upload("policy.md", "# Policy\n\nThe secret word is marmalade.\n"));
  const std::string id = text_of(source, "id");
  ASSERT_FALSE(chunks_of(id).empty());
  EXPECT_EQ(call("DELETE", sources_path() + "/" + id).status, 204);
  EXPECT_EQ(call("GET", sources_path() + "/" + id).status, 404);
  auto all = call("GET", "/api/v1/bots/" + bot_ + "/chunks");
  EXPECT_FALSE(contains(all.body, "marmalade")) << all.body;
}

TEST_F(Knowledge, IngestCommandAddsFilesAndDirectoriesBesideTheServer) {
  std::filesystem::path docs = dir_ / "docs";
  std::filesystem::create_directories(docs / "nested");
  {
    std::ofstream(docs / "hours.md") << "# Hours\n\nOpen from nine to five.\n";
    std::ofstream(docs / "nested" / "faq.csv") << "question,answer\nDo you deliver?,Yes.\n";
    std::ofstream(dir_ / "broken.pdf") << "%PDF-1.4 not really";
  }
  auto run = run_command({kBinary, "ingest", "--data", data().string(), "--bot", bot_,
                          docs.string(), (dir_ / "broken.pdf").string()},
                         env());
  EXPECT_EQ(run.exit_code, 1) << run.output;  // one source failed, and says so
  EXPECT_TRUE(contains(run.output, "ready")) << run.output;
  EXPECT_TRUE(contains(run.output, "hours.md")) << run.output;
  EXPECT_TRUE(contains(run.output, "faq.csv")) << run.output;
  EXPECT_TRUE(contains(run.output, "failed")) << run.output;

  // The server sees what the command added, already processed.
  auto list = call("GET", sources_path());
  json::array sources = parse_json(list.body).as_object().at("data").as_array();
  ASSERT_EQ(sources.size(), 3u) << list.body;
  int ready = 0;
  for (const json::value& source : sources) ready += text_of(source, "status") == "ready";
  EXPECT_EQ(ready, 2) << list.body;
}

TEST_F(Knowledge, AWebsiteIsCrawledThenResyncedForWhatChanged) {
  test::TestSite site;
  site.set("/robots.txt", test::response(200, "text/plain", "User-agent: *\nDisallow: /private\n"));
  site.set_page("/", test::html_page("Home", "Welcome to the shop of sturdy umbrellas.",
                                     {"/returns", "/delivery", "/private"}));
  site.set_page("/returns", test::html_page("Returns", "Umbrellas may be returned for 30 days."));
  site.set_page("/delivery", test::html_page("Delivery", "Parcels arrive within two days."));
  site.set_page("/private", test::html_page("Private", "Staff only: the safe code is 4711."));

  json::object crawled = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"url","url":")" + site.url("/") + R"(","crawl":{"max_pages":20,"max_depth":2}})"));
  ASSERT_EQ(text_of(crawled, "status"), "ready") << json::serialize(crawled);
  const std::string id = text_of(crawled, "id");
  EXPECT_EQ(crawled.at("page_count").as_int64(), 3);
  std::string text = all_text(id);
  EXPECT_TRUE(contains(text, "returned for 30 days")) << text;
  EXPECT_TRUE(contains(text, "within two days")) << text;
  EXPECT_FALSE(contains(text, "safe code")) << text;
  EXPECT_EQ(site.count("/private"), 0) << "robots.txt forbids it";
  bool cited = false;
  for (const json::value& chunk : chunks_of(id)) {
    cited |= text_of(chunk, "url") == site.url("/returns");
  }
  EXPECT_TRUE(cited) << "chunks carry their page's URL for citations";

  // One page changes, one disappears; the rest is asked for with its ETag and unchanged.
  site.set_page("/delivery", test::html_page("Delivery", "Parcels now arrive the next day."));
  site.remove("/returns");
  site.clear_requests();
  auto resync = call("POST", sources_path() + "/" + id + "/resync");
  ASSERT_EQ(resync.status, 202) << resync.body;
  json::object resynced = finished(id);
  ASSERT_EQ(text_of(resynced, "status"), "ready") << json::serialize(resynced);
  EXPECT_EQ(resynced.at("page_count").as_int64(), 2);
  text = all_text(id);
  EXPECT_TRUE(contains(text, "the next day")) << text;
  EXPECT_FALSE(contains(text, "within two days")) << text;
  EXPECT_FALSE(contains(text, "returned for 30 days")) << text;
  EXPECT_EQ(site.count("/", 304), 1) << "the unchanged home page answered 304";
}

// Without crawl.allow_private, a loopback URL (here the server's own /metrics, standing for
// an internal service someone wants read) is refused before any request is made.
TEST_F(Knowledge, AWebsiteOnAPrivateAddressIsRefusedWithoutTheAllowList) {
  server_.reset();
  auto env_without = env();
  env_without.erase("PARLEY_CRAWL_ALLOW_PRIVATE");
  server_ = std::make_unique<ParleyServer>(data(), std::vector<std::string>{}, env_without);
  ASSERT_TRUE(server_->started()) << server_->output_so_far();
  const std::string target = "http://127.0.0.1:" + std::to_string(server_->port()) + "/metrics";
  json::object refused = added_and_finished(
      call("POST", sources_path(), R"({"type":"url","url":")" + target + R"("})"));
  EXPECT_EQ(text_of(refused, "status"), "failed");
  EXPECT_TRUE(contains(text_of(refused, "error"), "127.0.0.1")) << json::serialize(refused);
  EXPECT_EQ(refused.at("chunk_count").as_int64(), 0);
}

TEST_F(Knowledge, SearchFindsPassagesAndForgetsADeletedSourceAtOnce) {
  json::object refunds = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"text","title":"Refund policy","text":"A refund is paid within 14 days of the return.","url":"https://shop.example.com/refunds","external_id":"kb-1"})"));
  json::object codes = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"text","title":"Error codes","text":"Error E-1042 means the card was declined."})"));
  ASSERT_EQ(text_of(refunds, "status"), "ready");
  ASSERT_EQ(text_of(codes, "status"), "ready");
  const std::string search = "/api/v1/bots/" + bot_ + "/search";

  auto found = call("POST", search, R"({"query":"how are refunds paid?","limit":5})");
  ASSERT_EQ(found.status, 200) << found.body;
  json::array results = parse_json(found.body).as_object().at("results").as_array();
  ASSERT_FALSE(results.empty()) << found.body;
  const json::object& best = results[0].as_object();
  EXPECT_TRUE(contains(text_of(best, "text"), "within 14 days")) << found.body;
  EXPECT_EQ(text_of(best.at("source"), "id"), text_of(refunds, "id"));
  EXPECT_EQ(text_of(best.at("source"), "external_id"), "kb-1");
  EXPECT_EQ(text_of(best.at("source"), "url"), "https://shop.example.com/refunds");
  EXPECT_FALSE(best.at("highlights").as_array().empty());

  auto code = call("POST", search, R"({"query":"E-1042"})");
  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_TRUE(contains(code.body, "declined")) << code.body;

  EXPECT_EQ(call("POST", search, R"({"query":"refund","limit":101})").status, 400);
  EXPECT_EQ(call("POST", search, R"({"query":""})").status, 200);

  ASSERT_EQ(call("DELETE", sources_path() + "/" + text_of(refunds, "id")).status, 204);
  auto after = call("POST", search, R"({"query":"refund paid within 14 days"})");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(contains(after.body, "within 14 days")) << after.body;
}

TEST_F(Knowledge, SynonymsSetOnTheBotApplyToSearchAndIndexMemoryIsInMetrics) {
  json::object returns = added_and_finished(call(
      "POST", sources_path(),
      R"({"type":"text","title":"Returns","text":"We give your money back within 14 days."})"));
  ASSERT_EQ(text_of(returns, "status"), "ready");
  const std::string search = "/api/v1/bots/" + bot_ + "/search";
  auto before = call("POST", search, R"({"query":"reimbursement"})");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_FALSE(contains(before.body, "money back")) << before.body;

  auto changed = call("PATCH", "/api/v1/bots/" + bot_,
                      R"({"settings":{"synonyms":[["reimbursement","money back"]]}})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto after = call("POST", search, R"({"query":"reimbursement"})");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_TRUE(contains(after.body, "money back")) << after.body;
  EXPECT_EQ(call("PATCH", "/api/v1/bots/" + bot_, R"({"settings":{"synonyms":[["alone"]]}})").status,
            400);

  auto metrics = testing::http_request(server_->port(), "GET", "/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_TRUE(contains(metrics->body, "parley_search_index_bytes{bot_id=\"" + bot_ + "\"} "))
      << metrics->body;
  EXPECT_TRUE(contains(metrics->body, "parley_search_memory_cap_bytes ")) << metrics->body;
}

}  // namespace
}  // namespace parley
