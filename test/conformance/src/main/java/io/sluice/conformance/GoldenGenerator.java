package io.sluice.conformance;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes the golden files of Sluice's conformance test
 * (test/protocol/conformance_*_test.cpp): fixed inputs encoded by the Java
 * client's own generated message classes and MemoryRecordsBuilder.
 *
 * <p>Every input here is mirrored, case by case, in those tests (same
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
    private GoldenGenerator() {}

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
        GoldenWriter writer = new GoldenWriter(out);
        // The order of the MANIFEST: batches, headers, then each API.
        BatchGoldens batches = new BatchGoldens(writer);
        batches.writeBatches();
        HeaderGoldens headers = new HeaderGoldens(writer);
        headers.requestHeaders();
        headers.responseHeaders();
        ApiVersionsAndMetadataGoldens bootstrap = new ApiVersionsAndMetadataGoldens(writer);
        bootstrap.apiVersions();
        bootstrap.metadata();
        ProduceGoldens produce = new ProduceGoldens(writer, batches.written());
        produce.produce();
        produce.initProducerId();
        SaslGoldens sasl = new SaslGoldens(writer);
        sasl.saslHandshake();
        sasl.saslAuthenticate();
        new CreateTopicsGoldens(writer).createTopics();
        PartitionGolden.write(out);
        writer.writeManifest();
    }
}
