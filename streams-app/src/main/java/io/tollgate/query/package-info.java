/**
 * Interactive queries: what an account's counters, day, log and queue hold, read from the instance that
 * owns the account's partition (IQv2, active replicas only), and forwarded there when another instance is
 * asked. No answer is ever made up: while ownership moves, the answer is "unavailable, retry".
 */
package io.tollgate.query;
