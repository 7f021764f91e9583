"use client";

import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from "y-indexeddb";
import * as Y from "yjs";
import { localCopyName } from "@/app/localCopies";

/** Whether this tab's edits are on the device too (shown while offline). */
export type LocalCopyState = "unavailable" | "storing" | "stored";

/**
 * How long the text must rest before this tab's changes are written to the device, and the
 * longest a change waits for that. y-indexeddb writes each update in its own IndexedDB
 * transaction inside the Y.Doc's update event, i.e. in the keystroke's own task, before the
 * socket sends it (typing page) and before the frame that paints a colleague's letter
 * (watching page): a few ms of each keystroke. Written later in one transaction instead, off
 * the keystroke's path; the page still says "storing" from the first change on, so nothing
 * is promised before it is on the device.
 */
const WRITE_QUIET_MS = 300;
const WRITE_MAX_WAIT_MS = 1000;

/**
 * This person's copy of the story in the browser (y-indexeddb's database and loading): every
 * change to the Y.Doc is written to IndexedDB (a few at a time, see WRITE_QUIET_MS), and what
 * an earlier tab left there (edits made offline, then the tab closed) is loaded into the doc
 * when the story opens; the socket then sends it like any edit.
 */
export class LocalCopy {
  private readonly name: string;
  private readonly persistence: IndexeddbPersistence;
  private readonly listeners = new Set<(state: LocalCopyState) => void>();
  private current: LocalCopyState = "storing";
  private closed = false;
  /** Changes not handed to IndexedDB yet, and the timers that will. */
  private unwritten: Uint8Array[] = [];
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private maxWaitTimer: ReturnType<typeof setTimeout> | null = null;
  /** Write transactions not complete yet. */
  private writesInFlight = 0;
  /**
   * Whether each change is written at once. While the socket is not connected the device holds
   * the only copy of what is typed: nothing waits then (a crash, or a page closed mid-wait,
   * would lose it). Connected, the server confirms within milliseconds and batching keeps the
   * write off the keystroke's path.
   */
  private writeAtOnce = true;
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
    // Its per-update write is replaced by the batched one below (its loading and trimming stay).
    doc.off("update", this.persistence._storeUpdate);
    void this.persistence.whenSynced.then(() => {
      if (this.closed) return;
      this.loadedVector = Y.decodeStateVector(Y.encodeStateVector(doc));
      // A sign-out in another tab deletes the copy: let go of it, so the deletion is not
      // blocked and this tab stops writing to a closing database.
      this.persistence.db?.addEventListener("versionchange", () => this.giveUp());
      this.set("stored");
      this.loaded();
    });
    doc.on("update", this.onUpdate);
    // The tab closing or going to the background: write now, while the page may still
    // (beforeunload first: the write is committed while the page still lives).
    window.addEventListener("beforeunload", this.write);
    window.addEventListener("pagehide", this.write);
    document.addEventListener("visibilitychange", this.writeIfHidden);
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

  /** Follows the socket: not connected, every change is written at once (see writeAtOnce). */
  setConnected(connected: boolean): void {
    this.writeAtOnce = !connected;
    if (this.writeAtOnce) this.write();
  }

  /**
   * Keeps a change for the next write. Before the database is open nothing is kept: loading
   * writes the whole document as it then is (y-indexeddb), these changes included.
   */
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (this.closed || !this.persistence.db || origin === this.persistence) return;
    this.unwritten.push(update);
    this.set("storing");
    if (this.writeAtOnce) return this.write();
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(this.write, WRITE_QUIET_MS);
    this.maxWaitTimer ??= setTimeout(this.write, WRITE_MAX_WAIT_MS);
  };

  private readonly writeIfHidden = () => {
    if (document.visibilityState === "hidden") this.write();
  };

  /** Writes the kept changes as one update in one transaction; "stored" once every write is complete. */
  private readonly write = () => {
    this.stopTimers();
    const db = this.persistence.db;
    if (this.closed || !db || this.unwritten.length === 0) return;
    const updates = this.unwritten;
    this.unwritten = [];
    this.writesInFlight++;
    try {
      const transaction = db.transaction(["updates"], "readwrite");
      transaction.objectStore("updates").add(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
      // Asks for the commit with the write itself: a page being torn down never hears back
      // from the add, and a transaction left waiting for that is dropped with the page.
      transaction.commit?.();
      transaction.oncomplete = () => {
        if (--this.writesInFlight === 0 && this.unwritten.length === 0 && !this.closed) this.set("stored");
      };
      transaction.onerror = transaction.onabort = () => this.giveUp();
    } catch {
      this.giveUp();
      return;
    }
    this.trimLater();
  };

  /**
   * y-indexeddb's own housekeeping, as its per-update write does it: past PREFERRED_TRIM_SIZE
   * rows, the rows are merged into one a moment after the writes stop.
   */
  private trimLater(): void {
    const persistence = this.persistence;
    if (++persistence._dbsize < PREFERRED_TRIM_SIZE) return;
    if (persistence._storeTimeoutId !== null) clearTimeout(persistence._storeTimeoutId);
    persistence._storeTimeoutId = setTimeout(() => {
      persistence._storeTimeoutId = null;
      void storeState(persistence, false);
    }, persistence._storeTimeout);
  }

  private stopTimers(): void {
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    if (this.maxWaitTimer !== null) clearTimeout(this.maxWaitTimer);
    this.quietTimer = this.maxWaitTimer = null;
  }

  private set(state: LocalCopyState): void {
    if (this.current === state) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  /** The database went away or failed: edits live in this page only from now on. */
  private giveUp(): void {
    this.loaded();
    if (this.closed) return;
    // No last write: the database is closing or failing (a sign-out deleting it).
    this.unwritten = [];
    this.stopFollowing();
    void this.persistence.destroy();
    this.set("unavailable");
  }

  /** Stops writing (the page leaves the story) once what is kept is written; the copy stays on the device. */
  close(): void {
    if (this.closed) return;
    this.write();
    this.stopFollowing();
    // Closing waits for the write just started (IndexedDB completes a closing database's transactions).
    void this.persistence.destroy();
  }

  /** Deletes the copy (the person chose to drop edits the server refused). */
  async clear(): Promise<void> {
    this.stopFollowing();
    this.unwritten = [];
    await this.persistence.destroy();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(this.name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }

  private stopFollowing(): void {
    this.closed = true;
    this.stopTimers();
    this.doc.off("update", this.onUpdate);
    window.removeEventListener("beforeunload", this.write);
    window.removeEventListener("pagehide", this.write);
    document.removeEventListener("visibilitychange", this.writeIfHidden);
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
