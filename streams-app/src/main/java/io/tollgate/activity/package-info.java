/**
 * What each account did today, as its users look at it: usage by user, integration, entity, method and
 * API version in the account's day, and its last calls. Pure Java, written by the topology as results and
 * rejections arrive, read by the REST layer through interactive queries.
 */
package io.tollgate.activity;
