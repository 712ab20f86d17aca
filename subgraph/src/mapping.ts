// The data source's single entry point: the handlers live in one file per event family under mappings/.
export * from "./mappings/admin";
export * from "./mappings/providers";
export * from "./mappings/offers";
export * from "./mappings/leases";
export * from "./mappings/outages";
export * from "./mappings/attestations";
