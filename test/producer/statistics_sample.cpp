// Prints statistics JSON for test/producer/librdkafka_stats_reader.py, one
// object a line: a real producer's statistics_json() (no broker reachable,
// one record waiting) and a snapshot with a broker, a topic and a
// partition filled in (every field has a value to read).
#include <cstdio>

#include "producer_statistics.hpp"
#include "sluice/sluice.hpp"

using namespace sluice::detail;

int main() {
  {
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", "127.0.0.1:1"}, {"max.block.ms", "300"}, {"reconnect.backoff.ms", "20"}}));
    producer.send(sluice::Record{.topic = "t", .value = "v"}, nullptr);
    std::puts(producer.statistics_json().c_str());
    producer.close(std::chrono::milliseconds(0));
  }
  StatisticsSnapshot s;
  s.name = "sample#producer-1";
  s.client_id = "sample";
  BrokerStatistics& b = s.brokers[1];
  b.node_id = 1;
  b.address = "127.0.0.1:9092";
  b.state = "UP";
  b.traffic.tx = 3;
  for (int us : {800, 1200, 2500}) b.traffic.rtt.add(us);
  b.traffic.throttle.add(0);
  b.toppars.push_back({"t", 0});
  TopicStatistics& t = s.topics["t"];
  t.traffic.batchsize.add(4096);
  t.traffic.batchcnt.add(64);
  PartitionStatistics& p = t.partitions[0];
  p.leader = 1;
  p.msgq_cnt = 5;
  p.traffic.txmsgs = 64;
  s.counters.records_sent = 64;
  std::puts(to_json(s).c_str());
  return 0;
}
