package io.sluice.conformance;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Writes {@code partitions-java.txt}: where the Java client's default
 * partitioner puts keyed records ({@code BuiltInPartitioner.partitionForKey}),
 * for test/partitioner/java_placement_test.cpp to check Sluice against.
 *
 * <p>Text, one row per line: the key in lowercase hex ({@code -} for the
 * empty key), the partition count, the partition. Lines starting with
 * {@code #} are comments; the first names the kafka-clients version. The
 * file is not in the MANIFEST, which lists the protocol test's goldens only.
 *
 * <p>Keys: the empty key, every one-byte key, short ASCII and non-ASCII UTF-8
 * strings, and random binary keys of 0..64 bytes from a fixed seed, each
 * placed over every count in {@link #PARTITION_COUNTS}. Deterministic.
 */
final class PartitionGolden {
    static final String FILE = "partitions-java.txt";
    static final int[] PARTITION_COUNTS = {1, 2, 3, 7, 12, 100, 1000, Integer.MAX_VALUE};
    static final int STRING_KEYS = 300;
    static final int RANDOM_KEYS = 2000;
    static final int MAX_RANDOM_KEY_LENGTH = 64;
    static final long SEED = 0x5111CEL;

    private PartitionGolden() {}

    static void write(Path dir) throws IOException {
        List<byte[]> keys = keys();
        Path file = dir.resolve(FILE);
        int rows = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("# BuiltInPartitioner.partitionForKey, kafka-clients " + AppInfoParser.getVersion() + "\n");
            w.write("# key_hex partition_count partition\n");
            for (byte[] key : keys) {
                String hex = key.length == 0 ? "-" : hex(key);
                for (int count : PARTITION_COUNTS) {
                    int partition = BuiltInPartitioner.partitionForKey(key, count);
                    w.write(hex + " " + count + " " + partition + "\n");
                    ++rows;
                }
            }
        }
        System.out.println("wrote " + rows + " Java key placements to " + file);
    }

    private static List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        for (int b = 0; b < 256; ++b) keys.add(new byte[] {(byte) b});
        for (int i = 0; i < STRING_KEYS; ++i) {
            keys.add(("user-" + i).getBytes(StandardCharsets.UTF_8));
            keys.add(("ключ-" + i + "-鍵").getBytes(StandardCharsets.UTF_8));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < RANDOM_KEYS; ++i) {
            byte[] key = new byte[random.nextInt(MAX_RANDOM_KEY_LENGTH + 1)];
            for (int j = 0; j < key.length; ++j) key[j] = (byte) random.nextInt(256);
            keys.add(key);
        }
        return keys;
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        return sb.toString();
    }
}
