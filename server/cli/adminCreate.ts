import "server-only";
import path from "node:path";
import { closeDatabase, openDatabase, type DatabaseTarget } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { withStartupLock } from "../../db/startupLock";
import { passwordProblem } from "../../newsroom/passwordRules";
import { accountCreator } from "../commands/accountCreator";
import { lockDataDir } from "../dataDir";
import { loadEnv, StartupError } from "../env";
import { usernameSchema } from "../http/accountRequestSchemas";
import { readSecret } from "./readSecret";

/**
 * `npm run admin:create -- <username> [--name 显示名]`: creates an admin account on whatever
 * database the environment names (DATABASE_URL, else the embedded one in DATA_DIR), so a
 * newsroom without the demo data (PostgreSQL, SEED_DEMO=0) gets its first account. The
 * password is typed (twice) at a terminal, or read from standard input.
 */
async function main(argv: string[]): Promise<void> {
  const nameAt = argv.indexOf("--name");
  const name = nameAt >= 0 ? (argv[nameAt + 1] ?? "").trim() : "系统管理员";
  const positional = argv.filter((arg, i) => !arg.startsWith("--") && (nameAt < 0 || i !== nameAt + 1));
  const username = usernameSchema.safeParse(positional[0] ?? "");
  if (!username.success) throw new StartupError(`usage: npm run admin:create -- <username> [--name 显示名]\n${username.error.issues[0]?.message ?? ""}`);
  if (!name || name.length > 50) throw new StartupError("--name needs 1–50 characters");

  const env = loadEnv(process.env);
  const password = await readSecret("新管理员的密码：");
  const problem = passwordProblem(password, username.data);
  if (problem) throw new StartupError(problem);
  if (process.stdin.isTTY && (await readSecret("再输入一次：")) !== password) throw new StartupError("两次输入的密码不一致");

  // The embedded database belongs to one process: a running server holds it (clear message).
  const release = env.DATABASE_URL ? () => {} : lockDataDir(env.dataDir);
  const target: DatabaseTarget = env.DATABASE_URL
    ? { kind: "postgres", url: env.DATABASE_URL }
    : { kind: "pglite", dataDir: path.join(env.dataDir, "pglite") };
  try {
    const db = await openDatabase(target);
    await withStartupLock(target, () => migrateDatabase(db, target));
    const result = await accountCreator(db, { actor: "system", username: username.data, name, role: "admin", password });
    if (!result.ok) throw new StartupError(result.message);
    console.log(`created admin ${result.user.username} (${result.user.displayName}); sign in and open /admin`);
  } finally {
    await closeDatabase();
    release();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    if (err instanceof StartupError) {
      const message = err.message.includes("in use by another workbench process")
        ? `${err.message}\nThe server is running on this data directory: stop it, run admin:create again, then start it; or let an admin add the account at /admin.`
        : err.message;
      console.error(`admin:create: ${message}`);
    } else console.error("admin:create failed:", err);
    process.exit(1);
  },
);
