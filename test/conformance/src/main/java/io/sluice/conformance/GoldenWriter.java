package io.sluice.conformance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Writes golden files into one directory and lists each, in the order
 * written, in its MANIFEST; and the encoding helpers every golden uses.
 */
final class GoldenWriter {
    private final Path out;
    private final List<String> manifest = new ArrayList<>();

    GoldenWriter(Path out) {
        this.out = out;
    }

    void write(String name, byte[] data) throws IOException {
        Files.write(out.resolve(name), data);
        manifest.add(name + " " + data.length);
    }

    void writeManifest() throws IOException {
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
}
