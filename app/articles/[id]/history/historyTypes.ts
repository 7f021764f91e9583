/** Shapes of the history API as the history page reads them. */
export interface PersonRef {
  id: string;
  name: string;
  color: string;
}

export interface RevisionItem {
  id: number;
  kind: string;
  kindName: string;
  name: string | null;
  createdAt: string;
  createdBy: PersonRef | null;
  editors: (PersonRef | undefined)[];
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
  authors: (PersonRef & { inserted: number; deleted: number })[];
  people: Record<string, PersonRef>;
}

export interface MomentResponse {
  index: number;
  total: number;
  at: string | null;
  by: PersonRef | null;
  title: string;
  text: string;
}
