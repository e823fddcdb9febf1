package io.tollgate.activity;

/** The ways usage today can be broken down, as {@code /accounts/{id}/usage/today?by=} names them. */
public enum Dimension {
    USER, INTEGRATION, ENTITY, METHOD, VERSION;

    public String param() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dimension a query parameter names, or null. */
    public static Dimension fromParam(String value) {
        for (Dimension d : values()) {
            if (d.param().equals(value)) {
                return d;
            }
        }
        return null;
    }
}
