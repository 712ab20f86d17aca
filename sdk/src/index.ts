export * from "./pricing.ts";
export * from "./labels.ts";
export * from "./status.ts";
export * from "./errors.ts";
export * from "./accessKeys.ts";
export * from "./generated/abis.ts";
export * from "./generated/deployments.ts";
