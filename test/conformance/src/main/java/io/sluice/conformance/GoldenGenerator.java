package io.sluice.conformance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Writes the golden files of Sluice's conformance test
 * (test/protocol/conformance_test.cpp): fixed inputs encoded by the Java
 * client's own generated message classes and MemoryRecordsBuilder.
 *
 * <p>Every input here is mirrored, case by case, in conformance_test.cpp (same
 * case names, same values, same per-version rules). Change both together.
 *
 * <p>Output, one file per case, in the directory given as the only argument:
 * <ul>
 *   <li>{@code request-header-<api>-v<N>-<case>.bin}: a request header alone,
 *       at the header version Java uses for that API version.</li>
 *   <li>{@code request-<api>-v<N>-<case>.bin}: a request body alone.</li>
 *   <li>{@code response-header-<api>-v<N>.bin}: a response header alone.</li>
 *   <li>{@code response-<api>-v<N>-<case>.bin}: a response body alone.</li>
 *   <li>{@code batch-<codec>-<case>.bin}: one RecordBatch (magic 2).</li>
 *   <li>{@code MANIFEST}: "name size" per file, in generation order, after a
 *       "#" line naming the kafka-clients version.</li>
 * </ul>
 * Output is deterministic: fixed timestamps, no randomness.
 */
public final class GoldenGenerator {
    // ---- Shared inputs (mirrored in conformance_test.cpp) ----
    static final long T0 = 1_700_000_000_000L;
    static final String CLIENT_ID = "sluice-conformance";
    static final Uuid U_ORDERS = new Uuid(0x0123456789abcdefL, 0xfedcba9876543210L);
    static final Uuid U_PAYMENTS = new Uuid(0x1111111111111111L, 0x2222222222222222L);
    static final Uuid U_METRICS = new Uuid(0x3333333333333333L, 0x4444444444444444L);
    static final Uuid U_CONSUMER = new Uuid(0x0000000000000001L, 0x0000000000000002L);
    static final Uuid U_GHOST = new Uuid(0x7fffffffffffffffL, 0x8000000000000001L);
    static final Uuid ZERO = Uuid.ZERO_UUID;
    static final int BIG_VALUE_SIZE = 1 << 20;

    static final short PRODUCE_MIN = 3, PRODUCE_MAX = 13;
    static final short METADATA_MIN = 0, METADATA_MAX = 13;
    static final short API_VERSIONS_MIN = 0, API_VERSIONS_MAX = 4;
    static final short INIT_PID_MIN = 0, INIT_PID_MAX = 5;
    static final short SASL_HANDSHAKE_MIN = 0, SASL_HANDSHAKE_MAX = 1;
    static final short SASL_AUTH_MIN = 0, SASL_AUTH_MAX = 2;
    static final int SASL_BINARY_TOKEN_SIZE = 300;

    private final Path out;
    private final List<String> manifest = new ArrayList<>();
    private final Map<String, byte[]> batches = new LinkedHashMap<>();

    private GoldenGenerator(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GoldenGenerator OUT_DIR");
            System.exit(2);
        }
        Path out = Paths.get(args[0]);
        Files.createDirectories(out);
        // Stale goldens from removed cases must not linger.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(out, "*.bin")) {
            for (Path p : old) Files.delete(p);
        }
        Files.deleteIfExists(out.resolve("MANIFEST"));
        GoldenGenerator g = new GoldenGenerator(out);
        g.batches();
        g.requestHeaders();
        g.responseHeaders();
        g.apiVersions();
        g.metadata();
        g.produce();
        g.initProducerId();
        g.saslHandshake();
        g.saslAuthenticate();
        PartitionGolden.write(out);
        g.writeManifest();
    }

    // ---- Output ----

    private void write(String name, byte[] data) throws IOException {
        Files.write(out.resolve(name), data);
        manifest.add(name + " " + data.length);
    }

    private void writeManifest() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# sluice conformance goldens, kafka-clients ").append(AppInfoParser.getVersion()).append('\n');
        for (String line : manifest) sb.append(line).append('\n');
        Files.write(out.resolve("MANIFEST"), sb.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + manifest.size() + " golden files to " + out);
    }

    /** Serialises a generated message exactly as the Java client sends it. */
    static byte[] encode(Message m, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = m.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        m.write(new ByteBufferAccessor(buf), cache, version);
        if (buf.hasRemaining()) throw new IllegalStateException("size() and write() disagree for " + m);
        return buf.array();
    }

    static String v(short version) {
        return "v" + version;
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- Record batches ----

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

    private void batches() throws IOException {
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

    // ---- Headers ----

    static final class Api {
        final String name;
        final ApiKeys key;
        final short min, max;

        Api(String name, ApiKeys key, short min, short max) {
            this.name = name;
            this.key = key;
            this.min = min;
            this.max = max;
        }
    }

    static final Api[] APIS = {
        new Api("produce", ApiKeys.PRODUCE, PRODUCE_MIN, PRODUCE_MAX),
        new Api("metadata", ApiKeys.METADATA, METADATA_MIN, METADATA_MAX),
        new Api("apiversions", ApiKeys.API_VERSIONS, API_VERSIONS_MIN, API_VERSIONS_MAX),
        new Api("initproducerid", ApiKeys.INIT_PRODUCER_ID, INIT_PID_MIN, INIT_PID_MAX),
        new Api("saslhandshake", ApiKeys.SASL_HANDSHAKE, SASL_HANDSHAKE_MIN, SASL_HANDSHAKE_MAX),
        new Api("saslauthenticate", ApiKeys.SASL_AUTHENTICATE, SASL_AUTH_MIN, SASL_AUTH_MAX),
    };

    static int correlationId(ApiKeys key, short version) {
        return 0x5A000000 | (key.id << 8) | version;
    }

    private void requestHeaders() throws IOException {
        for (Api api : APIS) {
            for (short ver = api.min; ver <= api.max; ver++) {
                short hv = api.key.requestHeaderVersion(ver);
                String base = "request-header-" + api.name + "-" + v(ver) + "-";
                write(base + "client.bin", encode(new RequestHeaderData().setRequestApiKey(api.key.id)
                        .setRequestApiVersion(ver).setCorrelationId(correlationId(api.key, ver))
                        .setClientId(CLIENT_ID), hv));
                write(base + "nullclient.bin", encode(new RequestHeaderData().setRequestApiKey(api.key.id)
                        .setRequestApiVersion(ver).setCorrelationId(0).setClientId(null), hv));
                write(base + "emptyclient.bin", encode(new RequestHeaderData().setRequestApiKey(api.key.id)
                        .setRequestApiVersion(ver).setCorrelationId(Integer.MAX_VALUE).setClientId(""), hv));
            }
        }
    }

    private void responseHeaders() throws IOException {
        for (Api api : APIS) {
            for (short ver = api.min; ver <= api.max; ver++) {
                short hv = api.key.responseHeaderVersion(ver);
                write("response-header-" + api.name + "-" + v(ver) + ".bin",
                        encode(new ResponseHeaderData().setCorrelationId(correlationId(api.key, ver)), hv));
            }
        }
    }

    // ---- ApiVersions ----

    static ApiVersionsResponseData.ApiVersion av(int key, int min, int max) {
        return new ApiVersionsResponseData.ApiVersion().setApiKey((short) key).setMinVersion((short) min)
                .setMaxVersion((short) max);
    }

    private void apiVersions() throws IOException {
        for (short ver = API_VERSIONS_MIN; ver <= API_VERSIONS_MAX; ver++) {
            write("request-apiversions-" + v(ver) + "-default.bin", encode(new ApiVersionsRequestData()
                    .setClientSoftwareName("sluice").setClientSoftwareVersion("0.1.0"), ver));
            write("request-apiversions-" + v(ver) + "-custom.bin", encode(new ApiVersionsRequestData()
                    .setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.3.1-SNAPSHOT.x"), ver));

            // full
            ApiVersionsResponseData full = new ApiVersionsResponseData().setErrorCode((short) 0);
            ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
            keys.add(av(0, 3, 13));
            keys.add(av(3, 0, 13));
            keys.add(av(18, 0, 4));
            keys.add(av(22, 0, 6));
            full.setApiKeys(keys);
            full.setThrottleTimeMs(ver >= 1 ? 25 : 0);
            if (ver >= 3) {
                ApiVersionsResponseData.SupportedFeatureKeyCollection sf =
                        new ApiVersionsResponseData.SupportedFeatureKeyCollection();
                sf.add(new ApiVersionsResponseData.SupportedFeatureKey().setName("metadata.version")
                        .setMinVersion((short) 7).setMaxVersion((short) 27));
                sf.add(new ApiVersionsResponseData.SupportedFeatureKey().setName("transaction.version")
                        .setMinVersion((short) 0).setMaxVersion((short) 2));
                full.setSupportedFeatures(sf);
                full.setFinalizedFeaturesEpoch(42L);
                ApiVersionsResponseData.FinalizedFeatureKeyCollection ff =
                        new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
                ff.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName("metadata.version")
                        .setMaxVersionLevel((short) 27).setMinVersionLevel((short) 7));
                full.setFinalizedFeatures(ff);
                full.setZkMigrationReady(true);
            }
            write("response-apiversions-" + v(ver) + "-full.bin", encode(full, ver));

            // error: UNSUPPORTED_VERSION with only ApiVersions listed
            ApiVersionsResponseData err = new ApiVersionsResponseData().setErrorCode((short) 35);
            ApiVersionsResponseData.ApiVersionCollection ek = new ApiVersionsResponseData.ApiVersionCollection();
            ek.add(av(18, 0, 4));
            err.setApiKeys(ek);
            write("response-apiversions-" + v(ver) + "-error.bin", encode(err, ver));

            if (ver >= 3) {
                ApiVersionsResponseData u = err.duplicate();
                u.apiKeys().iterator().next().unknownTaggedFields().add(new RawTaggedField(5, new byte[] {0x01}));
                u.unknownTaggedFields().add(new RawTaggedField(99, new byte[] {(byte) 0xde, (byte) 0xad}));
                write("response-apiversions-" + v(ver) + "-unknowntags.bin", encode(u, ver));
            }
        }
    }

    // ---- Metadata ----

    static MetadataRequestData.MetadataRequestTopic mt(Uuid id, String name) {
        return new MetadataRequestData.MetadataRequestTopic().setTopicId(id).setName(name);
    }

    static MetadataRequestData metadataRequest(String kase, short ver) {
        MetadataRequestData d = new MetadataRequestData();
        switch (kase) {
            case "all":
                // v0 has no null array: an empty one meant "all topics" there.
                d.setTopics(ver == 0 ? new ArrayList<>() : null);
                d.setAllowAutoTopicCreation(true);
                break;
            case "empty":
                d.setTopics(new ArrayList<>());
                d.setAllowAutoTopicCreation(true);
                break;
            case "named":
                d.setTopics(new ArrayList<>(Arrays.asList(mt(ZERO, "orders"), mt(ZERO, "payments.v2"),
                        mt(ZERO, "x_y-z"))));
                d.setAllowAutoTopicCreation(ver < 4);  // v0-v3 cannot say false
                d.setIncludeClusterAuthorizedOperations(ver >= 8 && ver <= 10);
                d.setIncludeTopicAuthorizedOperations(ver >= 8);
                break;
            case "ids":
                d.setTopics(new ArrayList<>(Arrays.asList(mt(U_ORDERS, null), mt(U_PAYMENTS, null))));
                d.setAllowAutoTopicCreation(false);
                break;
            case "mixed":
                d.setTopics(new ArrayList<>(Arrays.asList(mt(ZERO, "orders"), mt(U_PAYMENTS, null),
                        mt(U_METRICS, "metrics"))));
                d.setAllowAutoTopicCreation(true);
                d.setIncludeTopicAuthorizedOperations(true);
                break;
            default:
                throw new IllegalArgumentException(kase);
        }
        return d;
    }

    static MetadataResponseData.MetadataResponseBroker broker(int id, String host, int port, String rack) {
        return new MetadataResponseData.MetadataResponseBroker().setNodeId(id).setHost(host).setPort(port)
                .setRack(rack);
    }

    static MetadataResponseData.MetadataResponsePartition mp(int err, int idx, int leader, int epoch,
            List<Integer> replicas, List<Integer> isr, List<Integer> offline) {
        return new MetadataResponseData.MetadataResponsePartition().setErrorCode((short) err)
                .setPartitionIndex(idx).setLeaderId(leader).setLeaderEpoch(epoch).setReplicaNodes(replicas)
                .setIsrNodes(isr).setOfflineReplicas(offline);
    }

    static MetadataResponseData metadataResponse(String kase, short ver) {
        MetadataResponseData d = new MetadataResponseData();
        MetadataResponseData.MetadataResponseBrokerCollection brokers =
                new MetadataResponseData.MetadataResponseBrokerCollection();
        MetadataResponseData.MetadataResponseTopicCollection topics =
                new MetadataResponseData.MetadataResponseTopicCollection();
        List<Integer> none = new ArrayList<>();
        switch (kase) {
            case "full": {
                d.setThrottleTimeMs(ver >= 3 ? 11 : 0);
                brokers.add(broker(1, "broker-1.example.com", 9092, ver >= 1 ? "rack-a" : null));
                brokers.add(broker(2, "b2", 19092, null));
                d.setClusterId(ver >= 2 ? "cluster-Xyz_123" : null);
                d.setControllerId(ver >= 1 ? 2 : -1);
                topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode((short) 0)
                        .setName("orders").setTopicId(ver >= 10 ? U_ORDERS : ZERO).setIsInternal(false)
                        .setPartitions(new ArrayList<>(Arrays.asList(
                                mp(0, 0, 1, ver >= 7 ? 5 : -1, Arrays.asList(1, 2), Arrays.asList(1, 2), none),
                                mp(9, 1, 2, ver >= 7 ? 7 : -1, Arrays.asList(2, 1, 3), Arrays.asList(2),
                                        ver >= 5 ? Arrays.asList(3) : none))))
                        .setTopicAuthorizedOperations(ver >= 8 ? 0x00000BF8 : Integer.MIN_VALUE));
                topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode((short) 0)
                        .setName("__consumer_offsets").setTopicId(ver >= 10 ? U_CONSUMER : ZERO)
                        .setIsInternal(ver >= 1)
                        .setPartitions(new ArrayList<>(Arrays.asList(
                                mp(5, 0, -1, ver >= 7 ? 0 : -1, Arrays.asList(3), none,
                                        ver >= 5 ? Arrays.asList(3) : none))))
                        .setTopicAuthorizedOperations(ver >= 8 ? 0 : Integer.MIN_VALUE));
                topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode((short) 3)
                        .setName("missing-topic").setTopicId(ZERO).setIsInternal(false)
                        .setPartitions(new ArrayList<>()));
                if (ver >= 12) {
                    topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode((short) 100)
                            .setName(null).setTopicId(U_GHOST).setIsInternal(false)
                            .setPartitions(new ArrayList<>()));
                }
                d.setClusterAuthorizedOperations(ver >= 8 && ver <= 10 ? 0x00001FF8 : Integer.MIN_VALUE);
                d.setErrorCode((short) 0);
                break;
            }
            case "minimal":
                d.setThrottleTimeMs(0);
                d.setClusterId(null);
                d.setControllerId(-1);
                d.setErrorCode((short) (ver >= 13 ? 129 : 0));  // REBOOTSTRAP_REQUIRED
                break;
            case "unknowntags": {
                MetadataResponseData.MetadataResponseBroker b = broker(1, "h", 9092, null);
                b.unknownTaggedFields().add(new RawTaggedField(7, new byte[0]));
                brokers.add(b);
                d.setClusterId("c");
                d.setControllerId(1);
                MetadataResponseData.MetadataResponsePartition p =
                        mp(0, 0, 1, 3, Arrays.asList(1), Arrays.asList(1), none);
                p.unknownTaggedFields().add(new RawTaggedField(1, new byte[] {0x00, 0x01, 0x02}));
                MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic()
                        .setErrorCode((short) 0).setName("orders").setTopicId(ver >= 10 ? U_ORDERS : ZERO)
                        .setPartitions(new ArrayList<>(Arrays.asList(p)));
                t.unknownTaggedFields().add(new RawTaggedField(2, new byte[] {0x55}));
                topics.add(t);
                d.unknownTaggedFields().add(new RawTaggedField(42, new byte[] {(byte) 0xff}));
                break;
            }
            default:
                throw new IllegalArgumentException(kase);
        }
        d.setBrokers(brokers);
        d.setTopics(topics);
        return d;
    }

    private void metadata() throws IOException {
        for (short ver = METADATA_MIN; ver <= METADATA_MAX; ver++) {
            List<String> req = new ArrayList<>(Arrays.asList("all", "empty", "named"));
            if (ver >= 10) req.addAll(Arrays.asList("ids", "mixed"));
            for (String kase : req) {
                write("request-metadata-" + v(ver) + "-" + kase + ".bin", encode(metadataRequest(kase, ver), ver));
            }
            List<String> resp = new ArrayList<>(Arrays.asList("full", "minimal"));
            if (ver >= 9) resp.add("unknowntags");
            for (String kase : resp) {
                write("response-metadata-" + v(ver) + "-" + kase + ".bin", encode(metadataResponse(kase, ver), ver));
            }
        }
    }

    // ---- Produce ----

    static ProduceRequestData.PartitionProduceData pp(int index, byte[] records) {
        return new ProduceRequestData.PartitionProduceData().setIndex(index)
                .setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(records)));
    }

    static ProduceRequestData.TopicProduceData tp(String name, Uuid id, ProduceRequestData.PartitionProduceData... ps) {
        return new ProduceRequestData.TopicProduceData().setName(name).setTopicId(id)
                .setPartitionData(new ArrayList<>(Arrays.asList(ps)));
    }

    ProduceRequestData produceRequest(String kase) {
        ProduceRequestData d = new ProduceRequestData();
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        switch (kase) {
            case "acks1":
                d.setTransactionalId(null).setAcks((short) 1).setTimeoutMs(30000);
                topics.add(tp("orders", U_ORDERS, pp(0, batches.get("none-basic")), pp(3, batches.get("none-headers"))));
                topics.add(tp("payments", U_PAYMENTS, pp(1, batches.get("none-idempotent"))));
                topics.add(tp("metrics", U_METRICS, pp(0, batches.get("gzip-mixed"))));
                break;
            case "acks0":
                d.setTransactionalId(null).setAcks((short) 0).setTimeoutMs(1500);
                topics.add(tp("orders", U_ORDERS, pp(0, batches.get("none-nulls"))));
                break;
            case "txn":
                d.setTransactionalId("txn-conformance-1").setAcks((short) -1).setTimeoutMs(60000);
                topics.add(tp("payments", U_PAYMENTS, pp(2, batches.get("none-transactional"))));
                break;
            case "emptyrecords":
                d.setTransactionalId(null).setAcks((short) -1).setTimeoutMs(30000);
                topics.add(tp("orders", U_ORDERS, pp(5, new byte[0])));
                break;
            case "notopics":
                d.setTransactionalId(null).setAcks((short) -1).setTimeoutMs(0);
                break;
            default:
                throw new IllegalArgumentException(kase);
        }
        d.setTopicData(topics);
        return d;
    }

    static ProduceResponseData.TopicProduceResponse tr(String name, Uuid id, short ver,
            ProduceResponseData.PartitionProduceResponse... ps) {
        return new ProduceResponseData.TopicProduceResponse().setName(ver < 13 ? name : "")
                .setTopicId(ver >= 13 ? id : ZERO).setPartitionResponses(new ArrayList<>(Arrays.asList(ps)));
    }

    static ProduceResponseData.PartitionProduceResponse pr(int index, int err, long base, long appendTime,
            long logStart) {
        return new ProduceResponseData.PartitionProduceResponse().setIndex(index).setErrorCode((short) err)
                .setBaseOffset(base).setLogAppendTimeMs(appendTime).setLogStartOffset(logStart);
    }

    static ProduceResponseData produceResponse(String kase, short ver) {
        ProduceResponseData d = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponseCollection topics =
                new ProduceResponseData.TopicProduceResponseCollection();
        ProduceResponseData.NodeEndpointCollection endpoints = new ProduceResponseData.NodeEndpointCollection();
        switch (kase) {
            case "full": {
                ProduceResponseData.PartitionProduceResponse p0 =
                        pr(0, 0, 1234567890123L, 1700000000123L, ver >= 5 ? 100 : -1);
                ProduceResponseData.PartitionProduceResponse p3 = pr(3, 87, -1, -1, -1);
                if (ver >= 8) {
                    p3.setRecordErrors(new ArrayList<>(Arrays.asList(
                            new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(0)
                                    .setBatchIndexErrorMessage("bad key"),
                            new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(4)
                                    .setBatchIndexErrorMessage(null))));
                    p3.setErrorMessage("2 records invalid");
                }
                ProduceResponseData.PartitionProduceResponse p1 = pr(1, 6, -1, -1, -1);
                if (ver >= 8) p1.setErrorMessage("Not leader");
                if (ver >= 10) {
                    p1.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(3).setLeaderEpoch(12));
                }
                topics.add(tr("orders", U_ORDERS, ver, p0, p3));
                topics.add(tr("payments", U_PAYMENTS, ver, p1));
                d.setThrottleTimeMs(7);
                if (ver >= 10) {
                    endpoints.add(new ProduceResponseData.NodeEndpoint().setNodeId(3).setHost("broker-3.example.com")
                            .setPort(9093).setRack("rack-c"));
                    endpoints.add(new ProduceResponseData.NodeEndpoint().setNodeId(4).setHost("b4").setPort(9094)
                            .setRack(null));
                }
                break;
            }
            case "empty":
                d.setThrottleTimeMs(0);
                break;
            case "unknowntags": {
                ProduceResponseData.PartitionProduceResponse p0 = pr(0, 0, 42, -1, 0);
                p0.unknownTaggedFields().add(new RawTaggedField(9, new byte[] {0x01}));
                ProduceResponseData.TopicProduceResponse t = tr("orders", U_ORDERS, ver, p0);
                t.unknownTaggedFields().add(new RawTaggedField(1, new byte[0]));
                topics.add(t);
                d.setThrottleTimeMs(1);
                d.unknownTaggedFields().add(new RawTaggedField(3, new byte[] {0x07, 0x08}));
                break;
            }
            default:
                throw new IllegalArgumentException(kase);
        }
        d.setResponses(topics);
        d.setNodeEndpoints(endpoints);
        return d;
    }

    private void produce() throws IOException {
        for (short ver = PRODUCE_MIN; ver <= PRODUCE_MAX; ver++) {
            for (String kase : new String[] {"acks1", "acks0", "txn", "emptyrecords", "notopics"}) {
                write("request-produce-" + v(ver) + "-" + kase + ".bin", encode(produceRequest(kase), ver));
            }
            List<String> resp = new ArrayList<>(Arrays.asList("full", "empty"));
            if (ver >= 9) resp.add("unknowntags");
            for (String kase : resp) {
                write("response-produce-" + v(ver) + "-" + kase + ".bin", encode(produceResponse(kase, ver), ver));
            }
        }
    }

    // ---- InitProducerId ----

    private void initProducerId() throws IOException {
        for (short ver = INIT_PID_MIN; ver <= INIT_PID_MAX; ver++) {
            write("request-initproducerid-" + v(ver) + "-idempotent.bin", encode(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE), ver));
            write("request-initproducerid-" + v(ver) + "-transactional.bin", encode(new InitProducerIdRequestData()
                    .setTransactionalId("txn-conformance-1").setTransactionTimeoutMs(60000), ver));
            if (ver >= 3) {
                write("request-initproducerid-" + v(ver) + "-bump.bin", encode(new InitProducerIdRequestData()
                        .setTransactionalId("txn-conformance-1").setTransactionTimeoutMs(60000)
                        .setProducerId(123456789012L).setProducerEpoch((short) 7), ver));
            }
            write("response-initproducerid-" + v(ver) + "-ok.bin", encode(new InitProducerIdResponseData()
                    .setThrottleTimeMs(0).setErrorCode((short) 0).setProducerId(4000000000123L)
                    .setProducerEpoch((short) 3), ver));
            write("response-initproducerid-" + v(ver) + "-error.bin", encode(new InitProducerIdResponseData()
                    .setThrottleTimeMs(100).setErrorCode((short) 53).setProducerId(-1L)
                    .setProducerEpoch((short) -1), ver));
            if (ver >= 2) {
                InitProducerIdResponseData u = new InitProducerIdResponseData().setThrottleTimeMs(0)
                        .setErrorCode((short) 0).setProducerId(4000000000123L).setProducerEpoch((short) 3);
                u.unknownTaggedFields().add(new RawTaggedField(4, new byte[] {0x0a}));
                write("response-initproducerid-" + v(ver) + "-unknowntags.bin", encode(u, ver));
            }
        }
    }

    // ---- SaslHandshake ----

    private void saslHandshake() throws IOException {
        for (short ver = SASL_HANDSHAKE_MIN; ver <= SASL_HANDSHAKE_MAX; ver++) {
            write("request-saslhandshake-" + v(ver) + "-plain.bin",
                    encode(new SaslHandshakeRequestData().setMechanism("PLAIN"), ver));
            write("request-saslhandshake-" + v(ver) + "-scram.bin",
                    encode(new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512"), ver));
            write("response-saslhandshake-" + v(ver) + "-ok.bin", encode(new SaslHandshakeResponseData()
                    .setErrorCode((short) 0)
                    .setMechanisms(new ArrayList<>(Arrays.asList("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"))), ver));
            // UNSUPPORTED_SASL_MECHANISM, with what the broker does enable.
            write("response-saslhandshake-" + v(ver) + "-unsupported.bin", encode(new SaslHandshakeResponseData()
                    .setErrorCode((short) 33).setMechanisms(new ArrayList<>(Arrays.asList("GSSAPI", "PLAIN"))), ver));
            // UNSUPPORTED_SASL_MECHANISM from a broker with no mechanism enabled.
            write("response-saslhandshake-" + v(ver) + "-empty.bin", encode(new SaslHandshakeResponseData()
                    .setErrorCode((short) 33).setMechanisms(new ArrayList<>()), ver));
        }
    }

    // ---- SaslAuthenticate ----

    /** A binary token with every byte value 0x00-0xff (and a 2-byte compact length at v2). */
    static byte[] saslBinaryToken() {
        byte[] t = new byte[SASL_BINARY_TOKEN_SIZE];
        for (int i = 0; i < t.length; i++) t[i] = (byte) ((i * 37 + 11) & 0xff);
        return t;
    }

    static byte[] saslAuthBytes(String kase) {
        switch (kase) {
            case "empty": return new byte[0];
            case "plain": return utf8("\0alice\0secret");  // RFC 4616: authzid NUL authcid NUL passwd
            case "binary": return saslBinaryToken();
            default: throw new IllegalArgumentException(kase);
        }
    }

    static final String SCRAM_SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
    static final String SASL_FAILED_MESSAGE =
            "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512";
    static final long SESSION_LIFETIME_MS = 3_600_000L;

    static SaslAuthenticateResponseData saslAuthenticateResponse(String kase, short ver) {
        SaslAuthenticateResponseData d = new SaslAuthenticateResponseData();
        switch (kase) {
            case "ok":
            case "unknowntags":
                // ErrorMessage left at Java's default, the empty string (not null).
                d.setErrorCode((short) 0).setAuthBytes(utf8(SCRAM_SERVER_FINAL))
                        .setSessionLifetimeMs(ver >= 1 ? SESSION_LIFETIME_MS : 0L);
                if (kase.equals("unknowntags")) {
                    d.unknownTaggedFields().add(new RawTaggedField(1, new byte[0]));
                    d.unknownTaggedFields().add(new RawTaggedField(42, new byte[] {0x01, 0x02, 0x03}));
                }
                break;
            case "failed":  // SASL_AUTHENTICATION_FAILED
                d.setErrorCode((short) 58).setErrorMessage(SASL_FAILED_MESSAGE).setAuthBytes(new byte[0])
                        .setSessionLifetimeMs(0L);
                break;
            case "nullmessage":
                d.setErrorCode((short) 58).setErrorMessage(null).setAuthBytes(new byte[0]).setSessionLifetimeMs(0L);
                break;
            default:
                throw new IllegalArgumentException(kase);
        }
        return d;
    }

    private void saslAuthenticate() throws IOException {
        for (short ver = SASL_AUTH_MIN; ver <= SASL_AUTH_MAX; ver++) {
            for (String kase : new String[] {"empty", "plain", "binary"}) {
                write("request-saslauthenticate-" + v(ver) + "-" + kase + ".bin",
                        encode(new SaslAuthenticateRequestData().setAuthBytes(saslAuthBytes(kase)), ver));
            }
            List<String> resp = new ArrayList<>(Arrays.asList("ok", "failed", "nullmessage"));
            if (ver >= 2) resp.add("unknowntags");
            for (String kase : resp) {
                write("response-saslauthenticate-" + v(ver) + "-" + kase + ".bin",
                        encode(saslAuthenticateResponse(kase, ver), ver));
            }
        }
    }
}
