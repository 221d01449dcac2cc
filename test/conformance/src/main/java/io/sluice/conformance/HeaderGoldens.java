package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.encode;
import static io.sluice.conformance.GoldenWriter.v;

import java.io.IOException;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;

/** Request and response headers, alone, for every API and version Sluice supports. */
final class HeaderGoldens extends GoldenGroup {

    HeaderGoldens(GoldenWriter writer) {
        super(writer);
    }

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
        new Api("createtopics", ApiKeys.CREATE_TOPICS, CREATE_TOPICS_MIN, CREATE_TOPICS_MAX),
    };

    static int correlationId(ApiKeys key, short version) {
        return 0x5A000000 | (key.id << 8) | version;
    }

    void requestHeaders() throws IOException {
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

    void responseHeaders() throws IOException {
        for (Api api : APIS) {
            for (short ver = api.min; ver <= api.max; ver++) {
                short hv = api.key.responseHeaderVersion(ver);
                write("response-header-" + api.name + "-" + v(ver) + ".bin",
                        encode(new ResponseHeaderData().setCorrelationId(correlationId(api.key, ver)), hv));
            }
        }
    }
}
