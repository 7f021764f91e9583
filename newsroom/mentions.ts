/** Someone a comment can @mention. */
export interface Mentionable {
  id: string;
  username: string;
  displayName: string;
}

/** Characters that end an @mention (whitespace and common half-/full-width punctuation). */
const MENTION = /@([^\s@,，。.:：;；!！?？、()（）]+)/g;

/**
 * The people a comment @mentions, by username (`@huhongye`) or display name (`@胡红叶`), each
 * once, in the order first mentioned. Unknown names are plain text.
 */
export function mentionedPeople(text: string, people: readonly Mentionable[]): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1];
    const person = people.find((p) => p.username === name || p.displayName === name);
    if (person && !found.includes(person.id)) found.push(person.id);
  }
  return found;
}
