package io.sluice.conformance;

import static io.sluice.conformance.GoldenInputs.*;
import static io.sluice.conformance.GoldenWriter.encode;
import static io.sluice.conformance.GoldenWriter.utf8;
import static io.sluice.conformance.GoldenWriter.v;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/** SaslHandshake and SaslAuthenticate requests and responses, at every version. */
final class SaslGoldens extends GoldenGroup {

    SaslGoldens(GoldenWriter writer) {
        super(writer);
    }

    // ---- SaslHandshake ----

    void saslHandshake() throws IOException {
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

    void saslAuthenticate() throws IOException {
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
