package org.rnn4j.importers;

/**
 * Checks that an optional library of rnn4j-api (declared {@code <optional>true</optional>}) is on the class path
 * before an importer touches it, so its absence is a clear message rather than a {@link NoClassDefFoundError}.
 * Stateless.
 */
final class OptionalDependency {
    static final OptionalDependency GSON = new OptionalDependency("com.google.gson.JsonParser", "com.google.code.gson", "gson",
            "reading safetensors headers");
    static final OptionalDependency JHDF = new OptionalDependency("io.jhdf.HdfFile", "io.jhdf", "jhdf",
            "reading Keras HDF5 weight files");

    private final String probeClass;
    private final String groupId;
    private final String artifactId;
    private final String purpose;

    OptionalDependency(String probeClass, String groupId, String artifactId, String purpose) {
        this.probeClass = probeClass;
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.purpose = purpose;
    }

    /** @throws IllegalStateException naming the Maven coordinates to add when the library is missing */
    void require() {
        try {
            Class.forName(probeClass, false, OptionalDependency.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(groupId + ":" + artifactId + " is needed for " + purpose
                    + " but is not on the class path (rnn4j-api declares it optional): add the dependency <groupId>"
                    + groupId + "</groupId><artifactId>" + artifactId + "</artifactId>; with rnn4j-bom imported, leave the"
                    + " version out and get the one rnn4j was built with", e);
        }
    }
}
