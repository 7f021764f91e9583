import "server-only";
import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";

/** An account as the console and `GET /api/admin/users` show it (never its password hash or second factor secret). */
export interface AccountView {
  id: string;
  username: string;
  name: string;
  role: string;
  label: string;
  disabled: boolean;
  mustChangePassword: boolean;
  totp: boolean;
  createdAt: string;
}

export function accountView(user: User): AccountView {
  return {
    id: user.id,
    username: user.username,
    name: user.displayName,
    role: user.role,
    label: user.bylineLabel,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    totp: user.totpSecret !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Every account, by username (ACCOUNTS_MAX bounds how many there can be). */
export async function listAccounts(db: Db): Promise<AccountView[]> {
  const rows = await db.select().from(users).orderBy(asc(users.username));
  return rows.map(accountView);
}
