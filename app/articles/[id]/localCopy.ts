"use client";

import { IndexeddbPersistence } from "y-indexeddb";
import * as Y from "yjs";
import { localCopyName } from "@/app/localCopies";

/** Whether this tab's edits are on the device too (shown while offline). */
export type LocalCopyState = "unavailable" | "storing" | "stored";

/**
 * This person's copy of the story in the browser (y-indexeddb): every change to the Y.Doc is
 * written to IndexedDB, and what an earlier tab left there (edits made offline, then the tab
 * closed) is loaded into the doc when the story opens; the socket then sends it like any edit.
 */
export class LocalCopy {
  private readonly name: string;
  private readonly persistence: IndexeddbPersistence;
  private readonly listeners = new Set<(state: LocalCopyState) => void>();
  private current: LocalCopyState = "storing";
  private closed = false;
  /** Changes written since the last check that they reached the disk. */
  private pendingWrites = 0;
  /**
   * What the device held when the story opened (set when it is loaded, then "stored" is
   * announced): the server has all of it only once its saved vector covers this, so the
   * status line's 已保存 waits for it too.
   */
  loadedVector = new Map<number, number>();

  /** Resolves once the device's copy is in the doc, or the browser refused to open it. */
  readonly whenLoaded: Promise<void>;
  private loaded: () => void = () => {};

  constructor(
    private readonly doc: Y.Doc,
    userId: string,
    articleId: string,
  ) {
    this.whenLoaded = new Promise((resolve) => (this.loaded = resolve));
    this.name = localCopyName(userId, articleId);
    this.persistence = new IndexeddbPersistence(this.name, doc);
    void this.persistence.whenSynced.then(() => {
      if (this.closed) return;
      this.loadedVector = Y.decodeStateVector(Y.encodeStateVector(doc));
      // A sign-out in another tab deletes the copy: let go of it, so the deletion is not
      // blocked and this tab stops writing to a closing database.
      this.persistence.db?.addEventListener("versionchange", () => this.giveUp());
      this.set("stored");
      this.loaded();
    });
    doc.on("update", this.afterUpdate);
  }

  get state(): LocalCopyState {
    return this.current;
  }

  subscribe(listener: (state: LocalCopyState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Runs after y-indexeddb queued its write of the same update (listeners run in order): a
   * read of the same store, started now, completes only after that write is on disk.
   */
  private readonly afterUpdate = (_update: Uint8Array, origin: unknown) => {
    const db = this.persistence.db;
    if (this.closed || !db || origin === this.persistence) return;
    this.pendingWrites++;
    this.set("storing");
    try {
      const check = db.transaction(["updates"], "readonly");
      check.objectStore("updates").count();
      check.oncomplete = () => {
        if (--this.pendingWrites === 0 && !this.closed) this.set("stored");
      };
      check.onerror = check.onabort = () => this.giveUp();
    } catch {
      this.giveUp();
    }
  };

  private set(state: LocalCopyState): void {
    if (this.current === state) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  /** The database went away or failed: edits live in this page only from now on. */
  private giveUp(): void {
    this.loaded();
    if (this.closed) return;
    this.close();
    this.set("unavailable");
  }

  /** Stops writing (the page leaves the story); the copy stays on the device. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.doc.off("update", this.afterUpdate);
    void this.persistence.destroy();
  }

  /** Deletes the copy (the person chose to drop edits the server refused). */
  async clear(): Promise<void> {
    this.closed = true;
    this.doc.off("update", this.afterUpdate);
    await this.persistence.destroy();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(this.name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
}

/** The story's local copy, or null where the browser has no IndexedDB (its edits live in the page). */
export function openLocalCopy(doc: Y.Doc, userId: string, articleId: string): LocalCopy | null {
  if (typeof indexedDB === "undefined") return null;
  try {
    return new LocalCopy(doc, userId, articleId);
  } catch {
    return null;
  }
}
