package io.tollgate.config;

/** A configuration value that cannot be used; the message names the key and where it came from. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
