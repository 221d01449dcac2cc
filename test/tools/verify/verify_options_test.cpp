// sluice-verify's command line (tools/verify/verify_options.hpp).
#include "verify_options.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace sluice::verify;
using namespace std::chrono_literals;

namespace {

VerifyOptions parse(std::vector<const char*> args, bool* help_out = nullptr) {
  args.insert(args.begin(), "sluice-verify");
  bool help = false;
  auto o = parse_verify_options(static_cast<int>(args.size()), args.data(), help);
  if (help_out != nullptr) *help_out = help;
  return o;
}

}  // namespace

TEST_CASE("defaults") {
  auto o = parse({"-b", "h:1", "-t", "t"});
  CHECK(o.bootstrap == "h:1");
  CHECK(o.topic == "t");
  CHECK(o.num_records == 10000);
  CHECK(o.producers == 1);
  CHECK(o.keys == 0);
  CHECK(o.rate == 0);
  CHECK(o.record_size == 100);
  CHECK(o.properties.empty());
  CHECK(o.run_id.empty());
  CHECK(o.flush_timeout == 180000ms);
  CHECK(o.read_timeout == 60000ms);
  CHECK_FALSE(o.json);
  CHECK_FALSE(o.allow_duplicates);
  CHECK_FALSE(o.allow_reordering);
  CHECK(o.fault_cmd.empty());
  CHECK_FALSE(o.fault_after_acks.has_value());
  CHECK(o.json_file.empty());
  CHECK(o.progress_file.empty());
}

TEST_CASE("the JSON and progress files take a path") {
  auto o = parse({"-b", "h:1", "-t", "t", "--json-file", "/tmp/j.json", "--progress-file", "/tmp/p"});
  CHECK(o.json_file == "/tmp/j.json");
  CHECK(o.progress_file == "/tmp/p");
  CHECK_THROWS_AS(parse({"-b", "h:1", "-t", "t", "--json-file", ""}), std::invalid_argument);
  CHECK_THROWS_AS(parse({"-b", "h:1", "-t", "t", "--progress-file"}), std::invalid_argument);
}

TEST_CASE("every flag") {
  auto o = parse({"--bootstrap", "h:1,h:2", "--topic", "t", "--num-records", "5000", "--producers", "4", "--keys",
                  "32", "--rate", "250.5", "--record-size", "512", "-X", "acks=all", "-X", "linger.ms=0", "-X",
                  "client.id=a=b", "--run-id", "fault.1", "--timeout-ms", "9000", "--read-timeout-ms", "7000",
                  "--json", "--allow-duplicates", "--allow-reordering", "--examples", "2", "--fault-cmd",
                  "inject kill 2", "--fault-after-acks", "100", "--fault-timeout-ms", "1234"});
  CHECK(o.bootstrap == "h:1,h:2");
  CHECK(o.num_records == 5000);
  CHECK(o.producers == 4);
  CHECK(o.keys == 32);
  CHECK(o.rate == 250.5);
  CHECK(o.record_size == 512);
  CHECK(o.properties == std::map<std::string, std::string>{{"acks", "all"}, {"linger.ms", "0"}, {"client.id", "a=b"}});
  CHECK(o.run_id == "fault.1");
  CHECK(o.flush_timeout == 9000ms);
  CHECK(o.read_timeout == 7000ms);
  CHECK(o.json);
  CHECK(o.allow_duplicates);
  CHECK(o.allow_reordering);
  CHECK(o.examples == 2);
  CHECK(o.fault_cmd == "inject kill 2");
  CHECK(o.fault_after_acks == 100u);
  CHECK(o.fault_timeout == 1234ms);
}

TEST_CASE("a fault command without --fault-after-acks starts after a quarter of the records") {
  auto o = parse({"-b", "h:1", "-t", "t", "--num-records", "1000", "--fault-cmd", "true"});
  CHECK(o.fault_after_acks == 250u);
}

TEST_CASE("--help needs nothing else") {
  bool help = false;
  parse({"--help"}, &help);
  CHECK(help);
  CHECK(std::string(verify_usage()).find("--allow-duplicates") != std::string::npos);
}

TEST_CASE("bad command lines say what is wrong in one line") {
  using Catch::Contains;
  CHECK_THROWS_WITH(parse({"-t", "t"}), Contains("missing -b BROKERS"));
  CHECK_THROWS_WITH(parse({"-b", "h:1"}), Contains("missing -t TOPIC"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--frobnicate"}), Contains("unknown argument '--frobnicate'"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t"}), Contains("-t: missing value"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--num-records", "0"}), Contains("--num-records: expected"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--num-records", "12x"}), Contains("got '12x'"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--producers", "0"}), Contains("--producers"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--rate", "0"}), Contains("--rate: expected records per second"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--rate", "-5"}), Contains("--rate"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "-X", "acks"}), Contains("-X: expected prop=value"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "-X", "=1"}), Contains("-X: expected prop=value"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "-X", "bootstrap.servers=x:1"}), Contains("give the brokers with -b"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--run-id", "a|b"}), Contains("--run-id"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--timeout-ms", "0"}), Contains("--timeout-ms"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--fault-after-acks", "5"}), Contains("needs --fault-cmd"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--num-records", "10", "--fault-cmd", "x", "--fault-after-acks",
                           "11"}),
                    Contains("more than --num-records 10"));
  CHECK_THROWS_WITH(parse({"-b", "h:1", "-t", "t", "--fault-cmd", ""}), Contains("--fault-cmd: the command is empty"));
}

TEST_CASE("the flags d and q are the producer's debug and log_level") {
  auto o = parse({"-b", "h:1", "-t", "t", "-d", "broker,msg", "-q"});
  CHECK(o.properties.at("debug") == "broker,msg");
  CHECK(o.properties.at("log_level") == "3");
}
