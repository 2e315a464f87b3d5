// parley_store_writer DATA_DIR [THREADS]: writes rows through a SQLite Store from many
// threads until killed, and prints each row's id on stdout once its write is acknowledged.
// tests/integration/store_crash_test.cpp kills it with SIGKILL mid-storm and checks that
// every printed id survived. Until the API has writes of its own, this is the workload.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace {

// Stops a forgotten writer eventually; the test kills it long before.
constexpr int64_t kMaxWrites = 1'000'000;

std::mutex stdout_mutex;

// One write(2) per line, under a lock: lines never interleave, and nothing waits in a
// stdio buffer when the kill comes.
void acknowledge(int64_t id) {
  const std::string line = std::to_string(id) + "\n";
  std::lock_guard lock(stdout_mutex);
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) std::_Exit(3);  // the reader is gone
    done += static_cast<size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [THREADS]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 16;
  parley::SystemClock clock;
  parley::StoreOptions options;
  options.data_dir = argv[1];
  auto store = parley::Store::open(options, clock);
  if (!store) {
    std::fprintf(stderr, "store_writer: %s\n", store.error().message.c_str());
    return 1;
  }
  parley::Database& db = (*store)->db();
  // Its own table, outside the production migrations (which the data-map test checks).
  int64_t first_id = 1;
  auto setup = db.write([&](parley::Tx& tx) -> parley::Status {
    if (auto s = tx.exec_script("CREATE TABLE IF NOT EXISTS crash_probe (id BIGINT PRIMARY KEY, "
                                "payload TEXT NOT NULL)");
        !s) {
      return s;
    }
    auto rows = tx.query("SELECT COALESCE(MAX(id), 0) FROM crash_probe");
    if (!rows) return rows.error();
    first_id = (*rows)[0].integer(0) + 1;  // a later run continues after the last one
    return parley::ok_status();
  });
  if (!setup) {
    std::fprintf(stderr, "store_writer: %s\n", setup.error().message.c_str());
    return 1;
  }

  std::atomic<int64_t> next_id{first_id};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        const int64_t id = next_id.fetch_add(1);
        if (id - first_id >= kMaxWrites) return;
        // Payloads of varied size (up to a few pages) make the storm split pages, spill
        // into overflow pages and cross WAL checkpoints.
        const std::string payload(static_cast<size_t>(50 + (id * 7919) % 6000),
                                  static_cast<char>('a' + id % 26));
        auto status = db.write([&](parley::Tx& tx) -> parley::Status {
          auto r = tx.exec("INSERT INTO crash_probe (id, payload) VALUES ($1, $2)", {id, payload});
          if (!r) return r.error();
          return parley::ok_status();
        });
        if (!status) {
          std::fprintf(stderr, "store_writer: %s\n", status.error().message.c_str());
          std::_Exit(1);
        }
        acknowledge(id);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
