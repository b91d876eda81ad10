/**
 * Loopback stand-ins that speak the real routes: Mastodon's REST API and a Bluesky PDS's XRPC
 * methods. They keep what they were sent, can fail a route on demand, and can hold a route.
 */
export * from "./fake-bluesky.js";
export * from "./fake-mastodon.js";
