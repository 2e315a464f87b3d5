// `parley extract-worker`, the real binary as the server's sandbox runs it: a file on stdin,
// one JSON reply on stdout, and no mention in --help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::contains;
using testing::make_temp_dir;
using testing::run_command;

const std::string kBinary = PARLEY_BINARY;

class ExtractWorkerCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("extract-worker"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs the worker with `content` on stdin, as the sandbox does (there from a memfd).
  testing::ProcessResult run_worker(const std::string& name, const std::string& content,
                                    const std::string& args) {
    std::filesystem::path file = dir_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return run_command({"/bin/sh", "-c",
                        "exec '" + kBinary + "' extract-worker " + args + " < '" + file.string() +
                            "' 2>/dev/null"});
  }

  std::filesystem::path dir_;
};

TEST_F(ExtractWorkerCli, AnswersWithTheDocumentOfAnHtmlPage) {
  auto result = run_worker("page.html",
                           "<html lang=\"en\"><head><title>Help</title></head><body><nav>Menu"
                           "</nav><main><h1>Returns</h1><p>Within 30 days.</p>"
                           "<a href=\"faq\">FAQ</a></main></body></html>",
                           "--hint=page.html --base-url=https://shop.example/help/");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, R"("ok":true)")) << result.output;
  EXPECT_TRUE(contains(result.output, R"("title":"Help")")) << result.output;
  EXPECT_TRUE(contains(result.output, R"("text":"Within 30 days.")")) << result.output;
  EXPECT_TRUE(contains(result.output, "https://shop.example/help/faq")) << result.output;
  EXPECT_FALSE(contains(result.output, "Menu")) << result.output;
}

TEST_F(ExtractWorkerCli, AnswersWithTheDocumentOfAMarkdownFile) {
  auto result = run_worker("guide.md", "# Guide\n\nSome *text*.\n", "--hint=guide.md");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, R"("title":"Guide")")) << result.output;
  EXPECT_TRUE(contains(result.output, R"("text":"Some text.")")) << result.output;
}

TEST_F(ExtractWorkerCli, AFileItCannotReadIsAnErrorReplyNotAFailure) {
  auto result = run_worker("bad.txt", "garbage", "--unknown-flag");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, R"("ok":false)")) << result.output;
  EXPECT_TRUE(contains(result.output, R"("code":"invalid_argument")")) << result.output;
}

TEST_F(ExtractWorkerCli, IsHiddenFromHelp) {
  auto result = run_command({kBinary, "--help"});
  EXPECT_TRUE(contains(result.output, "serve")) << result.output;
  EXPECT_FALSE(contains(result.output, "extract-worker")) << result.output;
}

}  // namespace
}  // namespace parley
