"use client";

import type { Node as PmNode } from "@tiptap/pm/model";
import { Plugin, type PluginKey } from "@tiptap/pm/state";
import type { DecorationSet } from "@tiptap/pm/view";

/**
 * An editor plugin whose decorations are drawn afresh from the whole document by `build`:
 * whenever the document changes, and when the page says what they depend on outside it
 * changed (a transaction with a meta on `key`: authors known, a thread picked).
 */
export function rebuiltDecorationsPlugin(key: PluginKey<DecorationSet>, build: (doc: PmNode) => DecorationSet): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key,
    state: {
      init: (_config, state) => build(state.doc),
      apply: (tr, old, _oldState, newState) => (tr.docChanged || tr.getMeta(key) ? build(newState.doc) : old),
    },
    props: { decorations: (state) => key.getState(state) },
  });
}
