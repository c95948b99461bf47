/**
 * The Nacos engine: a Nacos-compatible server reached over its HTTP open API.
 * Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.nacos;
