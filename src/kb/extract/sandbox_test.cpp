#include "kb/extract/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kb/extract/extract_worker.h"

namespace parley {
namespace {

// When a test below runs this binary as its worker ("/proc/self/exe --act-as-extract-worker
// ARGS"), it becomes `parley extract-worker` before GoogleTest starts: the real worker code
// in a real sandboxed process, without needing the parley binary.
const bool kActingAsWorker = [] {
  std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(cmdline, arg, '\0');) args.push_back(arg);
  if (args.size() < 2 || args[1] != "--act-as-extract-worker") return false;
  std::_Exit(run_extract_worker({args.begin() + 2, args.end()}, STDIN_FILENO, STDOUT_FILENO));
}();

const std::vector<std::string> kSelfAsWorker = {"/proc/self/exe", "--act-as-extract-worker"};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;  // ASan reserves terabytes of address space: no RLIMIT_AS
#else
constexpr bool kAsan = false;
#endif

SandboxLimits limits_for_self() {
  SandboxLimits limits;
  if (kAsan) limits.memory_bytes = 0;
  return limits;
}

std::vector<std::string> shell(const std::string& script) { return {"/bin/sh", "-c", script}; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RunSandboxed, HandsTheInputToTheChildOnStdin) {
  std::string input(5 * 1024 * 1024, 'x');  // more than a pipe holds: no deadlock
  input += "end";
  auto output = run_sandboxed(shell("cat"), input, SandboxLimits{});
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(*output, input);
}

TEST(RunSandboxed, TheInputIsSeekable) {
  auto output = run_sandboxed(shell("tail -c 3"), "abcdef", SandboxLimits{});
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(*output, "def");
}

TEST(RunSandboxed, EndlessComputationHitsTheCpuLimit) {
  SandboxLimits limits;
  limits.cpu_seconds = 1;
  auto output = run_sandboxed(shell("while :; do :; done"), "", limits);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::payload_too_large);
  EXPECT_TRUE(contains(output.error().message, "took more than 1 CPU seconds"))
      << output.error().message;
}

TEST(RunSandboxed, WaitingForeverHitsTheWallClockLimit) {
  SandboxLimits limits;
  limits.wall_seconds = 1;
  auto output = run_sandboxed(shell("exec sleep 30"), "", limits);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::payload_too_large);
  EXPECT_TRUE(contains(output.error().message, "took longer than 1 seconds"))
      << output.error().message;
}

TEST(RunSandboxed, EndlessOutputHitsTheOutputCap) {
  SandboxLimits limits;
  limits.output_bytes = 1024 * 1024;
  auto output = run_sandboxed(shell("yes"), "", limits);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::payload_too_large);
  EXPECT_TRUE(contains(output.error().message, "produced more than 1 MB of text"))
      << output.error().message;
}

TEST(RunSandboxed, ACrashIsReportedAsAnUnreadableFile) {
  auto output = run_sandboxed(shell("kill -SEGV $$"), "", SandboxLimits{});
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(output.error().message, "the file could not be read (the reader crashed)");
}

TEST(RunSandboxed, AFailingOrMissingProgramIsAnInternalError) {
  auto failed = run_sandboxed(shell("exit 3"), "", SandboxLimits{});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::internal);
  EXPECT_TRUE(contains(failed.error().message, "exit status 3")) << failed.error().message;

  auto missing = run_sandboxed({"/nonexistent/parley"}, "", SandboxLimits{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::internal);
  EXPECT_TRUE(contains(missing.error().message, "could not be started"));
}

TEST(RunSandboxed, TheServersEnvironmentAndFilesDoNotReachTheChild) {
  ::setenv("PARLEY_MASTER_KEY", "secret-master-key", 1);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int leaked = ::fcntl(null_fd, F_DUPFD, 40);  // no FD_CLOEXEC: would survive exec
  ::close(null_fd);
  ASSERT_GE(leaked, 40);
  auto output = run_sandboxed(
      shell("printf '%s|' \"$PARLEY_MASTER_KEY\"; for f in /proc/$$/fd/*; do printf '%s ' "
            "\"${f##*/}\"; done"),
      "", SandboxLimits{});
  ::close(leaked);
  ::unsetenv("PARLEY_MASTER_KEY");
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(output->substr(0, 1), "|");  // the variable is empty
  EXPECT_FALSE(contains(" " + output->substr(1), " " + std::to_string(leaked) + " ")) << *output;
}

TEST(RunSandboxed, ABackgroundGrandchildDoesNotHoldTheAnswerBack) {
  SandboxLimits limits;
  limits.wall_seconds = 600;  // were the grandchild waited for, this would end in an error
  auto output = run_sandboxed(shell("sleep 600 & printf done"), "", limits);
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(*output, "done");
}

TEST(RunSandboxed, TheChildCannotWriteFiles) {
  char dir_template[] = "/tmp/parley-sandbox-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::filesystem::path file = std::filesystem::path(dir_template) / "written";
  auto output = run_sandboxed(shell("printf data > " + file.string() + " || printf refused"), "",
                              SandboxLimits{});
  // RLIMIT_FSIZE=0: the shell dies of SIGXFSZ on its first byte, or is told no.
  if (output.ok()) {
    EXPECT_EQ(*output, "refused");
  } else {
    EXPECT_EQ(output.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_TRUE(!std::filesystem::exists(file) || std::filesystem::file_size(file) == 0);
  std::filesystem::remove_all(dir_template);
}

// ---- extract_in_sandbox with stand-in workers -------------------------------------------

Result<Document> extract_with(const std::string& script, const SandboxLimits& limits = {}) {
  return extract_in_sandbox(shell(script), "input", "file.html", ExtractOptions{}, limits);
}

TEST(ExtractInSandbox, ReadsTheWorkersDocument) {
  auto doc = extract_with(
      R"(printf '%s' '{"ok":true,"document":{"title":"T","blocks":[{"kind":"heading","level":1,"text":"Hi"}]}}')");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->title, "T");
  ASSERT_EQ(doc->blocks.size(), 1u);
  EXPECT_EQ(doc->blocks[0].kind, BlockKind::heading);
}

TEST(ExtractInSandbox, PassesTheWorkersErrorOn) {
  auto doc = extract_with(
      R"(printf '%s' '{"ok":false,"code":"unsupported_media_type","message":"not a file type Parley reads"}')");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::unsupported_media);
  EXPECT_EQ(doc.error().message, "not a file type Parley reads");
}

TEST(ExtractInSandbox, AWorkerOutOfMemoryNamesTheLimit) {
  SandboxLimits limits;
  limits.memory_bytes = 300ll << 20;
  auto doc = extract_with(R"(printf '%s' '{"ok":false,"code":"out_of_memory"}')", limits);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::payload_too_large);
  EXPECT_TRUE(contains(doc.error().message, "needed more than 300 MB of memory"))
      << doc.error().message;
}

TEST(ExtractInSandbox, GarbageFromTheWorkerIsAnInternalError) {
  for (const char* script : {"printf 'not json'", "true", R"(printf '{"ok":true}')"}) {
    auto doc = extract_with(script);
    ASSERT_FALSE(doc.ok()) << script;
    EXPECT_EQ(doc.error().code, ErrorCode::internal) << script;
  }
}

TEST(ExtractInSandbox, TheWorkerGetsTheHintAndOptionsAsArguments) {
  ExtractOptions options;
  options.base_url = "https://shop.example/a b";
  options.max_zip_entries = 7;
  // $0 is the first appended argument when the worker is `sh -c SCRIPT`.
  auto output = run_sandboxed(
      [&] {
        auto argv = shell(R"(printf '%s\n' "$0" "$@")");
        for (auto& arg : extract_worker_args("faq\n.md", options)) argv.push_back(arg);
        return argv;
      }(),
      "", SandboxLimits{});
  ASSERT_TRUE(output.ok());
  EXPECT_EQ(*output,
            "--hint=faq.md\n--base-url=https://shop.example/ab\n"
            "--max-uncompressed-bytes=268435456\n--max-zip-entries=7\n");
  auto parsed = parse_extract_worker_args({"--hint=faq.md", "--max-zip-entries=7"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->filename_hint, "faq.md");
  EXPECT_EQ(parsed->options.max_zip_entries, 7);
  EXPECT_FALSE(parse_extract_worker_args({"--max-zip-entries=many"}).ok());
  EXPECT_FALSE(parse_extract_worker_args({"--unknown"}).ok());
}

// ---- the real worker code in a sandboxed process ----------------------------------------

TEST(ExtractInSandbox, TheRealWorkerExtractsHtml) {
  ExtractOptions options;
  options.base_url = "https://shop.example/help/";
  auto doc = extract_in_sandbox(
      kSelfAsWorker,
      "<!doctype html><html><head><title>Help</title></head><body><nav>Menu</nav><main>"
      "<h1>Returns</h1><p>Within 30 days.</p><a href=\"faq\">FAQ</a></main></body></html>",
      "page.html", options, limits_for_self());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->title, "Help");
  ASSERT_GE(doc->blocks.size(), 2u);
  EXPECT_EQ(doc->blocks[0].text, "Returns");
  EXPECT_EQ(doc->blocks[1].text, "Within 30 days.");
  EXPECT_EQ(doc->links, std::vector<std::string>{"https://shop.example/help/faq"});
}

TEST(ExtractInSandbox, TheRealWorkerExtractsMarkdown) {
  auto doc = extract_in_sandbox(kSelfAsWorker, "# Guide\n\nSome *text*.\n\n- one\n- two\n",
                                "guide.md", ExtractOptions{}, limits_for_self());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->title, "Guide");
  ASSERT_EQ(doc->blocks.size(), 4u);
  EXPECT_EQ(doc->blocks[1].text, "Some text.");
  EXPECT_EQ(doc->blocks[3].kind, BlockKind::list_item);
}

TEST(ExtractInSandbox, TheRealWorkerReportsRunningOutOfMemory) {
  if (kAsan) GTEST_SKIP() << "no address-space limit under AddressSanitizer";
  SandboxLimits limits;
  limits.memory_bytes = 256ll << 20;
  // Holding a file larger than the limit cannot work, and the worker says so.
  std::string big(static_cast<size_t>(limits.memory_bytes) + (16 << 20), 'a');
  auto doc = extract_in_sandbox(kSelfAsWorker, big, "big.txt", ExtractOptions{}, limits);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::payload_too_large);
  EXPECT_TRUE(contains(doc.error().message, "needed more than 256 MB of memory"))
      << doc.error().message;
}

}  // namespace
}  // namespace parley
