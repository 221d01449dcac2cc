// A reader Sluice did not write: Kafka's own Java consumer (KafkaConsumer of
// the broker version under test, from the jars tools/kafka-local fetched),
// compiled and run by test/interop/readers.py. Reads every partition of TOPIC
// from the beginning up to the end offsets it finds at the start and prints
// one line per record, every byte field in hex ("-" for null):
//   partition offset timestampType timestamp key value headers
// headers: name=value pairs joined by ',' ("" when there are none).
// Usage: java -cp 'LIB/*:DIR' InteropReader BOOTSTRAP TOPIC TIMEOUT_MS [KEY=VALUE ...]
// KEY=VALUE: consumer properties (security.protocol, ssl.*, sasl.*), so the
// records are read over the listener they were written to.
// Exit 0 when every partition was read to its end offset, 1 otherwise.
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public final class InteropReader {
  private static String hex(byte[] b) {
    if (b == null) return "-";
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) s.append(String.format("%02x", x & 0xff));
    return s.toString();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: InteropReader BOOTSTRAP TOPIC TIMEOUT_MS [KEY=VALUE ...]");
      System.exit(2);
    }
    String topic = args[1];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[2]);
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_uncommitted");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    for (int i = 3; i < args.length; ++i) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("InteropReader: property '" + args[i] + "' is not KEY=VALUE");
        System.exit(2);
      }
      p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())));
      if (infos == null || infos.isEmpty()) {
        System.err.println("InteropReader: topic '" + topic + "' has no partitions (does it exist?)");
        System.exit(1);
      }
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : infos) parts.add(new TopicPartition(topic, i.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
      StringBuilder out = new StringBuilder();
      while (true) {
        boolean done = true;
        for (TopicPartition tp : parts) {
          if (c.position(tp) < end.get(tp)) done = false;
        }
        if (done) break;
        if (System.currentTimeMillis() > deadline) {
          System.out.print(out);
          System.err.println("InteropReader: not at the end offsets " + end + " within the deadline");
          System.exit(1);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          StringBuilder h = new StringBuilder();
          for (Header x : r.headers()) {
            if (h.length() > 0) h.append(',');
            h.append(hex(x.key().getBytes(java.nio.charset.StandardCharsets.UTF_8))).append('=').append(hex(x.value()));
          }
          out.append(r.partition()).append(' ').append(r.offset()).append(' ')
              .append(r.timestampType().name).append(' ').append(r.timestamp()).append(' ')
              .append(hex(r.key())).append(' ').append(hex(r.value())).append(' ').append(h).append('\n');
        }
      }
      System.out.print(out);
    }
  }
}
