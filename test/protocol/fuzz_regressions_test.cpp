// Replays the fuzzers' inputs through the same target bodies and invariant
// checks as the libFuzzer executables (test/fuzz/fuzz_targets.hpp), in the
// normal build: every file under test/fuzz/regressions/<target>/ (inputs
// that once crashed or broke an invariant) and the seed corpora
// test/fuzz/corpus/<target>/. A broken invariant throws here instead of
// aborting; a crash is a crash (run under SLUICE_SANITIZE to see more).
//
// The directory is SLUICE_FUZZ_DIR if the build defines it, else found from
// this file's path.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "../fuzz/fuzz_targets.hpp"

namespace fs = std::filesystem;
using sluice::fuzz::Outcome;

namespace {

fs::path fuzz_dir() {
#ifdef SLUICE_FUZZ_DIR
  return fs::path(SLUICE_FUZZ_DIR);
#else
  return fs::path(__FILE__).parent_path().parent_path() / "fuzz";
#endif
}

[[noreturn]] void throw_hook(const std::string& message) { throw std::runtime_error(message); }

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Replayed {
  fs::path path;
  Outcome outcome;
};

// Runs every file under dir/<target>/ through its target; fails the test on
// an unknown target directory or a broken invariant.
std::vector<Replayed> replay_tree(const fs::path& dir) {
  sluice::fuzz::failure_hook() = throw_hook;
  std::vector<Replayed> out;
  if (!fs::is_directory(dir)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string().front() != '.') files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string target = fs::relative(f, dir).begin()->string();
    if (sluice::fuzz::is_other_target(target)) continue;  // needs more than protocol/: replayed elsewhere
    INFO("input " << f.string());
    const auto* t = sluice::fuzz::find_target(target);
    REQUIRE(t != nullptr);
    const auto bytes = read_file(f);
    Outcome o = Outcome::skipped;
    REQUIRE_NOTHROW(o = t->run(bytes));
    out.push_back({f, o});
  }
  return out;
}

}  // namespace

TEST_CASE("fuzz regression inputs decode or fail cleanly") {
  const auto dir = fuzz_dir() / "regressions";
  const auto replayed = replay_tree(dir);
  for (const auto& r : replayed) {
    INFO("input " << r.path.string());
    CHECK(r.outcome != Outcome::skipped);
  }
  // The overflow inputs decode (the deltas wrap as in Java) and keep
  // decoding to the wrapped values.
  const auto rb = dir / "record_batch";
  if (fs::exists(rb / "timestamp-delta-overflow")) {
    auto bytes = read_file(rb / "timestamp-delta-overflow");
    auto b = sluice::protocol::decode_record_batch(std::span<const std::uint8_t>(bytes).subspan(1));
    REQUIRE(b.ok());
    REQUIRE(b->records.size() == 1);
    CHECK(b->records[0].timestamp == INT64_MIN);
  }
  if (fs::exists(rb / "offset-delta-overflow")) {
    auto bytes = read_file(rb / "offset-delta-overflow");
    auto b = sluice::protocol::decode_record_batch(std::span<const std::uint8_t>(bytes).subspan(1));
    REQUIRE(b.ok());
    REQUIRE(b->records.size() == 1);
    CHECK(b->records[0].offset == INT64_MIN);
  }
}

TEST_CASE("fuzz seed corpora replay cleanly, valid seeds decode") {
  const auto dir = fuzz_dir() / "corpus";
  REQUIRE(fs::is_directory(dir));
  const auto replayed = replay_tree(dir);
  CHECK(replayed.size() >= 7);
  // Seeds made to be rejected; every other seed is a valid input.
  const std::set<std::string> rejects = {
      "record_batch/bad-crc",  "record_batch/gzip-over-limit", "decompress/none-over",
      "decompress/gzip-bomb",  "decompress/snappy-bomb",       "decompress/lz4-bomb",
      "decompress/zstd-bomb",  "decompress/unknown-codec",
  };
  for (const auto& r : replayed) {
    const std::string name = fs::relative(r.path, dir).generic_string();
    INFO("seed " << name);
    if (rejects.count(name) != 0) {
      CHECK(r.outcome == Outcome::rejected);
    } else {
      CHECK(r.outcome == Outcome::decoded);
    }
  }
}
