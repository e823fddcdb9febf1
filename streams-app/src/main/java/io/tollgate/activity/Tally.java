package io.tollgate.activity;

/** Calls and the units they cost (tokens where the policy counts tokens, else calls). */
public record Tally(long calls, long units) {

    public static final Tally ZERO = new Tally(0, 0);

    public Tally plus(long units) {
        return new Tally(calls + 1, this.units + units);
    }
}
