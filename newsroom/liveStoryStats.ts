import * as Y from "yjs";
import type { XmlNode } from "./storyBlocks";
import { addStats, blockStats, NO_STATS, type StoryStats } from "./storyStats";

/**
 * The statistics of a live story body, counted again only where it changed: each top-level
 * block's counts are kept until a change inside it (anyone's: typed here, a colleague's, undo,
 * a sync) drops them, so a keystroke costs one paragraph's count, not the whole story's. The
 * totals are always those `storyStats` would give for the body as it is now.
 */
export class LiveStoryStats {
  private readonly byBlock = new WeakMap<object, StoryStats>();

  constructor(private readonly body: Y.XmlFragment) {
    body.observeDeep(this.forgetChanged);
  }

  /** The counts of the body now. */
  current(): StoryStats {
    let total = NO_STATS;
    for (const block of this.body.toArray()) {
      let stats = this.byBlock.get(block);
      if (!stats) this.byBlock.set(block, (stats = blockStats(block as XmlNode)));
      total = addStats(total, stats);
    }
    return total;
  }

  /** Stops following the body. */
  close(): void {
    this.body.unobserveDeep(this.forgetChanged);
  }

  /**
   * A change anywhere below a block drops that block's counts. Blocks added or removed change
   * the body itself: added ones are counted when next asked, removed ones are not asked about.
   */
  private readonly forgetChanged = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    for (const event of events) {
      let node: object | null = event.target;
      while (node instanceof Y.AbstractType && node.parent !== this.body) node = node.parent;
      if (node instanceof Y.AbstractType) this.byBlock.delete(node);
    }
  };
}
