export * from "./pricing.ts";
export * from "./labels.ts";
