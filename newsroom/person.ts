import { userColor } from "./userColor";

/** Someone as the pages show them: presence, authorship, history, the editor's cursor. */
export interface Person {
  id: string;
  name: string;
  /** The person's highlight colour (`userColor`). */
  color: string;
}

/** The person an account is shown as. */
export function personOf(account: { id: string; displayName: string; colorIndex: number }): Person {
  return { id: account.id, name: account.displayName, color: userColor(account.colorIndex) };
}
