package io.sluice.conformance;

import org.apache.kafka.common.Uuid;

/**
 * The fixed inputs the goldens share, and the version range of each API.
 * Mirrored in test/protocol/conformance_golden.hpp: change both together.
 */
final class GoldenInputs {
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
    static final short CREATE_TOPICS_MIN = 2, CREATE_TOPICS_MAX = 7;
    static final int SASL_BINARY_TOKEN_SIZE = 300;

    private GoldenInputs() {}
}
