package io.tollgate.schemas.registry;

/** Where the in-process registry writes each change before it takes effect; a failure refuses the change. */
interface RegistryLog {

    /** Keeps nothing: the registry lives as long as its JVM. */
    RegistryLog NONE = new RegistryLog() {
        @Override
        public void schema(String subject, int version, int id, String schema, boolean deleted) {
        }

        @Override
        public void level(String subject, CompatibilityLevel level) {
        }
    };

    void schema(String subject, int version, int id, String schema, boolean deleted);

    /** {@code subject} null for the global level; {@code level} null removes a subject's own level. */
    void level(String subject, CompatibilityLevel level);
}
