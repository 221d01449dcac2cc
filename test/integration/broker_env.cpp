#include "broker_env.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace sluice::test {

std::string bootstrap_or_fail() {
  const char* b = std::getenv("SLUICE_BOOTSTRAP");
  if (b == nullptr || *b == '\0') {
    FAIL("SLUICE_BOOTSTRAP is not set: this test needs a running Kafka broker. Run it through tools/test, or "
         "start one with `tools/kafka-local start` and export SLUICE_BOOTSTRAP=<the printed list>");
  }
  return b;
}

std::string unique_topic(const std::string& prefix) {
  std::random_device rd;
  auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return prefix + "-" + std::to_string(now % 1000000000) + "-" + std::to_string(rd() % 100000);
}

namespace {

// Reads a decimal (possibly negative) number terminated by `sep`.
bool read_number(const std::string& s, std::size_t& pos, char sep, std::int64_t& out) {
  auto end = s.find(sep, pos);
  if (end == std::string::npos) return false;
  out = std::stoll(s.substr(pos, end - pos));
  pos = end + 1;
  return true;
}

// Reads `len` raw bytes (len -1 = null) followed by `sep`.
bool read_sized(const std::string& s, std::size_t& pos, std::int64_t len, char sep, std::optional<std::string>& out) {
  if (len < 0) {
    out.reset();
  } else {
    if (pos + static_cast<std::size_t>(len) > s.size()) return false;
    out = s.substr(pos, static_cast<std::size_t>(len));
    pos += static_cast<std::size_t>(len);
  }
  if (pos >= s.size() || s[pos] != sep) return false;
  ++pos;
  return true;
}

}  // namespace

std::vector<ConsumedRecord> consume_all_with_kcat(const std::string& bootstrap, const std::string& topic,
                                                  const std::string& library_dir) {
  // Lengths first, so keys and values are read back byte-exact whatever
  // bytes they hold. kcat prints -1 as the length of a null key or value.
  // Newer librdkafka warns (level 4, on stderr, which is read with stdout)
  // that kcat sets the deprecated api.version.request: errors only.
  const std::string env = library_dir.empty() ? std::string() : "LD_LIBRARY_PATH='" + library_dir + "' ";
  const std::string quiet = library_dir.empty() ? std::string() : "-X log_level=3 ";
  // A fetch at the end of a partition returns after 10 ms, not 500: -e
  // sees the end sooner (librdkafka's mock cluster: 0.5 s -> 0.02 s a read).
  std::string cmd = env + "kcat -C -q -e " + quiet + "-X fetch.wait.max.ms=10 -o beginning -b '" + bootstrap +
                    "' -t '" + topic +
                    "' -f '%p\\t%o\\t%T\\t%K\\t%S\\t%k\\t%s\\t%h\\n' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  INFO("kcat output: " << out.substr(0, 2000));
  REQUIRE(rc == 0);
  std::vector<ConsumedRecord> records;
  std::size_t pos = 0;
  while (pos < out.size()) {
    ConsumedRecord r;
    std::int64_t part = 0, klen = 0, vlen = 0;
    REQUIRE(read_number(out, pos, '\t', part));
    REQUIRE(read_number(out, pos, '\t', r.offset));
    REQUIRE(read_number(out, pos, '\t', r.timestamp));
    REQUIRE(read_number(out, pos, '\t', klen));
    REQUIRE(read_number(out, pos, '\t', vlen));
    r.partition = static_cast<std::int32_t>(part);
    REQUIRE(read_sized(out, pos, klen, '\t', r.key));
    REQUIRE(read_sized(out, pos, vlen, '\t', r.value));
    auto end = out.find('\n', pos);
    REQUIRE(end != std::string::npos);
    r.headers = out.substr(pos, end - pos);
    pos = end + 1;
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace sluice::test
