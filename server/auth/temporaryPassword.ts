import "server-only";
import { randomInt } from "node:crypto";

/** No 0/O, 1/l/I: read aloud or copied from a screen without mistakes. */
const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const LENGTH = 14;

/** A random password an admin hands over; its owner must replace it at the next sign-in. */
export function temporaryPassword(): string {
  let out = "";
  for (let i = 0; i < LENGTH; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
