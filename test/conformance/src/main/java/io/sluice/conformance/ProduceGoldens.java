package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.encode;
import static io.sluice.conformance.GoldenWriter.v;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce and InitProducerId requests and responses, at every version. The
 * Produce requests carry the batches that {@link BatchGoldens} wrote.
 */
final class ProduceGoldens extends GoldenGroup {
    private final Map<String, byte[]> batches;

    ProduceGoldens(GoldenWriter writer, Map<String, byte[]> batches) {
        super(writer);
        this.batches = batches;
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

    void produce() throws IOException {
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

    void initProducerId() throws IOException {
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
}
