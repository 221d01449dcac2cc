#include "mock_cluster.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern char** environ;

namespace sluice::test {

MockCluster::MockCluster(int brokers, const std::vector<std::string>& topics, const std::string& librdkafka_dir) {
  // A write to a host that died must fail the test, not kill it.
  signal(SIGPIPE, SIG_IGN);
  int in[2];
  int out[2];
  REQUIRE(pipe2(in, O_CLOEXEC) == 0);
  REQUIRE(pipe2(out, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  std::vector<std::string> args{SLUICE_MOCK_CLUSTER_HOST, std::to_string(brokers)};
  args.insert(args.end(), topics.begin(), topics.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The host's environment: ours, with LD_LIBRARY_PATH replaced when a librdkafka is named.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (librdkafka_dir.empty() || std::string_view(*e).rfind("LD_LIBRARY_PATH=", 0) != 0) env_strings.emplace_back(*e);
  }
  if (!librdkafka_dir.empty()) env_strings.push_back("LD_LIBRARY_PATH=" + librdkafka_dir);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = posix_spawn(&pid_, SLUICE_MOCK_CLUSTER_HOST, &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  to_host_ = in[1];
  from_host_ = out[0];
  REQUIRE(rc == 0);
  const std::string line = read_line();
  INFO("mock_cluster_host said: " << line);
  REQUIRE(line.rfind("bootstrap ", 0) == 0);
  bootstrap_ = line.substr(10);
}

MockCluster::~MockCluster() {
  if (to_host_ >= 0) close(to_host_);  // the host's fgets sees end of file and it exits
  if (from_host_ >= 0) close(from_host_);
  if (pid_ > 0) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

// One line from the host, with a deadline (a hung host fails the test, it does not hang it).
std::string MockCluster::read_line() {
  for (;;) {
    if (auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    pollfd p{from_host_, POLLIN, 0};
    const int ready = poll(&p, 1, 10000);
    REQUIRE(ready == 1);
    char buf[512];
    const ssize_t n = read(from_host_, buf, sizeof buf);
    REQUIRE(n > 0);  // 0: the host exited
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

void MockCluster::command(const std::string& line) {
  const std::string cmd = line + "\n";
  REQUIRE(write(to_host_, cmd.data(), cmd.size()) == static_cast<ssize_t>(cmd.size()));
  INFO("command: " << line);
  REQUIRE(read_line() == "ok");
}

void MockCluster::set_leader(const std::string& topic, int partition, int broker_id) {
  command("leader " + topic + " " + std::to_string(partition) + " " + std::to_string(broker_id));
}

std::string newest_librdkafka_dir() {
  static const std::string dir = [] {
    const char* cache = std::getenv("SLUICE_CACHE");
    const char* home = std::getenv("HOME");
    const std::string d = (cache && *cache ? std::string(cache) : std::string(home ? home : "") + "/.cache/sluice") +
                          "/librdkafka-newest";
    INFO("run tools/setup: it installs confluent-kafka and links its librdkafka as " << d << "/librdkafka.so.1");
    REQUIRE(access((d + "/librdkafka.so.1").c_str(), R_OK) == 0);
    FILE* p = popen(("LD_LIBRARY_PATH='" + d + "' kcat -V 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    INFO("kcat -V: " << out);
    int major = 0, minor = 0;
    const auto at = out.find("librdkafka ");
    REQUIRE(at != std::string::npos);
    REQUIRE(std::sscanf(out.c_str() + at, "librdkafka %d.%d", &major, &minor) == 2);
    REQUIRE(major * 100 + minor >= 210);
    return d;
  }();
  return dir;
}

std::string MockCluster::librdkafka_version() {
  REQUIRE(write(to_host_, "version\n", 8) == 8);
  const std::string answer = read_line();
  INFO("mock_cluster_host said: " << answer);
  REQUIRE(answer.rfind("ok ", 0) == 0);
  return answer.substr(3);
}

void MockCluster::set_api_version(int api_key, int min, int max) {
  command("apiversion " + std::to_string(api_key) + " " + std::to_string(min) + " " + std::to_string(max));
}

}  // namespace sluice::test
