"use client";

import { useEffect, useState } from "react";
import type { CollabSession } from "./useCollabSession";

export interface PresentUser {
  id: string;
  name: string;
  color: string;
}

/** Everyone with the story open (one entry per person, however many tabs), from awareness. */
export function usePresence(session: CollabSession | null): PresentUser[] {
  const [people, setPeople] = useState<PresentUser[]>([]);
  useEffect(() => {
    if (!session) return;
    const { awareness } = session.provider;
    const read = () => {
      const byId = new Map<string, PresentUser>();
      for (const state of awareness.getStates().values()) {
        const user = state?.user as Partial<PresentUser> | undefined;
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
