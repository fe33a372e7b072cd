export * from "./client";
export * from "./deployment";
export * from "./errors";
export * from "./format";
export * from "./location";
export * from "./params";
export * from "./rides-store";
export * from "./verify";
