// Beats: label schemes, splits, beat windows, RR features, class balancing and the beat dataset builder.
export * from "./atrial.js";
export * from "./balance.js";
export * from "./dataset.js";
export * from "./fnv1a.js";
export * from "./labels.js";
export * from "./lead-twin.js";
export * from "./prefix-rr.js";
export * from "./qrs-match.js";
export * from "./record-beats.js";
export * from "./rng.js";
export * from "./rr.js";
export * from "./running-template.js";
export * from "./source.js";
export * from "./split.js";
export * from "./template.js";
export * from "./window.js";
export * from "./wfdb-source.js";
