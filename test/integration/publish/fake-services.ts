/**
 * Loopback stand-ins that speak the real routes: Mastodon's and Pixelfed's REST APIs, a Bluesky
 * PDS's XRPC methods and LinkedIn's REST API. They keep what they were sent, can fail a route on
 * demand, and can hold a route.
 */
export * from "./fake-bluesky.js";
export * from "./fake-linkedin.js";
export * from "./fake-mastodon.js";
export * from "./fake-pixelfed.js";
