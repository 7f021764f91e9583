import { COMMON_PASSWORDS } from "./commonPasswords";

/** Shortest password anyone may choose (NIST SP 800-63B asks at least 8; the newsroom asks 10). */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password taken: scrypt hashes any length, but a megabyte password is an attack. */
export const MAX_PASSWORD_LENGTH = 200;

/**
 * Why `password` may not be chosen for the account `username`, in words for the person, or
 * null when it may: long enough, not the username, not one of the most common passwords.
 * Composition rules (a digit, a capital…) are deliberately absent: length and a blocklist
 * stop the guesses that work, rules only make people write passwords down.
 */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`;
  if ([...password].length > MAX_PASSWORD_LENGTH) return `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符`;
  const lower = password.toLowerCase();
  const name = username.trim().toLowerCase();
  if (name && (lower === name || lower.includes(name))) return "密码不能包含用户名";
  if (COMMON_PASSWORDS.has(lower)) return "这个密码太常见，请换一个";
  if (new Set(password).size <= 2) return "这个密码太容易猜到，请换一个";
  return null;
}
