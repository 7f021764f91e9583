import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** Any fixed number: every process takes the same transaction-scoped advisory lock. */
const ACCOUNTS_LOCK_KEY = 7_260_533;

/**
 * Serialises account changes (in every process): two admins demoting each other at once must
 * not both see "another admin is left". Taken first inside the change's transaction.
 */
export async function lockAccounts(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNTS_LOCK_KEY})`);
}
