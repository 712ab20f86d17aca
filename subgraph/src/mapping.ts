// Every data source's entry point (they share one WASM module): the handlers live in one file per event family
// under mappings/.
export * from "./mappings/admin";
export * from "./mappings/providers";
export * from "./mappings/offers";
export * from "./mappings/leases";
export * from "./mappings/reserved";
export * from "./mappings/outages";
export * from "./mappings/attestations";
export * from "./mappings/eas";
export * from "./mappings/policy";
