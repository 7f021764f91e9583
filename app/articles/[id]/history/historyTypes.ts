/** Shapes of the history API as the history page reads them. */
import type { Person } from "@/newsroom/person";

export interface RevisionItem {
  id: number;
  kind: string;
  kindName: string;
  name: string | null;
  createdAt: string;
  createdBy: Person | null;
  editors: (Person | undefined)[];
  charsAdded: number;
  charsRemoved: number;
  upToUpdateId: number;
  title: string;
}

export interface Span {
  kind: "same" | "ins" | "del";
  text: string;
  author: string | null;
}

export interface DiffResponse {
  title: Span[];
  blocks: { type: string; level?: number; status: string; spans: Span[] }[];
  authors: (Person & { inserted: number; deleted: number })[];
  people: Record<string, Person>;
}

export interface MomentResponse {
  index: number;
  total: number;
  at: string | null;
  by: Person | null;
  title: string;
  text: string;
  /** The body as the public page renders it (whitelisted HTML: headings, photos, lists). */
  html: string;
}
