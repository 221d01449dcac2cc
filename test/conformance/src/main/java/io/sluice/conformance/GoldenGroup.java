package io.sluice.conformance;

import java.io.IOException;

/** A group of golden files, all written through one {@link GoldenWriter} (so all in its MANIFEST). */
abstract class GoldenGroup {
    private final GoldenWriter writer;

    GoldenGroup(GoldenWriter writer) {
        this.writer = writer;
    }

    /** Writes one golden file and lists it in the MANIFEST. */
    final void write(String name, byte[] data) throws IOException {
        writer.write(name, data);
    }
}
