package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The record batches ({@code batch-<codec>-<case>.bin}), built the way the
 * Java producer builds them; the Produce request goldens carry them.
 */
final class BatchGoldens extends GoldenGroup {
    private final Map<String, byte[]> batches = new LinkedHashMap<>();

    BatchGoldens(GoldenWriter writer) {
        super(writer);
    }

    /** The batches written so far, by "<codec>-<case>". */
    Map<String, byte[]> written() {
        return batches;
    }

    static final class Rec {
        final long ts;
        final byte[] key;
        final byte[] value;
        final Header[] headers;

        Rec(long ts, byte[] key, byte[] value, Header... headers) {
            this.ts = ts;
            this.key = key;
            this.value = value;
            this.headers = headers;
        }

        Rec(long ts, String key, String value, Header... headers) {
            this(ts, utf8(key), utf8(value), headers);
        }
    }

    static Header h(String key, String value) {
        return new RecordHeader(key, utf8(value));
    }

    static Header h(String key, byte[] value) {
        return new RecordHeader(key, value);
    }

    static byte[] bigValue() {
        byte[] v = new byte[BIG_VALUE_SIZE];
        for (int i = 0; i < v.length; i++) v[i] = (byte) ((i * 31 + 7) & 0xff);
        return v;
    }

    static List<Rec> records(String kase) {
        List<Rec> r = new ArrayList<>();
        switch (kase) {
            case "basic":
            case "idempotent":
                r.add(new Rec(T0, "k0", "v0"));
                r.add(new Rec(T0 + 1, "k1", "v1"));
                r.add(new Rec(T0 + 2, "k2", "value-2"));
                break;
            case "nulls":
                r.add(new Rec(T0, null, "value-without-key"));
                r.add(new Rec(T0, "tombstone-key", null));
                r.add(new Rec(T0, (String) null, (String) null));
                break;
            case "empty":
                r.add(new Rec(T0, "", ""));
                break;
            case "headers":
                r.add(new Rec(T0, "k0", "v0"));
                r.add(new Rec(T0 + 10, "k1", "v1",
                        h("trace-id", "abc123"), h("null-header", (byte[]) null), h("", "empty-key"),
                        h("bin", new byte[] {0x00, (byte) 0xff, (byte) 0x80, 0x7f})));
                r.add(new Rec(T0 + 20, null, "v2", h("dup", "1"), h("dup", "2")));
                break;
            case "bigvalue":
                r.add(new Rec(T0, utf8("big"), bigValue()));
                break;
            case "timestamps":
                // A real broker rejects timestamps more than message.timestamp.after.max.ms
                // (1 hour) in the future: this batch is for the codec only.
                r.add(new Rec(T0, "a", "1"));
                r.add(new Rec(T0 - 5000, "b", "2"));
                r.add(new Rec(T0 + 3_000_000_000L, "c", "3"));
                r.add(new Rec(0L, "d", "4"));
                break;
            case "manyrecords":
                for (int i = 0; i < 200; i++) r.add(new Rec(T0 + i * 1000L, "key-" + i, "value-" + i));
                break;
            case "transactional":
                r.add(new Rec(T0, "tk", "tv"));
                break;
            case "mixed":
                for (int i = 0; i < 50; i++) {
                    String key = i % 5 == 0 ? null : "key-" + i;
                    String value = "value-" + i + "-" + "abcdefgh".repeat(i % 4);
                    Header[] hs = i % 7 == 0 ? new Header[] {h("h", "x" + i), h("n", (byte[]) null)} : new Header[0];
                    r.add(new Rec(T0 + i, key, value, hs));
                }
                break;
            default:
                throw new IllegalArgumentException(kase);
        }
        return r;
    }

    /** Producer state: {producerId, epoch, baseSequence, transactional}. */
    static long[] producerState(String codec, String kase) {
        switch (kase) {
            case "idempotent": return new long[] {123456789L, 5, 42, 0};
            case "transactional": return new long[] {987654321L, 0, 0, 1};
            case "mixed": return codec.equals("none") ? null : new long[] {555L, 1, 100, 0};
            default: return null;
        }
    }

    static Compression compression(String codec) {
        switch (codec) {
            case "none": return Compression.NONE;
            case "gzip": return Compression.gzip().build();
            case "snappy": return Compression.snappy().build();
            case "lz4": return Compression.lz4().build();
            case "zstd": return Compression.zstd().build();
            default: throw new IllegalArgumentException(codec);
        }
    }

    /** Builds a batch the way the Java producer's RecordAccumulator does. */
    static byte[] buildBatch(String codec, String kase) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        MemoryRecordsBuilder b = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, compression(codec),
                TimestampType.CREATE_TIME, 0L);
        for (Rec r : records(kase)) b.append(r.ts, r.key, r.value, r.headers);
        long[] ps = producerState(codec, kase);
        if (ps != null) b.setProducerState(ps[0], (short) ps[1], (int) ps[2], ps[3] != 0);
        MemoryRecords m = b.build();
        ByteBuffer bb = m.buffer().duplicate();
        byte[] bytes = new byte[bb.remaining()];
        bb.get(bytes);
        return bytes;
    }

    static final String[] UNCOMPRESSED_BATCHES = {
        "basic", "nulls", "empty", "headers", "bigvalue", "timestamps", "manyrecords", "idempotent",
        "transactional", "mixed"};
    static final String[] CODECS = {"gzip", "snappy", "lz4", "zstd"};
    static final String[] COMPRESSED_BATCHES = {"mixed", "bigvalue"};

    void writeBatches() throws IOException {
        for (String kase : UNCOMPRESSED_BATCHES) {
            byte[] b = buildBatch("none", kase);
            batches.put("none-" + kase, b);
            write("batch-none-" + kase + ".bin", b);
        }
        for (String codec : CODECS) {
            for (String kase : COMPRESSED_BATCHES) {
                byte[] b = buildBatch(codec, kase);
                batches.put(codec + "-" + kase, b);
                write("batch-" + codec + "-" + kase + ".bin", b);
            }
        }
    }
}
