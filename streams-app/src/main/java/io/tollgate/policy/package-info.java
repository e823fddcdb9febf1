/**
 * Limits as data: policy files (YAML) and the Avro records of the {@code policies} and {@code accounts}
 * topics, validated with messages that name the field, and compiled into the engine's
 * {@link io.tollgate.limiter.rule.LimitPolicy}. Presets for every vendor limit in the seeds live in
 * {@code src/main/resources/presets}.
 */
package io.tollgate.policy;
