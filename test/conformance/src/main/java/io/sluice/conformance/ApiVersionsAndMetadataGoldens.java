package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.encode;
import static io.sluice.conformance.GoldenWriter.v;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/** ApiVersions and Metadata requests and responses, at every version. */
final class ApiVersionsAndMetadataGoldens extends GoldenGroup {

    ApiVersionsAndMetadataGoldens(GoldenWriter writer) {
        super(writer);
    }

    // ---- ApiVersions ----

    static ApiVersionsResponseData.ApiVersion av(int key, int min, int max) {
        return new ApiVersionsResponseData.ApiVersion().setApiKey((short) key).setMinVersion((short) min)
                .setMaxVersion((short) max);
    }

    void apiVersions() throws IOException {
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

    void metadata() throws IOException {
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
}
