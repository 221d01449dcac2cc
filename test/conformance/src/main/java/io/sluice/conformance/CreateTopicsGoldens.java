package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.encode;
import static io.sluice.conformance.GoldenWriter.v;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignmentCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResultCollection;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/** CreateTopics (key 19) requests and responses, at every version Sluice supports (v2-v7). */
final class CreateTopicsGoldens extends GoldenGroup {

    CreateTopicsGoldens(GoldenWriter writer) {
        super(writer);
    }

    static CreatableTopicConfig config(String name, String value) {
        return new CreatableTopicConfig().setName(name).setValue(value);
    }

    static CreateTopicsRequestData request(String kase) {
        CreatableTopicCollection topics = new CreatableTopicCollection();
        CreateTopicsRequestData d = new CreateTopicsRequestData();
        switch (kase) {
            case "simple":  // what Producer::create_topics sends for one topic
                topics.add(new CreatableTopic().setName("orders").setNumPartitions(3).setReplicationFactor((short) -1));
                d.setTimeoutMs(30000).setValidateOnly(false);
                break;
            case "configs": {
                CreatableTopicConfigCollection configs = new CreatableTopicConfigCollection();
                configs.add(config("cleanup.policy", "compact"));
                configs.add(config("retention.ms", "60000"));
                configs.add(config("segment.bytes", null));
                topics.add(new CreatableTopic().setName("payments.v2").setNumPartitions(-1)
                        .setReplicationFactor((short) 2).setConfigs(configs));
                topics.add(new CreatableTopic().setName("x_y-z").setNumPartitions(1).setReplicationFactor((short) 1));
                d.setTimeoutMs(5000).setValidateOnly(true);
                break;
            }
            case "assignments": {
                CreatableReplicaAssignmentCollection a = new CreatableReplicaAssignmentCollection();
                a.add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(new ArrayList<>(Arrays.asList(1, 2))));
                a.add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(new ArrayList<>(Arrays.asList(2, 3))));
                topics.add(new CreatableTopic().setName("metrics").setNumPartitions(-1).setReplicationFactor((short) -1)
                        .setAssignments(a));
                d.setTimeoutMs(Integer.MAX_VALUE).setValidateOnly(false);
                break;
            }
            case "notopics":
                d.setTimeoutMs(0).setValidateOnly(false);
                break;
            default:
                throw new IllegalArgumentException(kase);
        }
        return d.setTopics(topics);
    }

    static CreatableTopicConfigs resultConfig(String name, String value, boolean readOnly, byte source, boolean sensitive) {
        return new CreatableTopicConfigs().setName(name).setValue(value).setReadOnly(readOnly).setConfigSource(source)
                .setIsSensitive(sensitive);
    }

    static CreateTopicsResponseData response(String kase, short ver) {
        CreatableTopicResultCollection topics = new CreatableTopicResultCollection();
        CreateTopicsResponseData d = new CreateTopicsResponseData().setThrottleTimeMs(0);
        switch (kase) {
            case "ok":
            case "unknowntags": {
                CreatableTopicResult orders = new CreatableTopicResult().setName("orders").setErrorCode((short) 0)
                        .setErrorMessage(null);
                if (ver >= 5) {
                    orders.setNumPartitions(3).setReplicationFactor((short) 2).setConfigs(new ArrayList<>(Arrays.asList(
                            resultConfig("cleanup.policy", "delete", false, (byte) 5, false),
                            resultConfig("sasl.secret", null, true, (byte) 4, true))));
                }
                if (ver >= 7) orders.setTopicId(U_ORDERS);
                topics.add(orders);
                d.setThrottleTimeMs(25);
                if (kase.equals("unknowntags")) {
                    orders.unknownTaggedFields().add(new RawTaggedField(7, new byte[] {0x0a, 0x0b}));
                    d.unknownTaggedFields().add(new RawTaggedField(1, new byte[0]));
                    d.unknownTaggedFields().add(new RawTaggedField(42, new byte[] {0x01, 0x02, 0x03}));
                }
                break;
            }
            case "errors": {
                // TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS (null message), INVALID_TOPIC_EXCEPTION.
                CreatableTopicResult exists = new CreatableTopicResult().setName("payments.v2").setErrorCode((short) 36)
                        .setErrorMessage("Topic 'payments.v2' already exists.");
                CreatableTopicResult partitions = new CreatableTopicResult().setName("metrics").setErrorCode((short) 37)
                        .setErrorMessage(null);
                CreatableTopicResult name = new CreatableTopicResult().setName("bad name!").setErrorCode((short) 17)
                        .setErrorMessage("");
                if (ver >= 5) {
                    // Configs withheld: TopicConfigErrorCode (tagged) and null configs.
                    partitions.setTopicConfigErrorCode((short) 29).setConfigs(null);
                    exists.setConfigs(new ArrayList<>());
                }
                topics.add(exists);
                topics.add(partitions);
                topics.add(name);
                break;
            }
            default:
                throw new IllegalArgumentException(kase);
        }
        return d.setTopics(topics);
    }

    void createTopics() throws IOException {
        for (short ver = CREATE_TOPICS_MIN; ver <= CREATE_TOPICS_MAX; ver++) {
            for (String kase : new String[] {"simple", "configs", "assignments", "notopics"}) {
                write("request-createtopics-" + v(ver) + "-" + kase + ".bin", encode(request(kase), ver));
            }
            List<String> resp = new ArrayList<>(Arrays.asList("ok", "errors"));
            if (ver >= 5) resp.add("unknowntags");
            for (String kase : resp) {
                write("response-createtopics-" + v(ver) + "-" + kase + ".bin", encode(response(kase, ver), ver));
            }
        }
    }
}
