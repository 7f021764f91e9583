"use client";

import { useEffect, useState } from "react";
import type { Person } from "@/newsroom/person";
import type { CollabSession } from "./useCollabSession";

/** Everyone with the story open (one entry per person, however many tabs), from awareness. */
export function usePresence(session: CollabSession | null): Person[] {
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    if (!session) return;
    const { awareness } = session.provider;
    const read = () => {
      const byId = new Map<string, Person>();
      for (const state of awareness.getStates().values()) {
        const user = state?.user as Partial<Person> | undefined;
        if (user?.id && user.name) byId.set(user.id, { id: user.id, name: user.name, color: user.color ?? "#888" });
      }
      const next = [...byId.values()];
      // Awareness changes with every caret move; the list only when someone comes, goes or
      // changes name or colour. Keeping the same array spares a page re-render per keystroke.
      setPeople((current) => (samePeople(current, next) ? current : next));
    };
    awareness.on("change", read);
    read();
    return () => awareness.off("change", read);
  }, [session]);
  return people;
}

function samePeople(a: Person[], b: Person[]): boolean {
  return a.length === b.length && a.every((p, i) => p.id === b[i].id && p.name === b[i].name && p.color === b[i].color);
}
