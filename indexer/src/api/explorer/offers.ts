/**
 * `GET /explorer/offers`: offers filtered by GPU model, region or provider, newest first (by offer id) or by price
 * (then offer id), paged by keyset on (sort column, offer id).
 */
import { sql } from "ponder";
import { offer } from "ponder:schema";
import {
  checkNames,
  encodeCursor,
  parseAddress,
  parseChoice,
  parseCursor,
  parseLabel,
  parseLimit,
  type Query,
} from "./params.ts";
import { allOf, pageOf, rows, type SQL } from "./query.ts";
import type { OfferListRow } from "@gridlease/sdk/indexer/explorer-rows";

const ORDERS = ["newest", "price", "priceDesc"] as const;

const COLUMNS = sql`${offer.id} AS "id", ${offer.provider} AS "provider", ${offer.paymentToken} AS "paymentToken",
  ${offer.gpuModel} AS "gpuModel", ${offer.region} AS "region", ${offer.gpusPerUnit}::text AS "gpusPerUnit",
  ${offer.totalUnits}::text AS "totalUnits", ${offer.unitsInUse}::text AS "unitsInUse",
  ${offer.pricePerGpuHour}::text AS "pricePerGpuHour", ${offer.minDuration}::text AS "minDuration",
  ${offer.maxDuration}::text AS "maxDuration", ${offer.paused} AS "paused", ${offer.leaseCount} AS "leaseCount",
  ${offer.attestation} AS "attestation", ${offer.createdAt}::text AS "createdAt"`;

/** One page of offers. */
export async function offerPage(q: Query) {
  checkNames(q, ["gpuModel", "region", "provider", "order", "limit", "after"]);
  const gpuModel = parseLabel(q, "gpuModel", 32);
  const region = parseLabel(q, "region", 8);
  const providerId = parseAddress(q, "provider");
  const order = parseChoice(q, "order", ORDERS, "newest")!;
  const limit = parseLimit(q);

  const conds: SQL[] = [];
  if (gpuModel !== undefined) conds.push(sql`${offer.gpuModel} = ${gpuModel}`);
  if (region !== undefined) conds.push(sql`${offer.region} = ${region}`);
  if (providerId !== undefined) conds.push(sql`${offer.provider} = ${providerId}`);

  let orderBy: SQL;
  let cursorOf: (row: OfferListRow) => string;
  if (order === "newest") {
    const after = parseCursor(q, order, ["uint"]);
    if (after) conds.push(sql`${offer.offerId} < ${after[0]}`);
    orderBy = sql`${offer.offerId} DESC`;
    cursorOf = (row) => encodeCursor(order, [row.id]);
  } else {
    const after = parseCursor(q, order, ["uint", "uint"]);
    const desc = order === "priceDesc";
    // A row-value comparison: PostgreSQL turns it into one index condition on (price, offer id).
    if (after)
      conds.push(
        desc
          ? sql`(${offer.pricePerGpuHour}, ${offer.offerId}) < (${after[0]}, ${after[1]})`
          : sql`(${offer.pricePerGpuHour}, ${offer.offerId}) > (${after[0]}, ${after[1]})`,
      );
    const dir = sql.raw(desc ? "DESC" : "ASC");
    orderBy = sql`${offer.pricePerGpuHour} ${dir}, ${offer.offerId} ${dir}`;
    cursorOf = (row) => encodeCursor(order, [row.pricePerGpuHour, row.id]);
  }
  const fetched = await rows<OfferListRow>(
    sql`SELECT ${COLUMNS} FROM ${offer} WHERE ${allOf(conds)} ORDER BY ${orderBy} LIMIT ${limit + 1}`,
  );
  return pageOf(fetched, limit, cursorOf);
}
