/**
 * The JSON shapes the shop's services exchange (records, bound by Jackson). Fields are never null
 * when a service sends them.
 */
package io.mse.examples.shop.api;
