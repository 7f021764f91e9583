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
      setPeople([...byId.values()]);
    };
    awareness.on("change", read);
    read();
    return () => awareness.off("change", read);
  }, [session]);
  return people;
}
