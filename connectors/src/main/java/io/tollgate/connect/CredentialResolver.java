package io.tollgate.connect;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves credential references (what events carry) to secrets (what the vendor needs) through a
 * Kafka Connect {@link ConfigProvider}. Secrets stay in memory for a while so that rotation is picked
 * up; they are never logged, and errors name the reference, never the value.
 */
final class CredentialResolver implements AutoCloseable {

    static final String ENV_PREFIX = "TOLLGATE_CREDENTIAL_";

    private record Cached(String secret, long expiresAtMs) {
    }

    private final ConfigProvider provider;
    private final String path;
    private final boolean envKeys;
    private final long cacheMs;
    private final LongSupplier clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    CredentialResolver(ConfigProvider provider, String path, String keyFormat, long cacheMs, LongSupplier clock) {
        this.provider = provider;
        this.path = path;
        this.envKeys = "env".equals(keyFormat);
        this.cacheMs = cacheMs;
        this.clock = clock;
    }

    /** The secret for {@code reference}; throws {@link UnknownCredentialException} if the provider has none. */
    String resolve(String reference) {
        long now = clock.getAsLong();
        Cached cached = cache.get(reference);
        if (cached != null && cached.expiresAtMs() > now) {
            return cached.secret();
        }
        String key = keyOf(reference);
        ConfigData data = provider.get(path, Set.of(key));
        String secret = data.data().get(key);
        if (secret == null || secret.isBlank()) {
            throw new UnknownCredentialException("credential reference '" + reference + "' is not known to the credential provider (key '"
                    + key + "')");
        }
        cache.put(reference, new Cached(secret, now + cacheMs));
        return secret;
    }

    String keyOf(String reference) {
        if (!envKeys) {
            return reference;
        }
        return ENV_PREFIX + reference.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public void close() throws IOException {
        cache.clear();
        provider.close();
    }

    /** A reference with no secret behind it: the call is not sent. */
    static final class UnknownCredentialException extends RuntimeException {
        UnknownCredentialException(String message) {
            super(message);
        }
    }
}
